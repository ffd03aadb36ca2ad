// The 年度's duties: who holds each on the day, when it is due (only when the
// text or the interval's owner says), and its completions ("duty_records").
//
// A "duty_records" row is {duty, duty_name, fy, on, by, by_name, post,
// acting, scope, scope_name, evidence: [{type, value, name?, size?}], cite},
// id "<年度>/<duty id>/<n>" (n from 1, four digits): the 年度's records of a
// duty are one prefix.
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>

#include "compliance/compliance.h"
#include "compliance/row_text.h"
#include "ledger/merkle.h"
#include "registry/io/table_io.h"

namespace mamori::compliance {
namespace {

using internal::Field;
using internal::RoleOf;

namespace fs = std::filesystem;

// The SHA-256 of a file, read in pieces (a report or a scan may be large).
std::string FileSha256(const std::string& path, long long& size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw store::Error("E-COMP-004", "証拠のファイル「" + path + "」を開けません。パスを確かめてください。");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  size = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = in.gcount();
    if (n > 0) EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(n)), size += n;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return ledger::HexOf(std::span<const unsigned char>(md, len));
}

// Levenshtein over bytes is enough to suggest an id typed with one slip.
std::size_t Distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string HolderText(const registry::Holder& h) {
  return h.person_id + " " + h.person_name + "（" + h.post_name + (h.acting ? "・代理" : "") + "）";
}

}  // namespace

std::vector<std::string> Refs(const policy::Cites& cites) {
  std::vector<std::string> out;
  for (const auto& x : cites) out.push_back(x.ref);
  return out;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& s : parts) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string DutyStatus::StatusName() const {
  if (status == "done") return "実施済み";
  if (status == "open") return "未実施";
  if (status == "overdue") return "期限超過";
  return "記録なし";
}

Evidence ParseEvidence(const std::string& text) {
  const auto colon = text.find(':');
  const std::string type = colon == std::string::npos ? "" : text.substr(0, colon);
  const std::string value = colon == std::string::npos ? "" : text.substr(colon + 1);
  Evidence e;
  e.type = type;
  if (type == "note") {
    if (value.empty()) throw store::Error("E-COMP-004", "--evidence note: の後に内容を書いてください（例: note:全職員向け研修を実施）。");
    e.value = value;
  } else if (type == "file") {
    if (value.empty() || !fs::is_regular_file(value))
      throw store::Error("E-COMP-004", "証拠のファイル「" + value + "」がありません。パスを確かめてください（ファイルは SHA-256 を記録し、中身は保存しません）。");
    e.name = fs::path(value).filename().string();
    e.value = FileSha256(value, e.size);
  } else if (type == "sha256") {
    std::string hex = value;
    std::transform(hex.begin(), hex.end(), hex.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!ledger::FromHex(hex))
      throw store::Error("E-COMP-004", "--evidence sha256: の値「" + value + "」は SHA-256（16進数64文字）ではありません。");
    e.value = hex;
  } else if (type == "case") {
    if (value.empty()) throw store::Error("E-COMP-004", "--evidence case: の後に案件番号を書いてください（例: case:C2026-000001）。");
    e.value = value;
  } else {
    std::string hint;
    if (fs::is_regular_file(text)) hint = "ファイルなら --evidence file:" + text + " と書いてください。";
    throw store::Error("E-COMP-004", "--evidence「" + text + "」の種類がわかりません。" + hint +
                                         "書き方: note:内容、file:パス（SHA-256 を記録）、sha256:16進数64文字、case:案件番号。");
  }
  return e;
}

Json EvidenceJson(store::Store& store, const std::vector<Evidence>& evidence) {
  Json out = Json::array();
  for (const auto& e : evidence) {
    if (e.type == "case" && !store.Has("cases", e.value))
      throw store::Error("E-COMP-004", "証拠の案件「" + e.value + "」はありません。`mamori case list` で番号を確かめてください。");
    Json x = {{"type", e.type}, {"value", e.value}};
    if (!e.name.empty()) x["name"] = e.name;
    if (e.size >= 0) x["size"] = e.size;
    out.push_back(std::move(x));
  }
  return out;
}

