// Self-inspection (自己点検): the pack's checklist put to each respondent the
// text names, as Excel forms the town fills, read back checked.
//
// Respondents are the checklist's roles where they are held: one form per
// role and unit or system (安田町 第139条: 統括情報セキュリティ責任者 and each
// 情報システム管理者 for their systems, each 情報セキュリティ責任者 for their 課).
// An answer is a row of "inspection_answers", id "<年度>/<role>/<scope>/<item>"
// ({fy, role, scope, scope_name, item, answer, note, measure, respondents,
// source}), written through the store's one path, so every answer and every
// change of one is a ledger entry.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "compliance/compliance.h"
#include "compliance/row_text.h"

namespace mamori::compliance {
namespace {

using internal::Field;

namespace fs = std::filesystem;

const std::vector<std::string> kHeader = {"年度", "役割", "組織・システムコード", "組織・システム", "項目ID", "点検項目", "根拠", "回答", "備考", "改善策"};
const std::vector<std::string> kAnswers = {"はい", "いいえ", "該当なし"};

std::string AnswerId(int fy, const std::string& role, const std::string& scope, const std::string& item) {
  return std::to_string(fy) + "/" + role + "/" + (scope.empty() ? "-" : scope) + "/" + item;
}

// A name fit for a file on Windows and Linux: the characters neither allows become "_".
std::string FileSafe(std::string s) {
  for (char& c : s)
    if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|') c = '_';
  return s;
}

}  // namespace

std::vector<Respondent> Respondents(store::Store& store, const policy::Pack& pack, const std::string& date) {
  registry::Registry reg(store, pack);
  std::vector<Respondent> out;
  std::vector<std::string> roles;  // in the checklist's order of first appearance
  for (const auto& item : pack.checklist)
    if (std::find(roles.begin(), roles.end(), item.role) == roles.end()) roles.push_back(item.role);
  for (const auto& id : roles) {
    const policy::Role* role = nullptr;
    for (const auto& r : pack.roles)
      if (r.id == id) role = &r;
    if (!role || role->fill.kind == "external" || role->fill.kind == "unset") continue;
    std::vector<const policy::ChecklistItem*> items;
    for (const auto& item : pack.checklist)
      if (item.role == id) items.push_back(&item);
    std::string kind;
    for (auto& s : RoleScopes(store, reg, *role, date, kind)) out.push_back({role, kind, std::move(s), items});
  }
  return out;
}

std::vector<InspectionForm> InspectionForms(store::Store& store, const policy::Pack& pack, const FiscalYear& fy, const std::string& date) {
  std::vector<InspectionForm> out;
  for (const auto& r : Respondents(store, pack, date)) {
    InspectionForm f;
    f.respondent = r;
    f.file_name = FileSafe("自己点検_" + fy.Wareki() + "_" + r.role->name + (r.scope.name.empty() ? "" : "_" + r.scope.name) + ".xlsx");
    f.sheet.name = "自己点検";
    f.sheet.table.header = kHeader;
    f.sheet.notes = {"変えないでください", "変えないでください", "変えないでください", "", "変えないでください", "", "規程の条項",
                     "はい・いいえ・該当なし のどれか", "任意", "「いいえ」のときは必ず記入"};
    f.sheet.choices.assign(kHeader.size(), {});
    f.sheet.choices[7] = kAnswers;
    for (const auto* item : r.items) {
      std::vector<std::string> refs;
      for (const auto& c : item->cite) refs.push_back(c.ref);
      f.sheet.table.rows.push_back({std::to_string(fy.year), r.role->name, r.scope.id, r.scope.name, item->id, item->text, Join(refs, "、"), "", "", ""});
    }
    out.push_back(std::move(f));
  }
  return out;
}

InspectionImport ImportInspection(store::Store& store, const policy::Pack& pack, const registry::io::Table& table,
                                  const std::string& source, const std::string& actor, const std::string& at,
                                  const std::string& date, bool dry_run, const std::string& by) {
  InspectionImport result;
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < table.header.size(); ++i) col[registry::io::TrimCell(table.header[i])] = i;
  for (const char* need : {"年度", "役割", "組織・システムコード", "項目ID", "回答", "備考", "改善策"})
    if (!col.count(need)) {
      result.errors.push_back({1, need, "見出しがありません。`mamori inspect export` で書き出した票に記入してください（見出しの行は変えないでください）。"});
    }
  if (!result.errors.empty()) return result;
  const auto respondents = Respondents(store, pack, date);
  struct Row {
    std::string id;
    Json data;
  };
  std::vector<Row> rows;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const auto& cells = table.rows[i];
    const int line = i < table.row_lines.size() ? table.row_lines[i] : static_cast<int>(i) + 2;
    auto cell = [&](const char* name) { return col[name] < cells.size() ? registry::io::TrimCell(cells[col[name]]) : std::string(); };
    const std::string fy_text = cell("年度"), role_text = cell("役割"), scope = cell("組織・システムコード"), item_id = cell("項目ID"),
                      answer = cell("回答"), note = cell("備考"), measure = cell("改善策");
    if (fy_text.empty() && role_text.empty() && item_id.empty() && answer.empty()) continue;  // a blank line
    auto error = [&](const std::string& column, const std::string& why) { result.errors.push_back({line, column, why}); };
    int fy = 0;
    try {
      fy = ParseFiscalYear(fy_text).year;
    } catch (const store::Error&) {
      error("年度", "年度「" + fy_text + "」を読めません（例: 2026、令和8年度）。");
      continue;
    }
    const Respondent* r = nullptr;
    for (const auto& x : respondents)
      if ((x.role->name == role_text || x.role->id == role_text) && x.scope.id == scope) r = &x;
    if (!r) {
      error(scope.empty() ? "役割" : "組織・システムコード",
            "「" + role_text + (scope.empty() ? "" : "・" + scope) + "」は " + date + " に自己点検をする回答者ではありません（票を書き出し直してください）。");
      continue;
    }
    if (!by.empty() && std::none_of(r->scope.holders.begin(), r->scope.holders.end(),
                                    [&](const registry::Holder& h) { return h.person_id == by; })) {
      std::string holders;
      for (const auto& h : r->scope.holders) holders += (holders.empty() ? "" : "・") + h.person_name + "（" + h.person_id + "）";
      error("役割", "この行は" + r->role->name + (r->scope.name.empty() ? "" : "（" + r->scope.name + "）") + "の回答で、" + date +
                        " の回答者は" + (holders.empty() ? std::string("いません") : holders + "です") + "。" + by +
                        " が出せるのは自分が回答者の票だけです。");
      result.not_theirs = true;
      continue;
    }
    const policy::ChecklistItem* item = nullptr;
    for (const auto* x : r->items)
      if (x->id == item_id) item = x;
    if (!item) {
      error("項目ID", "「" + item_id + "」は" + r->role->name + "の点検項目ではありません。項目ID は変えないでください。");
      continue;
    }
    if (answer.empty()) continue;  // not answered yet: the progress shows it
    if (std::find(kAnswers.begin(), kAnswers.end(), answer) == kAnswers.end()) {
      error("回答", "回答「" + answer + "」は はい・いいえ・該当なし のどれかにしてください。");
      continue;
    }
    if (answer == "いいえ" && measure.empty()) {
      error("改善策", "「いいえ」の項目（" + item_id + "）には改善策を記入してください（第140条: 改善策とともに委員会へ報告）。");
      continue;
    }
    const std::string id = AnswerId(fy, r->role->id, r->scope.id, item->id);
    if (!seen.insert(id).second) {
      error("項目ID", "同じ項目（" + item_id + "）が二度あります。");
      continue;
    }
    Json respondents_json = Json::array();
    for (const auto& h : r->scope.holders) respondents_json.push_back({{"person", h.person_id}, {"name", h.person_name}, {"acting", h.acting}});
    rows.push_back({id, {{"fy", fy}, {"role", r->role->id}, {"role_name", r->role->name}, {"scope", r->scope.id},
                         {"scope_name", r->scope.name}, {"item", item->id}, {"answer", answer}, {"note", note},
                         {"measure", measure}, {"respondents", respondents_json}, {"source", fs::path(source).filename().string()}}});
  }
  if (!result.errors.empty() || dry_run) {
    result.answered = static_cast<int>(rows.size());
    return result;
  }
  store::Transaction tx(store);
  for (auto& row : rows) {
    const auto before = store.Get("inspection_answers", row.id);
    const std::string after = row.data.dump();
    if (before && *before == after) {
      ++result.unchanged;
      continue;
    }
    store.Apply({"inspection_answers", row.id, before, after}, actor, at.empty() ? store::NowJst() : at, "inspect import");
    ++result.answered;
  }
  tx.Commit();
  return result;
}

