#!/usr/bin/env bash
# Runs schemathesis against a live `keyfob serve` on a fresh SQLite database, with a registered
# app, a resource server, a real access token and the app's management token, for at most
# MAX_TIME seconds (default 150). Fails on any check of schemathesis.toml.
#   KEYFOB_BIN (default .build/debug/keyfob)   MAX_TIME=150   WORK=$(mktemp -d)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
KEYFOB_BIN=${KEYFOB_BIN:-$ROOT/.build/debug/keyfob}
MAX_TIME=${MAX_TIME:-150}
WORK=${WORK:-$(mktemp -d /tmp/keyfob-schemathesis-XXXXXX)}
DB="sqlite:$WORK/keyfob.sqlite"
REDIRECT=https://client.example.com/cb
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
json() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

app=$("$KEYFOB_BIN" apps create --name Schemathesis --redirect-uri "$REDIRECT" --database "$DB" --json \
  --grant-types authorization_code,refresh_token,client_credentials,device_code)
export KEYFOB_CLIENT_ID=$(json "$app" client_id) KEYFOB_CLIENT_SECRET=$(json "$app" client_secret)
# The management calls use a second app's token: what schemathesis deletes there (it feeds ids it
# saw back into the calls) cannot end the first app's access token the vehicle calls use.
managed=$("$KEYFOB_BIN" apps create --name "Schemathesis managed" --redirect-uri "$REDIRECT" --database "$DB" --json)
export KEYFOB_MANAGEMENT_TOKEN=$(json "$managed" management_token)
managed_code=$("$KEYFOB_BIN" dev mint-codes --app "$(json "$managed" client_id)" --count 1 --redirect-uri "$REDIRECT" --database "$DB")
rs=$("$KEYFOB_BIN" resource-servers create --name Schemathesis --database "$DB" --json)
export KEYFOB_RESOURCE_SERVER_ID=$(json "$rs" id) KEYFOB_RESOURCE_SERVER_SECRET=$(json "$rs" secret)
code=$("$KEYFOB_BIN" dev mint-codes --app "$KEYFOB_CLIENT_ID" --count 1 --redirect-uri "$REDIRECT" --database "$DB")

# A high API allowance: schemathesis calls far faster than an app would.
"$KEYFOB_BIN" serve --host 127.0.0.1 --port "$PORT" --database "$DB" --no-demo-app --api-calls-per-token 1000000 \
  --log-level warning > "$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "$BASE/health/alive" && break; sleep 0.1; done

pair=$(curl -s -u "$KEYFOB_CLIENT_ID:$KEYFOB_CLIENT_SECRET" -d grant_type=authorization_code -d "code=$code" \
  --data-urlencode "redirect_uri=$REDIRECT" "$BASE/oauth/token")
export KEYFOB_ACCESS_TOKEN=$(json "$pair" access_token)
# A connection for the managed app to list.
curl -s -o /dev/null -u "$(json "$managed" client_id):$(json "$managed" client_secret)" -d grant_type=authorization_code \
  -d "code=$managed_code" --data-urlencode "redirect_uri=$REDIRECT" "$BASE/oauth/token"
export KEYFOB_VEHICLE_ID=$(curl -s -H "Authorization: Bearer $KEYFOB_ACCESS_TOKEN" "$BASE/v2.0/vehicles" | python3 -c 'import json,sys; print(json.load(sys.stdin)["vehicles"][0])')

cd "$HERE"
st --config-file "$HERE/schemathesis.toml" run "$BASE/openapi.json" --max-time "$MAX_TIME" --request-timeout 10 \
  --generation-deterministic --workers 2 --max-examples 40
