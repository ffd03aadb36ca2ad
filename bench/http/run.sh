#!/bin/sh
# mamori serve's decide over loopback (#16 part 7), as a system would call it:
# POST /api/v1/decide with a decide token on 64 keep-alive connections (wrk,
# 2 threads), and the JSON Lines batch endpoint. The request set is the one
# the Cedar comparison uses (bench/cedar/requests.mjs). Prints the figures and
# the targets; a benchmark, never part of `make test`.
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
"$mamori" init --pack "$root/packs/yasuda" --db "$tmp/db" >/dev/null
"$mamori" sample --demo-parameters --db "$tmp/db" >/dev/null
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
MAMORI_TOKEN=$token MAMORI_REQUESTS=$tmp/requests.jsonl wrk -t2 -c64 -d"${seconds}s" --latency -s "$here/decide.lua" \
  "http://127.0.0.1:$port" | grep HTTP_RESULT | sed 's/^HTTP_RESULT /  mamori serve: /; s/$/   (target: rps ≥ 30000, p99 ≤ 5 ms, no errors)/'

echo "== http bench: POST /api/v1/decide/batch, 10,000 requests in one body"
t0=$(date +%s%N)
curl -s -H "Authorization: Bearer $token" -H "Content-Type: application/x-ndjson" --data-binary "@$tmp/requests.jsonl" \
  "http://127.0.0.1:$port/api/v1/decide/batch" >"$tmp/answers.jsonl"
t1=$(date +%s%N)
got=$(grep -c '"effect"' "$tmp/answers.jsonl" || true)
echo "  batch: $got decisions in $(( (t1 - t0) / 1000000 )) ms = $(( got * 1000000000 / (t1 - t0) )) decisions/s   (target ≥ 200000)"
echo "  (Cedar behind node's http server: not yet measured here; bench/cedar/run.sh compares the engines in process)"