std::vector<InspectionProgress> Progress(store::Store& store, const policy::Pack& pack, const FiscalYear& fy, const std::string& date) {
  std::map<std::string, Json> answers;
  for (const auto& row : store.ListPrefix("inspection_answers", std::to_string(fy.year) + "/")) answers.emplace(row.id, Json::parse(row.data));
  std::vector<InspectionProgress> out;
  for (const auto& r : Respondents(store, pack, date)) {
    InspectionProgress p;
    p.respondent = r;
    p.total = static_cast<int>(r.items.size());
    for (const auto* item : r.items) {
      auto it = answers.find(AnswerId(fy.year, r.role->id, r.scope.id, item->id));
      if (it == answers.end()) continue;
      const std::string a = Field(it->second, "answer");
      ++p.answered;
      p.yes += a == "はい";
      p.no += a == "いいえ";
      p.na += a == "該当なし";
      if (a == "いいえ") p.measures.push_back(InspectionMeasure{item, Field(it->second, "note"), Field(it->second, "measure")});
    }
    out.push_back(std::move(p));
  }
  return out;
}

registry::io::Table ProgressTable(const std::vector<InspectionProgress>& progress) {
  registry::io::Table t;
  t.header = {"役割", "組織・システム", "回答者", "回答済み", "項目数", "はい", "いいえ", "該当なし"};
  for (const auto& p : progress) {
    std::vector<std::string> who;
    for (const auto& h : p.respondent.scope.holders) who.push_back(h.person_id + " " + h.person_name);
    t.rows.push_back({p.respondent.role->name, p.respondent.scope.name, who.empty() ? "（" + p.respondent.scope.vacancy + "）" : Join(who, "、"),
                      std::to_string(p.answered), std::to_string(p.total), std::to_string(p.yes), std::to_string(p.no), std::to_string(p.na)});
  }
  return t;
}

registry::io::Table MeasuresTable(const std::vector<InspectionProgress>& progress) {
  registry::io::Table t;
  t.header = {"役割", "組織・システム", "項目ID", "点検項目", "根拠", "備考", "改善策"};
  for (const auto& p : progress)
    for (const auto& m : p.measures) {
      std::vector<std::string> refs;
      for (const auto& c : m.item->cite) refs.push_back(c.ref);
      t.rows.push_back({p.respondent.role->name, p.respondent.scope.name, m.item->id, m.item->text, Join(refs, "、"), m.note, m.measure});
    }
  return t;
}

}  // namespace mamori::compliance
