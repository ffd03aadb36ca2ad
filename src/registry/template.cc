// The workbook `mamori template` writes, so that a town can fill its 台帳 in
// Excel without guessing: a first sheet that says how, a guide with every
// column of every register (required or not, the format, the values the pack
// allows, an example), and one sheet per register with its header, a note on
// each header cell and a dropdown where the pack fixes the values. Filled in
// and given back to `mamori import`, it imports in one command.
#include <string>
#include <vector>

#include "registry/registry.h"

namespace mamori::registry {
namespace {

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

const Kind* KindById(const std::vector<Kind>& kinds, const std::string& id) {
  for (const auto& k : kinds)
    if (k.id == id) return &k;
  return nullptr;
}

// The values a column takes, as the pack names them; empty for free text.
std::vector<std::string> Choices(const Column& c, const policy::Pack& pack) {
  std::vector<std::string> out;
  switch (c.type) {
    case ColType::kBool:
      return {"はい", "いいえ"};
    case ColType::kLevel:
      for (const auto& a : pack.classification.axes)
        if (a.id == c.axis)
          for (const auto& l : a.levels) out.push_back(l.name);
      return out;
    case ColType::kZone:
      for (const auto& z : pack.zones) out.push_back(z.name);
      return out;
    case ColType::kFacets:
      for (const auto& f : pack.facets) out.push_back(f.name);
      return out;
    case ColType::kRole:
      for (const auto& r : pack.roles)
        if (r.fill.kind == "designated") out.push_back(r.name);
      return out;
    default:
      return out;
  }
}

std::string Format(const Column& c, const std::vector<Kind>& kinds, bool id) {
  const Kind* ref = c.ref_kind.empty() ? nullptr : KindById(kinds, c.ref_kind);
  const std::string target = ref ? ref->ja + "の" + ref->columns[0].ja : c.ref_kind;
  if (id) return "文字列（" + std::to_string(kMaxIdChars) + " 文字まで。先頭の 0 も保たれます。行ごとに別の値）";
  switch (c.type) {
    case ColType::kDate: return "日付（2026-04-01、2026/4/1、令和8年4月1日、R8.4.1 のどれでも）";
    case ColType::kBool: return "はい / いいえ（○ / ×、有 / 無、1 / 0 も可）";
    case ColType::kRef: return "参照: " + target + "（その台帳にある値、または同じブックで取り込む値）";
    case ColType::kRefList: return "参照の並び: " + target + "を「、」区切りで";
    case ColType::kLevel: return "分類の区分（パックの定める名前、または記号）";
    case ColType::kZone: return "ネットワークの区分（パックの定める名前、または記号）";
    case ColType::kFacets: return "情報の性質（パックの定める名前を「、」区切りで。なければ空欄）";
    case ColType::kRole: return "役割（パックで指名により充てる役割の名前）";
    default: return "文字列";
  }
}

// An example value for each column, consistent across registers (the 総務課
// U01, its 課長 P-U01 held by 000002), so the guide reads as one small town.
std::string Example(const Kind& k, const Column& c, const policy::Pack& pack) {
  const auto choices = Choices(c, pack);
  if (c.type == ColType::kLevel || c.type == ColType::kZone) return choices.empty() ? "" : choices.back();
  if (c.type == ColType::kRole) return choices.empty() ? "" : choices.front();
  if (c.type == ColType::kFacets) return "";
  if (c.type == ColType::kBool) return c.key == "acting" ? "いいえ" : "はい";
  static const std::vector<std::pair<std::string, std::string>> kExamples = {
      {"units.id", "U01"}, {"units.name", "総務課"}, {"units.kind", "課"}, {"units.parent", "U00"},
      {"units.head_post", "P-U01"}, {"people.id", "000002"}, {"people.name", "安田 一郎"}, {"people.unit", "U01"},
      {"people.category", "一般職"}, {"people.start", "2015-04-01"}, {"posts.id", "P-U01"}, {"posts.name", "総務課長"},
      {"posts.unit", "U01"}, {"post_holders.id", "H00002"}, {"post_holders.post", "P-U01"},
      {"post_holders.person", "000002"}, {"post_holders.from", "2024-04-01"}, {"committees.id", "IC"},
      {"committees.name", "情報セキュリティ委員会"}, {"committee_members.id", "IC-01"},
      {"committee_members.committee", "IC"}, {"committee_members.person", "000002"},
      {"committee_members.position", "委員"}, {"committee_members.from", "2024-04-01"}, {"assets.id", "A0000001"},
      {"assets.name", "住民基本台帳"}, {"assets.owner_unit", "U04"}, {"assets.system", "S01"},
      {"assets.location", "サーバ室"}, {"assets.medium", "サーバ"}, {"systems.id", "S01"},
      {"systems.name", "住民記録システム"}, {"systems.unit", "U04"}, {"systems.admin_post", "P-U04"},
      {"devices.id", "D00001"}, {"devices.kind", "USBメモリ"}, {"devices.holder", "000002"},
      {"devices.serial", "SN123456"}, {"devices.contents", "A0000001"}, {"devices.system", "S01"},
      {"accounts.id", "acct000002"}, {"accounts.system", "S01"}, {"accounts.person", "000002"},
      {"accounts.created", "2015-04-01"}, {"accounts.last_login", "2026-11-30"},
      {"accounts.password_changed", "2026-04-01"}, {"contractors.id", "C01"},
      {"contractors.name", "株式会社○○情報システム"}, {"contracts.id", "K2026-001"}, {"contracts.contractor", "C01"},
      {"contracts.subject", "基幹系システム保守業務"}, {"contracts.start", "2026-04-01"}, {"contracts.end", "2027-03-31"},
      {"contracts.clauses", "守秘義務、再委託の制限、事故時の報告"}, {"services.id", "SV01"},
      {"services.name", "○○クラウド文書共有"}, {"services.kind", "クラウドサービス"}, {"services.unit", "U01"},
      {"services.approved", "2026-04-01"}, {"services.terms_of_service", "いいえ"}, {"services.assets", "A0000001"},
      {"services.exit_terms", "利用契約書 第12条（移行と全複製の削除）"}, {"designations.id", "D2026-01"}, {"designations.person", "000003"},
      {"designations.designated_by", "000001"}, {"designations.from", "2026-04-01"},
      {"designations.cite", "第13条"}, {"areas.id", "R01"}, {"areas.name", "サーバ室"}, {"areas.unit", "U01"},
      {"areas.systems", "S01、S02"}, {"training_attendance.id", "TR000001"},
      {"training_attendance.course", "情報セキュリティ研修"}, {"training_attendance.date", "2026-06-15"},
      {"training_attendance.person", "000002"}, {"training_attendance.category", "新規採用"}};
  const std::string key = k.id + "." + c.key;
  for (const auto& [k2, v] : kExamples)
    if (k2 == key) return v;
  return "";
}

}  // namespace

std::vector<io::Sheet> TemplateBook(const std::vector<Kind>& kinds, const policy::Pack& pack) {
  std::vector<io::Sheet> book;
  io::Sheet intro{"はじめに", {}};
  intro.table.header = {"mamori 台帳テンプレート（" + pack.regulation.title + "）"};
  for (const char* line :
       {"1. シート「記入方法」で、台帳ごとの列（必須かどうか、書き方、選べる値、記入例）を確かめてください。",
        "2. 台帳の名前のシート（組織、職員、職 …）に、見出しの下の行から1行に1件ずつ記入します。使わない台帳のシートは空のままで構いません。",
        "3. 見出しの名前は変えないでください。台帳にない列（備考など）を足すのは構いません（取り込みでは読み飛ばし、そう知らせます）。",
        "4. 番号・コード（職員番号 000001 など）は文字列のまま入力します。先頭の 0 は保たれます。",
        "5. 組織と職のように互いを参照する台帳も、このブックひとつで取り込めます（順番は mamori が決めます）。",
        "6. 取り込み: mamori import このファイル.xlsx --dry-run で確かめてから、--dry-run を外して取り込みます。1か所でも誤りがあれば何も取り込まず、シート・行・列を示します。",
        "7. シート「はじめに」「記入方法」は取り込まれません。"})
    intro.table.rows.push_back({line});
  book.push_back(std::move(intro));

  io::Sheet guide{"記入方法", {}};
  guide.table.header = {"台帳", "列", "必須", "書き方", "選べる値", "記入例"};
  for (const Kind& k : kinds) {
    for (std::size_t i = 0; i < k.columns.size(); ++i) {
      const Column& c = k.columns[i];
      if (c.derived) continue;
      guide.table.rows.push_back({k.ja, c.ja, c.required ? "必須" : "", Format(c, kinds, i == 0),
                                  Join(Choices(c, pack), "、"), Example(k, c, pack)});
    }
  }
  book.push_back(std::move(guide));

  for (const Kind& k : kinds) {
    io::Sheet s{k.ja, {}};
    for (std::size_t i = 0; i < k.columns.size(); ++i) {
      const Column& c = k.columns[i];
      if (c.derived) continue;  // computed on export; a template would invite typing it
      s.table.header.push_back(c.ja);
      s.table.date_columns.push_back(c.type == ColType::kDate);
      const auto choices = Choices(c, pack);
      std::string note = std::string(c.required ? "【必須】" : "【任意】") + Format(c, kinds, i == 0);
      if (!choices.empty()) note += "\n選べる値: " + Join(choices, "、");
      if (const std::string ex = Example(k, c, pack); !ex.empty()) note += "\n例: " + ex;
      s.notes.push_back(std::move(note));
      s.choices.push_back(choices);
    }
    book.push_back(std::move(s));
  }
  return book;
}

}  // namespace mamori::registry
