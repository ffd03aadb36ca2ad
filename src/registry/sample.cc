// A generated municipality for the demo, the tests and the benchmarks.
// Names are combinations of common characters drawn by a seeded generator: no
// real personal data, and the same seed always gives the same town.
#include "registry/sample.h"

#include <random>

namespace mamori::registry {
namespace {

const char* const kFamily1[] = {"山", "川", "田", "中", "村", "本", "木", "林", "井", "上",
                                "野", "原", "島", "藤", "松", "竹", "石", "岡", "森", "小"};
const char* const kFamily2[] = {"田", "川", "本", "村", "口", "野", "原", "崎", "谷", "沢", "尾", "下"};
const char* const kGiven1[] = {"健", "美", "大", "裕", "智", "真", "和", "直", "恵", "陽", "翔", "由"};
const char* const kGiven2[] = {"太", "子", "輔", "樹", "香", "也", "花", "介", "奈", "人", "美", "斗"};

struct UnitDef {
  const char* id;
  const char* name;
};
// 安田町-sized: about twenty 課等.
const UnitDef kUnits[] = {
    {"U01", "総務課"},     {"U02", "企画課"},     {"U03", "税務課"},       {"U04", "住民課"},
    {"U05", "健康福祉課"}, {"U06", "子育て支援課"}, {"U07", "産業振興課"},   {"U08", "農林課"},
    {"U09", "建設課"},     {"U10", "上下水道課"}, {"U11", "会計課"},       {"U12", "防災対策課"},
    {"U13", "環境課"},     {"U14", "教育総務課"}, {"U15", "生涯学習課"},   {"U16", "議会事務局"},
    {"U17", "監査委員事務局"}, {"U18", "選挙管理委員会事務局"}, {"U19", "保健センター"}, {"U20", "情報政策室"}};

template <std::size_t N>
const char* Pick(std::mt19937& rng, const char* const (&a)[N]) {
  return a[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}

std::string Pad(long n, int width) {
  std::string s = std::to_string(n);
  return std::string(s.size() < static_cast<std::size_t>(width) ? width - s.size() : 0, '0') + s;
}

Table Make(std::vector<std::string> header) {
  Table t;
  t.header = std::move(header);
  return t;
}

void Add(Table& t, std::vector<std::string> row) {
  t.rows.push_back(std::move(row));
  t.row_lines.push_back(static_cast<int>(t.rows.size()) + 1);
}

// The pack's zone whose name contains `word`, or "" (packs without zones).
std::string ZoneLike(const policy::Pack& pack, const std::string& word) {
  for (const auto& z : pack.zones)
    if (z.name.find(word) != std::string::npos) return z.name;
  return "";
}

}  // namespace

std::vector<SampleTable> SampleTown(const policy::Pack& pack, const SampleSize& size) {
  std::mt19937 rng(20260401);
  std::vector<SampleTable> out;

  Table units = Make({"組織コード", "名称", "種別", "上位組織", "長の職"});
  Table posts = Make({"職コード", "職名", "組織"});
  // The 町長 heads the 役場, the 副町長 (the CISO of 安田町 第11条) serves
  // under them, and every 課 has its 課長, who belongs to that 課.
  Add(units, {"U00", "安田町役場", "本庁", "", "P-MAYOR"});
  Add(posts, {"P-MAYOR", "町長", "U00"});
  Add(posts, {"P-MAYOR2", "副町長", "U00"});
  for (const auto& u : kUnits) {
    std::string name = u.name;
    std::string head = name.size() > 3 && name.compare(name.size() - 3, 3, "課") == 0 ? name + "長" : name + "の長";
    Add(units, {u.id, name, "課", "U00", std::string("P-") + u.id});
    Add(posts, {std::string("P-") + u.id, head, u.id});
  }
  // The head posts reference posts that the posts table brings: import posts
  // first without heads would need two passes, so units go without head_post
  // first and get it in a second table.
  Table units_first = units;  // (P-MAYOR too: it is a post of U00)
  for (auto& r : units_first.rows) r[4] = "";
  out.push_back({"units", units_first});
  out.push_back({"posts", posts});
  out.push_back({"units", units});

  Table people = Make({"職員番号", "氏名", "所属", "区分", "開始日", "終了日"});
  const long n_people = size.people;
  const std::size_t n_units = std::size(kUnits);
  const long n = static_cast<long>(n_units);
  // Who is where: 000001 the 副町長 and the 町長 in the 役場 itself, the 町長
  // numbered after the staff (an elected 特別職, not one of the 職員 the
  // tests and scenarios name by number); 000002.. the 課長 of kUnits in
  // order, each in their own 課; 税務課's next 課長 (n + 2, from 2026-04-01)
  // in 税務課; everyone else spread over the 課.
  const long kMayor = n_people + 1;
  auto unit_of = [&](long i) -> std::string {
    if (i == 1 || i == kMayor) return "U00";
    if (i >= 2 && i <= n + 1) return kUnits[i - 2].id;
    if (i == n + 2) return "U03";  // 税務課
    return kUnits[(i - 1) % n].id;
  };
  for (long i = 1; i <= kMayor; ++i) {
    std::string name = std::string(Pick(rng, kFamily1)) + Pick(rng, kFamily2) + " " + Pick(rng, kGiven1) + Pick(rng, kGiven2);
    const char* category = i == 1 || i == kMayor ? "特別職" : i % 10 == 0 ? "会計年度任用職員" : "一般職";
    Add(people, {Pad(i, 6), name, unit_of(i), category, "2015-04-01", ""});
  }
  out.push_back({"people", people});

  // Post holders: each head post held since 2024-04-01; the 税務課長 changes
  // on 2026-04-01 (異動), and the 副町長 is covered by an acting holder for a week.
  Table holders = Make({"在任ID", "職", "職員", "開始日", "終了日", "代理"});
  long h = 0;
  Add(holders, {"H" + Pad(++h, 5), "P-MAYOR2", Pad(1, 6), "2024-04-01", "", "いいえ"});
  for (std::size_t u = 0; u < n_units; ++u) {
    std::string post = std::string("P-") + kUnits[u].id;
    std::string first = Pad(static_cast<long>(u) + 2, 6);
    if (std::string(kUnits[u].name) == "税務課") {
      Add(holders, {"H" + Pad(++h, 5), post, first, "2024-04-01", "2026-03-31", "いいえ"});
      Add(holders, {"H" + Pad(++h, 5), post, Pad(static_cast<long>(n_units) + 2, 6), "2026-04-01", "", "いいえ"});
    } else {
      Add(holders, {"H" + Pad(++h, 5), post, first, "2024-04-01", "", "いいえ"});
    }
  }
  Add(holders, {"H" + Pad(++h, 5), "P-MAYOR2", Pad(2, 6), "2026-05-07", "2026-05-13", "はい"});
  // Last, so that the ids above stay what the tests and docs name (H00005).
  Add(holders, {"H" + Pad(++h, 5), "P-MAYOR", Pad(kMayor, 6), "2022-05-01", "", "いいえ"});
  out.push_back({"post_holders", holders});

  // The committee of 第16条: the 副町長 chairs, the 課長 sit as members.
  Table committees = Make({"委員会コード", "名称", "役割"});
  Add(committees, {"IC", "情報セキュリティ委員会", ""});
  out.push_back({"committees", committees});
  Table members = Make({"委員ID", "委員会", "職員", "役職", "開始日", "終了日"});
  Add(members, {"IC-00", "IC", Pad(1, 6), "委員長", "2024-04-01", ""});
  for (std::size_t u = 0; u < n_units; ++u)
    Add(members, {"IC-" + Pad(static_cast<long>(u) + 1, 2), "IC", Pad(static_cast<long>(u) + 2, 6), "委員", "2024-04-01", ""});
  out.push_back({"committee_members", members});

  // Systems across the three zones the pack defines (none for packs without zones).
  Table systems = Make({"システムコード", "名称", "ネットワーク区分", "所管組織", "情報システム管理者の職"});
  const std::string mynumber = ZoneLike(pack, "マイナンバー"), lgwan = ZoneLike(pack, "LGWAN"),
                    internet = ZoneLike(pack, "インターネット");
  struct SysDef { const char* id; const char* name; std::string zone; const char* unit; };
  const SysDef defs[] = {{"S01", "住民記録システム", mynumber, "U04"}, {"S02", "税務システム", mynumber, "U03"},
                         {"S03", "福祉総合システム", mynumber, "U05"}, {"S04", "財務会計システム", lgwan, "U11"},
                         {"S05", "文書管理システム", lgwan, "U01"},   {"S06", "グループウェア", lgwan, "U20"},
                         {"S07", "ホームページ管理システム", internet, "U02"}, {"S08", "インターネットメール", internet, "U20"}};
  for (const auto& s : defs) Add(systems, {s.id, s.name, s.zone, s.unit, std::string("P-") + s.unit});
  // mamori itself is an 情報システム of the town: the values its server
  // enforces are set by this system's 情報システム管理者 (registry::SelfSystem).
  // Not in defs: no asset or account of the sample is placed on it.
  Add(systems, {"S09", "mamori（情報セキュリティポリシーの運用）", lgwan, "U20", "P-U20"});
  out.push_back({"systems", systems});

  // Assets, classified by the pack's axes (each level in turn).
  std::vector<std::string> header = {"資産番号", "名称", "所管組織"};
  for (const auto& axis : pack.classification.axes) header.push_back(axis.name);
  header.insert(header.end(), {"情報システム", "保管場所", "媒体"});
  Table assets = Make(header);
  const char* const kAssetNames[] = {"住民基本台帳", "課税台帳", "会議録", "予算書", "契約書", "申請書綴",
                                     "職員名簿", "議事メモ", "広報原稿", "統計資料"};
  const char* const kMedia[] = {"サーバ", "紙", "USBメモリ", "DVD-R", "ファイルサーバ"};
  for (long i = 1; i <= size.assets; ++i) {
    std::vector<std::string> row = {"A" + Pad(i, 7), std::string(kAssetNames[i % 10]) + " " + std::to_string(i),
                                    kUnits[i % n_units].id};
    for (const auto& axis : pack.classification.axes) row.push_back(axis.levels[i % axis.levels.size()].name);
    row.push_back(defs[i % std::size(defs)].id);
    row.push_back(std::string(kUnits[i % n_units].name) + "執務室");
    row.push_back(kMedia[i % std::size(kMedia)]);
    Add(assets, std::move(row));
  }
  out.push_back({"assets", assets});

  Table devices = Make({"管理番号", "種別", "支給", "登録済み", "使用者", "製造番号", "MACアドレス", "保存する情報資産"});
  for (long i = 1; i <= std::min<long>(size.people, 400); ++i) {
    char mac[32];
    std::snprintf(mac, sizeof mac, "02:00:5e:%02lx:%02lx:%02lx", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    std::string contents = size.assets >= 2 ? "A" + Pad((i % size.assets) + 1, 7) : "";
    Add(devices, {"D" + Pad(i, 5), i % 5 == 0 ? "USBメモリ" : "パソコン", i % 7 == 0 ? "いいえ" : "はい", "はい",
                  Pad(i, 6), "SN" + Pad(i * 7919 % 1000000, 6), mac, i % 5 == 0 ? contents : ""});
  }
  out.push_back({"devices", devices});

  Table accounts = Make({"アカウントID", "情報システム", "職員", "特権", "作成日", "無効化日", "最終ログイン日", "パスワード変更日"});
  for (long i = 1; i <= size.people; ++i) {
    Add(accounts, {"acct" + Pad(i, 6), defs[i % std::size(defs)].id, Pad(i, 6), i % 50 == 0 ? "はい" : "いいえ",
                   "2015-04-01", "", "2026-11-" + Pad(1 + i % 20, 2), "2026-0" + std::to_string(1 + i % 9) + "-01"});
  }
  out.push_back({"accounts", accounts});

  Table contractors = Make({"事業者コード", "名称", "再委託元"});
  Add(contractors, {"C01", "株式会社サンプル情報システム", ""});
  Add(contractors, {"C02", "サンプル保守サービス株式会社", "C01"});
  out.push_back({"contractors", contractors});
  Table contracts = Make({"契約番号", "委託事業者", "件名", "開始日", "終了日", "含む条項"});
  Add(contracts, {"K2026-001", "C01", "基幹系システム保守業務", "2026-04-01", "2027-03-31", "守秘義務、再委託の制限、事故時の報告"});
  out.push_back({"contracts", contracts});
  Table services = Make({"サービスコード", "名称", "種別", "所管組織", "承認日", "約款による", "取り扱う情報資産", "利用終了の取決め"});
  Add(services, {"SV01", "自治体向けクラウド文書共有", "クラウドサービス", "U20", "2026-04-01", "いいえ", "",
                 "利用契約書 第12条（移行の支援と全複製の削除）"});
  out.push_back({"services", services});
  Table areas = Make({"区域コード", "名称", "管理組織", "設置する情報システム"});
  Add(areas, {"R01", "サーバ室", "U20", "S01、S02、S03、S04"});
  out.push_back({"areas", areas});

  // 研修受講: the 年度's 情報セキュリティ研修 (安田町 第51条第2項) on 2026-06-15,
  // missed by every 13th person; half of them came to the second session on
  // 2026-06-22, so `mamori training unattended --fy 2026` names the others
  // (odd multiples of 13). Everyone started on 2015-04-01, so there is no new
  // staff and no 新規採用 course.
  Table attendance = Make({"受講ID", "研修名", "日付", "職員", "区分"});
  long a = 0;
  for (long i = 1; i <= kMayor; ++i)
    if (i % 13 != 0) Add(attendance, {"TR" + Pad(++a, 6), "情報セキュリティ研修", "2026-06-15", Pad(i, 6), ""});
  for (long i = 26; i <= kMayor; i += 26)
    Add(attendance, {"TR" + Pad(++a, 6), "情報セキュリティ研修", "2026-06-22", Pad(i, 6), ""});
  out.push_back({"training_attendance", attendance});
  return out;
}

}  // namespace mamori::registry
