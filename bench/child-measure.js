'use strict';
// Child side of a measurement: runs one task, then prints {seconds, maxRssMB, result} as JSON on stdout.
// Peak RSS must be the child's own, so every measured task runs in a fresh process.
// As bin/mlctl does for every command: Node's on-disk compile cache, for this thread and worker threads.
const nodeModule = require('node:module');
nodeModule.enableCompileCache?.();
const cacheDir = nodeModule.getCompileCacheDir?.();
if (cacheDir && !process.env.NODE_COMPILE_CACHE) process.env.NODE_COMPILE_CACHE = cacheDir;
const task = process.argv[2];
const args = JSON.parse(process.argv[3] ?? '{}');

async function main() {
  const tasks = require(args.module);
  const started = performance.now();
  const result = await tasks[task](args);
  const seconds = (performance.now() - started) / 1000;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ seconds, maxRssMB, result }));
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
