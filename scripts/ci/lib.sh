# shellcheck shell=bash disable=SC2034
# Shared by the CI scripts (source it; it sets no shell options):
#   CACHE, VENV, BIN  where tools are kept (MLCTL_CACHE, default ~/.cache/mlctl)
#   log, die          messages on stderr, prefixed with the script's name
#   apt_install PKG…  Debian packages (with sudo when not root), refreshing the index once if needed
CACHE="${MLCTL_CACHE:-$HOME/.cache/mlctl}"
VENV="$CACHE/venv"
BIN="$CACHE/bin"

log() { echo "$(basename "$0"): $*" >&2; }
die() { log "error: $*"; exit 1; }

apt_install() {
  local sudo=()
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then sudo=(sudo); fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null ||
    { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; } ||
    die "could not apt-get install $*"
}
