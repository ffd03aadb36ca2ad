// The routes of the policy's own work over HTTP (#16 part 2), on the sample
// town (安田町): the registers out to Excel and back in, all or nothing and
// only by the roles the installation names; a duty recorded by its holder
// (第51条第2項 is the CISO's); and the ledger as an auditor holds it — a
// kept head proves the log unchanged, a forged one does not, and the export
// verifies with the public key alone.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "registry/io/table_io.h"
#include "server/running.h"

namespace {

using Json = nlohmann::json;
using mamori::test_util::Browser;
using mamori::test_util::Running;
using mamori::test_util::Settle;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Town : mamori::test_util::AccountsTown {
  Town() : AccountsTown("mamori_work_routes") {}
};

// Served, with the CISO (000001) and the 税務課長 (000022) logged in with passwords of their own.
struct Served {
  Town t;
  std::optional<Running> s;
  std::optional<Browser> ciso_, kachou_;
  Browser& ciso;
  Browser& kachou;
  Served() : ciso(Make(ciso_, "000001")), kachou(Make(kachou_, "000022")) {}
  Browser& Make(std::optional<Browser>& b, const std::string& person) {
    if (!s) {
      t.Issue({"000001", "000022"});
      s.emplace(t);
    }
    b.emplace(s->port);
    Settle(*b, t, person);
    return *b;
  }
};

std::string NameOf(Browser& b, const std::string& person) {
  auto r = b.Get("/api/v1/registers/people/" + person);
  EXPECT_TRUE(r && r->status == 200);
  return r ? Json::parse(r->body)["row"].value("name", "") : "";
}

// 000023's row of an exported 職員 CSV with another name: the line that starts with its 職員番号.
std::string Renamed(std::string csv, const std::string& person, const std::string& name) {
  const auto at = csv.find("\n" + person + ",");
  EXPECT_NE(at, std::string::npos);
  const auto from = at + person.size() + 2, to = csv.find(',', from);
  return csv.replace(from, to - from, name);
}

TEST(WorkRoutes, OnlyTheRolesTheInstallationNamesImportAndEveryErrorIsPlaced) {
  Served w;
  Town& t = w.t;
  Browser &ciso = w.ciso, &kachou = w.kachou;

  auto r = ciso.Get("/api/v1/registers/people/export?format=csv");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string csv = r->body;
  EXPECT_TRUE(csv.starts_with("\xEF\xBB\xBF")) << "a CSV for Excel starts with the BOM";
  const std::string before = NameOf(ciso, "000023");
  ASSERT_FALSE(before.empty());
  const std::string renamed = Renamed(csv, "000023", "改名 太郎");

  // Nobody named yet: nobody imports, and the refusal says how to name them.
  r = ciso.Post("/api/v1/registers/import?kind=people", renamed, "text/csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_TRUE(Has(r->body, "mamori editors set")) << r->body;

  // Naming them is mamori's administrator's (S09's 000021), of roles the pack has.
  auto cli = t.Run({"editors", "set", "ciso", "--as", "000001"});
  EXPECT_EQ(cli.status, 2);
  EXPECT_TRUE(Has(cli.err, "E-AUTH-010")) << cli.err;
  cli = t.Run({"editors", "set", "台帳係", "--as", "000021"});
  EXPECT_EQ(cli.status, 2);
  EXPECT_TRUE(Has(cli.err, "E-AUTH-017")) << cli.err;
  ASSERT_EQ(t.Run({"editors", "set", "最高情報セキュリティ責任者", "--as", "000021"}).status, 0);
  EXPECT_TRUE(Has(t.Run({"editors", "list"}).out, "ciso"));

  // A dry run names the change and makes none.
  r = ciso.Post("/api/v1/registers/import?kind=people&dry_run=true", renamed, "text/csv");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Json out = Json::parse(r->body);
  EXPECT_TRUE(out["dry_run"].get<bool>());
  EXPECT_EQ(out["results"][0]["changed_ids"], Json::array({"000023"}));
  EXPECT_EQ(out["results"][0]["changed"], 1);
  EXPECT_EQ(NameOf(ciso, "000023"), before);

  // One wrong cell among good ones: nothing lands, and the error names its row and column.
  const std::string wrong = Renamed(renamed, "000024", "名前") + "000999,新 人,U99,一般職,2026-04-01,\r\n";
  r = ciso.Post("/api/v1/registers/import?kind=people", wrong, "text/csv");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 400) << r->body;
  out = Json::parse(r->body);
  EXPECT_EQ(out["code"], "E-REG-021");
  ASSERT_EQ(out["errors"].size(), 1u) << r->body;
  EXPECT_EQ(out["errors"][0]["column"], "所属");
  EXPECT_GT(out["errors"][0]["row"].get<int>(), 300);  // the last line, past the sample town's ~300 people
  EXPECT_EQ(NameOf(ciso, "000023"), before);
  EXPECT_NE(NameOf(ciso, "000024"), "名前");

  // The 税務課長 is not a named role: refused, nothing changed.
  r = kachou.Post("/api/v1/registers/import?kind=people", renamed, "text/csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_TRUE(Has(r->body, "最高情報セキュリティ責任者")) << r->body;

  // The import lands as the person who sent it, in the row's history.
  r = ciso.Post("/api/v1/registers/import?kind=people", renamed, "text/csv");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_FALSE(Json::parse(r->body)["dry_run"].get<bool>());
  r = ciso.Get("/api/v1/registers/people/000023");
  ASSERT_TRUE(r);
  const Json row = Json::parse(r->body);
  EXPECT_EQ(row["row"]["name"], "改名 太郎");
  EXPECT_EQ(row["history"].back()["actor"], "api:000001");

  // A workbook comes back in as it went out (its sheet is named 職員).
  r = ciso.Get("/api/v1/registers/people/export");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.starts_with("PK"));
  // cpp-httplib's client decodes the header's %XX, so the name reads as sent: UTF-8''%E8%81%B7%E5%93%A1.xlsx.
  EXPECT_TRUE(Has(r->get_header_value("Content-Disposition"), "filename*=UTF-8''職員.xlsx"))
      << r->get_header_value("Content-Disposition");
  r = ciso.Post("/api/v1/registers/import?dry_run=true", r->body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  out = Json::parse(r->body);
  EXPECT_EQ(out["results"][0]["kind"], "people");
  EXPECT_EQ(out["results"][0]["changed"], 0);
  EXPECT_EQ(out["results"][0]["added"], 0);

  // A workbook cut off half-way (an upload that broke): refused with the
  // reader's code, named as the sender knows it, nothing changed.
  r = ciso.Post("/api/v1/registers/import", std::string("PK\x03\x04", 4) + "half-written",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_TRUE(Has(r->body, "E-XLSX-")) << r->body;
  EXPECT_TRUE(Has(r->body, "送られたブック")) << r->body;
  EXPECT_FALSE(Has(r->body, "/tmp/")) << r->body;
  EXPECT_EQ(NameOf(ciso, "000023"), "改名 太郎");

  // Not a register, or no body: a code, not a guess.
  r = ciso.Post("/api/v1/registers/import?kind=nothing", csv, "text/csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Has(r->body, "E-REG-023")) << r->body;
  r = ciso.Post("/api/v1/registers/import?kind=people", "", "text/csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST(WorkRoutes, ADutyIsRecordedOnlyByItsHolderAndWithEvidenceThatIsNotAPath) {
  Served w;
  Town& t = w.t;
  Browser &ciso = w.ciso, &kachou = w.kachou;
  auto status_of = [&](const std::string& id) {
    auto r = kachou.Get("/api/v1/duties?fy=" + std::string("R8"));
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "");
    const Json list = Json::parse(r->body);
    for (const auto& d : list["duties"])
      if (d["id"] == id) return d["status"].get<std::string>() + " " + d["cite"].get<std::string>();
    return std::string("none");
  };
  // 第51条第2項: the CISO makes every 職員等 able to attend training each 年度.
  EXPECT_EQ(status_of("training-yearly"), "open 第51条第2項");

  const std::string note = Json{{"evidence", Json::array({{{"type", "note"}, {"value", "研修の日程を全課に通知した"}}})}}.dump();
  auto r = kachou.Post("/api/v1/duties/training-yearly/done", note);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_TRUE(Has(r->body, "E-COMP-003")) << r->body;
  r = ciso.Post("/api/v1/duties/training-yearly/done",
                Json{{"evidence", Json::array({{{"type", "file"}, {"value", "/etc/passwd"}}})}}.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Has(r->body, "SHA-256")) << r->body;
  r = ciso.Post("/api/v1/duties/training-yearly/done", Json{{"evidence", Json::array()}}.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Has(r->body, "E-COMP-004")) << r->body;
  EXPECT_EQ(status_of("training-yearly"), "open 第51条第2項");

  r = ciso.Post("/api/v1/duties/training-yearly/done", note);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const Json rec = Json::parse(r->body)["record"];
  EXPECT_EQ(rec["duty"], "training-yearly");
  EXPECT_EQ(rec["by"], "000001");
  EXPECT_EQ(rec["evidence"][0]["value"], "研修の日程を全課に通知した");
  EXPECT_EQ(status_of("training-yearly"), "done 第51条第2項");
}

// What a 情報セキュリティ責任者 sees of the assets (第20条第1項) is what they
// export: the 税務課長's export holds 税務課's rows, as many as their listing,
// and no other 課's.
TEST(WorkRoutes, AUnitsOfficerExportsTheirOwnUnitsAssetsOnly) {
  Served w;
  Browser &ciso = w.ciso, &kachou = w.kachou;
  auto listed = kachou.Get("/api/v1/registers/assets?limit=1");
  ASSERT_TRUE(listed && listed->status == 200);
  const long total = Json::parse(listed->body)["total"];
  ASSERT_GT(total, 0);
  auto all = ciso.Get("/api/v1/registers/assets?limit=1");
  ASSERT_TRUE(all && all->status == 200);
  ASSERT_GT(Json::parse(all->body)["total"].get<long>(), total) << "the sample town has other 課's assets";
  auto r = kachou.Get("/api/v1/registers/assets/export?format=csv");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  std::istringstream lines(r->body);
  std::string header, line;
  std::getline(lines, header);
  long rows = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line == "\r") continue;
    ++rows;
    EXPECT_TRUE(Has(line, ",U03,") || Has(line, ",税務課,")) << line;
  }
  EXPECT_EQ(rows, total);
}

// 自己点検 over HTTP (安田町 第139条・第140条): the 税務課長 downloads the
// form they answer as 情報セキュリティ責任者 of 税務課, fills it in Excel
// (here: the same workbook library), and sends it back. Nobody sends
// another's form, an いいえ needs its 改善策, and either refusal changes
// nothing; the accepted answers show in the progress with their measure.
TEST(WorkRoutes, ARespondentSendsBackOnlyTheirOwnInspectionFormAndEachNoCarriesItsMeasure) {
  Served w;
  Town& t = w.t;
  Browser &ciso = w.ciso, &kachou = w.kachou;
  namespace io = mamori::registry::io;
  auto r = kachou.Get("/api/v1/inspection/form?role=security_officer&scope=U03");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Has(r->get_header_value("Content-Disposition"), "filename*=UTF-8''")) << "the form keeps its Japanese name";
  const std::string path = (t.dir / "form.xlsx").string();
  std::ofstream(path, std::ios::binary) << r->body;
  io::Table form = io::ReadXlsx(path);
  auto col = [&](const std::string& name) {
    const auto it = std::find(form.header.begin(), form.header.end(), name);
    EXPECT_NE(it, form.header.end()) << name;
    return static_cast<std::size_t>(it - form.header.begin());
  };
  const std::size_t answer = col("回答"), measure = col("改善策"), role = col("役割");
  ASSERT_GE(form.rows.size(), 2u);
  for (auto& row : form.rows) {
    row.resize(form.header.size());
    row[answer] = "はい";
    EXPECT_EQ(row[role], "情報セキュリティ責任者");
  }
  form.rows[0][answer] = "いいえ";
  auto send = [&](Browser& b, const io::Table& table) {
    io::WriteXlsxBook(path, {io::Sheet{"自己点検", table}});
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return b.Post("/api/v1/inspection/answers", bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  };
  auto answered = [&] {
    auto p = ciso.Get("/api/v1/inspection?fy=R8");
    EXPECT_TRUE(p && p->status == 200);
    return p ? p->body : std::string();
  };
  const std::string before = answered();

  // An いいえ without its 改善策 (第140条): refused, placed, nothing written.
  r = send(kachou, form);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_TRUE(Has(r->body, "E-COMP-022")) << r->body;
  EXPECT_EQ(Json::parse(r->body)["errors"][0]["column"], "改善策");
  form.rows[0][measure] = "持ち出し簿の記入を課内で確かめ合う";
  // The CISO is not the 税務課's respondent: 403, each row named, nothing written.
  r = send(ciso, form);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403) << r->body;
  EXPECT_TRUE(Has(r->body, "E-API-403")) << r->body;
  EXPECT_TRUE(Has(r->body, "000001 が出せるのは自分が回答者の票だけです")) << r->body;
  EXPECT_EQ(answered(), before);

  r = send(kachou, form);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Json::parse(r->body)["answered"], static_cast<int>(form.rows.size()));
  const std::string after = answered();
  EXPECT_NE(after, before);
  EXPECT_TRUE(Has(after, "持ち出し簿の記入を課内で確かめ合う")) << after;
}

