import { execFile } from 'node:child_process';

/**
 * The commit a model was built from: `git rev-parse HEAD` in `cwd`, else GITHUB_SHA (a CI checkout
 * without .git), else undefined. Never fails: a missing commit only leaves a tag out.
 */
export function readGitCommit(cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const fallback = /^[0-9a-f]{40}$/i.test(env.GITHUB_SHA ?? '') ? env.GITHUB_SHA : undefined;
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, timeout: 5000, windowsHide: true }, (err, stdout) => {
      const sha = String(stdout ?? '').trim();
      resolve(!err && /^[0-9a-f]{40,64}$/i.test(sha) ? sha : fallback);
    });
  });
}
