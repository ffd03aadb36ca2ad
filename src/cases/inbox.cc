// The inbox: what waits for one person on one day, read from the queue rows.
//
// A 課長 of a town with 100,000 open cases has thousands of items (issue #14
// asks for them in ≤ 10 ms). Each queue row is a small canonical JSON object
// the case's writer made (Cases::QueueOf); building an nlohmann DOM for each
// was three quarters of the time, so the rows are read with simdjson's
// on-demand parser, which reads the nine known members in place. The row's
// text itself is kept: it is already the item as a machine wants it.
#include <simdjson.h>

#include <algorithm>

#include "cases/cases.h"
#include "registry/registry.h"

namespace mamori::cases {
namespace {

// One queue row -> its item. A row that is not what QueueOf writes was
// changed outside mamori: E-CASE-104, as ledger verify would report it.
Cases::InboxItem ReadItem(const std::string& row_id, std::string text, simdjson::ondemand::parser& parser) {
  Cases::InboxItem item;
  int members = 0;
  try {
    text.reserve(text.size() + simdjson::SIMDJSON_PADDING);  // what the parser may read past the end
    simdjson::ondemand::document doc = parser.iterate(text.data(), text.size(), text.capacity());
    for (auto field : doc.get_object()) {
      const std::string_view key = field.unescaped_key();
      auto value = field.value();
      if (key == "step") {
        item.step = static_cast<int>(value.get_int64());
        ++members;
        continue;
      }
      std::string* into = key == "case"             ? &item.case_id
                          : key == "name"           ? &item.name
                          : key == "kind"           ? &item.kind
                          : key == "status"         ? &item.status
                          : key == "applicant"      ? &item.applicant
                          : key == "applicant_name" ? &item.applicant_name
                          : key == "opened_at"      ? &item.opened_at
                          : key == "step_name"      ? &item.step_name
                                                    : nullptr;
      if (into) *into = std::string(std::string_view(value.get_string())), ++members;
    }
    // One object and nothing after it: the row's text is printed as it is by
    // --format json, so a second object appended by SQL must not pass
    // (simdjson 3.0's on-demand reader stops after the first; a location
    // still in bounds is text left over).
    if (!doc.current_location().error())
      throw store::Error("E-CASE-104", "待ち行列の行「" + row_id + "」の後ろに余分な内容があります。台帳の外で書き換えられています。"
                                       "`mamori ledger verify` で確かめてください。");
  } catch (const simdjson::simdjson_error& e) {
    throw store::Error("E-CASE-104", "待ち行列の行「" + row_id + "」が読めません（" + e.what() +
                                         "）。台帳の外で書き換えられています。`mamori ledger verify` で確かめてください。");
  }
  // All nine, each once (the object is canonical, so no name twice): a row
  // without its applicant would slip past the 第17条 check below.
  if (members != 9 || item.case_id.empty())
    throw store::Error("E-CASE-104", "待ち行列の行「" + row_id + "」の項目が足りません（案件番号・申請者・状態など9項目）。"
                                     "`mamori ledger verify` で確かめてください。");
  item.json = std::move(text);
  return item;
}

}  // namespace

std::vector<Cases::InboxItem> Cases::Inbox(const std::string& person, const std::string& date) {
  registry::Registry reg(store_, pack_);
  std::vector<std::string> prefixes = {"applicant|" + person + "|"};
  for (const auto& h : reg.RolesHeld(person, date)) prefixes.push_back(h.role + "|" + h.scope + "|");
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  simdjson::ondemand::parser parser;
  std::vector<InboxItem> out;
  int feeding = 0;  // prefixes that gave rows
  for (const auto& p : prefixes) {
    const bool own = p.rfind("applicant|", 0) == 0;
    auto rows = store_.ListPrefix("case_queue", p);
    feeding += !rows.empty();
    out.reserve(out.size() + rows.size());
    for (auto& row : rows) {
      InboxItem item = ReadItem(row.id, std::move(row.data), parser);
      // 第17条 and its kin: nobody approves their own application (the
      // decision leaves them out), unless it carries the text's justification.
      if (!own && item.applicant == person && item.status == "open") {
        auto st = store_.Get("cases", item.case_id);
        const Json state = st ? Json::parse(*st, nullptr, false) : Json();
        if (st && state.is_discarded())
          throw store::Error("E-CASE-102", "案件「" + item.case_id + "」の状態の行が読めません。`mamori ledger verify` で確かめてください。");
        const Json request = state.is_object() ? state.value("request", Json()) : Json();
        if (!request.is_object() || !request.value("context", Json::object()).contains("justification")) continue;
      }
      out.push_back(std::move(item));
    }
  }
  // Oldest first: each prefix's rows come so already, and one prefix has
  // each case once. From several, a case waiting for two roles the person
  // holds is one item (the same case, so neighbours once sorted); sorting
  // indices moves each item once.
  if (feeding <= 1) return out;
  std::vector<std::size_t> order(out.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return out[a].opened_at != out[b].opened_at ? out[a].opened_at < out[b].opened_at : out[a].case_id < out[b].case_id;
  });
  std::vector<InboxItem> sorted;
  sorted.reserve(out.size());
  for (std::size_t i : order)
    if (sorted.empty() || sorted.back().case_id != out[i].case_id) sorted.push_back(std::move(out[i]));
  return sorted;
}

}  // namespace mamori::cases
