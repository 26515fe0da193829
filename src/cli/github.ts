import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { escapeAnnotationData, escapeAnnotationProperty, toWorkspacePath } from '../format/github-format';

/** GitHub Actions integration: active only when GITHUB_ACTIONS=true. */
export interface GithubActions {
  readonly enabled: boolean;
  /** Appends `name=value` pairs to $GITHUB_OUTPUT. */
  setOutputs(values: Record<string, string | number | boolean>): void;
  /** Appends Markdown to $GITHUB_STEP_SUMMARY. */
  appendSummary(markdown: string): void;
  /** An `::error` workflow command, written to stderr so stdout stays a clean document. */
  error(message: string, location?: { file: string; line?: number }, title?: string): void;
}

export function createGithubActions(
  env: NodeJS.ProcessEnv,
  stderr: NodeJS.WritableStream,
  cwd: string,
): GithubActions {
  const enabled = env.GITHUB_ACTIONS === 'true';
  const workspace = env.GITHUB_WORKSPACE ?? cwd;
  return {
    enabled,
    setOutputs(values) {
      const file = env.GITHUB_OUTPUT;
      if (!enabled || !file) return;
      const lines = Object.entries(values).map(([name, value]) => {
        const text = String(value);
        if (!/[\r\n]/.test(text)) return `${name}=${text}\n`;
        const delimiter = `mlctl_${randomBytes(8).toString('hex')}`;
        return `${name}<<${delimiter}\n${text}\n${delimiter}\n`;
      });
      appendFileSync(file, lines.join(''));
    },
    appendSummary(markdown) {
      const file = env.GITHUB_STEP_SUMMARY;
      if (enabled && file) appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
    },
    error(message, location, title) {
      if (!enabled) return;
      const props: string[] = [];
      if (location) props.push(`file=${escapeAnnotationProperty(toWorkspacePath(location.file, workspace))}`);
      if (location?.line !== undefined) props.push(`line=${location.line}`);
      if (title) props.push(`title=${escapeAnnotationProperty(title)}`);
      stderr.write(`::error${props.length ? ` ${props.join(',')}` : ''}::${escapeAnnotationData(message)}\n`);
    },
  };
}
