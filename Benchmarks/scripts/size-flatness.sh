#!/usr/bin/env bash
# Exchange throughput on an empty database and on one holding TOKENS stored tokens (half access,
# half refresh, random digests like real ones), one after the other with the same binary, using the
# shared wrk load (../shared/bench/bench.sh). Loopback only; everything under $WORK.
#   KEYFOB_BIN (required: a release build)   TOKENS=10000000   CONNS=64   DURATION=15s   WORK=/tmp/keyfob-flat
set -euo pipefail
: "${KEYFOB_BIN:?set KEYFOB_BIN to a release-built keyfob}"
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=${BENCH:-$HERE/../../../shared/bench/bench.sh}
TOKENS=${TOKENS:-10000000}; CONNS=${CONNS:-64}; DURATION=${DURATION:-15s}; WORK=${WORK:-/tmp/keyfob-flat}
PORT=${PORT:-8380}; REDIRECT=https://client.example.com/cb
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 command (apt-get install sqlite3)"; exit 2; }

run() {  # $1 label, $2 folder
  local db="sqlite:$2/keyfob.sqlite" app cid sec pid
  app=$("$KEYFOB_BIN" apps create --name flat --redirect-uri "$REDIRECT" --database "$db" --json)
  cid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$app")
  sec=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$app")
  "$KEYFOB_BIN" dev mint-codes --app "$cid" --count 250000 --redirect-uri "$REDIRECT" --database "$db" > "$2/codes.txt"
  "$KEYFOB_BIN" serve --host 127.0.0.1 --port "$PORT" --database "$db" --no-demo-app --log-level warning > "$2/serve.log" 2>&1 &
  pid=$!; sleep 1
  URL="http://127.0.0.1:$PORT/oauth/token" CODES="$2/codes.txt" CLIENT_ID=$cid CLIENT_SECRET=$sec REDIRECT_URI=$REDIRECT \
    CONNS=$CONNS DURATION=$DURATION OUT="$2/out" "$BENCH" > "$2/bench.log" 2>&1
  echo "$1 $(grep RESULT "$2/bench.log") peak_rss_kb=$(awk '/VmHWM/{print $2}' /proc/$pid/status)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

rm -rf "$WORK"; mkdir -p "$WORK/empty" "$WORK/full" "$WORK/empty-again"
"$KEYFOB_BIN" migrate --database "sqlite:$WORK/full/keyfob.sqlite" > /dev/null
half=$((TOKENS / 2)); started=$(date +%s)
sqlite3 "$WORK/full/keyfob.sqlite" <<SQL
PRAGMA journal_mode=WAL;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < $half)
INSERT INTO access_tokens (digest, family_id, grant_id, application_id, scope, expires_at)
SELECT randomblob(32), i, '00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000001', '', 4102444800 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < $half)
INSERT INTO refresh_tokens (digest, family_id, grant_id, application_id, expires_at)
SELECT randomblob(32), i, '00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000001', 4102444800 FROM n;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
echo "stored $TOKENS tokens in $(( $(date +%s) - started )) s"
run empty "$WORK/empty"
run "$TOKENS-tokens" "$WORK/full"
run empty-again "$WORK/empty-again"
