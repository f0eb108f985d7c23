#!/usr/bin/env bash
# Scale-out check: two gunicorn instances on two ports share one throwaway PostgreSQL database and
# one Redis cache (CACHE_URL, as in production: docs/DEPLOY.md). Sign in on server A, save a
# scorecard draft on A, open the scorecard on server B with the same session cookie, submit it on
# B, then check in the database that it is submitted; API requests spread over A and B count
# against one rate limit (API_RATE); signing out on B ends the session on A at once. Prints PASS/FAIL.
#
#   scripts/two_servers.sh
#
# Environment: PGHOST, PGPORT, PGUSER (default 127.0.0.1, 5432, postgres; trust auth); CACHE_URL
# (default: a throwaway redis-server started here, which must be installed). Needs .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
PY=.venv/bin/python
[ -x "$PY" ] || { echo "No .venv: run 'make install' (scripts/install.sh) first." >&2; exit 2; }
command -v createdb >/dev/null && pg_isready -q || {
  echo "PostgreSQL is not reachable at $PGHOST:$PGPORT (or its client tools are missing)." >&2
  exit 2
}

free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

WORK=$(mktemp -d -t scorecards-2srv-XXXXXX)
DB_NAME="scorecards_2srv_$$"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  dropdb --if-exists "$DB_NAME" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

createdb "$DB_NAME"
if [ -z "${CACHE_URL:-}" ]; then
  command -v redis-server >/dev/null || { echo "redis-server is not installed (or set CACHE_URL)." >&2; exit 2; }
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$WORK/redis.log" 2>&1 &
  PIDS+=($!)
  export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"
fi
export API_RATE=6/minute  # small, to show that both servers count against one limit
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB_NAME"
export DJANGO_DEBUG=false DJANGO_SECRET_KEY="two-servers-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false
PASSWORD="two-servers-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

echo "Database $DB_NAME: migrate once, load roles, seed 20 loops, collectstatic"
$PY manage.py migrate --noinput -v0
$PY manage.py load_roles >/dev/null
DJANGO_DEBUG=true $PY manage.py seed_loops --loops 20 --seed 1 >/dev/null  # a development command
$PY manage.py collectstatic --noinput -v0
$PY scripts/seeded_targets.py draft --password "$PASSWORD" --output "$WORK/draft.json"

start() { # port
  .venv/bin/gunicorn config.wsgi:application --workers 1 --bind "127.0.0.1:$1" --log-level warning &
  PIDS+=($!)
}
ready() { # port
  for _ in $(seq 60); do
    curl -fs -o /dev/null "http://127.0.0.1:$1/accounts/login/" && return 0
    sleep 0.5
  done
  echo "gunicorn on port $1 did not start" >&2
  return 1
}
PORT_A=$(free_port)
start "$PORT_A"
PORT_B=$(free_port)
while [ "$PORT_B" = "$PORT_A" ]; do PORT_B=$(free_port); done
start "$PORT_B"
ready "$PORT_A" && ready "$PORT_B"
echo "Server A: http://127.0.0.1:$PORT_A, server B: http://127.0.0.1:$PORT_B, cache $CACHE_URL"

SCORECARD=$($PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["scorecard"])' "$WORK/draft.json")
REVISION=$($PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["revision"])' "$WORK/draft.json")
if $PY scripts/two_servers_check.py --a "http://127.0.0.1:$PORT_A" --b "http://127.0.0.1:$PORT_B" \
  --target "$WORK/draft.json" --password "$PASSWORD" --api-rate 6 &&
  $PY scripts/seeded_targets.py check-submitted --scorecard "$SCORECARD" --revision $((REVISION + 2)); then
  echo "PASS: a session and a draft started on A were continued and submitted on B; one API rate limit and"
  echo "      one sign-out for both servers."
else
  echo "FAIL: see the step marked FAILED above."
  exit 1
fi
