// The registers the five policies require (see shared/reference, "Registers").
// Japanese headers are what municipal spreadsheets use; English keys are the
// stable names in the store and in the API.
#include "registry/registry.h"

namespace mamori::registry {
namespace {

Column Text(std::string key, std::string ja, bool required = false) {
  return {std::move(key), std::move(ja), ColType::kText, required, "", ""};
}
Column Date(std::string key, std::string ja, bool required = false) {
  return {std::move(key), std::move(ja), ColType::kDate, required, "", ""};
}
Column Bool(std::string key, std::string ja) { return {std::move(key), std::move(ja), ColType::kBool, false, "", ""}; }
Column Ref(std::string key, std::string ja, std::string kind, bool required = false) {
  return {std::move(key), std::move(ja), ColType::kRef, required, std::move(kind), ""};
}
Column RefList(std::string key, std::string ja, std::string kind) {
  return {std::move(key), std::move(ja), ColType::kRefList, false, std::move(kind), ""};
}

}  // namespace

std::vector<Kind> Kinds(const policy::Pack& pack) {
  std::vector<Kind> k;
  k.push_back({"units", "組織",
               {Text("id", "組織コード", true), Text("name", "名称", true), Text("kind", "種別"),
                Ref("parent", "上位組織", "units"), Ref("head_post", "長の職", "posts")}});
  k.push_back({"people", "職員",
               {Text("id", "職員番号", true), Text("name", "氏名", true), Ref("unit", "所属", "units"),
                Text("category", "区分"), Date("start", "開始日"), Date("end", "終了日")},
               "start", "end"});
  k.push_back({"posts", "職", {Text("id", "職コード", true), Text("name", "職名", true), Ref("unit", "組織", "units")}});
  k.push_back({"post_holders", "職の在任",
               {Text("id", "在任ID", true), Ref("post", "職", "posts", true), Ref("person", "職員", "people", true),
                Date("from", "開始日", true), Date("to", "終了日"), Bool("acting", "代理")},
               "from", "to"});
  k.push_back({"committees", "委員会", {Text("id", "委員会コード", true), Text("name", "名称", true), Text("role", "役割")}});
  k.push_back({"committee_members", "委員",
               {Text("id", "委員ID", true), Ref("committee", "委員会", "committees", true),
                Ref("person", "職員", "people", true), Text("position", "役職"), Date("from", "開始日"),
                Date("to", "終了日")},
               "from", "to"});
  Kind assets{"assets", "情報資産",
              {Text("id", "資産番号", true), Text("name", "名称", true), Ref("owner_unit", "所管組織", "units", true)}};
  // Classification by the pack's own axes; texts without levels use facets only.
  for (const auto& axis : pack.classification.axes)
    assets.columns.push_back({axis.id, axis.name, ColType::kLevel, false, "", axis.id});
  if (!pack.facets.empty()) assets.columns.push_back({"facets", "情報の性質", ColType::kFacets, false, "", ""});
  assets.columns.push_back(Ref("system", "情報システム", "systems"));
  assets.columns.push_back(Text("location", "保管場所"));
  assets.columns.push_back(Text("medium", "媒体"));
  k.push_back(std::move(assets));
  k.push_back({"systems", "情報システム",
               {Text("id", "システムコード", true), Text("name", "名称", true),
                {"zone", "ネットワーク区分", ColType::kZone, false, "", ""}, Ref("unit", "所管組織", "units"),
                Ref("admin_post", "情報システム管理者の職", "posts")}});
  k.push_back({"devices", "機器・媒体",
               {Text("id", "管理番号", true), Text("kind", "種別", true), Bool("issued", "支給"),
                Bool("registered", "登録済み"), Ref("holder", "使用者", "people"), Text("serial", "製造番号"),
                Text("mac", "MACアドレス"), RefList("contents", "保存する情報資産", "assets"),
                // The system a device belongs to (a server, a terminal of the 税務システム):
                // its zone and its administrator follow from the register, not the request.
                Ref("system", "所属する情報システム", "systems")}});
  for (const auto& axis : pack.classification.axes) {
    Column c{"highest_" + axis.id, axis.name + "（保存内容の最高）", ColType::kLevel, false, "", axis.id};
    c.derived = true;
    k.back().columns.push_back(std::move(c));
  }
  k.push_back({"accounts", "アカウント",
               {Text("id", "アカウントID", true), Ref("system", "情報システム", "systems", true),
                Ref("person", "職員", "people"), Bool("privileged", "特権"), Date("created", "作成日"),
                Date("disabled", "無効化日"), Date("last_login", "最終ログイン日"),
                Date("password_changed", "パスワード変更日")},
               "created", "disabled"});
  k.push_back({"contractors", "委託事業者",
               {Text("id", "事業者コード", true), Text("name", "名称", true),
                Ref("parent", "再委託元", "contractors")}});
  k.push_back({"contracts", "契約",
               {Text("id", "契約番号", true), Ref("contractor", "委託事業者", "contractors", true),
                Text("subject", "件名", true), Date("start", "開始日"), Date("end", "終了日"),
                Text("clauses", "含む条項")},
               "start", "end"});
  // 約款による / 取り扱う情報資産: what 安田町 第128条 forbids (機密性2以上 on a
  // terms-of-service service) is read from these; 利用終了の取決め: the exit
  // terms 第20条第1項 asks of a cloud service before use, as the document
  // that gives them.
  k.push_back({"services", "外部サービス",
               {Text("id", "サービスコード", true), Text("name", "名称", true), Text("kind", "種別"),
                Ref("unit", "所管組織", "units"), Date("approved", "承認日"), Bool("terms_of_service", "約款による"),
                RefList("assets", "取り扱う情報資産", "assets"), Text("exit_terms", "利用終了の取決め")}});
  // 指名: the roles a text fills by designation (CSIRT, 監査統括責任者, auditors,
  // delegates), each made by whoever holds the designating role that day.
  k.push_back({"designations", "指名",
               {Text("id", "指名ID", true), {"role", "役割", ColType::kRole, true, "", ""},
                Ref("person", "職員", "people", true), Ref("designated_by", "指名者", "people", true),
                Date("from", "開始日", true), Date("to", "終了日"), Text("cite", "根拠条文")},
               "from", "to"});
  k.push_back({"areas", "管理区域",
               {Text("id", "区域コード", true), Text("name", "名称", true), Ref("unit", "管理組織", "units"),
                RefList("systems", "設置する情報システム", "systems")}});
  // 研修受講: one row per person per session attended (安田町 第51条: every
  // 職員等 once a 年度, new staff their own course, reported to the
  // committee). 区分 is the town's word for the course's audience; the value
  // 新規採用 marks training for new staff (what `mamori training` reads). No
  // period: an attendance is a fact of one day, so --as-of shows them all.
  k.push_back({"training_attendance", "研修受講",
               {Text("id", "受講ID", true), Text("course", "研修名", true), Date("date", "日付", true),
                Ref("person", "職員", "people", true), Text("category", "区分")}});
  return k;
}

const Kind* FindKind(const std::vector<Kind>& kinds, const std::string& name) {
  for (const Kind& k : kinds)
    if (k.id == name || k.ja == name) return &k;
  return nullptr;
}

}  // namespace mamori::registry
