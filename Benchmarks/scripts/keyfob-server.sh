# Sourced by the benchmark scripts: one Keyfob server on a fresh SQLite database with minted codes.
# start_keyfob DIR COUNT — needs KEYFOB_BIN, PORT, REDIRECT; creates an application, writes COUNT
# codes to DIR/codes.txt, starts `keyfob serve` on 127.0.0.1:PORT and waits until it answers.
# Sets CID, SEC (the application's credentials) and PID (the server). stop_keyfob ends it.
# SERVE_FLAGS, if set, are added to `keyfob serve` (e.g. "--max-write-wait 0"), APP_FLAGS to
# `keyfob apps create` (e.g. "--require-dpop"). With SIGNING_KEY=1 a signing key is made first
# (`keyfob keys rotate`, sealed under KEYFOB_KEY_ENCRYPTION_KEY, which must then be exported).
# mint_codes DATABASE CLIENT_ID COUNT FILE appends COUNT codes for that client to FILE.
PID=""

mint_codes() {
  # At most 100,000 per call: builds before b20673b (kept for A/B runs) write a call's codes in
  # one store write, which a slow host must finish within the CLI's store-call deadline (5 s).
  local db=$1 client=$2 left=$3 file=$4 batch
  while [ "$left" -gt 0 ]; do
    batch=$(( left < 100000 ? left : 100000 ))
    "$KEYFOB_BIN" dev mint-codes --app "$client" --count "$batch" --redirect-uri "$REDIRECT" --database "$db" >> "$file"
    left=$(( left - batch ))
  done
}

start_keyfob() {
  local dir=$1 count=$2 db="sqlite:$1/keyfob.sqlite" app
  mkdir -p "$dir"
  if [ "${SIGNING_KEY:-0}" = 1 ]; then "$KEYFOB_BIN" keys rotate --database "$db" > /dev/null; fi
  app=$("$KEYFOB_BIN" apps create --name bench --redirect-uri "$REDIRECT" --database "$db" --json ${APP_FLAGS:-})
  CID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$app")
  SEC=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$app")
  : > "$dir/codes.txt"
  mint_codes "$db" "$CID" "$count" "$dir/codes.txt"
  "$KEYFOB_BIN" serve --host 127.0.0.1 --port "$PORT" --database "$db" --no-demo-app --log-level warning ${SERVE_FLAGS:-} > "$dir/serve.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/.well-known/oauth-authorization-server" && return 0; sleep 0.1; done
  echo "keyfob did not start; see $dir/serve.log" >&2; return 1
}

stop_keyfob() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; fi
}
