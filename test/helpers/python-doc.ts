import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { MLCTL_BIN, REPO_ROOT } from './cli';
import { copyCheckout, spawnGroup } from './fresh-clone';
import { freePort } from './prometheus';
import { missingLines, readmeBlocks } from './readme';
import { uniqueName } from './registry-contract';

/** A code block of docs/PYTHON.md, named by the `<!-- python-doc: NAME -->` line before it. */
export interface DocBlock {
  name: string;
  lang: string;
  body: string;
}

const MARK = /^<!-- python-doc: (.+) -->$/;

/** The named blocks of a Markdown page (`skip (why)` blocks are listed under the name `skip`). */
export function docBlocks(path: string): Map<string, DocBlock> {
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks = new Map<string, DocBlock>();
  lines.forEach((line, i) => {
    const name = MARK.exec(line)?.[1];
    if (name === undefined) return;
    let open = i + 1;
    while (lines[open]?.trim() === '') open++;
    const lang = /^```(\w+)$/.exec(lines[open] ?? '')?.[1];
    const close = lines.indexOf('```', open + 1);
    if (!lang || close < 0) throw new Error(`${path}:${i + 1}: ${name} is not followed by a code block`);
    blocks.set(name.startsWith('skip') ? 'skip' : name, {
      name,
      lang,
      body: lines.slice(open + 1, close).join('\n'),
    });
  });
  return blocks;
}

/** What one command of a shell block did: its exit code, and the shown output lines it did not print. */
export interface CommandResult {
  command: string;
  rc: number | undefined;
  missing: string[];
}

/**
 * Runs a shell block in bash in `repo`, command by command (`npx mlctl` is the built CLI), each with the
 * replacements applied; background servers (`&`) log to files and are stopped at the end.
 */
export async function runShellBlock(
  block: DocBlock,
  options: { repo: string; env: NodeJS.ProcessEnv; replace?: (text: string) => string },
): Promise<{ results: CommandResult[]; stderr: string }> {
  const commands = (readmeBlocks(`\`\`\`sh\n${block.body}\n\`\`\``)[0]?.commands ?? []).map((c) => ({
    ...c,
    text: options.replace ? options.replace(c.text) : c.text,
  }));
  const lines = [
    `npx() { if [ "$1" = mlctl ]; then shift; node ${JSON.stringify(MLCTL_BIN)} "$@"; else command npx "$@"; fi; }`,
  ];
  commands.forEach((c, index) => {
    const text = c.text.endsWith('&')
      ? `${c.text.slice(0, -1).trimEnd()} > background-${index}.log 2>&1 &`
      : c.text;
    lines.push(text, `rc=$?; printf '\\n@@doc %d %d\\n' ${index} $rc; (exit $rc)`);
  });
  const run = spawnGroup('bash', ['-c', lines.join('\n')], { cwd: options.repo, env: options.env });
  await run.exited;
  run.stop();
  const parts = run.out().split(/\n@@doc (\d+) (\d+)\n/);
  const done = new Map<number, { output: string; rc: number }>();
  for (let i = 1; i < parts.length; i += 3)
    done.set(Number(parts[i]), { output: parts[i - 1] ?? '', rc: Number(parts[i + 1]) });
  const results = commands.map((c, index) => ({
    command: c.text,
    rc: done.get(index)?.rc,
    missing: missingLines(done.get(index)?.output ?? '', c.expected),
  }));
  return { results, stderr: run.err() };
}

/** Writes a Python block to `cwd/<its name>`; its lines `# …` (comments at the start) are its shown output. */
export function writePythonBlock(
  block: DocBlock,
  cwd: string,
  replace: (text: string) => string = (t) => t,
): { path: string; expected: string[] } {
  const path = join(cwd, block.name);
  writeFileSync(path, `${replace(block.body)}\n`);
  const expected = block.body
    .split('\n')
    .filter((l) => l.startsWith('# '))
    .map((l) => l.slice(2));
  return { path, expected };
}

/** A copy of the repository where docs/PYTHON.md's commands run against a test server. */
export interface DocWorkspace {
  repo: string;
  env: NodeJS.ProcessEnv;
  /** The page's model names (penguins, iris) as this run registers them (unique on a shared server). */
  names: { penguins: string; iris: string };
  /** The page as this run needs it: the server's URI, these names, a free port in place of 5001. */
  replace: (text: string) => string;
}

/** Copies the checkout into `dir` (node_modules and dist linked) with MLflow's venv first on PATH. */
export async function createDocWorkspace(
  dir: string,
  mlflowUri: string,
  python: string,
): Promise<DocWorkspace> {
  copyCheckout(dir);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'junction');
  symlinkSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), 'junction');
  const names = { penguins: uniqueName('penguins'), iris: uniqueName('iris') };
  const port = String(await freePort());
  return {
    repo: dir,
    names,
    env: {
      PATH: `${dirname(python)}${delimiter}${process.env.PATH}`,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      MLFLOW_TRACKING_URI: mlflowUri,
      PYTHONWARNINGS: 'ignore',
    },
    replace: (text) =>
      text
        .replaceAll('http://127.0.0.1:5000', mlflowUri)
        .replace(/\b5001\b/g, port)
        .replace(
          /(--register |models:\/)(penguins|iris)\b/g,
          (_, lead: string, n: 'penguins' | 'iris') => lead + names[n],
        ),
  };
}
