import nodePath from 'node:path';

/** Workflow command escaping (actions/toolkit `command.ts`): data escapes %, CR, LF. */
export function escapeAnnotationData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Properties additionally escape `:` and `,`, which separate them. */
export function escapeAnnotationProperty(text: string): string {
  return escapeAnnotationData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * The path GitHub wants in an annotation: relative to the workspace, with forward slashes, whatever
 * the runner's OS. `path` is injectable so Windows behaviour is tested on any machine.
 */
export function toWorkspacePath(file: string, workspace: string, path: typeof nodePath = nodePath): string {
  const absolute = path.resolve(workspace, file);
  const relative = path.relative(workspace, absolute);
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return (inside ? relative : absolute).split(path.sep).join('/');
}