TEST(WorkRoutes, AKeptHeadProvesTheLogUnchangedAForgedOneDoesNotAndTheExportVerifies) {
  Town t;
  t.Issue({"000001"});
  Running s(t);
  Browser ciso(s.port);
  Settle(ciso, t, "000001");

  auto r = ciso.Get("/api/v1/ledger/witness");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const std::string first = r->body.substr(0, r->body.find('\n'));
  ASSERT_TRUE(first.starts_with("H ")) << r->body;
  r = ciso.Get("/api/v1/ledger/witness?after=999999999");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "");

  auto consistency = [&](const std::string& line) {
    httplib::Params p{{"trusted_head", line}};
    auto res = ciso.Get("/api/v1/ledger/consistency?" + httplib::detail::params_to_query_str(p));
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "");
    return res ? Json::parse(res->body) : Json();
  };
  Json c = consistency(first);
  EXPECT_TRUE(c["verified"].get<bool>());
  EXPECT_TRUE(c["trusted"].get<bool>());
  EXPECT_GT(c["to"].get<long>(), c["from"].get<long>());
  // The same line with another root: what a log rewritten since would give.
  std::string forged = first;
  const auto root_at = forged.find(' ', forged.find('+')) + 1;
  forged[root_at] = forged[root_at] == '0' ? '1' : '0';
  c = consistency(forged);
  EXPECT_FALSE(c["verified"].get<bool>());

  // By size alone it is only the log agreeing with itself, and it says so.
  r = ciso.Get("/api/v1/ledger/consistency?from=1");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_FALSE(Json::parse(r->body)["trusted"].get<bool>());
  r = ciso.Get("/api/v1/ledger/consistency");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(Has(r->body, "E-LEDGER-015")) << r->body;

  // The export, checked by the CLI with nothing but the public key.
  r = ciso.Get("/api/v1/ledger/export");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  std::ofstream(t.dir / "export.jsonl", std::ios::binary) << r->body;
  std::ofstream(t.dir / "pub.txt") << t.Run({"ledger", "pubkey"}).out;
  auto v = t.Run({"ledger", "verify", "--export", (t.dir / "export.jsonl").string(), "--pubkey", (t.dir / "pub.txt").string()});
  EXPECT_EQ(v.status, 0) << v.out << v.err;
  EXPECT_TRUE(Has(v.out, "検証: OK")) << v.out;
}

}  // namespace
