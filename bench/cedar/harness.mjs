// Evaluates the request set with @cedar-policy/cedar-wasm against yasuda.cedar,
// checks FIRST that the Cedar effect equals mamori's on every request, then
// measures cedar-wasm per-decision latency and throughput.
//
//   node bench/cedar/harness.mjs --requests REQ.jsonl --mamori ANSWERS.jsonl
//        [--policy yasuda.cedar] [--rounds 3] [--json OUT.json] [--check-only]
//        [--registers DIR]
//
// DIR holds the CSV exports of 組織, 情報システム and 職の在任 (run.sh writes
// them): who holds a 課長 or 情報システム管理者 post on a date is a registered
// fact, given to Cedar as the principal entity's attribute, as a Cedar
// deployment loads entities from its own database (第119条: only they may ask
// for 例外措置).
//
// REQ.jsonl: one docs/decide.md request a line (requests.mjs). ANSWERS.jsonl: the
// lines `mamori decide --db DB -` wrote for the same requests, in order.
// Exit status: 0 equal and measured, 1 a mismatch (the first ones are printed),
// 2 usage or input errors.
//
// What one timed decision is — what a caller holding a JSON request line and
// wanting a JSON answer line does: JSON.parse the line, build the Cedar call
// (principal, action, inline resource entity, context), call cedar-wasm (which
// marshals the call object into Rust and the answer back), map the answer(s) to
// permit / deny / approval_required (two questions, see yasuda.cedar), and
// JSON.stringify the answer. The policy set is parsed once beforehand
// (preparsePolicySet + statefulIsAuthorized), as a long-running caller would;
// the figures for isAuthorized with the policy text in every call are printed
// too.

import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";

const here = dirname(fileURLToPath(import.meta.url));

function usage(msg) {
  if (msg) console.error(`harness: ${msg}`);
  console.error("usage: node harness.mjs --requests REQ.jsonl --mamori ANSWERS.jsonl [--policy FILE] [--rounds N] [--json OUT] [--check-only]");
  process.exit(2);
}

const opts = { policy: join(here, "yasuda.cedar"), rounds: 3, checkOnly: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const val = () => process.argv[++i] ?? usage(`${a} needs a value`);
  if (a === "--requests") opts.requests = val();
  else if (a === "--mamori") opts.mamori = val();
  else if (a === "--policy") opts.policy = val();
  else if (a === "--rounds") opts.rounds = Number(val());
  else if (a === "--json") opts.json = val();
  else if (a === "--check-only") opts.checkOnly = true;
  else if (a === "--registers") opts.registers = val();
  else if (a === "--serve") opts.serve = Number(val());
  else usage(`unknown argument ${a}`);
}
if (!opts.requests || !opts.mamori) usage("--requests and --mamori are required");

const readLines = (f) => readFileSync(f, "utf8").split("\n").filter((l) => l.trim() !== "");
const lines = readLines(opts.requests);
const answers = readLines(opts.mamori);
if (answers.length !== lines.length) {
  console.error(`harness: ${lines.length} requests but ${answers.length} mamori answers`);
  process.exit(2);
}

const policyText = readFileSync(opts.policy, "utf8");
const PSET = "yasuda";
{
  const r = cedar.preparsePolicySet(PSET, { staticPolicies: policyText });
  if (r.type !== "success") {
    console.error("harness: the Cedar policy does not parse:", JSON.stringify(r.errors ?? r));
    process.exit(2);
  }
}
const STATIC = { staticPolicies: policyText };

