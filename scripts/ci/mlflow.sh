#!/usr/bin/env bash
# A real MLflow tracking server for mlctl's integration tests, on loopback only.
#
#   scripts/ci/mlflow.sh install            create/reuse the venvs with the pinned MLflow 3 and MLflow 2
#                                           (fast when present)
#   scripts/ci/mlflow.sh start [STATE_DIR]  install, start three servers (MLflow 3 plain and basic-auth,
#                                           MLflow 2 plain), wait for /health, write the variables below to
#                                           STATE_DIR/env (KEY=VALUE) and print them as `export` lines:
#                                           eval "$(scripts/ci/mlflow.sh start)"
#   scripts/ci/mlflow.sh stop [STATE_DIR]   stop them and remove STATE_DIR
#
# The variables (the integration tests read them):
#   MLCTL_TEST_MLFLOW_URI=http://127.0.0.1:<port>        sqlite + --artifacts-destination in STATE_DIR
#   MLCTL_TEST_MLFLOW_AUTH_URI=http://127.0.0.1:<port>   the same with --app-name basic-auth
#   MLCTL_TEST_MLFLOW_ADMIN_USER=admin / MLCTL_TEST_MLFLOW_ADMIN_PASSWORD=<random, test only>
#   MLCTL_TEST_PYTHON=<venv>/bin/python                  MLflow's own client, for the compatibility test
#   MLCTL_TEST_MLFLOW2_URI=http://127.0.0.1:<port>       an MLflow 2 server (no logged models), sqlite
#   MLCTL_TEST_MLFLOW2_PYTHON=<venv-mlflow2>/bin/python  MLflow 2's own client
#
# Env: MLCTL_CACHE (default ~/.cache/mlctl) holds the venvs; MLCTL_MLFLOW_TIMEOUT (seconds) bounds
# the wait for /health (default 180); MLCTL_MLFLOW_STATE is the default STATE_DIR. An install into the
# shared venv holds $CACHE/venv.lock (flock), as every script that installs there does.
set -euo pipefail

MLFLOW_VERSION=3.17.2
# The last MLflow 2 release, in its own venv. Its server imports SQLAlchemy's FallbackAsyncAdaptedQueuePool,
# which SQLAlchemy 2.1 removed: pin the last 2.0.
MLFLOW2_VERSION=2.22.5
MLFLOW2_SQLALCHEMY=2.0.59
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
PY="$VENV/bin/python"
VENV2="$CACHE/venv-mlflow2"
PY2="$VENV2/bin/python"
DEFAULT_STATE="${MLCTL_MLFLOW_STATE:-${TMPDIR:-/tmp}/mlctl-mlflow}"
TIMEOUT="${MLCTL_MLFLOW_TIMEOUT:-180}"


install() {
  if [ -x "$PY" ] && "$PY" - "$MLFLOW_VERSION" <<'EOF' >/dev/null 2>&1; then
import sys, importlib.metadata as m
assert m.version("mlflow") == sys.argv[1]
import flask_wtf  # the [auth] extra, for --app-name basic-auth
EOF
    log "MLflow $MLFLOW_VERSION already installed in $VENV"
    return
  fi
  command -v python3 >/dev/null || die "python3 is needed to create $VENV (apt-get install python3 python3-venv)"
  if [ ! -x "$PY" ]; then
    log "creating $VENV"
    mkdir -p "$CACHE"
    if ! python3 -m venv "$VENV"; then
      # Debian/Ubuntu ship venv separately; CI runs as root and may install it.
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing python3-venv"
        rm -rf "$VENV"
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$VENV" || die "python3 -m venv failed even after installing python3-venv"
      else
        die "python3 -m venv failed (apt-get install python3-venv)"
      fi
    fi
  fi
  log "installing mlflow[auth]==$MLFLOW_VERSION into $VENV (a few minutes the first time)"
  flock "$CACHE/venv.lock" "$PY" -m pip install --quiet --disable-pip-version-check "mlflow[auth]==$MLFLOW_VERSION" ||
    die "pip install mlflow[auth]==$MLFLOW_VERSION failed"
}

