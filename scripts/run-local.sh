#!/usr/bin/env bash
# Starts the web server, a Celery worker and Celery beat on this machine, and stops all
# three together on Ctrl-C (SIGINT) or SIGTERM. Production uses the Procfile instead.
set -uo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
PORT="${PORT:-8000}"
PY="${PORTAL_PYTHON:-.venv/bin/python}"
# How long the three get to finish what they are doing before they are killed.
GRACE_SECONDS="${RUN_STOP_GRACE_SECONDS:-6}"

pids=()
stopping=""

all_stopped() {
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && return 1; done
  return 0
}

stop() {
  [ -n "$stopping" ] && return
  stopping=1
  trap '' INT TERM
  local started=$SECONDS
  echo "Stopping web, worker and beat..."
  # Ctrl-C in a terminal reaches the three as well as this script, and each begins to
  # stop on it. A second signal while one is already stopping interrupts its clean-up
  # (beat's final save raises in its exit handler), so they get a moment first.
  if [ "${1:-}" = "INT" ]; then
    local settle=$((SECONDS + 2))
    while [ $SECONDS -lt $settle ] && ! all_stopped; do sleep 0.2; done
  fi
  # Only the three main processes are told: each stops its own children. Signalling the
  # worker's pool processes directly leaves the worker waiting for them for ever.
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null; done
  local deadline=$((SECONDS + GRACE_SECONDS))
  while [ $SECONDS -lt $deadline ]; do
    all_stopped && break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "Process $pid did not stop within ${GRACE_SECONDS}s: killing it"
      pkill -KILL -P "$pid" 2>/dev/null
      kill -KILL "$pid" 2>/dev/null
    fi
  done
  wait 2>/dev/null
  echo "Stopped after $((SECONDS - started))s."
}
trap 'stop INT; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# `python -m celery` keeps this folder first on the import path, as manage.py does.
"$PY" -m celery -A config worker --loglevel=INFO --concurrency=2 --hostname="worker@%h" \
  --without-gossip --without-mingle --without-heartbeat &
pids+=($!)
"$PY" -m celery -A config beat --loglevel=INFO &
pids+=($!)
"$PY" manage.py runserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)
echo "Exchange Portal: http://127.0.0.1:${PORT}/  (Ctrl-C stops web, worker and beat)"

# Whichever stops first (or a signal) ends the run, and the EXIT trap stops the others.
wait -n
status=$?
exit "$status"
