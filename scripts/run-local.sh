#!/usr/bin/env bash
# Starts the web server, a Celery worker and Celery beat on this machine, and stops all
# three together (Ctrl-C). Production uses the Procfile instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
PORT="${PORT:-8000}"
PY=.venv/bin/python
CELERY=.venv/bin/celery

trap 'trap - EXIT INT TERM; kill 0 2>/dev/null; wait 2>/dev/null' EXIT INT TERM

"$CELERY" -A config worker --loglevel=INFO --concurrency=2 --hostname="worker@%h" &
"$CELERY" -A config beat --loglevel=INFO &
echo "Exchange Portal: http://127.0.0.1:${PORT}/  (Ctrl-C stops web, worker and beat)"
"$PY" manage.py runserver "127.0.0.1:${PORT}" --noreload &
wait -n
