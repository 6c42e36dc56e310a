#!/usr/bin/env bash
# Exchange throughput of INSTANCES `keyfob serve` processes on one PostgreSQL (a private cluster
# on this machine with PostgreSQL's default durability: fsync=on, synchronous_commit=on), with the
# shared wrk load split evenly between them (each instance its own half of the codes and of the
# connections), for each pool size in POOLS. Prints each instance's RESULT line and the sum. Run as
# root (the server runs as the postgres user). Also prints the CPU time each exchange cost Keyfob
# (all instances) and PostgreSQL (all its processes), from /proc, which drifts less than the rate
# on a shared host. First, as the same-run yardstick, PostgreSQL's own rate of single-row durable
# commits from 8 connections (pgbench, PGBENCH_TIME seconds). Everything under $W.
#   KEYFOB_BIN (required: a release build)   INSTANCES=2   POOLS="8 20 4"   MINT=80000 (per instance)
#   CONNS=64 (in all)   DURATION=15s   SERVE_FLAGS (added to every keyfob serve)
set -euo pipefail
: "${KEYFOB_BIN:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=${BENCH:-$HERE/../../../shared/bench/bench.sh}; REDIRECT=https://client.example.com/cb
INSTANCES=${INSTANCES:-2}; CONNS=${CONNS:-64}; MINT=${MINT:-80000}
. "$HERE/keyfob-server.sh"
W=${W:-/tmp/keyfob-pg-bench}; rm -rf $W; mkdir -p $W; chown postgres:postgres $W
PG=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); PORT=55433
runuser -u postgres -- $PG/initdb -D $W/data -U keyfob -A trust -E UTF8 > /dev/null
runuser -u postgres -- $PG/pg_ctl -D $W/data -l $W/pg.log -w -o "-p $PORT -k $W -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB" start > /dev/null
TICK=$(getconf CLK_TCK)
ticks() { for pid in "$@"; do awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0; done | awk '{s += $1} END {print s + 0}'; }
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  runuser -u postgres -- $PG/pg_ctl -D $W/data -m fast stop > /dev/null
}
trap cleanup EXIT
runuser -u postgres -- $PG/createdb -h 127.0.0.1 -p $PORT -U keyfob keyfob
psql -h 127.0.0.1 -p $PORT -U keyfob postgres -qc "CREATE TABLE yardstick (id bigserial PRIMARY KEY, digest bytea NOT NULL UNIQUE)"
echo "INSERT INTO yardstick (digest) VALUES (sha256(random()::text::bytea));" > $W/yardstick.sql
commits=$($PG/pgbench -h 127.0.0.1 -p $PORT -U keyfob -n -c 8 -j 2 -T ${PGBENCH_TIME:-10} -f $W/yardstick.sql postgres 2>&1 | awk '/^tps/{print $3}')
echo "postgresql single-row commits/s (8 connections, pgbench)=$(printf '%.0f' "$commits")"
DB="postgres://keyfob@127.0.0.1:$PORT/keyfob?sslmode=disable"
app=$("$KEYFOB_BIN" apps create --name bench --redirect-uri "$REDIRECT" --database "$DB" --json)
cid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$app")
sec=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$app")
for pool in ${POOLS:-8 20 4}; do
  PIDS=()
  for i in $(seq 1 "$INSTANCES"); do
    : > $W/codes-$i.txt
    mint_codes "$DB" "$cid" "$MINT" $W/codes-$i.txt
    "$KEYFOB_BIN" serve --host 127.0.0.1 --port $((8381 + i)) --database "$DB" --db-pool-size $pool --no-demo-app \
      --log-level warning ${SERVE_FLAGS:-} > $W/serve-$i.log 2>&1 &
    PIDS+=($!)
  done
  sleep 1
  keyfob_before=$(ticks "${PIDS[@]}"); postgres_before=$(ticks $(pgrep -u postgres))
  BENCHES=()
  for i in $(seq 1 "$INSTANCES"); do
    URL="http://127.0.0.1:$((8381 + i))/oauth/token" CODES="$W/codes-$i.txt" CLIENT_ID=$cid CLIENT_SECRET=$sec REDIRECT_URI=$REDIRECT \
      THREADS=1 CONNS=$((CONNS / INSTANCES)) DURATION=${DURATION:-15s} OUT="$W/out-$i" "$BENCH" > $W/bench-$i.log 2>&1 &
    BENCHES+=($!)
  done
  wait "${BENCHES[@]}"
  keyfob_ticks=$(( $(ticks "${PIDS[@]}") - keyfob_before )); postgres_ticks=$(( $(ticks $(pgrep -u postgres)) - postgres_before ))
  total=0
  for i in $(seq 1 "$INSTANCES"); do
    line=$(grep RESULT $W/bench-$i.log)
    rss=$(awk '/VmHWM/{print $2}' /proc/${PIDS[$((i - 1))]}/status)
    echo "pool=$pool instance=$i $line peak_rss_kb=$rss"
    total=$(python3 -c 'import sys,re; print(float(sys.argv[1]) + float(re.search(r"ok_per_s=([0-9.]+)", sys.argv[2]).group(1)))' "$total" "$line")
  done
  ok=$(cat $W/bench-*.log | grep -o 'RESULT ok=[0-9]*' | awk -F= '{s += $2} END {print s}')
  echo "pool=$pool instances=$INSTANCES total_ok_per_s=$(printf '%.0f' "$total")" \
    "keyfob_cpu_us=$(( keyfob_ticks * 1000000 / TICK / ok )) postgres_cpu_us=$(( postgres_ticks * 1000000 / TICK / ok ))"
  for pid in "${PIDS[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
done
