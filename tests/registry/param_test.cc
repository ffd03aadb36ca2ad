// `mamori param`: the numbers 安田町's text leaves to the 実施手順 (第59条第3号
// password length, 第85条 login attempts and time-out), unset until their
// owner sets them. Expected owners from the text: 第12条第6項 gives the
// password rules to the 統括情報セキュリティ責任者 (the sample's 総務課長
// 000002); the attempt limit and time-out to the 情報システム管理者 (000021,
// 情報政策室の長, administers グループウェア and インターネットメール).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "common/town.h"
#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using mamori::test_util::CliResult;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Town : mamori::test_util::SampleTown {
  Town() : SampleTown("mamori_param") {}
  Json Param(const std::string& id) {
    auto r = Run({"param", "list", "--format", "json"});
    EXPECT_EQ(r.status, 0) << r.err;
    const Json all = Json::parse(r.out);
    for (const auto& p : all["parameters"])
      if (p["id"] == id) return p;
    ADD_FAILURE() << "no parameter " << id;
    return Json::object();
  }
  long long LogSize() {
    auto r = Run({"ledger", "head", "--json"});
    return r.status == 0 ? Json::parse(r.out).value("size", -1LL) : -1;
  }
};

TEST(Param, TheServersNumbersAreUnsetUntilTheirOwnerSetsThem) {
  Town t;
  auto ids = t.Run({"param", "list", "--enforced", "--format", "ids"});
  ASSERT_EQ(ids.status, 0) << ids.err;
  EXPECT_EQ(ids.out, "password_min_length\nlogin_attempt_limit\naccess_timeout\n");
  EXPECT_TRUE(t.Param("login_attempt_limit")["value"].is_null());
  auto unset = t.Run({"param", "list", "--unset"});
  EXPECT_TRUE(Has(unset.out, "ログイン試行回数の制限（回）: 未設定")) << unset.out;
  EXPECT_TRUE(Has(unset.out, "定める者: 情報システム管理者　根拠: 第85条")) << unset.out;

  const long long before = t.LogSize();
  auto r = t.Run({"param", "set", "login_attempt_limit", "5", "--as", "000050"});  // no administrator
  EXPECT_TRUE(Has(r.err, "E-PARAM-003")) << r.err;
  r = t.Run({"param", "set", "password_min_length", "12", "--as", "000021"});  // an administrator, not the 統括
  EXPECT_TRUE(Has(r.err, "E-PARAM-003")) << r.err;
  EXPECT_TRUE(Has(r.err, "統括情報セキュリティ責任者")) << r.err;
  // The server's own values are mamori's administrator's: the sample lists mamori as S09
  // (情報政策室), so the 住民課長, who administers 住民記録システム (S01), may not.
  r = t.Run({"param", "set", "login_attempt_limit", "5", "--as", "000005"});
  EXPECT_TRUE(Has(r.err, "E-PARAM-003")) << r.err;
  EXPECT_TRUE(Has(r.err, "S09")) << r.err;
  r = t.Run({"self", "S99"});
  EXPECT_TRUE(Has(r.err, "E-PARAM-006")) << r.err;
  r = t.Run({"param", "set", "login_attempt_limit", "五回", "--as", "000021"});
  EXPECT_TRUE(Has(r.err, "E-PARAM-004")) << r.err;
  r = t.Run({"param", "set", "login_attempt_limit", "0", "--as", "000021"});
  EXPECT_TRUE(Has(r.err, "E-PARAM-004")) << r.err;
  r = t.Run({"param", "set", "login_atempt_limit", "5", "--as", "000021"});
  EXPECT_TRUE(Has(r.err, "E-PARAM-001")) << r.err;
  r = t.Run({"param", "set", "login_attempt_limit", "5", "--as", "000021", "--date", "2099-01-01"});
  EXPECT_TRUE(Has(r.err, "E-PARAM-005")) << r.err;
  EXPECT_EQ(t.LogSize(), before);

  r = t.Run({"param", "set", "login_attempt_limit", "５", "--as", "000021", "--date", "2026-11-01", "--reason", "実施手順第3条"});
  ASSERT_EQ(r.status, 0) << r.err;
  const Json p = t.Param("login_attempt_limit");
  EXPECT_EQ(p["value"], "5");  // full-width digits read as typed in Excel
  EXPECT_EQ(p["set"]["by"], "000021");
  EXPECT_EQ(p["set"]["on"], "2026-11-01");
  EXPECT_EQ(p["set"]["reason"], "実施手順第3条");
  EXPECT_EQ(t.LogSize(), before + 1);
  EXPECT_EQ(t.Run({"param", "set", "login_attempt_limit", "5", "--as", "000021"}).status, 0);
  EXPECT_EQ(t.LogSize(), before + 1);  // the same value again records nothing
  EXPECT_EQ(t.Run({"ledger", "verify"}).status, 0);
  // No longer among the unset values the checks name (第10条).
  auto check = t.Run({"check", "--format", "json"});
  EXPECT_FALSE(Has(check.out, "\"login_attempt_limit\"")) << check.out.substr(0, 300);
  EXPECT_TRUE(Has(check.out, "\"access_timeout\""));
}