// The registers' posts, read independently of mamori: "person -> [post, from, to]"
// and the posts that make their holder a 情報セキュリティ責任者 (a unit's 長の職)
// or a 情報システム管理者 (a system's 管理者の職).
function readCsv(file) {
  const rows = readFileSync(file, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/).filter((l) => l !== "").map((l) => l.split(","));
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}
const applicantPosts = new Set();
const holdings = new Map();
if (opts.registers) {
  for (const u of readCsv(join(opts.registers, "units.csv"))) if (u["長の職"]) applicantPosts.add(u["長の職"]);
  for (const s of readCsv(join(opts.registers, "systems.csv"))) if (s["情報システム管理者の職"]) applicantPosts.add(s["情報システム管理者の職"]);
  for (const h of readCsv(join(opts.registers, "holders.csv"))) {
    if (!holdings.has(h["職員"])) holdings.set(h["職員"], []);
    holdings.get(h["職員"]).push({ post: h["職"], from: h["開始日"], to: h["終了日"] });
  }
}
const exceptionApplicant = (person, date) =>
  (holdings.get(person) ?? []).some((h) => applicantPosts.has(h.post) && h.from <= date && (!h.to || date <= h.to));
const AXES = ["confidentiality", "integrity", "availability"];
const RESOURCE_UID = { type: "Asset", id: "inline" };

// docs/decide.md request -> the Cedar request pieces.
function toCedar(req) {
  const ctx = req.context ?? {};
  const res = typeof req.resource === "object" && req.resource !== null ? req.resource : {};
  const attrs = {};
  for (const ax of AXES) {                  // the resource's level, else the context's
    const v = res[ax] ?? ctx[ax];
    if (v !== undefined) attrs[ax] = v;
  }
  if (res.owner_unit !== undefined) attrs.owner_unit = res.owner_unit;
  const context = {};
  for (const [k, v] of Object.entries(ctx)) {
    if (k === "date" || k === "justification" || AXES.includes(k)) continue;
    context[k] = v;
  }
  const principal = { type: "User", id: String(req.subject) };
  return {
    principal,
    resource: RESOURCE_UID,
    context,
    entities: [
      { uid: RESOURCE_UID, attrs, parents: [] },
      { uid: principal, attrs: { exception_applicant: exceptionApplicant(String(req.subject), ctx.date) }, parents: [] },
    ],
  };
}

function ask(base, actionId, stateful) {
  const call = stateful
    ? { ...base, action: { type: "Action", id: actionId }, preparsedPolicySetId: PSET }
    : { ...base, action: { type: "Action", id: actionId }, policies: STATIC };
  const r = stateful ? cedar.statefulIsAuthorized(call) : cedar.isAuthorized(call);
  if (r.type !== "success") throw new Error(`cedar: ${JSON.stringify(r.errors)}`);
  if (r.response.diagnostics.errors.length)
    throw new Error(`cedar policy error: ${JSON.stringify(r.response.diagnostics.errors)}`);
  return r.response.decision === "allow";
}

// One decision: JSON line in, JSON line out.
function decideLine(line, stateful = true) {
  const req = JSON.parse(line);
  const base = toCedar(req);
  let effect;
  if (ask(base, req.action, stateful)) effect = "permit";
  else if (ask(base, `${req.action}_with_approval`, stateful)) effect = "approval_required";
  else effect = "deny";
  return JSON.stringify({ effect });
}

// ---- 1. equivalence, before any measurement --------------------------------
const mismatches = [];
const tally = {};
for (let i = 0; i < lines.length; i++) {
  const cedarEffect = JSON.parse(decideLine(lines[i])).effect;
  let m;
  try { m = JSON.parse(answers[i]); } catch { m = { effect: `(unparsable: ${answers[i].slice(0, 80)})` }; }
  const mamoriEffect = m.effect ?? `(no effect: ${answers[i].slice(0, 120)})`;
  const key = `${JSON.parse(lines[i]).action} ${mamoriEffect}`;
  tally[key] = (tally[key] ?? 0) + 1;
  if (cedarEffect !== mamoriEffect) mismatches.push({ i, cedarEffect, mamoriEffect, m });
}
if (mismatches.length) {
  console.log(`EQUIVALENCE: FAILED — ${mismatches.length} of ${lines.length} requests differ. First ones:`);
  for (const { i, cedarEffect, mamoriEffect, m } of mismatches.slice(0, 15)) {
    console.log(`  #${i + 1} ${lines[i]}`);
    console.log(`     mamori ${mamoriEffect}  rules=${JSON.stringify(m.rules ?? [])}  gaps=${JSON.stringify((m.gaps ?? []).map((g) => g.id ?? g))}   cedar ${cedarEffect}`);
  }
  process.exit(1);
}
const effects = {};
for (const [k, n] of Object.entries(tally)) { const e = k.split(" ")[1]; effects[e] = (effects[e] ?? 0) + n; }
console.log(`EQUIVALENCE: ok — Cedar and mamori give the same effect on all ${lines.length} requests ` +
  `(${Object.entries(effects).map(([e, n]) => `${e} ${n}`).join(", ")}).`);
