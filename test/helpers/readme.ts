/**
 * The shell blocks of a Markdown file, as a doc test reads them: each ```sh block, unless the line before
 * it says `<!-- readme-test: skip (why) -->`; its commands (backslash continuations joined); and under a
 * command, the comment lines that show its output (`…` stands for anything; a line `… words …` for lines
 * left out). `echo $?   # 3` expects 3.
 */
export interface ReadmeCommand {
  text: string;
  /** Lines the output must contain, in this order; `…` matches anything. */
  expected: string[];
}

export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** Why the block is not run, when it is not. */
  skip?: string;
  commands: ReadmeCommand[];
}

const SKIP = /^<!-- readme-test: skip \((.+)\) -->$/;

export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue;
    const end = lines.indexOf('```', i + 1);
    let before = i - 1;
    while (before >= 0 && lines[before]?.trim() === '') before--;
    const skip = SKIP.exec(lines[before] ?? '')?.[1];
    blocks.push({ line: i + 1, ...(skip ? { skip } : {}), commands: parseCommands(lines.slice(i + 1, end)) });
    i = end;
  }
  return blocks;
}

function parseCommands(lines: string[]): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      commands.at(-1)?.expected.push(line.replace(/^# ?/, ''));
      continue;
    }
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]?.trim()}`;
    const inline = /^echo \$\?\s+# (.+)$/.exec(line);
    commands.push({ text: inline ? 'echo $?' : line, expected: inline ? [inline[1] as string] : [] });
  }
  return commands;
}

/** Whether `output` holds every expected line, in order; `…` in one matches anything. */
export function missingLines(output: string, expected: string[]): string[] {
  const lines = output.split('\n');
  let from = 0;
  const missing: string[] = [];
  for (const want of expected) {
    // `…`, or `… words …`: lines left out, whatever they are.
    if (/^\s*…(.*…)?\s*$/.test(want)) continue;
    const pattern = new RegExp(
      `^${want
        .split('…')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    const at = lines.findIndex((l, index) => index >= from && pattern.test(l.trimEnd()));
    if (at < 0) missing.push(want);
    else from = at + 1;
  }
  return missing;
}
