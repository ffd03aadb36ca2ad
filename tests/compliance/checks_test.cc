// mamori check on 安田町's sample town: each check of the pack names the rows
// a seeded problem put there, cites its own article, and finds nothing on a
// town that keeps its registers. Expected articles are the text's: 第22条第2項
// (classification), 第81条 (IDs of leavers), 第119〜121条 (exceptions), 第126条
// (contract items), 第10条 (what the 実施手順 leaves to be set).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "registry/io/table_io.h"
#include "common/town.h"
#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;
using mamori::test_util::CliResult;
using Json = nlohmann::json;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Town : mamori::test_util::SampleTown {
  Town() : SampleTown("mamori_checks") {}
  // Rows into a register, as a town would type them into a CSV.
  void Import(const std::string& kind, const std::string& csv) {
    const fs::path file = dir / (kind + ".csv");
    std::ofstream(file, std::ios::binary) << csv;
    auto r = Run({"import", kind, file.string()});
    ASSERT_EQ(r.status, 0) << r.err << r.out;
  }
  // The register exported, each line passed through `edit`, imported back.
  void Edit(const std::string& kind, const std::function<std::string(const std::string&)>& edit) {
    const fs::path file = dir / (kind + "-edit.csv");
    ASSERT_EQ(Run({"export", kind, "--out", file.string(), "--force"}).status, 0);
    std::ifstream in(file, std::ios::binary);
    std::stringstream out;
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();  // the export ends lines as Excel does
      out << edit(line) << "\n";
    }
    in.close();
    std::ofstream(file, std::ios::binary) << out.str();
    auto r = Run({"import", kind, file.string()});
    ASSERT_EQ(r.status, 0) << r.err << r.out;
  }
  // Every check, by kind: {id, cite, findings}.
  Json Checks(const std::string& as_of, int want_status = -1) {
    auto r = Run({"check", "--format", "json", "--as-of", as_of});
    if (want_status >= 0) EXPECT_EQ(r.status, want_status) << r.err;
    EXPECT_FALSE(r.out.empty()) << "status " << r.status << ": " << r.err;
    EXPECT_TRUE(r.status == 0 || r.status == 1) << r.err;
    Json by_kind = Json::object();
    if (r.out.empty()) return by_kind;
    const Json all = Json::parse(r.out);  // kept: a range over a temporary's member would dangle
    for (const auto& c : all["checks"]) by_kind[c["kind"].get<std::string>()] = c;
    return by_kind;
  }
  static std::vector<std::string> Rows(const Json& check) {
    std::vector<std::string> out;
    for (const auto& f : check["findings"]) out.push_back(f["row"]);
    return out;
  }
};

bool Contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// The sample's one contract names its items loosely; a town that writes the
// 第126条 numbers states them all.
void KeepTheRegisters(Town& t) {
  t.Edit("契約", [](const std::string& line) {
    if (line.rfind("K2026-001,", 0) != 0) return line;
    return std::string("K2026-001,C01,基幹系システム保守業務,2026-04-01,2027-03-31,\"1、2、3、4、5、6、7、8、9、10、11、12、13\"");
  });
  // The sub-contractor C02 works under C01's contract in the sample; give it its own.
  t.Import("契約", "契約番号,委託事業者,件名,開始日,終了日,含む条項\nK2026-002,C02,保守作業の再委託,2026-04-01,2027-03-31,\"1,2,3,4,5,6,7,8,9,10,11,12,13\"\n");
}

TEST(Check, EveryCheckCitesItsOwnArticle) {
  Town t;
  const Json c = t.Checks("2026-12-01");
  ASSERT_TRUE(c.contains("assets_unclassified")) << c.dump();
  EXPECT_TRUE(Has(c["assets_unclassified"]["cite"].dump(), "第22条")) << c["assets_unclassified"].dump();
  ASSERT_TRUE(c.contains("accounts_of_leavers"));
  EXPECT_TRUE(Has(c["accounts_of_leavers"]["cite"].dump(), "第81条"));
  ASSERT_TRUE(c.contains("contract_clauses"));
  EXPECT_TRUE(Has(c["contract_clauses"]["cite"].dump(), "第126条"));
  ASSERT_TRUE(c.contains("exceptions_past_period"));
  ASSERT_TRUE(c.contains("unset_parameters"));
  ASSERT_TRUE(c.contains("vacant_approvers"));
  ASSERT_TRUE(c.contains("systems_without_zone"));
}

TEST(Check, ATownThatKeepsItsRegistersHasNoFindingButTheValuesLeftToTheirOwners) {
  Town t;
  KeepTheRegisters(t);
  const Json c = t.Checks("2026-12-01", 1);  // 1: the unset parameters are findings
  for (const auto& [kind, check] : c.items()) {
    if (kind == "unset_parameters") continue;
    EXPECT_TRUE(check["findings"].empty()) << kind << ": " << check.dump(2);
  }
  // 第59条第3号's password length is left to the 実施手順: unset, with who sets it.
  bool password = false;
  for (const auto& f : c["unset_parameters"]["findings"])
    if (f["row"] == "password_min_length") password = Has(f["detail"], "統括情報セキュリティ責任者") && Has(f["detail"], "000002");
  EXPECT_TRUE(password) << c["unset_parameters"].dump(2);
}

