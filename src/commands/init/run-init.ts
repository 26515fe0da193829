import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { MlctlError, fromFsError } from '../../errors';
import { writeFileAtomic } from '../../io/fs-atomic';
import { allowScriptsKey, defaultMlctlSpec } from './mlctl-source';

/**
 * `mlctl init`: scaffolds a service repository from the files shipped with mlctl — templates/service/,
 * the Windows wrappers of bin/, and the example dataset of data/processed/ — with a few names filled in.
 * Planning (what would be written, what exists) is apart from writing, so a refusal writes nothing.
 */
export interface InitOptions {
  dir: string;
  force: boolean;
  modelName: string;
  serviceName?: string;
  image: string;
  /** npm spec of the mlctl dependency (default: the mlctl that runs init, see defaultMlctlSpec). */
  mlctlPackage?: string;
  /** The running mlctl's version: the image tag the scaffold pins (and `^version` from a registry). */
  version: string;
  /** The Node.js the scaffold brings as a devDependency (mlctl's own pinned `node`). */
  nodeVersion: string;
}

export interface InitDeps {
  cwd: string;
  /** Root of the mlctl package (holds templates/, bin/, data/processed/). */
  packageRoot: string;
}

export interface PlannedFile {
  /** Path inside the target directory, with forward slashes. */
  path: string;
  content: Buffer;
  exists: boolean;
}

export interface InitResult {
  dir: string;
  files: Array<{ path: string; action: 'created' | 'overwritten' }>;
  /** The npm spec the scaffold's package.json depends on mlctl by. */
  mlctlPackage: string;
}

/** Files copied from the package as they are, beside the templates: target path → package path. */
const COPIED: ReadonlyArray<readonly [string, string]> = [
  ['bin/mlctl.ps1', 'bin/mlctl.ps1'],
  ['bin/mlctl.cmd', 'bin/mlctl.cmd'],
  ['data/processed/iris.csv', 'data/processed/iris.csv'],
  ['data/processed/iris.schema.json', 'data/processed/iris.schema.json'],
];

const TEXT_TEMPLATE = /\.(ya?ml|json|md)$|(^|\/)_git\w+$/;
const NAME = /^[a-z0-9][a-z0-9._-]*$/;

export async function planInit(options: InitOptions, deps: InitDeps): Promise<PlannedFile[]> {
  const dir = resolve(deps.cwd, options.dir);
  const serviceName =
    options.serviceName ??
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-');
  const problems: string[] = [];
  if (!NAME.test(serviceName))
    problems.push(`--service-name: "${serviceName}" is not a valid npm package name (a-z, 0-9, . _ -)`);
  if (/[/:@\s]/.test(options.modelName) || options.modelName === '')
    problems.push(
      `--model-name: "${options.modelName}" cannot be a registered model name (no / : @ or spaces)`,
    );
  if (problems.length) throw new MlctlError('USAGE', 'mlctl init cannot use these names', { problems });

  const tokens: Record<string, string> = {
    __SERVICE_NAME__: serviceName,
    __MODEL_NAME__: options.modelName,
    __IMAGE__: options.image,
    __MLCTL_VERSION__: options.version,
    __MLCTL_PACKAGE__:
      options.mlctlPackage ?? (await defaultMlctlSpec(deps.packageRoot, dir, options.version)),
    __NODE_VERSION__: options.nodeVersion,
  };
  tokens.__MLCTL_SCRIPTS_KEY__ = allowScriptsKey(tokens.__MLCTL_PACKAGE__ as string, dir);
  const templates = join(deps.packageRoot, 'templates', 'service');
  const sources: Array<{ path: string; from: string; render: boolean }> = [];
  for (const rel of await listFiles(templates)) {
    // npm drops .gitignore from packages and some tools hide dot-directories: templates spell a leading
    // dot as "_" (_github/, _gitignore).
    const path = rel.replace(/(^|\/)_/g, '$1.');
    sources.push({ path, from: join(templates, ...rel.split('/')), render: TEXT_TEMPLATE.test(rel) });
  }
  for (const [path, from] of COPIED)
    sources.push({ path, from: join(deps.packageRoot, ...from.split('/')), render: false });

  return Promise.all(
    sources.map(async ({ path, from, render }) => {
      let content = await readFile(from).catch((err: unknown) => {
        throw fromFsError(err, 'mlctl init template', from);
      });
      if (render) {
        let text = content.toString('utf8');
        for (const [token, value] of Object.entries(tokens)) text = text.split(token).join(value);
        content = Buffer.from(text, 'utf8');
      }
      return { path, content, exists: await isFile(join(dir, ...path.split('/'))) };
    }),
  );
}

export async function runInit(options: InitOptions, deps: InitDeps): Promise<InitResult> {
  const dir = resolve(deps.cwd, options.dir);
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory())
    throw new MlctlError('OUTPUT_CONFLICT', `${options.dir} exists and is not a directory`);
  const mlctlPackage =
    options.mlctlPackage ?? (await defaultMlctlSpec(deps.packageRoot, dir, options.version));
  const plan = await planInit({ ...options, mlctlPackage }, deps);
  const clashes = plan.filter((f) => f.exists).map((f) => f.path);
  if (clashes.length && !options.force) {
    throw new MlctlError(
      'OUTPUT_CONFLICT',
      `mlctl init would overwrite ${clashes.length} existing file(s) in ${dir}`,
      {
        problems: clashes,
        hint: 'Nothing was written. Move them away, pick another directory, or run again with --force to overwrite them.',
      },
    );
  }
  // Every file is written whole (temp file + rename): an interrupted init leaves no half-written file.
  for (const file of plan) await writeFileAtomic(join(dir, ...file.path.split('/')), file.content);
  return {
    dir,
    files: plan.map((f) => ({ path: f.path, action: f.exists ? 'overwritten' : 'created' })),
    mlctlPackage,
  };
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true }).catch((err: unknown) => {
    throw fromFsError(err, 'mlctl init templates', root);
  });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(root, rel)));
    else if (entry.isFile()) files.push(rel);
  }
  return files;
}

async function isFile(path: string): Promise<boolean> {
  const s = await stat(path).catch(() => undefined);
  return s !== undefined && !s.isDirectory();
}
