import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MLCTL_BIN, REPO_ROOT } from '../helpers/cli';
import { copyCheckout, spawnGroup } from '../helpers/fresh-clone';
import { freePort } from '../helpers/prometheus';
import { missingLines, readmeBlocks } from '../helpers/readme';
import type { ReadmeCommand } from '../helpers/readme';
import { useTmpDir } from '../helpers/tmp';

// README.md followed as a reader would: every shell block that needs no outside service runs in order,
// in one copy of the repository, and every output the README shows under a command must appear. The
// blocks that cannot run here say why in the README (<!-- readme-test: skip (…) -->), and name the test
// that covers them. Servers started with `&` run on free ports and are stopped at the end.
const tmp = useTmpDir('mlctl-readme-');
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** One bash script for the runnable blocks: a marker with the exit code after each command. */
function script(commands: ReadmeCommand[], ports: Record<string, number>): string {
  const lines = [
    // `npx mlctl` in a checkout runs its own bin (test/integration/fresh-clone.test.ts runs the real npx).
    `npx() { if [ "$1" = mlctl ]; then shift; node ${JSON.stringify(MLCTL_BIN)} "$@"; else command npx "$@"; fi; }`,
  ];
  commands.forEach((c, index) => {
    let text = c.text;
    for (const [from, to] of Object.entries(ports))
      text = text.replace(new RegExp(`\\b${from}\\b`, 'g'), String(to));
    if (text.endsWith('&')) text = `${text.slice(0, -1).trimEnd()} > background-${index}.log 2>&1 &`;
    // A server started just before may not listen yet, or be busy with its first run: retry while curl
    // cannot connect (exit 7), or until it prints what the README shows, as a reader would.
    if (text.startsWith('curl ')) {
      const until =
        c.expected.length && !c.expected.some((l) => l.includes('…')) ? c.expected.join('\n') : '';
      const done = until ? `[ "$got" = ${JSON.stringify(until)} ] && break` : '[ $rc -ne 7 ] && break';
      text = `for try in $(seq 150); do got=$(${text}); rc=$?; ${done}; sleep 0.2; done; printf '%s\n' "$got"; (exit $rc)`;
    }
    lines.push(text, `rc=$?; printf '\\n@@readme %d %d\\n' ${index} $rc; (exit $rc)`);
  });
  return lines.join('\n');
}

describe('README.md', () => {
  const blocks = readmeBlocks(README);

  it('says why for every block it does not run, and runs the rest', () => {
    expect(blocks.length).toBeGreaterThan(15);
    const runnable = blocks.filter((b) => !b.skip);
    expect(runnable.length).toBeGreaterThanOrEqual(10);
    for (const b of blocks.filter((x) => x.skip)) expect(b.skip).toMatch(/\w{4,}/);
  });

  it('its commands work, in order, and print what it shows', async () => {
    const dir = tmp.path('repository');
    copyCheckout(dir);
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'junction');
    symlinkSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), 'junction');
    const commands = blocks.filter((b) => !b.skip).flatMap((b) => b.commands);
    const ports = { 8000: await freePort(), 8001: await freePort(), 9000: await freePort() };
    const run = spawnGroup('bash', ['-c', script(commands, ports)], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' },
    });
    const code = await run.exited;
    run.stop(); // the servers the README started with &
    expect({ code, err: code === 0 ? '' : run.err() }).toEqual({ code: 0, err: '' });
    const out = run.out();

    const parts = out.split(/\n@@readme (\d+) (\d+)\n/);
    const results = new Map<number, { output: string; rc: number }>();
    for (let i = 1; i < parts.length; i += 3)
      results.set(Number(parts[i]), { output: parts[i - 1] ?? '', rc: Number(parts[i + 1]) });
    commands.forEach((c, index) => {
      const result = results.get(index);
      // A command may fail only where the README shows its exit code (`; echo $?`, or `echo $?` next).
      const shown = c.text.includes('echo $?') || commands[index + 1]?.text === 'echo $?';
      expect({ command: c.text, ran: result !== undefined, rc: shown ? 0 : result?.rc }).toEqual({
        command: c.text,
        ran: true,
        rc: 0,
      });
      expect({ command: c.text, missing: missingLines(result?.output ?? '', c.expected) }).toEqual({
        command: c.text,
        missing: [],
      });
    });
  }, 180_000);
});
