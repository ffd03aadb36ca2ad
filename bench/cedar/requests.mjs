// Deterministic request set for the mamori / Cedar comparison, as JSON Lines in
// the request format of docs/decide.md (inline resource attributes, no register
// ids), on stdout.
//
//   node bench/cedar/requests.mjs [N] [ACTION,ACTION,...]   (default N = 10000, all actions)
//
// The first part of the set is the full grid  actions × 12 level combinations ×
// context variants; the rest are draws from the same grid with a fixed-seed PRNG;
// the whole set is then shuffled with the same PRNG. Subjects are 職員 000001–000300
// and owning units U01–U20 of `mamori sample`. Same N → byte-identical output.

export const ACTIONS = [
  "transport", "external_provision", "dispose", "take_out", "bring_in",
  "external_processing", "non_issued_device", "network_connect", "exception",
  "genai_trial", "tos_service", "social_media_post", "send", "store", "copy",
];

const CONF = ["C1", "C2", "C3"];
const INTEG = ["I1", "I2"];
const AVAIL = ["A1", "A2"];

// Flags and zone names the matrix turns on. An absent flag matches no rule that
// tests it, so absent, true and false are all exercised. No variant names both
// from_zone and to_zone (that would bring in the pack's flows).
const CONTEXTS = [
  {},
  { emergency: true },
  { emergency: false },
  { device_issued: true },
  { device_issued: false },
  { to_zone: "managed_area", device_issued: false },
  { to_zone: "managed_area", device_issued: true },
  { to_zone: "managed_area" },
  { from_zone: "mynumber" },
  { from_zone: "gov_cloud_mynumber" },
  { from_zone: "lgwan" },
  { email_attachment: true },
  { encrypted: true, outside_office: true },
];

const DATES = ["2026-04-01", "2026-06-15", "2026-10-01", "2027-03-31"];

function mulberry32(seed) {
  return function () {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeRequests(n = 10000, actions = ACTIONS, seed = 20260401) {
  const rnd = mulberry32(seed);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const grid = [];
  for (const action of actions)
    for (const c of CONF) for (const i of INTEG) for (const a of AVAIL)
      for (const ctx of CONTEXTS) grid.push([action, c, i, a, ctx]);
  const out = [];
  for (let k = 0; k < n; k++) {
    const [action, c, i, a, ctx] = k < grid.length ? grid[k] : pick(grid);
    const subject = String(1 + Math.floor(rnd() * 300)).padStart(6, "0");
    const unit = "U" + String(1 + Math.floor(rnd() * 20)).padStart(2, "0");
    out.push({
      subject,
      action,
      resource: { confidentiality: c, integrity: i, availability: a, owner_unit: unit },
      context: { date: pick(DATES), ...ctx },
    });
  }
  for (let k = out.length - 1; k > 0; k--) {           // Fisher–Yates, same PRNG
    const j = Math.floor(rnd() * (k + 1));
    [out[k], out[j]] = [out[j], out[k]];
  }
  return out;
}

import { fileURLToPath } from "node:url";
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.on("error", (e) => { if (e.code === "EPIPE") process.exit(0); throw e; });
  const n = Number(process.argv[2] ?? 10000);
  const actions = process.argv[3] ? process.argv[3].split(",").filter(Boolean) : ACTIONS;
  const unknown = actions.filter((a) => !ACTIONS.includes(a));
  if (!Number.isInteger(n) || n <= 0 || unknown.length || !actions.length) {
    console.error(`usage: node requests.mjs [N] [ACTION,...]  (actions: ${ACTIONS.join(",")})`);
    process.exit(2);
  }
  process.stdout.write(makeRequests(n, actions).map((r) => JSON.stringify(r)).join("\n") + "\n");
}
