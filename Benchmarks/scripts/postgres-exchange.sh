#!/usr/bin/env bash
# Exchange throughput of INSTANCES `keyfob serve` processes on one PostgreSQL (a private cluster
# on this machine with PostgreSQL's default durability: fsync=on, synchronous_commit=on), with the
# shared wrk load split evenly between them (each instance its own half of the codes and of the
# connections), for each pool size in POOLS. Prints each instance's RESULT line and the sum. Run as
# root (the server runs as the postgres user). Everything under $W.
#   KEYFOB_BIN (required: a release build)   INSTANCES=2   POOLS="8 20 4"   MINT=80000 (per instance)
#   CONNS=64 (in all)   DURATION=15s   SERVE_FLAGS (added to every keyfob serve)
set -euo pipefail
: "${KEYFOB_BIN:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=${BENCH:-$HERE/../../../shared/bench/bench.sh}; REDIRECT=https://client.example.com/cb
INSTANCES=${INSTANCES:-2}; CONNS=${CONNS:-64}; MINT=${MINT:-80000}
W=${W:-/tmp/keyfob-pg-bench}; rm -rf $W; mkdir -p $W; chown postgres:postgres $W
PG=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); PORT=55433
runuser -u postgres -- $PG/initdb -D $W/data -U keyfob -A trust -E UTF8 > /dev/null
runuser -u postgres -- $PG/pg_ctl -D $W/data -l $W/pg.log -w -o "-p $PORT -k $W -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB" start > /dev/null
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  runuser -u postgres -- $PG/pg_ctl -D $W/data -m fast stop > /dev/null
}
trap cleanup EXIT
runuser -u postgres -- $PG/createdb -h 127.0.0.1 -p $PORT -U keyfob keyfob
DB="postgres://keyfob@127.0.0.1:$PORT/keyfob?sslmode=disable"
app=$("$KEYFOB_BIN" apps create --name bench --redirect-uri "$REDIRECT" --database "$DB" --json)
cid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$app")
sec=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$app")
for pool in ${POOLS:-8 20 4}; do
  PIDS=()
  for i in $(seq 1 "$INSTANCES"); do
    # A batch of at most 100,000 codes per call keeps each write inside the CLI's store deadline.
    : > $W/codes-$i.txt
    left=$MINT
    while [ "$left" -gt 0 ]; do
      n=$((left < 100000 ? left : 100000))
      "$KEYFOB_BIN" dev mint-codes --app "$cid" --count $n --redirect-uri "$REDIRECT" --database "$DB" >> $W/codes-$i.txt
      left=$((left - n))
    done
    "$KEYFOB_BIN" serve --host 127.0.0.1 --port $((8381 + i)) --database "$DB" --db-pool-size $pool --no-demo-app \
      --log-level warning ${SERVE_FLAGS:-} > $W/serve-$i.log 2>&1 &
    PIDS+=($!)
  done
  sleep 1
  BENCHES=()
  for i in $(seq 1 "$INSTANCES"); do
    URL="http://127.0.0.1:$((8381 + i))/oauth/token" CODES="$W/codes-$i.txt" CLIENT_ID=$cid CLIENT_SECRET=$sec REDIRECT_URI=$REDIRECT \
      THREADS=1 CONNS=$((CONNS / INSTANCES)) DURATION=${DURATION:-15s} OUT="$W/out-$i" "$BENCH" > $W/bench-$i.log 2>&1 &
    BENCHES+=($!)
  done
  wait "${BENCHES[@]}"
  total=0
  for i in $(seq 1 "$INSTANCES"); do
    line=$(grep RESULT $W/bench-$i.log)
    rss=$(awk '/VmHWM/{print $2}' /proc/${PIDS[$((i - 1))]}/status)
    echo "pool=$pool instance=$i $line peak_rss_kb=$rss"
    total=$(python3 -c 'import sys,re; print(float(sys.argv[1]) + float(re.search(r"ok_per_s=([0-9.]+)", sys.argv[2]).group(1)))' "$total" "$line")
  done
  echo "pool=$pool instances=$INSTANCES total_ok_per_s=$(printf '%.0f' "$total")"
  for pid in "${PIDS[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
done
