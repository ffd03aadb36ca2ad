#!/bin/sh
# Side by side: yasuda's handling and approval matrix decided by mamori and by
# Cedar (bench/cedar/yasuda.cedar through the npm package @cedar-policy/cedar-wasm
# under node), on the same deterministic request set. The harness first checks
# that both give the same effect on every request, then the figures and ratios are
# printed. Run by `make bench`; a benchmark, never part of `make test`.
#
#   bench/cedar/run.sh [BUILD_DIR]        (default: build)
#   CEDAR_BENCH_N=10000   requests in the set
#   CEDAR_BENCH_ROUNDS=3  harness passes over the set per measurement
#   CEDAR_BENCH_ACTIONS=transport,dispose,...  only these actions (default: all
#                         the actions of bench/cedar/requests.mjs)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build="$root/$build" ;; esac
mamori="$build/mamori"
n=${CEDAR_BENCH_N:-10000}
rounds=${CEDAR_BENCH_ROUNDS:-3}
actions=${CEDAR_BENCH_ACTIONS:-}

command -v node >/dev/null || { echo "cedar bench: node is missing (Debian 12: apt-get install nodejs npm)" >&2; exit 2; }
[ -x "$mamori" ] || { echo "cedar bench: $mamori is missing (make build)" >&2; exit 2; }
"$mamori" decide --help >/dev/null 2>&1 || { echo "cedar bench: $mamori has no 'decide' command yet" >&2; exit 2; }

if [ ! -d "$here/node_modules/@cedar-policy/cedar-wasm" ]; then
  command -v npm >/dev/null || { echo "cedar bench: npm is missing (Debian 12: apt-get install npm)" >&2; exit 2; }
  echo "== npm ci (bench/cedar)"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "== cedar bench: $n requests (bench/cedar/requests.mjs${actions:+, actions $actions}), store from packs/yasuda + sample"
node "$here/requests.mjs" "$n" $actions >"$tmp/requests.jsonl"
"$mamori" init --pack "$root/packs/yasuda" --db "$tmp/db" >/dev/null
"$mamori" sample --db "$tmp/db" >/dev/null
mkdir -p "$tmp/registers"
"$mamori" export 組織 --format csv --out "$tmp/registers/units.csv" --db "$tmp/db" >/dev/null
"$mamori" export 情報システム --format csv --out "$tmp/registers/systems.csv" --db "$tmp/db" >/dev/null
"$mamori" export 職の在任 --format csv --out "$tmp/registers/holders.csv" --db "$tmp/db" >/dev/null

# mamori, CLI batch path: one process, JSON Lines in and out (includes start-up
# and loading the pack). Best of three runs.
best=""
for i in 1 2 3; do
  t0=$(date +%s%N)
  "$mamori" decide --db "$tmp/db" - <"$tmp/requests.jsonl" >"$tmp/answers.jsonl"
  t1=$(date +%s%N)
  ns=$((t1 - t0))
  if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
done
got=$(grep -c . "$tmp/answers.jsonl" || true)
[ "$got" -eq "$n" ] || { echo "cedar bench: mamori decide wrote $got answers for $n requests" >&2; exit 1; }

# mamori, decide --record: every decision recorded in the ledger as it is
# answered (a transaction and a signed head each 1,000), on a fresh copy of
# the store each run, best of three, start-up included. Its own, larger set of
# the same generator, so that start-up is a small part of the figure.
record_n=${CEDAR_BENCH_RECORD_N:-200000}
node "$here/requests.mjs" "$record_n" $actions >"$tmp/record.jsonl"
record_best=""
for i in 1 2 3; do
  rm -f "$tmp/rdb" "$tmp/rdb-wal" "$tmp/rdb-shm" "$tmp/rdb.key"
  cp "$tmp/db" "$tmp/rdb" && cp "$tmp/db.key" "$tmp/rdb.key"
  t0=$(date +%s%N)
  "$mamori" decide --record --db "$tmp/rdb" - <"$tmp/record.jsonl" >"$tmp/recorded.jsonl"
  t1=$(date +%s%N)
  ns=$((t1 - t0))
  if [ -z "$record_best" ] || [ "$ns" -lt "$record_best" ]; then record_best=$ns; fi
done
got=$(grep -c . "$tmp/recorded.jsonl" || true)
[ "$got" -eq "$record_n" ] || { echo "cedar bench: mamori decide --record wrote $got answers for $record_n requests" >&2; exit 1; }
"$mamori" ledger verify --db "$tmp/rdb" >/dev/null || { echo "cedar bench: the recorded ledger does not verify" >&2; exit 1; }

