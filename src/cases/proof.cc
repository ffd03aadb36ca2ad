// A case's events held to the ledger: the CLI and the API give the auditor
// the same proofs, made once here.
#include "cases/cases.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"

namespace mamori::cases {

Json Proofs(Cases& cases, store::Store& store, ledger::Ledger& log, const std::string& case_id) {
  const State st = cases.Get(case_id);  // E-CASE-005 first: no such case is not "unproven"
  const auto head = log.Head();
  if (!head) throw store::Error("E-CASE-017", "証跡に署名付きツリーヘッドがありません。");
  Json out = Json::array();
  bool all = true;
  const auto events = cases.Events(st.id());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string row = Cases::EventRowId(st.id(), static_cast<long>(i) + 1);
    long long seq = -1;
    for (const auto& h : store.History("case_events", row)) seq = h.log_seq;
    if (seq < 0) {
      all = false;
      out.push_back({{"event", i + 1}, {"verified", false}, {"reason", "証跡のエントリが記録されていません"}});
      continue;
    }
    const auto p = log.ProveInclusion(static_cast<std::uint64_t>(seq));
    const bool ok = ledger::VerifyInclusion(p.seq, p.size, p.leaf, p.path, p.root);
    all &= ok;
    Json path = Json::array();
    for (const auto& h : p.path) path.push_back(ledger::Hex(h));
    out.push_back({{"event", i + 1}, {"type", events[i].value("type", "")}, {"entry", p.seq}, {"size", p.size},
                   {"leaf", ledger::Hex(p.leaf)}, {"root", ledger::Hex(p.root)}, {"path", path}, {"verified", ok}});
  }
  return {{"case", st.id()}, {"size", head->size}, {"root", ledger::Hex(head->root)}, {"proofs", out}, {"verified", all}};
}

}  // namespace mamori::cases
