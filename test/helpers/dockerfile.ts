import { readFileSync } from 'node:fs';

/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  keyword: string;
  /** The text after the keyword. */
  args: string;
  /** The exec (JSON array) form, when the arguments are one. */
  json?: string[];
  line: number;
}

export interface Stage {
  /** The FROM reference after ARG substitution. */
  image: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

function jsonForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a Dockerfile the way BuildKit reads it: comments, `\` continuations, global ARGs, stages. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending !== '' && trimmed.startsWith('#')) return; // comments inside a continued instruction
    if (pending === '') start = index + 1;
    if (trimmed.endsWith('\\')) {
      pending += trimmed.slice(0, -1) + ' ';
      return;
    }
    const full = (pending + trimmed).trim();
    pending = '';
    const m = /^(\S+)\s*(.*)$/s.exec(full);
    if (!m) return;
    const args = (m[2] as string).trim();
    instructions.push({ keyword: (m[1] as string).toUpperCase(), args, json: jsonForm(args), line: start });
  });
  if (pending !== '') throw new Error('Dockerfile ends inside a continued line');

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const image = (words[0] ?? '').replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a?: string, b?: string) => {
        const name = (a ?? b) as string;
        const value = globalArgs[name];
        if (value === undefined) throw new Error(`line ${ins.line}: FROM uses undeclared ARG ${name}`);
        return value;
      });
      const as = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      stages.push({ image, name: as, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw new Error(`line ${ins.line}: ${ins.keyword} before the first FROM`);
      const [name, value = ''] = ins.args.split('=', 2) as [string, string?];
      globalArgs[name.trim()] = value.trim();
    } else {
      (stages[stages.length - 1] as Stage).instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

export function readDockerfile(path: string): Dockerfile {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

/** COPY/ADD split into flags, sources and destination (exec or shell form). */
export function copyParts(ins: Instruction): {
  flags: Record<string, string>;
  sources: string[];
  dest: string;
} {
  const words = ins.json ?? ins.args.split(/\s+/);
  const flags: Record<string, string> = {};
  const rest: string[] = [];
  for (const w of words) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(w);
    if (m && rest.length === 0) flags[m[1] as string] = m[2] ?? 'true';
    else rest.push(w);
  }
  if (rest.length < 2) throw new Error(`line ${ins.line}: ${ins.keyword} needs a source and a destination`);
  return { flags, sources: rest.slice(0, -1), dest: rest[rest.length - 1] as string };
}

/** ENV instructions of a stage as a map (`ENV A=1 B=2` and the legacy `ENV A 1`). */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    const pairs = ins.args.match(/(\w+)=("[^"]*"|\S*)/g);
    if (pairs) {
      for (const pair of pairs) {
        const [k, v] = pair.split(/=(.*)/s) as [string, string];
        env[k] = v.replace(/^"|"$/g, '');
      }
    } else {
      const [k, ...v] = ins.args.split(/\s+/);
      env[k as string] = v.join(' ');
    }
  }
  return env;
}

/**
 * .dockerignore matching as Docker applies it: patterns in order, the last one that matches the path or
 * one of its parent directories decides; `!` re-includes; `**` spans directories.
 */
export function createDockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      let re = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i] as string;
        if (c === '*' && pattern[i + 1] === '*') {
          if (pattern[i + 2] === '/') {
            re += '(?:.*/)?';
            i += 2;
          } else {
            re += '.*';
            i += 1;
          }
        } else if (c === '*') re += '[^/]*';
        else if (c === '?') re += '[^/]';
        else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { negate, re: new RegExp(`^${re}$`) };
    });
  return (path: string) => {
    const parts = path.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) {
      if (candidates.some((c) => rule.re.test(c))) excluded = !rule.negate;
    }
    return excluded;
  };
}