Duties::Duties(store::Store& store, const policy::Pack& pack) : store_(store), pack_(pack), reg_(store, pack) {}

const policy::Duty& Duties::Find(const std::string& id) const {
  for (const auto& d : pack_.duties)
    if (d.id == id) return d;
  std::vector<std::pair<std::size_t, std::string>> near;
  for (const auto& d : pack_.duties) near.emplace_back(Distance(id, d.id), d.id);
  std::sort(near.begin(), near.end());
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < near.size() && i < 3; ++i) ids.push_back(near[i].second);
  throw store::Error("E-COMP-002", "務め「" + id + "」はパック（" + pack_.name + "）にありません。" +
                                       (ids.empty() ? std::string() : "近いもの: " + Join(ids, "、") + "。") +
                                       "一覧は `mamori duties --fy 年度` で確かめてください。");
}

std::vector<Scope> RoleScopes(store::Store& store, registry::Registry& reg, const policy::Role& role, const std::string& date,
                              std::string& kind) {
  std::vector<Scope> out;
  const std::string& fill = role.fill.kind;
  if (fill == "unit_head" || fill == "unit_post" || fill == "system_admin") {
    const bool unit = fill != "system_admin";
    kind = unit ? "unit" : "system";
    for (const auto& row : store.List(unit ? "units" : "systems")) {
      Scope s;
      s.id = row.id;
      s.name = Field(Json::parse(row.data), "name");
      auto a = unit ? reg.Who(role.id, row.id, "", date) : reg.Who(role.id, "", row.id, date);
      s.holders = std::move(a.holders);
      if (s.holders.empty()) s.vacancy = a.note.empty() ? "空席" : a.note;
      out.push_back(std::move(s));
    }
    return out;
  }
  kind = "";
  Scope s;
  auto a = reg.Who(role.id, "", "", date);
  s.holders = std::move(a.holders);
  if (s.holders.empty()) s.vacancy = a.note.empty() ? "空席" : a.note;
  out.push_back(std::move(s));
  return out;
}

std::vector<DutyStatus> Duties::List(const FiscalYear& fy, const std::string& date, const std::string& now) {
  // The 年度's records, by duty and scope, oldest first (ids sort by n).
  std::map<std::string, std::map<std::string, std::vector<Json>>> records;
  for (const auto& row : store_.ListPrefix("duty_records", std::to_string(fy.year) + "/")) {
    Json j = Json::parse(row.data);
    records[Field(j, "duty")][Field(j, "scope")].push_back(std::move(j));
  }
  // Holders per role, resolved once for the day: many duties share a role.
  std::map<std::string, std::pair<std::string, std::vector<Scope>>> by_role;
  auto held = [&](const policy::Role& role) -> const std::pair<std::string, std::vector<Scope>>& {
    auto it = by_role.find(role.id);
    if (it == by_role.end()) {
      std::string kind;
      auto scopes = RoleScopes(store_, reg_, role, date, kind);
      it = by_role.emplace(role.id, std::make_pair(kind, std::move(scopes))).first;
    }
    return it->second;
  };
  std::vector<DutyStatus> out;
  for (const auto& d : pack_.duties) {
    DutyStatus st;
    st.duty = &d;
    const policy::Role* role = RoleOf(pack_, d.role);
    if (!role) continue;  // pack check refuses such a pack
    st.role_name = role->name;
    const auto& [kind, scopes] = held(*role);
    st.scope_kind = kind;
    st.scopes = scopes;
    for (auto& s : st.scopes) {
      auto r = records.find(d.id);
      if (r != records.end())
        if (auto x = r->second.find(s.id); x != r->second.end()) s.done = x->second;
    }
    const bool any = std::any_of(st.scopes.begin(), st.scopes.end(), [](const Scope& s) { return !s.done.empty(); });
    // Scopes nobody holds cannot do the duty, and are not counted as behind;
    // the listing shows them as 空席.
    auto behind = [&](const Scope& s) { return s.done.empty() && !s.holders.empty(); };
    const bool all = std::none_of(st.scopes.begin(), st.scopes.end(), behind) && any;
    if (d.cycle == "fiscal_year") {
      st.due = fy.end;  // 毎年度: within the 年度
      st.status = all ? "done" : now > st.due ? "overdue" : "open";
    } else if (d.cycle == "periodic") {
      for (const auto& x : pack_.parameters)
        if (x.id == d.interval) st.interval = &x;
      if (st.interval) {
        // The owner by name, and who holds the post that day when it is one
        // person: the one to ask to set it.
        if (const policy::Role* owner = RoleOf(pack_, st.interval->owner)) {
          st.interval_owner = owner->name;
          const auto& [okind, oscopes] = held(*owner);
          std::vector<std::string> who;
          if (okind.empty())
            for (const auto& h : oscopes.front().holders) who.push_back(h.person_id + " " + h.person_name);
          if (!who.empty()) st.interval_owner += "（" + Join(who, "、") + "）";
        }
      }
      const auto period = st.interval ? policy::PeriodOf(*st.interval) : std::nullopt;
      if (!period) {
        st.status = any ? "done" : "none";  // no due date: nothing can be late
      } else {
        // Each scope is due one interval after its last record in the 年度,
        // or after the 年度 began.
        bool late = false, every = true;
        std::string due;
        for (const auto& s : st.scopes) {
          if (s.holders.empty() && s.done.empty()) continue;
          const std::string last = s.done.empty() ? fy.start : Field(s.done.back(), "on");
          const std::string next = policy::DateAfter(last, *period);
          if (due.empty() || next < due) due = next;
          late |= now > next;
          every &= !s.done.empty();
        }
        st.due = due;
        st.status = late ? "overdue" : every && any ? "done" : "open";
      }
    } else {
      st.status = any ? "done" : "none";  // 必要に応じ・事象発生時・常時: recorded, never due
    }
    out.push_back(std::move(st));
  }
  return out;
}

