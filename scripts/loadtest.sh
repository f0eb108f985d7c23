#!/usr/bin/env bash
# Load test of the real server: gunicorn (config.wsgi, 2 workers, production settings) on a
# throwaway database seeded with `manage.py seed_loops`, driven by wrk for SECONDS per endpoint
# against 127.0.0.1 only. Reports requests/s, p50/p99 latency and non-2xx responses per endpoint.
#
#   scripts/loadtest.sh [SECONDS]          (default 10 seconds per endpoint, 8 endpoints)
#
# The floor is the bare signed-in view of issue 27 (devtools.urls.FLOOR_PATH: login_required, "ok"), served
# by this gunicorn only, through devtools/floor_settings.py (the app's settings plus that one URL). Targets
# (issue 27): the debrief at >= 40 % and the scorecard form at >= 50 % of the floor's requests/s.
#
# Environment:
#   LOADTEST_DB=postgres|sqlite  database kind (default: postgres when 127.0.0.1:5432 answers)
#   LOADTEST_LOOPS=N             loops to seed (default 10000)
#   LOADTEST_CONNECTIONS=N       wrk connections for the GET endpoints (default 64)
#   LOADTEST_SQLITE_OPTIONS=Q    query string for the SQLite DATABASE_URL, e.g.
#                                'transaction_mode=IMMEDIATE&timeout=20' (default: none, the app's defaults)
#   LOADTEST_DB_NAME=NAME        throwaway PostgreSQL database to create and drop (default scorecards_load_PID)
#   PGHOST, PGPORT, PGUSER       PostgreSQL server (default 127.0.0.1, 5432, postgres; trust auth)
#   CACHE_URL                    passed on to gunicorn: set it (redis://…) to measure sessions read from the
#                                shared cache, as in production; unset, they are read from the database
# Needs: .venv (make install), wrk (installed with apt-get when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-10}
LOOPS=${LOADTEST_LOOPS:-10000}
CONNECTIONS=${LOADTEST_CONNECTIONS:-64}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
PY=.venv/bin/python

[[ "$DURATION" =~ ^[0-9]+$ ]] && ((DURATION > 0 && DURATION <= 300)) || {
  echo "SECONDS must be a whole number from 1 to 300" >&2
  exit 2
}
[ -x "$PY" ] || { echo "No .venv: run 'make install' (scripts/install.sh) first." >&2; exit 2; }
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing wrk (Debian package)…"
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is missing: install it (Debian/Ubuntu: sudo apt-get install wrk) and run again." >&2
    exit 2
  fi
fi

if [ -z "${LOADTEST_DB:-}" ]; then
  if command -v pg_isready >/dev/null && pg_isready -q; then LOADTEST_DB=postgres; else LOADTEST_DB=sqlite; fi
fi

WORK=$(mktemp -d -t scorecards-load-XXXXXX)
GUNICORN_PID=""
DB_NAME=""
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then
    kill "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  if [ -n "$DB_NAME" ]; then dropdb --if-exists "$DB_NAME" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$LOADTEST_DB" = postgres ]; then
  DB_NAME="${LOADTEST_DB_NAME:-scorecards_load_$$}"
  createdb "$DB_NAME"
  export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB_NAME"
else
  export DATABASE_URL="sqlite:///$WORK/load.sqlite3${LOADTEST_SQLITE_OPTIONS:+?$LOADTEST_SQLITE_OPTIONS}"
fi
export DJANGO_DEBUG=false DJANGO_SECRET_KEY="loadtest-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false
PASSWORD="loadtest-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

echo "Database: $LOADTEST_DB ($DATABASE_URL); seeding $LOOPS loops…"
$PY manage.py migrate --noinput -v0
$PY manage.py load_roles >/dev/null
DJANGO_DEBUG=true $PY manage.py seed_loops --loops "$LOOPS" --seed 1  # devtools is installed only with DEBUG
$PY manage.py collectstatic --noinput -v0
eval "$($PY scripts/seeded_targets.py loadtest --password "$PASSWORD" --targets "$WORK/autosave.txt")"

PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
DJANGO_SETTINGS_MODULE=devtools.floor_settings \
  .venv/bin/gunicorn config.wsgi:application --workers 2 --bind "127.0.0.1:$PORT" --log-level warning &
GUNICORN_PID=$!
for _ in $(seq 60); do
  curl -fs -o /dev/null "$BASE/accounts/login/" && break
  sleep 0.5
done
curl -fs -o /dev/null "$BASE/accounts/login/" || { echo "gunicorn did not start on $BASE" >&2; exit 1; }

login() { $PY scripts/webclient.py login --base "$BASE" --username "$1" --password "$PASSWORD"; }
eval "$(login "$INTERVIEWER")"; I_COOKIE=$COOKIE I_CSRF=$CSRF
eval "$(login "$MANAGER")"; M_COOKIE=$COOKIE
eval "$(login "$STAFF")"; S_COOKIE=$COOKIE

echo "gunicorn (2 workers) on $BASE; $DURATION s per endpoint; interviewer $INTERVIEWER has" \
  "$INTERVIEWER_INTERVIEWS interviews; debrief of loop $LOOP_ID ($LOOP_INTERVIEWS interviews)."
RESULTS="$WORK/results.txt"
drive() { # name path cookie [threads connections mode csrf]
  local name=$1 path=$2 cookie=$3 threads=${4:-2} connections=${5:-$CONNECTIONS} mode=${6:-get} csrf=${7:-}
  wrk -t"$threads" -c"$connections" -d"${DURATION}s" --timeout 10s -s scripts/loadtest.lua "$BASE$path" \
    -- "$name" "$mode" "$cookie" "$csrf" "$WORK/autosave.txt" | grep '^RESULT ' | tee -a "$RESULTS" >/dev/null
  # Requests still queued when wrk stops are served afterwards: wait for them, so that a slow
  # endpoint's backlog does not eat into the next endpoint's time.
  curl -s -o /dev/null --max-time 300 "$BASE/accounts/login/" || true
  echo "  $name done"
}
drive "login-page(ceiling)" /accounts/login/ ""
drive "bare-view(floor)" /devtools/floor/ "$I_COOKIE"
drive "roles" /roles/ "$I_COOKIE"
drive "home(interviewer)" / "$I_COOKIE"
drive "scorecard-form" "/scorecards/$FORM_ID/" "$I_COOKIE"
drive "autosave(POST)" "/scorecards/0/autosave/" "$I_COOKIE" 4 4 autosave "$I_CSRF"
drive "debrief(manager)" "/loops/$LOOP_ID/debrief/" "$M_COOKIE"
drive "pipeline(staff)" /loops/ "$S_COOKIE"

echo
printf '%-22s %10s %10s %10s %8s %10s %8s  %s\n' endpoint "req/s" "p50 ms" "p99 ms" non-2xx "409 confl" socket codes
awk '{ printf "%-22s %10s %10s %10s %8s %10s %8s  %s\n", $2, $3, $4, $5, $6, $7, $8, $9 }' "$RESULTS"
errors=$(awk '{ n += $6 + $8 } END { print n + 0 }' "$RESULTS")
echo
echo "Errors (non-2xx other than autosave's 409 conflicts, plus socket errors and timeouts): $errors"
# Targets (issue 27): the debrief at least 40 % and the scorecard form at least 50 % of the bare view's requests/s.
awk '$2 == "bare-view(floor)" { floor = $3 } $2 == "debrief(manager)" { debrief = $3 } $2 == "scorecard-form" { form = $3 }
  END { if (floor > 0) printf "Versus the bare signed-in view (%.1f req/s): debrief %.2f (target >= 0.40), scorecard form %.2f (target >= 0.50)\n",
    floor, debrief / floor, form / floor }' "$RESULTS"
echo "Requests still in flight when an endpoint's time is up are not counted; 'codes: none' means not one"
echo "request finished in time (wrk gives up on a request after 10 s)."
