// Replay: a case's events -> its state. The one definition of what the events
// mean, used when a command acts (it replays under the write lock) and when
// `ledger verify` holds the stored state rows to the events.
//
// The "cases" row (State::data) holds what was fixed at opening —
//   id, workflow, kind, name, applicant, applicant_name, unit, unit_name,
//   system, pack_hash, opened_at, opened_on, request (the decide request),
//   fields (the opening record of an exception or incident), steps
// (the opening event also holds the decision and the citations [[ref, text]]
// of that day, which the state leaves out)
// — and what has happened since: status, current (the step waiting, -1 when
// none), events (how many), returned (how many times 差戻し), closed_at, and
// on each step that was done its "done" {by, by_name, post, acting, at, on,
// records, present}. A step is {id, name, by, role, role_name, order, any_of,
// collective, quorum, records, cite, next (indices; -1 is the end), deadline}.
#include <string>
#include <vector>

#include "cases/cases.h"

namespace mamori::cases {
namespace {

// The events were written outside mamori (by SQL, or a restored file): what
// to do next is to see what else was, which ledger verify says.
[[noreturn]] void Impossible(const std::string& id, long n, const std::string& why) {
  throw store::Error("E-CASE-101", "案件「" + id + "」の出来事 #" + std::to_string(n) + " は起こりえません: " + why +
                                       " 台帳の外で書き換えられた疑いがあります。何も変えていません。`mamori ledger verify` で"
                                       "ほかの食い違いと最初の不正なエントリを確かめ、情報セキュリティ責任者に知らせてください。");
}

// Steps are numbered from 1 for people, as `case show` lists them; -1 is the
// end; an event that names no step at all (forged) says so.
std::string StepNo(int index) {
  if (index == -1) return "終わり";
  if (index < -1) return "段の指定なし";
  return "第" + std::to_string(index + 1) + "段";
}

}  // namespace

std::string StatusName(const std::string& status) {
  if (status == "open") return "審査中";
  if (status == "returned") return "差戻し";
  if (status == "rejected") return "却下";
  if (status == "withdrawn") return "取下げ";
  if (status == "done") return "完了";
  return status;
}

// The state after the opening event alone.
State Opening(const Json& first) {
  const std::string id = first.value("case", "");
  if (first.value("type", "") != "open" || !first.contains("open") || !first["open"].is_object())
    Impossible(id, 1, "最初の出来事が案件の開始ではありません。");
  State s;
  s.data = first["open"];
  // What the case was opened with stays in its first event: the decision
  // and the article texts of that day are read from there, not copied into
  // every state the case passes through (each state is a history row and an
  // evidence entry, before and after).
  s.data.erase("decision");
  s.data.erase("citations");
  s.data["id"] = id;
  s.data["opened_at"] = first.value("at", "");
  s.data["status"] = "open";
  s.data["returned"] = 0;
  Json& steps = s.data["steps"];
  if (!steps.is_array()) Impossible(id, 1, "手順の段がありません。");
  s.data["current"] = steps.empty() ? -1 : 0;
  if (steps.empty()) s.data["status"] = "done";
  s.data["events"] = 1;
  s.data["last_at"] = first.value("at", "");
  return s;
}

void Step(State& s, const Json& e) {
  const std::string id = s.id();
  const long n = s.data.value("events", 0L) + 1;
  Json& steps = s.data["steps"];
  if (e.value("n", 0L) != n) Impossible(id, n, "番号が続いていません（" + std::to_string(e.value("n", 0L)) + "）。");
  if (e.value("case", "") != id) Impossible(id, n, "別の案件の出来事です。");
  const std::string type = e.value("type", ""), status = s.data["status"];
  const int current = s.data["current"];
  if (type == "approve" || type == "record" || type == "confirm") {
    if (status != "open") Impossible(id, n, StatusName(status) + "の案件の段は進められません。");
    if (e.value("step", -2) != current) Impossible(id, n, "待っている段（" + StepNo(current) + "）ではない段（" + StepNo(e.value("step", -2)) + "）を進めています。");
    Json& step = steps[static_cast<std::size_t>(current)];
    const int to = e.value("to", -2);
    bool allowed = false;
    for (const auto& x : step["next"]) allowed |= x.get<int>() == to;
    if (!allowed) Impossible(id, n, "その段の次に進めない段（" + StepNo(to) + "）へ進んでいます。");
    step["done"] = {{"by", e.value("by", "")},         {"by_name", e.value("by_name", "")},
                    {"post", e.value("post", "")},     {"acting", e.value("acting", false)},
                    {"at", e.value("at", "")},         {"on", e.value("on", "")},
                    {"records", e.value("records", Json::object())}, {"present", e.value("present", Json::array())}};
    s.data["current"] = to;
    if (to == -1) {
      s.data["status"] = "done";
      s.data["closed_at"] = e.value("at", "");
    }
  } else if (type == "reject") {
    if (status != "open") Impossible(id, n, StatusName(status) + "の案件は却下できません。");
    s.data["status"] = "rejected";
    s.data["closed_at"] = e.value("at", "");
    s.data["rejected"] = {{"by", e.value("by", "")}, {"reason", e.value("reason", "")}, {"step", current}};
  } else if (type == "return") {
    if (status != "open") Impossible(id, n, StatusName(status) + "の案件は差し戻せません。");
    s.data["status"] = "returned";
    s.data["returned"] = s.data["returned"].get<int>() + 1;
  } else if (type == "resubmit") {
    if (status != "returned") Impossible(id, n, "差戻しでない案件は再申請できません。");
    // Approvals given before the return stand for nothing: the case is
    // examined again from its first step (the events keep them).
    for (auto& step : steps) step.erase("done");
    s.data["status"] = "open";
    s.data["current"] = steps.empty() ? -1 : 0;
  } else if (type == "withdraw") {
    if (status != "open" && status != "returned") Impossible(id, n, StatusName(status) + "の案件は取り下げられません。");
    s.data["status"] = "withdrawn";
    s.data["closed_at"] = e.value("at", "");
  } else if (type != "note") {
    Impossible(id, n, "未知の出来事「" + type + "」です。");
  }
  if (s.data["status"] != "open") s.data["current"] = -1;
  s.data["events"] = n;
  s.data["last_at"] = e.value("at", "");
}

State Replay(const std::vector<Json>& events) {
  if (events.empty()) throw store::Error("E-CASE-101", "案件の出来事がありません。");
  State s = Opening(events[0]);
  for (std::size_t i = 1; i < events.size(); ++i) Step(s, events[i]);
  return s;
}

}  // namespace mamori::cases