Json Duties::Record(const Done& in) {
  const policy::Duty& duty = Find(in.duty);
  const std::string today = store::NowJst().substr(0, 10);
  const std::string on = in.date.empty() ? today : in.date;
  if (!registry::io::ParseDate(on) || *registry::io::ParseDate(on) != on)
    throw store::Error("E-COMP-005", "実施日「" + on + "」を読めません（例: 2026-06-30、令和8年6月30日）。");
  if (on > today) throw store::Error("E-COMP-005", "実施日 " + on + " はまだ来ていません（今日は " + today + "）。実施した日を --date で指定してください。");
  const policy::Role* role = RoleOf(pack_, duty.role);
  if (!role) throw store::Error("E-COMP-003", "務め「" + duty.id + "」の役割「" + duty.role + "」がパックにありません。`mamori pack check` で確かめてください。");
  if (in.evidence.empty())
    throw store::Error("E-COMP-004", "実施の証拠を --evidence で1つ以上指定してください（note:内容、file:パス、sha256:16進数、case:案件番号）。");
  const auto person = store_.Get("people", in.as);
  if (!person) throw store::Error("E-COMP-003", "職員「" + in.as + "」は職員の台帳にありません。職員番号を確かめてください。");
  const std::string person_name = Field(Json::parse(*person), "name");

  // Who holds the role that day, and for which units or systems this person does.
  std::string kind;
  auto scopes = RoleScopes(store_, reg_, *role, on, kind);
  std::vector<const Scope*> mine;
  for (const auto& s : scopes)
    if (std::any_of(s.holders.begin(), s.holders.end(), [&](const registry::Holder& h) { return h.person_id == in.as; }))
      mine.push_back(&s);
  if (mine.empty()) {
    std::vector<std::string> who;
    for (const auto& s : scopes)
      for (const auto& h : s.holders)
        if (who.size() < 5) who.push_back((s.name.empty() ? "" : s.name + " ") + HolderText(h));
    const std::size_t total = std::accumulate(scopes.begin(), scopes.end(), std::size_t{0},
                                              [](std::size_t n, const Scope& s) { return n + s.holders.size(); });
    throw store::Error("E-COMP-003", in.as + " " + person_name + " は " + on + " に「" + role->name + "」ではないため、務め「" + duty.name +
                                         "」の実施を記録できません。" +
                                         (who.empty() ? "その日に在任する者がいません（" + scopes.front().vacancy + "）。"
                                                      : "記録できるのは " + Join(who, "、") + (total > who.size() ? " ほか" : "") + " です。") +
                                         "何も変えていません。");
  }
  const Scope* scope = mine.front();
  if (!in.scope.empty()) {
    scope = nullptr;
    for (const Scope* s : mine)
      if (s->id == in.scope || s->name == in.scope) scope = s;
    if (!scope) {
      std::vector<std::string> names;
      for (const Scope* s : mine) names.push_back(s->name + "（" + s->id + "）");
      throw store::Error("E-COMP-006", in.as + " が " + on + " に「" + role->name + "」である組織・システムは " + Join(names, "、") + " です。「" +
                                           in.scope + "」ではありません。");
    }
  } else if (mine.size() > 1) {
    std::vector<std::string> names;
    for (const Scope* s : mine) names.push_back(s->name + "（" + s->id + "）");
    throw store::Error("E-COMP-006", in.as + " は " + on + " に " + Join(names, "、") + " の「" + role->name +
                                         "」です。どれについての実施か --scope で指定してください。");
  }
  const registry::Holder* holder = nullptr;
  for (const auto& h : scope->holders)
    if (h.person_id == in.as && (!holder || holder->acting)) holder = &h;

  Json evidence = EvidenceJson(store_, in.evidence);
  const FiscalYear fy = FiscalYearOf(on);
  Json row = {{"duty", duty.id},
              {"duty_name", duty.name},
              {"fy", fy.year},
              {"on", on},
              {"by", in.as},
              {"by_name", person_name},
              {"post", holder->post_name},
              {"acting", holder->acting},
              {"scope", scope->id},
              {"scope_name", scope->name},
              {"evidence", std::move(evidence)},
              {"cite", Refs(duty.cite)}};
  // Numbered under the write lock: two people recording at once get 1 and 2.
  store::Transaction tx(store_);
  const std::string prefix = std::to_string(fy.year) + "/" + duty.id + "/";
  const std::size_t n = store_.ListPrefix("duty_records", prefix).size() + 1;
  char num[16];
  std::snprintf(num, sizeof num, "%04zu", n);
  const std::string id = prefix + num;
  row["id"] = id;
  store_.Apply({"duty_records", id, std::nullopt, row.dump()}, in.actor, in.at.empty() ? store::NowJst() : in.at, "duty done");
  tx.Commit();
  return row;
}

