import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The npm spec a scaffold depends on mlctl by, unless --mlctl-package says otherwise: the mlctl that
 * runs `mlctl init`, so `npm install` there installs what the user has (mlctl may not be on any
 * registry, and a package of that name published by someone else must never be picked up by chance).
 *
 * - installed from a registry (its lockfile entry resolves to http(s)://…) → `^<version>`;
 * - installed from a tarball → `file:` that tarball;
 * - anything else — a checkout of the repository, `npm link`, a directory dependency → `file:` that
 *   directory.
 *
 * Paths are written relative to the new project, as npm writes `file:` specs itself.
 */
export async function defaultMlctlSpec(
  packageRoot: string,
  projectDir: string,
  version: string,
): Promise<string> {
  const root = await realpath(packageRoot).catch(() => resolve(packageRoot));
  const resolved = await lockfileResolution(root);
  if (resolved !== undefined && /^https?:\/\//.test(resolved)) return `^${version}`;
  const target = resolved?.startsWith('file:')
    ? resolve(treeRoot(root) as string, resolved.slice('file:'.length))
    : root;
  return `file:${specPath(projectDir, target)}`;
}

/** Where the package is installed from, by the lockfile of the tree whose node_modules holds it. */
async function lockfileResolution(root: string): Promise<string | undefined> {
  const tree = treeRoot(root);
  if (tree === undefined) return undefined;
  const key = relative(tree, root).split(sep).join('/');
  // npm keeps the tree's state in node_modules/.package-lock.json (global installs too), and the
  // project's package-lock.json when there is one.
  for (const lockfile of [
    resolve(tree, 'node_modules', '.package-lock.json'),
    resolve(tree, 'package-lock.json'),
  ]) {
    const text = await readFile(lockfile, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      const entry = (JSON.parse(text) as { packages?: Record<string, { resolved?: unknown }> }).packages?.[
        key
      ];
      if (typeof entry?.resolved === 'string') return entry.resolved;
    } catch {
      // A damaged lockfile says nothing about where mlctl came from.
    }
  }
  return undefined;
}

/** The directory whose node_modules/ holds the package (…/node_modules/mlctl, …/node_modules/@s/mlctl). */
function treeRoot(root: string): string | undefined {
  let dir = dirname(root);
  if (basename(dir).startsWith('@')) dir = dirname(dir);
  return basename(dir) === 'node_modules' ? dirname(dir) : undefined;
}

function specPath(projectDir: string, target: string): string {
  const rel = relative(resolve(projectDir), target).split(sep).join('/');
  if (rel === '' || isAbsolute(rel)) return target.split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * The scaffold's package.json#allowScripts key that approves mlctl's own `prepare` (the build npm runs
 * when it installs mlctl from git), so npm 11 does not warn about it: registry packages match by name,
 * other dependencies by exactly the spec they resolve to. npm 11.19 resolves a `file:` tarball to its
 * absolute path before matching, so that key is absolute (a relative one never matches); a directory
 * (a link) matches as written.
 */
export function allowScriptsKey(spec: string, projectDir: string): string {
  if (/^([~^<>=]*\d|latest$|next$|\*$)/.test(spec)) return 'mlctl';
  if (spec.startsWith('file:') && /\.(tgz|tar\.gz|tar)$/.test(spec)) {
    return `file:${resolve(projectDir, spec.slice('file:'.length)).split(sep).join('/')}`;
  }
  return spec;
}
