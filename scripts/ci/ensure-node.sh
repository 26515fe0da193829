#!/usr/bin/env bash
# Sourced by .ci/run (and usable by hand): makes sure `node` on PATH is >= 22.12.
# When the machine's node is older, installs node@24 from the npm registry into a local prefix
# (never -g, which would collide with the machine's node) and puts it first on PATH.
NODE_PREFIX="${MLCTL_NODE_PREFIX:-$HOME/.cache/node24}"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if ! node_ok; then
  if [ ! -x "$NODE_PREFIX/node_modules/.bin/node" ]; then
    echo "ci: node $(node --version 2>/dev/null || echo missing) is older than 22.12; installing node@24 into $NODE_PREFIX" >&2
    mkdir -p "$NODE_PREFIX"
    # npm 11 runs install scripts only for approved packages; node@24's preinstall fetches the binary package.
    printf '{\n  "private": true,\n  "allowScripts": { "node": true }\n}\n' > "$NODE_PREFIX/package.json"
    npm install --prefix "$NODE_PREFIX" --no-audit --no-fund node@24 >&2
  fi
  export PATH="$NODE_PREFIX/node_modules/.bin:$PATH"
  if ! node_ok; then
    echo "ci: could not get Node.js >= 22.12 (have $(node --version 2>/dev/null || echo none))" >&2
    return 1 2>/dev/null || exit 1
  fi
fi
echo "ci: using node $(node --version) at $(command -v node)" >&2