std::string ScopeStatusName(const DutyStatus& d, const Scope& s) {
  if (!s.done.empty()) return "実施済み";
  if (s.holders.empty()) return "空席";
  if (d.due.empty()) return "記録なし";
  return d.status == "overdue" ? "期限超過" : "未実施";
}

registry::io::Table DutyTable(const std::vector<DutyStatus>& duties) {
  registry::io::Table t;
  t.header = {"務め", "名称", "周期", "役割", "組織・システム", "在任者", "期限", "状態", "実施日", "記録", "根拠条文"};
  t.date_columns = {false, false, false, false, false, false, false, false, true, false, false};
  for (const auto& d : duties) {
    std::string due = d.due;
    if (d.duty->cycle == "periodic" && d.due.empty())
      due = "未設定（" + (d.interval ? d.interval->name + "、定める者: " + d.interval_owner : std::string("間隔")) + "）";
    for (const auto& s : d.scopes) {
      std::vector<std::string> holders, ids;
      for (const auto& h : s.holders) holders.push_back(HolderText(h));
      for (const auto& r : s.done) ids.push_back(Field(r, "id"));
      t.rows.push_back({d.duty->id, d.duty->name, CycleName(d.duty->cycle), d.role_name, s.name,
                        holders.empty() ? "（" + s.vacancy + "）" : Join(holders, "、"), due, ScopeStatusName(d, s),
                        s.done.empty() ? "" : Field(s.done.back(), "on"), Join(ids, "、"), Join(Refs(d.duty->cite), "、")});
    }
  }
  return t;
}

}  // namespace mamori::compliance
