// Verify: the stored state of every case is what its events give. The events
// are evidence entries and the ledger holds them to the log; this holds the
// state rows to the events, so that a state rewritten by hand (a rejection
// turned into an approval with SQL) is found even though the log is intact.
#include <map>
#include <string>
#include <vector>

#include "cases/cases.h"

namespace mamori::cases {

std::vector<Finding> Verify(store::Store& store) {
  std::vector<Finding> out;
  std::map<std::string, std::vector<Json>> events;
  for (const auto& r : store.List("case_events")) {
    const std::string id = r.id.substr(0, r.id.find('/'));
    try {
      events[id].push_back(Json::parse(r.data));
    } catch (const Json::exception&) {
      out.push_back({"E-CASE-101", id, "出来事「" + r.id + "」が JSON として読めません。"});
    }
  }
  std::map<std::string, std::string> states;
  for (const auto& r : store.List("cases")) states.emplace(r.id, r.data);
  for (const auto& [id, evs] : events) {
    auto it = states.find(id);
    if (it == states.end()) {
      out.push_back({"E-CASE-103", id, "案件「" + id + "」の出来事 " + std::to_string(evs.size()) + " 件に、案件の状態がありません。"});
      continue;
    }
    try {
      const State s = Replay(evs);
      Json stored;
      try {
        stored = Json::parse(it->second);
      } catch (const Json::exception&) {
        stored = nullptr;
      }
      if (stored != s.data) {
        std::string what;
        if (stored.is_object())
          for (const char* k : {"status", "current", "events", "applicant", "steps"})
            if (stored.value(k, Json()) != s.data.value(k, Json())) what += std::string(what.empty() ? "" : "、") + k;
        out.push_back({"E-CASE-102", id, "案件「" + id + "」の状態が、その出来事から導かれるものと違います（" +
                                             (what.empty() ? std::string("内容") : what) + "。記録: " +
                                             (stored.is_object() ? StatusName(stored.value("status", "")) : "読めない") +
                                             "、出来事から: " + StatusName(s.status()) + "）。"});
      }
    } catch (const store::Error& e) {
      out.push_back({e.code(), id, e.what()});
    }
  }
  for (const auto& [id, data] : states)
    if (!events.count(id)) out.push_back({"E-CASE-103", id, "案件「" + id + "」に出来事がありません（状態だけがあります）。"});
  // The queue is what the states stand in, row for row.
  std::map<std::string, std::string> want;
  for (const auto& [id, evs] : events) {
    try {
      for (auto& [k, v] : Cases::QueueOf(Replay(evs))) want[k] = v.dump();
    } catch (const store::Error&) {
    }
  }
  std::map<std::string, std::string> have;
  for (const auto& r : store.List("case_queue")) have.emplace(r.id, r.data);
  for (const auto& [k, v] : want) {
    auto it = have.find(k);
    const std::string id = k.substr(k.rfind('|') + 1);
    if (it == have.end()) out.push_back({"E-CASE-104", id, "案件「" + id + "」の受信箱の行「" + k + "」がありません。"});
    else if (Json::parse(it->second) != Json::parse(v)) out.push_back({"E-CASE-104", id, "案件「" + id + "」の受信箱の行「" + k + "」が状態と違います。"});
  }
  for (const auto& [k, v] : have)
    if (!want.count(k)) out.push_back({"E-CASE-104", k.substr(k.rfind('|') + 1), "受信箱の行「" + k + "」は、どの案件の待っている段でもありません。"});
  return out;
}

}  // namespace mamori::cases