# Cedar: equivalence first (exit 1 on any difference), then the figures.
node "$here/harness.mjs" --requests "$tmp/requests.jsonl" --mamori "$tmp/answers.jsonl" \
  --rounds "$rounds" --json "$tmp/cedar.json" --registers "$tmp/registers"

# mamori, in process: the Decide benchmarks of mamori_bench (bench/engine_bench.cc:
# engine::Decide on parsed requests over its own 100,000-person / 1,000,000-asset
# town, no JSON), if there are any.
: >"$tmp/inproc.json"
if [ -x "$build/mamori_bench" ] && "$build/mamori_bench" --benchmark_list_tests=true 2>/dev/null | grep -q Decide; then
  echo "== mamori_bench --benchmark_filter=Decide"
  if ! "$build/mamori_bench" --benchmark_filter=Decide --benchmark_format=json >"$tmp/inproc.json" 2>"$tmp/inproc.err"; then
    echo "cedar bench: mamori_bench --benchmark_filter=Decide failed: $(tail -n 2 "$tmp/inproc.err" | tr '\n' ' ')" >&2
    : >"$tmp/inproc.json"
  fi
fi

node --input-type=module - "$tmp/cedar.json" "$tmp/inproc.json" "$n" "$best" <<'EOF'
import { readFileSync } from "node:fs";
const [cedarFile, inprocFile, n, ns] = process.argv.slice(2);
const c = JSON.parse(readFileSync(cedarFile, "utf8"));
const cliDps = Number(n) / (Number(ns) / 1e9);
const f1 = (x) => x.toFixed(1), f2 = (x) => x.toFixed(2), f0 = (x) => String(Math.round(x));
const ratio = (a, b) => (a >= b ? `${f0(a / b)}×` : `1/${f0(b / a)}×`);
// mamori_bench: BM_DecideLatency reports p50_us / p99_us, BM_DecideBatch decisions/s.
let lat = null, batch = null;
const text = readFileSync(inprocFile, "utf8").trim();
if (text) for (const b of JSON.parse(text).benchmarks ?? []) {
  if (b.p50_us !== undefined && !lat) lat = { name: b.name, p50: b.p50_us, p99: b.p99_us };
  if (b["decisions/s"] !== undefined && !batch) batch = { name: b.name, dps: b["decisions/s"] };
}
const st = c.stateful, sl = c.stateless;
console.log("");
console.log(`== mamori vs Cedar: yasuda handling/approval matrix, ${n} requests, same effect on every one`);
console.log(`  Cedar  cedar-wasm ${c.cedar_version}, node ${c.node}, preparsed policies: p50 ${f1(st.p50_us)} µs  p99 ${f1(st.p99_us)} µs  ${f0(st.decisions_per_s)} decisions/s`);
console.log(`  Cedar  cedar-wasm, policy text in every call:        p50 ${f1(sl.p50_us)} µs  p99 ${f1(sl.p99_us)} µs  ${f0(sl.decisions_per_s)} decisions/s`);
console.log(`  mamori CLI batch (decide --db DB -, best of 3, incl. start-up):       ${f0(cliDps)} decisions/s`);
if (lat) console.log(`  mamori in process (mamori_bench ${lat.name}): p50 ${f2(lat.p50)} µs  p99 ${f2(lat.p99)} µs`);
if (batch) console.log(`  mamori in process (mamori_bench ${batch.name}, one core): ${f0(batch.dps)} decisions/s`);
if (!lat && !batch) console.log("  mamori in process: no figures (mamori_bench has no Decide benchmark, or it failed)");
if (lat) console.log(`  ratio latency    Cedar p50 / mamori in-process p50: ${ratio(st.p50_us, lat.p50)}`);
if (batch) console.log(`  ratio throughput mamori in-process / Cedar:        ${ratio(batch.dps, st.decisions_per_s)}`);
console.log(`  ratio throughput mamori CLI batch / Cedar:         ${ratio(cliDps, st.decisions_per_s)}`);
console.log("  (Cedar and the CLI batch: this request set, JSON line in -> JSON line out. mamori in process:");
console.log("   mamori_bench's own requests over a 100,000-person / 1,000,000-asset town, parsed, no JSON.)");
EOF
echo "  mamori decide --record (every decision in the ledger, best of 3, incl. start-up, $record_n requests): $((record_n * 1000000 / (record_best / 1000))) decisions/s   (target ≥ 100000)"