// The value takes effect today: the 税務課長 until 2026-03-31 (000004) cannot
// set a 情報セキュリティ責任者's value by dating it back to their tenure.
// Which system is mamori is named once; another needs a reason on record.
TEST(Param, AFormerOwnerCannotBackDateAndMamorisSystemChangesOnlyWithAReason) {
  Town t;
  auto r = t.Run({"param", "set", "a2_recovery_time", "24", "--as", "000004", "--date", "2026-03-01"});
  EXPECT_TRUE(Has(r.err, "E-PARAM-003")) << r.err;
  EXPECT_TRUE(Has(r.err, "今日")) << r.err;
  r = t.Run({"self", "S02"});
  EXPECT_TRUE(Has(r.err, "E-PARAM-007")) << r.err;
  // The administrator of 税務システム (the 税務課長 000022) cannot make it mamori's to set the server's values.
  r = t.Run({"param", "set", "login_attempt_limit", "99", "--as", "000022"});
  EXPECT_TRUE(Has(r.err, "E-PARAM-003")) << r.err;
  ASSERT_EQ(t.Run({"self", "S02", "--reason", "移設"}).status, 0);
  EXPECT_EQ(t.Run({"param", "set", "login_attempt_limit", "5", "--as", "000022"}).status, 0);  // recorded, with the reason above
  // Loading the sample again does not name S09 back.
  EXPECT_EQ(t.Run({"sample"}).status, 0);
  EXPECT_TRUE(Has(t.Run({"self", "S09"}).err, "E-PARAM-007"));
}

// 北海道's 情報システム管理者 is the role `sa`: the demo values find it by what it is, not by its id.
TEST(Param, DemoParametersFindEachPacksOwnRoles) {
  fs::path dir = mamori::test_util::ScratchDir("mamori_param_hokkaido");
  const std::string db = (dir / "h.db").string();
  ASSERT_EQ(mamori::test_util::RunMamori({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/hokkaido", "--db", db}, dir).status, 0);
  auto r = mamori::test_util::RunMamori({"sample", "--demo-parameters", "--db", db}, dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(Has(r.err, "W-PARAM-001")) << r.err;
  auto ids = mamori::test_util::RunMamori({"param", "list", "--enforced", "--unset", "--format", "ids", "--db", db}, dir);
  EXPECT_EQ(ids.out, "");
}

// A periodic duty's interval set by its owner gives the duty its due date.
TEST(Param, AnIntervalSetByItsOwnerGivesTheDutyADueDate) {
  Town t;
  auto r = t.Run({"param", "set", "audit_and_self_inspection_interval", "6か月", "--as", "000002"});
  EXPECT_TRUE(Has(r.err, "E-PARAM-003")) << r.err;  // the CISO's (第7条), not the 総務課長's
  r = t.Run({"param", "set", "audit_and_self_inspection_interval", "ときどき", "--as", "000001"});
  EXPECT_TRUE(Has(r.err, "E-PARAM-004")) << r.err;
  ASSERT_EQ(t.Run({"param", "set", "audit_and_self_inspection_interval", "1年", "--as", "000001", "--date", "2026-04-01"}).status, 0);
  auto duties = t.Run({"duties", "--fy", "2026"});
  EXPECT_TRUE(Has(duties.out, "間隔: 1年")) << duties.out.substr(0, 400);
}

// For demonstrations and tests only: the enforced values set by their owners, marked as demo values.
TEST(Param, DemoParametersAreSetByTheirOwnersAndMarkedAsDemo) {
  fs::path dir = mamori::test_util::ScratchDir("mamori_param_demo");
  const std::string db = (dir / "d.db").string();
  ASSERT_EQ(mamori::test_util::RunMamori({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/yasuda", "--db", db}, dir).status, 0);
  auto r = mamori::test_util::RunMamori({"sample", "--demo-parameters", "--db", db}, dir);
  ASSERT_EQ(r.status, 0) << r.err;
  auto ids = mamori::test_util::RunMamori({"param", "list", "--enforced", "--unset", "--format", "ids", "--db", db}, dir);
  EXPECT_EQ(ids.out, "");
  auto list = mamori::test_util::RunMamori({"param", "list", "--format", "json", "--db", db}, dir);
  const Json all = Json::parse(list.out);
  for (const auto& p : all["parameters"]) {
    if (!p.contains("enforced")) continue;
    EXPECT_TRUE(p["set"].value("demo", false)) << p.dump();
    if (p["id"] == "password_min_length") {
      EXPECT_EQ(p["set"]["by"], "000002");
    }
  }
}

}  // namespace