if (opts.checkOnly) process.exit(0);

// ---- --serve PORT: the same decision behind node's own http server ---------
// What a user would otherwise deploy: POST /api/v1/decide, a JSON request in,
// a JSON answer out, keep-alive; bench/http/run.sh drives it with wrk beside
// `mamori serve` and prints the ratio. Only after the equivalence check above,
// so the two servers are known to answer alike. Port 0 takes a free one.
if (opts.serve !== undefined) {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => { body += c; });
    req.on("end", () => {
      let out, status = 200;
      try { out = decideLine(body); } catch (e) { status = 400; out = JSON.stringify({ error: String(e) }); }
      res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(out) });
      res.end(out);
    });
  });
  server.keepAliveTimeout = 60000;
  server.listen(opts.serve, "127.0.0.1", () => console.log(`CEDAR_LISTENING ${server.address().port}`));
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} else {

// ---- 2. measurement ---------------------------------------------------------
function measure(stateful) {
  let sink = 0;
  for (const l of lines) sink += decideLine(l, stateful).length;          // warm-up pass
  const samples = new Float64Array(lines.length * opts.rounds);
  let k = 0;
  for (let r = 0; r < opts.rounds; r++)
    for (const l of lines) {
      const t0 = process.hrtime.bigint();
      sink += decideLine(l, stateful).length;
      samples[k++] = Number(process.hrtime.bigint() - t0) / 1000;            // µs
    }
  samples.sort();
  const q = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  const t0 = process.hrtime.bigint();                                        // throughput, no per-call timers
  for (let r = 0; r < opts.rounds; r++) for (const l of lines) sink += decideLine(l, stateful).length;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { p50_us: q(0.5), p99_us: q(0.99), decisions_per_s: (lines.length * opts.rounds) / secs, sink };
}

const st = measure(true);
const sl = measure(false);
const fmt = (x) => x.toFixed(1);
console.log(`cedar-wasm ${cedar.getCedarVersion()} (npm @cedar-policy/cedar-wasm), node ${process.version}, ` +
  `${lines.length} requests × ${opts.rounds} rounds, JSON line in → JSON line out:`);
console.log(`  preparsed policy set (statefulIsAuthorized): p50 ${fmt(st.p50_us)} µs  p99 ${fmt(st.p99_us)} µs  ${Math.round(st.decisions_per_s)} decisions/s`);
console.log(`  policy text in every call (isAuthorized):    p50 ${fmt(sl.p50_us)} µs  p99 ${fmt(sl.p99_us)} µs  ${Math.round(sl.decisions_per_s)} decisions/s`);

if (opts.json)
  writeFileSync(opts.json, JSON.stringify({
    cedar_version: cedar.getCedarVersion(), node: process.version, requests: lines.length, rounds: opts.rounds,
    effects,
    stateful: { p50_us: st.p50_us, p99_us: st.p99_us, decisions_per_s: st.decisions_per_s },
    stateless: { p50_us: sl.p50_us, p99_us: sl.p99_us, decisions_per_s: sl.decisions_per_s },
  }, null, 2) + "\n");
}
