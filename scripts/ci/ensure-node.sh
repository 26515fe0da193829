#!/usr/bin/env bash
# Sourced by .ci/run after `npm ci` (and usable by hand): puts the Node.js the repository brings first on
# PATH, for the CI steps that run `node` directly. It is the README's mechanism, not a second one: the
# pinned `node` devDependency that `npm ci` installs is what every `npm run` and `npx` command finds first
# in node_modules/.bin, whatever Node the machine has (npm only needs Node >= 20.17 to run).
# MLCTL_MACHINE_NODE is set to the node that was first before, for tests that check the machine's own.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
repo_node_bin="$repo_root/node_modules/.bin"
if [ ! -x "$repo_node_bin/node" ] || ! "$repo_node_bin/node" --version >/dev/null 2>&1; then
  echo "ci: $repo_node_bin/node is missing or broken; run \`npm ci\` in $repo_root first" >&2
  return 1 2>/dev/null || exit 1
fi
if [ -z "${MLCTL_MACHINE_NODE:-}" ] && command -v node >/dev/null 2>&1; then
  MLCTL_MACHINE_NODE="$(command -v node)"
  export MLCTL_MACHINE_NODE
fi
export PATH="$repo_node_bin:$PATH"
echo "ci: using node $(node --version) at $(command -v node) (the machine's: ${MLCTL_MACHINE_NODE:-none})" >&2
