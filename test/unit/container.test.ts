import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../helpers/cli';
import {
  copyParts,
  createDockerignore,
  parseDockerfile,
  readDockerfile,
  stageEnv,
} from '../helpers/dockerfile';
import type { Stage } from '../helpers/dockerfile';

// The image cannot be built here (no Docker engine): these checks read the Dockerfile as BuildKit
// does and hold it to the properties the deployment relies on. test/infra/container-steps.test.ts
// runs its steps.
const dockerfile = readDockerfile(join(REPO_ROOT, 'Dockerfile'));
const runtime = dockerfile.stages[dockerfile.stages.length - 1] as Stage;
const env = stageEnv(runtime);
const ignored = createDockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
const documented = new Set(
  readFileSync(join(REPO_ROOT, 'docs', 'CONFIGURATION.md'), 'utf8').match(/(?<=`)[A-Z][A-Z0-9_]+(?=`)/g),
);

function all(stage: Stage, keyword: string) {
  return stage.instructions.filter((i) => i.keyword === keyword);
}
function last(stage: Stage, keyword: string) {
  return all(stage, keyword).pop();
}
function filesUnder(path: string): string[] {
  const full = join(REPO_ROOT, path);
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(REPO_ROOT, join(d.parentPath, d.name)).split('\\').join('/'));
}

describe('Dockerfile', () => {
  test('is multi-stage, every stage on Node 24 slim pinned by a sha256 digest', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile.stages) {
      expect(stage.image).toMatch(/^node:24(\.\d+)*-slim(@sha256:[a-f0-9]{64})$/);
    }
  });

  test('the runtime stage installs production dependencies only, with the lockfile', () => {
    const runs = all(runtime, 'RUN').map((r) => r.args);
    expect(runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm (install|i)\b/.test(r))).toBe(false);
    const copied = all(runtime, 'COPY').flatMap((c) => copyParts(c).sources);
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'bin']));
    expect(copied).not.toContain('src');
  });

  test('COPY --from names an earlier stage and context sources exist and pass .dockerignore', () => {
    const names = dockerfile.stages.map((s) => s.name);
    dockerfile.stages.forEach((stage, index) => {
      for (const ins of all(stage, 'COPY')) {
        const { flags, sources } = copyParts(ins);
        if (flags.from !== undefined) {
          expect(names.slice(0, index)).toContain(flags.from);
          continue;
        }
        for (const source of sources) {
          expect(existsSync(join(REPO_ROOT, source))).toBe(true);
          const files = filesUnder(source).filter((f) => !f.endsWith('.test.ts'));
          expect(files.length).toBeGreaterThan(0);
          expect(files.filter((f) => ignored(f))).toEqual([]);
        }
      }
    });
  });

  test('runs as a numeric non-root user', () => {
    const user = last(runtime, 'USER')?.args ?? 'root';
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
  });

  test('writes only to volumes: the model cache and /tmp are VOLUMEs, the registry and log dirs are created for uid 1000', () => {
    const volumes = all(runtime, 'VOLUME').flatMap((v) => v.json ?? v.args.split(/\s+/));
    expect(volumes).toEqual(expect.arrayContaining(['/tmp', env.MODEL_CACHE_DIR]));
    const chown = all(runtime, 'RUN').find((r) => /chown/.test(r.args))?.args ?? '';
    for (const dir of [env.MODEL_CACHE_DIR, '/var/lib/mlctl', '/var/log/mlctl']) {
      expect(chown).toContain(dir as string);
    }
    expect(env.MLCTL_REGISTRY_DIR?.startsWith('/var/lib/mlctl/')).toBe(true);
  });

  test('every setting in ENV is a documented mlctl setting (or the runtime’s own)', () => {
    const own = new Set(['PATH', 'NODE_ENV']);
    expect(Object.keys(env).filter((k) => !own.has(k) && !documented.has(k))).toEqual([]);
    expect(env.PORT).toBe('8000');
    expect(all(runtime, 'EXPOSE').flatMap((e) => e.args.split(/\s+/))).toEqual(
      expect.arrayContaining(['8000', '9000']),
    );
  });

  test('mlctl is on PATH: ENTRYPOINT ["mlctl"], CMD ["serve"]', () => {
    expect(last(runtime, 'ENTRYPOINT')?.json).toEqual(['mlctl']);
    expect(last(runtime, 'CMD')?.json).toEqual(['serve']);
    const workdir = last(runtime, 'WORKDIR')?.args;
    const bin = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).bin.mlctl as string;
    expect(env.PATH?.split(':')).toContain(join(workdir as string, bin, '..'));
    expect(statSync(join(REPO_ROOT, bin)).mode & 0o111).not.toBe(0);
  });

  test('HEALTHCHECK probes /livez on PORT with node (the slim image has no curl)', () => {
    const check = last(runtime, 'HEALTHCHECK');
    const cmd = /CMD\s+(\[.*\])$/s.exec(check?.args ?? '');
    const argv = JSON.parse(cmd?.[1] ?? 'null') as string[];
    expect(argv[0]).toBe('node');
    expect(argv.join(' ')).toMatch(/process\.env\.PORT.*\/livez/);
  });
});

describe('Dockerfile parser', () => {
  test('joins continuations, substitutes global ARGs, rejects undeclared ones', () => {
    const parsed = parseDockerfile(
      'ARG B=x:1\n# c\nFROM ${B} AS one\nRUN a \\\n  # inner\n  b\nENV K=v L="w z"\n',
    );
    expect(parsed.stages[0]?.image).toBe('x:1');
    expect(parsed.stages[0]?.instructions[0]?.args).toBe('a  b');
    expect(stageEnv(parsed.stages[0] as Stage)).toEqual({ K: 'v', L: 'w z' });
    expect(() => parseDockerfile('FROM $NOPE\n')).toThrow(/undeclared ARG NOPE/);
  });

  test('.dockerignore: the last matching rule wins, ** spans directories, parents count', () => {
    const match = createDockerignore('**\n!src/**\n**/*.test.ts\n');
    expect(match('src/a/b.ts')).toBe(false);
    expect(match('src/a/b.test.ts')).toBe(true);
    expect(match('node_modules/x/index.js')).toBe(true);
    expect(createDockerignore('dist\n')('dist/cli/main.js')).toBe(true);
  });
});

describe('.dockerignore', () => {
  test('keeps local state, secrets, builds and dependencies out of the context', () => {
    for (const path of [
      '.git/config',
      'node_modules/zod/index.js',
      'dist/cli/main.js',
      '.mlctl/registry/x',
      '.env',
      'test/unit/container.test.ts',
      'src/cli/main.test.ts',
    ]) {
      expect([path, ignored(path)]).toEqual([path, true]);
    }
  });
});