TEST(Check, EachSeededProblemIsNamedByItsRow) {
  Town t;
  KeepTheRegisters(t);
  // 第22条第2項: an asset with no 機密性.
  t.Edit("情報資産", [](const std::string& line) {
    if (line.rfind("A0000001,", 0) != 0) return line;
    std::string l = line;
    const auto at = l.find("機密性2");
    return at == std::string::npos ? l : l.erase(at, std::string("機密性2").size());
  });
  // A system put on no network segment.
  t.Edit("情報システム", [](const std::string& line) {
    if (line.rfind("S08,", 0) != 0) return line;
    const auto first = line.find(','), second = line.find(',', first + 1), third = line.find(',', second + 1);
    return line.substr(0, second + 1) + line.substr(third);
  });
  // 第81条: 000100 left on 2026-09-30; an account of theirs is still enabled.
  t.Edit("職員", [](const std::string& line) { return line.rfind("000100,", 0) == 0 ? line + "2026-09-30" : line; });
  t.Import("アカウント", "アカウントID,情報システム,職員,特権,作成日,無効化日\nacct-left,S02,000100,いいえ,2020-04-01,\n"
                         "acct-done,S02,000100,いいえ,2020-04-01,2026-09-30\n");
  // The 税務課長 leaves the post on 2026-11-30 and nobody follows.
  t.Edit("職の在任", [](const std::string& line) {
    if (line.find(",000022,") == std::string::npos) return line;
    std::string l = line;
    const auto to = l.find(",,");  // 開始日,終了日(empty) -> 終了日 2026-11-30
    return to == std::string::npos ? l : l.replace(to, 2, ",2026-11-30,");
  });
  // 第126条: a contract stating only two items.
  t.Import("契約", "契約番号,委託事業者,件名,開始日,終了日,含む条項\nK2026-003,C01,ホームページ保守,2026-04-01,2027-03-31,\"7、8\"\n");
  // 第119〜121条: an exception until 2026-06-30, permitted, not renewed.
  auto e = t.Run({"exception", "apply", "--as", "000022", "--departs", "第46条第4項", "--measure", "庁内で閲覧", "--reason",
                  "原本の確認", "--until", "2026-06-30", "--at", "2026-04-01", "--format", "json"});
  ASSERT_EQ(e.status, 0) << e.err;
  const std::string exception = Json::parse(e.out)["case"];
  ASSERT_EQ(t.Run({"exception", "permit", exception, "--as", "000001", "--at", "2026-04-02", "--record", "審査結果=許可"}).status, 0);

  // 第128条: a terms-of-service service said to handle A0000002 (機密性1 in
  // the sample) and A0000003 (機密性3), another handling nothing; 第20条第1項:
  // a cloud service with no exit terms.
  t.Import("外部サービス", "サービスコード,名称,種別,所管組織,承認日,約款による,取り扱う情報資産,利用終了の取決め\n"
                           "SV02,無料の翻訳サービス,約款による外部サービス,U02,2026-05-01,はい,\"A0000002、A0000003\",\n"
                           "SV03,オンラインストレージ,クラウドサービス,U02,2026-05-01,いいえ,,\n"
                           "SV04,地図の閲覧サービス,約款による外部サービス,U02,2026-05-01,はい,,\n");

  const Json c = t.Checks("2026-12-01", 1);
  EXPECT_EQ(Town::Rows(c["tos_services_confidential"]), std::vector<std::string>{"SV02"});
  const std::string tos = c["tos_services_confidential"]["findings"][0]["detail"];
  EXPECT_TRUE(Has(tos, "A0000003（機密性3）")) << tos;
  EXPECT_FALSE(Has(tos, "A0000002")) << tos;  // 機密性1 may be handled there
  EXPECT_EQ(Town::Rows(c["cloud_exit_terms"]), std::vector<std::string>{"SV03"});
  EXPECT_TRUE(Has(c["cloud_exit_terms"]["findings"][0]["detail"], "利用終了の取決め")) << c["cloud_exit_terms"].dump();
  EXPECT_EQ(Town::Rows(c["assets_unclassified"]), std::vector<std::string>{"A0000001"});
  EXPECT_TRUE(Has(c["assets_unclassified"]["findings"][0]["detail"], "機密性")) << c["assets_unclassified"].dump();
  EXPECT_EQ(Town::Rows(c["systems_without_zone"]), std::vector<std::string>{"S08"});
  // Both accounts of 000100 still enabled (the sample's and the one added), not the one disabled that day.
  EXPECT_EQ(Town::Rows(c["accounts_of_leavers"]), (std::vector<std::string>{"acct-left", "acct000100"}));
  EXPECT_TRUE(Has(c["accounts_of_leavers"]["findings"][0]["detail"], "2026-09-30"));
  EXPECT_TRUE(Contains(Town::Rows(c["vacant_approvers"]), "U03")) << c["vacant_approvers"].dump(2);  // 税務課
  EXPECT_EQ(Town::Rows(c["contract_clauses"]), std::vector<std::string>{"K2026-003"});
  const std::string missing = c["contract_clauses"]["findings"][0]["detail"];
  EXPECT_TRUE(Has(missing, "(1) 情報セキュリティポリシー及び情報セキュリティ実施手順の遵守")) << missing;
  EXPECT_TRUE(Has(missing, "(9) ")) << missing;
  EXPECT_FALSE(Has(missing, "(7) ")) << missing;
  EXPECT_EQ(Town::Rows(c["exceptions_past_period"]), std::vector<std::string>{exception});
  // The day before the post fell vacant, and before the period ended, neither is found.
  const Json before = t.Checks("2026-06-30");
  EXPECT_FALSE(Contains(Town::Rows(before["vacant_approvers"]), "U03"));
  EXPECT_TRUE(before["exceptions_past_period"]["findings"].empty());
  EXPECT_TRUE(before["accounts_of_leavers"]["findings"].empty());  // 000100 had not left yet
}

