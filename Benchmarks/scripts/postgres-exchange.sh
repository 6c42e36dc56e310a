#!/usr/bin/env bash
# Exchange throughput of one `keyfob serve` on PostgreSQL (a private cluster on this machine with
# PostgreSQL's default durability: fsync=on, synchronous_commit=on), with the shared wrk load, for
# each pool size in POOLS. Run as root (the server runs as the postgres user). Everything under $W.
#   KEYFOB_BIN (required: a release build)   POOLS="8 20 4"   MINT=80000   DURATION=15s
set -euo pipefail
: "${KEYFOB_BIN:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=${BENCH:-$HERE/../../../shared/bench/bench.sh}; REDIRECT=https://client.example.com/cb
W=${W:-/tmp/keyfob-pg-bench}; rm -rf $W; mkdir -p $W; chown postgres:postgres $W
PG=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); PORT=55433
runuser -u postgres -- $PG/initdb -D $W/data -U keyfob -A trust -E UTF8 > /dev/null
runuser -u postgres -- $PG/pg_ctl -D $W/data -l $W/pg.log -w -o "-p $PORT -k $W -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB" start > /dev/null
trap "runuser -u postgres -- $PG/pg_ctl -D $W/data -m fast stop > /dev/null" EXIT
runuser -u postgres -- $PG/createdb -h 127.0.0.1 -p $PORT -U keyfob keyfob
DB="postgres://keyfob@127.0.0.1:$PORT/keyfob?sslmode=disable"
app=$("$KEYFOB_BIN" apps create --name bench --redirect-uri "$REDIRECT" --database "$DB" --json)
cid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$app")
sec=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$app")
for pool in ${POOLS:-8 20 4}; do
  "$KEYFOB_BIN" dev mint-codes --app "$cid" --count ${MINT:-80000} --redirect-uri "$REDIRECT" --database "$DB" > $W/codes.txt
  "$KEYFOB_BIN" serve --host 127.0.0.1 --port 8382 --database "$DB" --db-pool-size $pool --no-demo-app --log-level warning > $W/serve.log 2>&1 &
  pid=$!; sleep 1
  URL="http://127.0.0.1:8382/oauth/token" CODES="$W/codes.txt" CLIENT_ID=$cid CLIENT_SECRET=$sec REDIRECT_URI=$REDIRECT \
    CONNS=64 DURATION=${DURATION:-15s} OUT="$W/out" "$BENCH" > $W/bench.log 2>&1
  echo "pool=$pool $(grep RESULT $W/bench.log) peak_rss_kb=$(awk '/VmHWM/{print $2}' /proc/$pid/status)"
  kill $pid; wait $pid 2>/dev/null || true
done