# The MLflow 2 server of the fallback test (MLflow 2 has no logged models), with its own client.
install2() {
  if [ -x "$PY2" ] && "$PY2" - "$MLFLOW2_VERSION" "$MLFLOW2_SQLALCHEMY" <<'EOF' >/dev/null 2>&1; then
import sys, importlib.metadata as m
assert m.version("mlflow") == sys.argv[1] and m.version("sqlalchemy") == sys.argv[2]
EOF
    log "MLflow $MLFLOW2_VERSION already installed in $VENV2"
    return
  fi
  mkdir -p "$CACHE"
  [ -x "$PY2" ] || python3 -m venv "$VENV2" || die "python3 -m venv $VENV2 failed (apt-get install python3-venv)"
  log "installing mlflow==$MLFLOW2_VERSION into $VENV2 (a few minutes the first time)"
  flock "$CACHE/venv-mlflow2.lock" "$PY2" -m pip install --quiet --disable-pip-version-check \
    "mlflow==$MLFLOW2_VERSION" "sqlalchemy==$MLFLOW2_SQLALCHEMY" ||
    die "pip install mlflow==$MLFLOW2_VERSION failed"
}

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# launch NAME MLFLOW_BIN EXTRA_ARGS... → starts a server in the background; its port goes to STATE/NAME/port
launch() {
  local name="$1" bin="$2"; shift 2
  local dir="$STATE/$name"
  mkdir -p "$dir/artifacts"
  free_port >"$dir/port"
  # Its own session (setsid), so stop can end the server with its uvicorn child as one process group.
  # No job runner: the tests need none, and it adds a dozen processes on a 2-core machine.
  (
    cd "$dir"
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false exec setsid "$bin" server --host 127.0.0.1 \
      --port "$(cat "$dir/port")" --workers 1 --backend-store-uri "sqlite:///$dir/mlflow.db" \
      --artifacts-destination "$dir/artifacts" "$@"
  ) >"$dir/server.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
}

# await_health NAME → waits until the server answers /health with OK, or fails showing its log
await_health() {
  local name="$1" dir="$STATE/$1" url deadline
  url="http://127.0.0.1:$(cat "$dir/port")"
  deadline=$((SECONDS + TIMEOUT))
  until [ "$(curl -s --max-time 2 "$url/health" 2>/dev/null)" = "OK" ]; do
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      log "error: the $name MLflow server did not answer $url/health within ${TIMEOUT}s; its log:"
      tail -n 40 "$dir/server.log" >&2 || true
      stop
      exit 1
    fi
    sleep 0.5
  done
}

start() {
  command -v curl >/dev/null || die "curl is needed to probe /health"
  command -v setsid >/dev/null || die "setsid (util-linux) is needed to manage the server processes"
  install
  install2
  if [ -f "$STATE/env" ]; then stop; fi
  mkdir -p "$STATE"
  local password plain auth
  password="test-$("$PY" -c 'import secrets; print(secrets.token_hex(12))')"
  mkdir -p "$STATE/auth"
  cat >"$STATE/auth/auth.ini" <<EOF
[mlflow]
default_permission = READ
database_uri = sqlite:///$STATE/auth/basic_auth.db
admin_username = admin
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
EOF
  # All start at once (each spends ~15 s creating its database), then all are awaited.
  launch plain "$VENV/bin/mlflow"
  MLFLOW_AUTH_CONFIG_PATH="$STATE/auth/auth.ini" MLFLOW_AUTH_ADMIN_PASSWORD="$password" \
    MLFLOW_FLASK_SERVER_SECRET_KEY="$password" launch auth "$VENV/bin/mlflow" --app-name basic-auth
  launch mlflow2 "$VENV2/bin/mlflow"
  await_health plain
  await_health auth
  await_health mlflow2
  plain="http://127.0.0.1:$(cat "$STATE/plain/port")"
  auth="http://127.0.0.1:$(cat "$STATE/auth/port")"
  mlflow2="http://127.0.0.1:$(cat "$STATE/mlflow2/port")"
  cat >"$STATE/env" <<EOF
MLCTL_TEST_MLFLOW_URI=$plain
MLCTL_TEST_MLFLOW_AUTH_URI=$auth
MLCTL_TEST_MLFLOW_ADMIN_USER=admin
MLCTL_TEST_MLFLOW_ADMIN_PASSWORD=$password
MLCTL_TEST_PYTHON=$PY
MLCTL_TEST_MLFLOW2_URI=$mlflow2
MLCTL_TEST_MLFLOW2_PYTHON=$PY2
EOF
  log "MLflow $MLFLOW_VERSION up: $plain (plain), $auth (basic-auth); MLflow $MLFLOW2_VERSION: $mlflow2; logs in $STATE/*/server.log"
  local line
  while IFS= read -r line; do printf 'export %s=%q\n' "${line%%=*}" "${line#*=}"; done <"$STATE/env"
}

stop() {
  local pidfile pid
  for pidfile in "$STATE"/*/pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    # The pid leads its own process group (setsid): signal the group, the server and its workers.
    if kill -0 -- "-$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$STATE"
}

cmd="${1:-}"
STATE="${2:-$DEFAULT_STATE}"
case "$cmd" in
  install) install; install2 ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install | start [STATE_DIR] | stop [STATE_DIR]" >&2; exit 2 ;;
esac
