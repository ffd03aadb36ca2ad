#!/bin/sh
# mamori serve's decide over loopback (#16 part 7), as a system would call it:
# POST /api/v1/decide with a decide token on 64 keep-alive connections (wrk,
# 2 threads), and the JSON Lines batch endpoint. The request set is the one
# the Cedar comparison uses (bench/cedar/requests.mjs). Then the same run
# against Cedar behind node's http server, and the ratio. Prints the figures
# and the targets; a benchmark, never part of `make test`.
#
#   bench/http/run.sh [BUILD_DIR]      (default: build)
#   HTTP_BENCH_SECONDS=10  wrk's duration
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build="$root/$build" ;; esac
mamori="$build/mamori"
seconds=${HTTP_BENCH_SECONDS:-10}
command -v wrk >/dev/null || { echo "http bench: wrk is missing (Debian 12: apt-get install wrk)" >&2; exit 2; }
command -v node >/dev/null || { echo "http bench: node is missing" >&2; exit 2; }
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

node "$root/bench/cedar/requests.mjs" 10000 >"$tmp/requests.jsonl"
"$mamori" init --pack "$root/packs/yasuda" --db "$tmp/db" >/dev/null 2>&1
"$mamori" sample --demo-parameters --db "$tmp/db" >/dev/null 2>&1
token=$("$mamori" token issue --name bench --scope decide --as 000021 --db "$tmp/db" 2>/dev/null)
"$mamori" serve --db "$tmp/db" --listen 127.0.0.1:0 >"$tmp/serve.out" 2>/dev/null &
pid=$!
port=""
for i in $(seq 1 100); do
  port=$(sed -n 's/.*127\.0\.0\.1:\([0-9][0-9]*\) で待ち受け.*/\1/p' "$tmp/serve.out")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "http bench: the server did not start" >&2; exit 1; }

echo "== http bench: POST /api/v1/decide, 64 connections, 2 wrk threads, ${seconds} s (10,000 requests in turn)"
mamori_line=$(MAMORI_TOKEN=$token MAMORI_REQUESTS=$tmp/requests.jsonl wrk -t2 -c64 -d"${seconds}s" --latency -s "$here/decide.lua" \
  "http://127.0.0.1:$port" | grep HTTP_RESULT)
echo "$mamori_line" | sed 's/^HTTP_RESULT /  mamori serve: /; s/$/   (target: rps ≥ 30000, p99 ≤ 5 ms, no errors)/'

echo "== http bench: POST /api/v1/decide/batch, 10,000 requests in one body"
t0=$(date +%s%N)
curl -s -H "Authorization: Bearer $token" -H "Content-Type: application/x-ndjson" --data-binary "@$tmp/requests.jsonl" \
  "http://127.0.0.1:$port/api/v1/decide/batch" >"$tmp/answers.jsonl"
t1=$(date +%s%N)
got=$(grep -c '"effect"' "$tmp/answers.jsonl" || true)
echo "  batch: $got decisions in $(( (t1 - t0) / 1000000 )) ms = $(( got * 1000000000 / (t1 - t0) )) decisions/s   (target ≥ 200000)"

# The peer a user would otherwise deploy: the same policy in Cedar
# (bench/cedar/yasuda.cedar, cedar-wasm) behind node's own http server, first
# held to mamori's answers on the whole request set (the harness refuses to
# serve otherwise), then the same wrk run. The server above is stopped first,
# so the two never share the two cores.
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
pid=""
if [ ! -d "$root/bench/cedar/node_modules/@cedar-policy/cedar-wasm" ]; then
  (cd "$root/bench/cedar" && npm ci --no-audit --no-fund --loglevel=error)
fi
mkdir -p "$tmp/registers"
"$mamori" export 組織 --format csv --out "$tmp/registers/units.csv" --db "$tmp/db" >/dev/null 2>&1
"$mamori" export 情報システム --format csv --out "$tmp/registers/systems.csv" --db "$tmp/db" >/dev/null 2>&1
"$mamori" export 職の在任 --format csv --out "$tmp/registers/holders.csv" --db "$tmp/db" >/dev/null 2>&1
"$mamori" decide --db "$tmp/db" - <"$tmp/requests.jsonl" >"$tmp/mamori_answers.jsonl"
node "$root/bench/cedar/harness.mjs" --requests "$tmp/requests.jsonl" --mamori "$tmp/mamori_answers.jsonl" \
  --registers "$tmp/registers" --serve 0 >"$tmp/cedar.out" 2>&1 &
pid=$!
cport=""
for i in $(seq 1 300); do
  cport=$(sed -n 's/^CEDAR_LISTENING \([0-9][0-9]*\)$/\1/p' "$tmp/cedar.out")
  [ -n "$cport" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$cport" ]; then
  echo "  Cedar over HTTP: not measured — the harness did not serve: $(tail -n 3 "$tmp/cedar.out" | tr '\n' ' ')"
  exit 1
fi
echo "== http bench: the same requests to Cedar behind node's http server, 64 connections, 2 wrk threads, ${seconds} s"
grep EQUIVALENCE "$tmp/cedar.out" | sed 's/^/  /'
cedar_line=$(MAMORI_TOKEN=none MAMORI_REQUESTS=$tmp/requests.jsonl wrk -t2 -c64 -d"${seconds}s" --latency -s "$here/decide.lua" \
  "http://127.0.0.1:$cport" | grep HTTP_RESULT)
echo "$cedar_line" | sed 's/^HTTP_RESULT /  Cedar (node http): /'
m=$(echo "$mamori_line" | sed -n 's/.*rps=\([0-9]*\).*/\1/p')
c=$(echo "$cedar_line" | sed -n 's/.*rps=\([0-9]*\).*/\1/p')
if [ -n "$m" ] && [ -n "$c" ] && [ "$c" -gt 0 ]; then
  echo "  ratio: mamori serve / Cedar over HTTP = $(awk -v m="$m" -v c="$c" 'BEGIN { printf "%.2f", m / c }') (requests/s)"
fi