// Each text gets the checks it supports and no other: 置賜's 基本方針 names
// no approver, no classification and no exception procedure, so only its
// contract requirement (第6条第6号ア) is checked; 花巻市 has no zones.
TEST(Check, EveryPackRunsTheChecksItsOwnTextSupports) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> packs = {
      {"yasuda", {"assets_unclassified", "systems_without_zone", "accounts_of_leavers", "vacant_approvers", "unset_parameters",
                  "exceptions_past_period", "contract_clauses", "tos_services_confidential", "cloud_exit_terms"}},
      {"hokkaido", {"systems_without_zone", "accounts_of_leavers", "vacant_approvers", "unset_parameters", "exceptions_past_period",
                    "contract_clauses"}},
      {"hanamaki", {"vacant_approvers", "unset_parameters", "contract_clauses"}},
      {"kohoku", {"systems_without_zone", "unset_parameters", "contract_clauses"}},
      {"okitama", {"contract_clauses"}},
  };
  const fs::path dir = mamori::test_util::ScratchDir("mamori_checks_packs");
  for (const auto& [pack, kinds] : packs) {
    const std::string db = (dir / (pack + ".db")).string();
    ASSERT_EQ(mamori::test_util::RunMamori({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/" + pack, "--db", db}, dir).status, 0) << pack;
    ASSERT_EQ(mamori::test_util::RunMamori({"sample", "--db", db}, dir).status, 0) << pack;
    auto r = mamori::test_util::RunMamori({"check", "--format", "json", "--as-of", "2026-12-01", "--db", db}, dir);
    ASSERT_TRUE(r.status == 0 || r.status == 1) << pack << ": " << r.err;
    const Json all = Json::parse(r.out);
    std::vector<std::string> got;
    for (const auto& c : all["checks"]) {
      got.push_back(c["kind"]);
      EXPECT_FALSE(c["cite"].empty()) << pack << " " << c["id"];
    }
    EXPECT_EQ(got, kinds) << pack;
  }
}

TEST(Check, TheReportGoesToTextAndExcelAndChangesNothing) {
  Town t;
  auto head = [&] { return Json::parse(t.Run({"ledger", "head", "--json"}).out).value("size", -1LL); };
  const long long before = head();
  auto text = t.Run({"check", "--as-of", "2026-12-01"});
  EXPECT_EQ(text.status, 1);  // findings: the sample's contract, the unset parameters
  EXPECT_TRUE(Has(text.out, "台帳の点検（2026-12-01 時点）")) << text.out;
  EXPECT_TRUE(Has(text.out, "第126条")) << text.out;
  EXPECT_TRUE(Has(text.out, "K2026-001")) << text.out;
  const std::string book = (t.dir / "点検.xlsx").string();
  auto x = t.Run({"check", "--as-of", "2026-12-01", "--format", "xlsx", "--out", book});
  EXPECT_EQ(x.status, 1) << x.err;
  const auto table = mamori::registry::io::ReadXlsx(book);
  ASSERT_EQ(table.header.size(), 6u);
  EXPECT_EQ(table.header[5], "指摘");
  bool contract = false;
  for (const auto& row : table.rows) contract |= row[4] == "K2026-001" && Has(row[2], "第126条") && row[3] == "契約";
  EXPECT_TRUE(contract);
  auto no_out = t.Run({"check", "--format", "xlsx"});
  EXPECT_EQ(no_out.status, 2);
  EXPECT_TRUE(Has(no_out.err, "E-COMP-007")) << no_out.err;
  auto bad_day = t.Run({"check", "--as-of", "2026-02-30"});
  EXPECT_EQ(bad_day.status, 2);
  EXPECT_TRUE(Has(bad_day.err, "E-COMP-005")) << bad_day.err;
  EXPECT_EQ(head(), before);
}

}  // namespace
