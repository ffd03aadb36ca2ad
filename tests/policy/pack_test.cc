// Packs: the documented example checks clean, and each kind of mistake a pack
// author makes is reported with its code and the place to fix.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "policy/policy.h"

namespace mamori::policy {
namespace {

namespace fs = std::filesystem;

const fs::path kMini = fs::path(MAMORI_POLICY_TESTDATA) / "mini";

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A copy of the mini pack with one edit to pack.toml, in a directory of its own.
class Mutated {
 public:
  Mutated(const std::string& from, const std::string& to) : Mutated(std::vector<std::pair<std::string, std::string>>{{from, to}}) {}
  // Several edits, in order; line() is where the first starts.
  explicit Mutated(const std::vector<std::pair<std::string, std::string>>& edits) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("mamori_pack_test_" + std::string(info->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::copy_file(kMini / "regulation.txt", dir_ / "regulation.txt");
    fs::copy_file(kMini / "review.toml", dir_ / "review.toml");
    std::string toml = Read(kMini / "pack.toml");
    for (std::size_t k = 0; k < edits.size(); ++k) {
      const auto& [from, to] = edits[k];
      std::size_t at = toml.find(from);
      EXPECT_NE(at, std::string::npos) << "mutation target not found: " << from;
      if (at == std::string::npos) continue;
      toml.replace(at, from.size(), to);
      if (k == 0) line_of_change_ = 1 + static_cast<int>(std::count(toml.begin(), toml.begin() + static_cast<long>(at), '\n'));
    }
    std::ofstream(dir_ / "pack.toml", std::ios::binary) << toml;
  }
  ~Mutated() { fs::remove_all(dir_); }
  std::string dir() const { return dir_.string(); }
  int line() const { return line_of_change_; }  // the line the edit starts on

 private:
  fs::path dir_;
  int line_of_change_ = 0;
};

std::vector<Diagnostic> AllErrors(const PackCheck& c) {
  std::vector<Diagnostic> all = c.load.errors;
  all.insert(all.end(), c.report.errors.begin(), c.report.errors.end());
  return all;
}

// The one diagnostic with `code`; fails the test if there is not exactly one.
Diagnostic Only(const PackCheck& c, const std::string& code) {
  std::vector<Diagnostic> found;
  for (const auto& d : AllErrors(c))
    if (d.code == code) found.push_back(d);
  EXPECT_EQ(found.size(), 1u) << FormatDiagnostics(AllErrors(c));
  return found.empty() ? Diagnostic{} : found[0];
}

TEST(MiniPack, ChecksCleanWithFullCoverage) {
  PackCheck c = LoadAndCheck(kMini.string());
  ASSERT_TRUE(c.ok()) << FormatDiagnostics(AllErrors(c));
  EXPECT_EQ(c.report.coverage.articles, 12);
  EXPECT_EQ(c.report.coverage.bound, 11);
  EXPECT_EQ(c.report.coverage.declaratory, 1);  // 第1条 目的
  EXPECT_TRUE(c.report.coverage.missing.empty());
  const Pack& p = c.load.pack;
  EXPECT_EQ(p.roles.size(), 3u);
  EXPECT_EQ(p.roles[0].fill.post, "副町長");
  EXPECT_FALSE(p.parameters.at(0).value.has_value());  // 未設定 stays unset
}

// The example in docs/pack-format.md is the fixture these tests check, so the
// documentation cannot drift from a pack that actually loads.
TEST(MiniPack, IsTheDocumentedExample) {
  std::string doc = Read(MAMORI_DOCS_DIR "/pack-format.md");
  const std::string start = "## A complete annotated example\n\n```toml\n";
  std::size_t a = doc.find(start);
  ASSERT_NE(a, std::string::npos);
  a += start.size();
  std::size_t b = doc.find("```", a);
  ASSERT_NE(b, std::string::npos);
  EXPECT_EQ(doc.substr(a, b - a), Read(kMini / "pack.toml"));
}

TEST(MiniPack, HandlingMatrixFollowsRulesThenDefaults) {
  PackCheck c = LoadAndCheck(kMini.string());
  auto c2 = DecideForLevel(c.load.pack, "transport", "confidentiality", "C2");
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->effect, Effect::kApproval);
  ASSERT_EQ(c2->rules.size(), 1u);
  EXPECT_EQ(c2->rules[0]->approvers, std::vector<std::string>{"security_officer"});
  auto c1 = DecideForLevel(c.load.pack, "transport", "confidentiality", "C1");
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->effect, Effect::kPermit);
  EXPECT_TRUE(c1->by_default);
}

TEST(MiniPack, SummaryShowsApproverUnsetParameterAndGap) {
  PackCheck c = LoadAndCheck(kMini.string());
  std::string s = Summary(c.load.pack);
  EXPECT_NE(s.find("運搬（機密性2）→ 承認が必要：情報セキュリティ責任者 [第27条第2項]"), std::string::npos) << s;
  EXPECT_NE(s.find("パスワードの最低文字数: 未設定"), std::string::npos) << s;
  EXPECT_NE(s.find("機密性2の取扱制限の欄が空欄"), std::string::npos) << s;
  EXPECT_NE(s.find("最高情報セキュリティ責任者（CISO）: 副町長をもって充てる"), std::string::npos) << s;
}

TEST(Mutation, BrokenCitationNamesTheNearestClause) {
  Mutated m("cite = \"第27条第2項\"", "cite = \"第27条第5項\"");
  Diagnostic d = Only(LoadAndCheck(m.dir()), "E-PACK-010");
  EXPECT_EQ(d.where.line, m.line());
  EXPECT_EQ(d.where.col, 8);  // the string itself, after `cite = `
  EXPECT_NE(d.message.find("第27条第2項"), std::string::npos) << d.message;  // the nearest clause
}

TEST(Mutation, UnknownRole) {
  Mutated m("approvers = [\"security_officer\"]", "approvers = [\"security_oficer\"]");
  Diagnostic d = Only(LoadAndCheck(m.dir()), "E-PACK-011");
  EXPECT_NE(d.message.find("security_oficer"), std::string::npos);
  EXPECT_EQ(d.where.file, (fs::path(m.dir()) / "pack.toml").string());
}

TEST(Mutation, ConflictingRule) {
  Mutated m("[separation_of_duties]",
            "[[rules]]\nid = \"transport-c2-free\"\naction = \"transport\"\neffect = \"permit\"\n"
            "cite = \"第27条第1項\"\nwhen = { confidentiality = [\"C2\", \"C1\"] }\n\n[separation_of_duties]");
  Diagnostic d = Only(LoadAndCheck(m.dir()), "E-PACK-020");
  EXPECT_EQ(d.where.line, m.line());
  EXPECT_NE(d.message.find("transport-c2"), std::string::npos);
}

TEST(Mutation, OverridesDecidesAConflict) {
  Mutated m("[separation_of_duties]",
            "[[rules]]\nid = \"transport-c2-free\"\naction = \"transport\"\neffect = \"permit\"\n"
            "overrides = [\"transport-c2\"]\ncite = \"第27条第1項\"\nwhen = { confidentiality = [\"C2\"] }\n\n"
            "[separation_of_duties]");
  PackCheck c = LoadAndCheck(m.dir());
  EXPECT_TRUE(c.ok()) << FormatDiagnostics(AllErrors(c));
}

TEST(Mutation, TomlSyntaxError) {
  Mutated m("name = \"運搬\"", "name = \"運搬");
  Diagnostic d = Only(LoadAndCheck(m.dir()), "E-PACK-001");
  EXPECT_EQ(d.where.line, m.line());
}

TEST(Mutation, ActionWithNoDecision) {
  Mutated m("default = \"permit\"         # C1: nothing in the text restricts it", "");
  Diagnostic d = Only(LoadAndCheck(m.dir()), "E-PACK-021");
  EXPECT_NE(d.message.find("機密性1"), std::string::npos) << d.message;
}

TEST(Mutation, UnknownKey) {
  Mutated m("effect = \"approval\"", "efect = \"approval\"");
  PackCheck c = LoadAndCheck(m.dir());
  Diagnostic d = Only(c, "E-PACK-004");
  EXPECT_NE(d.message.find("efect"), std::string::npos);
  EXPECT_EQ(d.where.line, m.line());
  Only(c, "E-PACK-002");  // and effect is now missing
}

TEST(Mutation, ArticleNotAccountedFor) {
  Mutated m("[[declaratory]]\ncite = \"第1条\"\nreason = \"目的\"", "");
  PackCheck c = LoadAndCheck(m.dir());
  Diagnostic d = Only(c, "E-PACK-030");
  EXPECT_NE(d.message.find("第1条"), std::string::npos);
  EXPECT_EQ(c.report.coverage.missing, std::vector<std::string>{"第1条"});
}

TEST(Mutation, DuplicateIdAndBadValue) {
  Mutated m("id = \"audit\"\nname = \"情報セキュリティ監査\"\nrole = \"ciso\"\ncycle = \"fiscal_year\"",
            "id = \"audit\"\nname = \"情報セキュリティ監査\"\nrole = \"ciso\"\ncycle = \"every_year\"");
  Diagnostic d = Only(LoadAndCheck(m.dir()), "E-PACK-017");
  EXPECT_NE(d.message.find("every_year"), std::string::npos);
  Mutated dup("id = \"c2-restrictions\"", "id = \"audit\"\n[[duties]]\nid = \"audit\"\nname = \"x\"\nrole = \"ciso\"\n"
                                          "cycle = \"periodic\"\ncite = \"第131条\"\n[[gaps]]\nid = \"g2\"");
  Only(LoadAndCheck(dup.dir()), "E-PACK-003");
}

TEST(Mutation, UnknownZoneObligationAndLevel) {
  Mutated m("obligations = [\"encrypt_or_password\"]\ncite = \"第27条第2項\"\nwhen = { confidentiality = [\"C2\"] }",
            "obligations = [\"teleport\"]\ncite = \"第27条第2項\"\n"
            "when = { confidentiality = [\"C9\"], to_zone = [\"nowhere\"] }");
  PackCheck c = LoadAndCheck(m.dir());
  Only(c, "E-PACK-015");
  Only(c, "E-PACK-014");
  Only(c, "E-PACK-013");
}

TEST(Mutation, EitherApproverAndUnstatedPublicity) {
  Mutated m("approvers = [\"security_officer\"]", "approvers = [\"security_officer\", \"ciso\"]\napproval = \"any\"");
  PackCheck c = LoadAndCheck(m.dir());
  ASSERT_TRUE(c.ok()) << FormatDiagnostics(AllErrors(c));
  EXPECT_EQ(c.load.pack.rules.at(0).approval, "any");
  EXPECT_NE(Summary(c.load.pack).find("情報セキュリティ責任者 又は CISO（いずれか）"), std::string::npos);
  Mutated bad("approvers = [\"security_officer\"]", "approvers = [\"security_officer\"]\napproval = \"either\"");
  Only(LoadAndCheck(bad.dir()), "E-PACK-017");
  Mutated unstated("public = true\n", "");
  PackCheck u = LoadAndCheck(unstated.dir());
  EXPECT_FALSE(u.load.pack.regulation.is_public.has_value());
  EXPECT_NE(Summary(u.load.pack).find("公開: 本文に定めなし（未設定）"), std::string::npos);
}

TEST(Load, MissingPackToml) {
  PackCheck c = LoadAndCheck("/nonexistent/pack");
  Only(c, "E-PACK-006");
  EXPECT_FALSE(c.ok());
}

// --- [evidence]: the ledger's retention, named by a parameter.

TEST(Evidence, RetentionMustNameAParameter) {
  Mutated m("[[gaps]]", "[evidence]\nretention = \"log_retention\"\ncite = \"第10条\"\n\n[[gaps]]");
  Diagnostic d = Only(LoadAndCheck(m.dir()), "E-PACK-031");
  EXPECT_NE(d.message.find("log_retention"), std::string::npos) << d.message;
  EXPECT_EQ(d.where.line, m.line());
}

TEST(Evidence, RetentionValueMustReadAsAPeriod) {
  Mutated m("source = \"実施手順\"        # no value: the text gives none (未設定)\ncite = \"第10条\"\n",
            "source = \"実施手順\"\nvalue = \"しばらく\"\ncite = \"第10条\"\n\n"
            "[evidence]\nretention = \"password_min_length\"\ncite = \"第10条\"\n");
  Diagnostic d = Only(LoadAndCheck(m.dir()), "E-PACK-032");
  EXPECT_NE(d.message.find("しばらく"), std::string::npos) << d.message;
}

TEST(Evidence, UnsetRetentionKeepsEverything) {
  Mutated m("[[gaps]]", "[evidence]\nretention = \"password_min_length\"\ncite = \"第10条\"\n\n[[gaps]]");
  auto c = LoadAndCheck(m.dir());
  EXPECT_TRUE(c.ok()) << FormatDiagnostics(AllErrors(c));
  EXPECT_TRUE(c.load.pack.evidence.present);
  EXPECT_FALSE(EvidenceRetention(c.load.pack));
  EXPECT_NE(Summary(c.load.pack).find("未設定のため、証跡はすべて保存する"), std::string::npos);
}

TEST(Evidence, PeriodsAsParametersStateThem) {
  auto p = ParsePeriod("5年");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->years, 5);
  ASSERT_TRUE(ParsePeriod("６か月"));
  EXPECT_EQ(ParsePeriod("６か月")->months, 6);
  EXPECT_EQ(ParsePeriod("18ヶ月")->months, 18);
  EXPECT_EQ(ParsePeriod("90日")->days, 90);
  for (const char* bad : {"", "年", "0年", "-1年", "5", "5 年", "五年", "1.5年", "5年6か月", "999999999999年"})
    EXPECT_FALSE(ParsePeriod(bad)) << bad;
  Parameter x;
  x.value = "3";
  x.unit = "年";
  EXPECT_EQ(PeriodOf(x)->years, 3);  // a bare number takes the parameter's unit
  // Month ends clamp; days cross months and leap years.
  EXPECT_EQ(DateBefore("2026-03-31", {0, 1, 0}), "2026-02-28");
  EXPECT_EQ(DateBefore("2028-03-31", {0, 1, 0}), "2028-02-29");
  EXPECT_EQ(DateBefore("2026-11-22", {5, 0, 0}), "2021-11-22");
  EXPECT_EQ(DateBefore("2026-01-10", {0, 0, 10}), "2025-12-31");
  EXPECT_EQ(DateBefore("2024-03-01", {0, 0, 1}), "2024-02-29");
  EXPECT_EQ(DateBefore("2026-04-01", {1, 6, 0}), "2024-10-01");
  // And forward, for when a 定期的に duty falls due again.
  EXPECT_EQ(DateAfter("2026-01-31", {0, 1, 0}), "2026-02-28");
  EXPECT_EQ(DateAfter("2028-01-31", {0, 1, 0}), "2028-02-29");
  EXPECT_EQ(DateAfter("2026-04-01", {0, 6, 0}), "2026-10-01");
  EXPECT_EQ(DateAfter("2026-12-31", {0, 0, 1}), "2027-01-01");
  EXPECT_EQ(DateAfter("2024-02-28", {0, 0, 1}), "2024-02-29");
  EXPECT_EQ(DateAfter("2026-10-01", {1, 6, 0}), "2028-04-01");
  EXPECT_EQ(DateAfter("2026-03-02", {0, 0, 90}), "2026-05-31");
}

// An include names a .toml file inside the pack's folder. A name the file
// system cannot hold used to end `pack check` with `terminate called`; a path
// out of the folder or to a device would read what is not the pack.
TEST(Mutation, IncludeNamesOutsideThePackOrTooLongAreRefusedWithACode) {
  const std::string long_name(300, 'a');
  for (const std::string& name : {long_name + ".toml", std::string("../../etc/passwd.toml"), std::string("/etc/hostname"),
                                  std::string("/dev/zero"), std::string("")}) {
    Mutated m("format = 1", "format = 1\ninclude = [\"" + name + "\"]");
    auto r = LoadPack(m.dir());
    bool found = false;
    for (const auto& d : r.errors) found |= d.code == "E-PACK-037";
    EXPECT_TRUE(found) << name;
  }
}

}  // namespace

// --- [[duties]]: a 定期的に duty names the parameter that holds its interval.

TEST(Duties, APeriodicDutyMustNameItsIntervalParameter) {
  Mutated missing("cycle = \"fiscal_year\"\ncite = \"第131条\"", "cycle = \"periodic\"\ncite = \"第131条\"");
  Diagnostic d = Only(LoadAndCheck(missing.dir()), "E-PACK-046");
  EXPECT_NE(d.message.find("duties「audit」"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("interval"), std::string::npos) << d.message;
  Mutated unknown("cycle = \"fiscal_year\"\ncite = \"第131条\"", "cycle = \"periodic\"\ninterval = \"audit_every\"\ncite = \"第131条\"");
  EXPECT_NE(Only(LoadAndCheck(unknown.dir()), "E-PACK-046").message.find("audit_every"), std::string::npos);
  // Only a 定期的に duty has one: a 毎年度 duty is due at the end of the 年度.
  Mutated yearly("cycle = \"fiscal_year\"\ncite = \"第131条\"",
                 "cycle = \"fiscal_year\"\ninterval = \"password_min_length\"\ncite = \"第131条\"");
  EXPECT_NE(Only(LoadAndCheck(yearly.dir()), "E-PACK-046").message.find("periodic"), std::string::npos);
}

TEST(Duties, AnIntervalIsUnsetOrReadsAsAPeriod) {
  const std::string duty = "cycle = \"periodic\"\ninterval = \"password_min_length\"\ncite = \"第131条\"";
  {
    Mutated unset("cycle = \"fiscal_year\"\ncite = \"第131条\"", duty);
    auto c = LoadAndCheck(unset.dir());
    EXPECT_TRUE(c.ok()) << FormatDiagnostics(AllErrors(c));
    ASSERT_EQ(c.load.pack.duties.size(), 1u);
    EXPECT_EQ(c.load.pack.duties[0].interval, "password_min_length");
  }
  const std::string unset_value = "source = \"実施手順\"        # no value: the text gives none (未設定)\ncite = \"第10条\"\n";
  Mutated bad({{"cycle = \"fiscal_year\"\ncite = \"第131条\"", duty},
               {unset_value, "source = \"実施手順\"\nvalue = \"ときどき\"\ncite = \"第10条\"\n"}});
  Diagnostic d = Only(LoadAndCheck(bad.dir()), "E-PACK-047");
  EXPECT_NE(d.message.find("ときどき"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("duties「audit」"), std::string::npos) << d.message;
  Mutated good({{"cycle = \"fiscal_year\"\ncite = \"第131条\"", duty},
                {unset_value, "source = \"実施手順\"\nvalue = \"6か月\"\ncite = \"第10条\"\n"}});
  auto c = LoadAndCheck(good.dir());
  EXPECT_TRUE(c.ok()) << FormatDiagnostics(AllErrors(c));
}


// --- [[checks]]: a check mamori can run, over what this pack has.

TEST(Checks, AContractCheckCarriesTheTextsItemsAndNoOtherCheckDoes) {
  const std::string before = "[[checklist]]";
  Mutated none(before, "[[checks]]\nid = \"contracts\"\nkind = \"contract_clauses\"\ncite = \"第131条\"\n\n[[checklist]]");
  EXPECT_NE(Only(LoadAndCheck(none.dir()), "E-PACK-048").message.find("items"), std::string::npos);
  Mutated stray(before, "[[checks]]\nid = \"params\"\nkind = \"unset_parameters\"\nitems = [\"x\"]\ncite = \"第10条\"\n\n[[checklist]]");
  EXPECT_NE(Only(LoadAndCheck(stray.dir()), "E-PACK-048").message.find("contract_clauses"), std::string::npos);
  Mutated unknown(before, "[[checks]]\nid = \"x\"\nkind = \"everything\"\ncite = \"第10条\"\n\n[[checklist]]");
  EXPECT_NE(Only(LoadAndCheck(unknown.dir()), "E-PACK-017").message.find("assets_unclassified"), std::string::npos);
  Mutated good(before, "[[checks]]\nid = \"params\"\nkind = \"unset_parameters\"\ncite = \"第10条\"\n\n[[checklist]]");
  auto c = LoadAndCheck(good.dir());
  EXPECT_TRUE(c.ok()) << FormatDiagnostics(AllErrors(c));
  ASSERT_EQ(c.load.pack.checks.size(), 1u);
  EXPECT_EQ(c.load.pack.checks[0].kind, "unset_parameters");
}

TEST(Checks, ATermsOfServiceCheckNamesAKnownLevelAndACloudCheckItsServiceKinds) {
  const std::string before = "[[checklist]]";
  Mutated no_level(before, "[[checks]]\nid = \"t\"\nkind = \"tos_services_confidential\"\ncite = \"第10条\"\n\n[[checklist]]");
  EXPECT_NE(Only(LoadAndCheck(no_level.dir()), "E-PACK-048").message.find("level"), std::string::npos);
  Mutated unknown(before, "[[checks]]\nid = \"t\"\nkind = \"tos_services_confidential\"\nlevel = \"極秘\"\ncite = \"第10条\"\n\n[[checklist]]");
  EXPECT_NE(Only(LoadAndCheck(unknown.dir()), "E-PACK-048").message.find("極秘"), std::string::npos);
  Mutated no_kinds(before, "[[checks]]\nid = \"c\"\nkind = \"cloud_exit_terms\"\ncite = \"第10条\"\n\n[[checklist]]");
  EXPECT_NE(Only(LoadAndCheck(no_kinds.dir()), "E-PACK-048").message.find("service_kinds"), std::string::npos);
  Mutated stray(before, "[[checks]]\nid = \"p\"\nkind = \"unset_parameters\"\nservice_kinds = [\"クラウドサービス\"]\ncite = \"第10条\"\n\n[[checklist]]");
  EXPECT_NE(Only(LoadAndCheck(stray.dir()), "E-PACK-048").message.find("cloud_exit_terms"), std::string::npos);
  Mutated good(before, "[[checks]]\nid = \"c\"\nkind = \"cloud_exit_terms\"\nservice_kinds = [\"クラウドサービス\"]\ncite = \"第10条\"\n\n[[checklist]]");
  auto c = LoadAndCheck(good.dir());
  EXPECT_TRUE(c.ok()) << FormatDiagnostics(AllErrors(c));
}

TEST(Checks, AZoneOrExceptionCheckNeedsZonesOrAnExceptionProcedure) {
  const std::string before = "[[checklist]]";
  Mutated exceptions(before, "[[checks]]\nid = \"e\"\nkind = \"exceptions_past_period\"\ncite = \"第10条\"\n\n[[checklist]]");
  EXPECT_NE(Only(LoadAndCheck(exceptions.dir()), "E-PACK-048").message.find("例外措置"), std::string::npos);
  Mutated zones(before, "[[checks]]\nid = \"z\"\nkind = \"systems_without_zone\"\ncite = \"第10条\"\n\n[[checklist]]");
  EXPECT_NE(Only(LoadAndCheck(zones.dir()), "E-PACK-048").message.find("[[zones]]"), std::string::npos);
}

// --- [audit]: the roles it names exist, a plan approval has its workflow,
// and the one instructed is held per unit.

std::string AuditTable(const std::string& extra) {
  return "[audit]\nlead = \"ciso\"\nauditor = \"security_officer\"\nreport_to = \"committee\"\ncite = \"第131条\"\n"
         "independence_cite = \"第10条\"\nreport_cite = \"第131条\"\n" + extra + "\n[[checklist]]";
}

TEST(Audit, AnAuditTableNamesRolesThatCanDoItsSteps) {
  const std::string before = "[[checklist]]";
  {
    Mutated good(before, AuditTable("instructs = \"ciso\"\nowner = \"security_officer\"\ninstruct_cite = \"第10条\"\n"));
    auto c = LoadAndCheck(good.dir());
    EXPECT_TRUE(c.ok()) << FormatDiagnostics(AllErrors(c));
    EXPECT_TRUE(c.load.pack.audit.present);
    EXPECT_EQ(c.load.pack.audit.owner, "security_officer");
  }
  Mutated unknown(before, AuditTable("instructs = \"mayor\"\nowner = \"security_officer\"\ninstruct_cite = \"第10条\"\n"));
  EXPECT_NE(Only(LoadAndCheck(unknown.dir()), "E-PACK-011").message.find("[audit] の instructs"), std::string::npos);
  Mutated half(before, AuditTable("instructs = \"ciso\"\ninstruct_cite = \"第10条\"\n"));
  EXPECT_NE(Only(LoadAndCheck(half.dir()), "E-PACK-049").message.find("owner"), std::string::npos);
  Mutated whole_body(before, AuditTable("instructs = \"ciso\"\nowner = \"ciso\"\ninstruct_cite = \"第10条\"\n"));
  EXPECT_NE(Only(LoadAndCheck(whole_body.dir()), "E-PACK-049").message.find("unit_head"), std::string::npos);
  // A plan approved through an action no workflow takes could never be approved.
  Mutated no_workflow(before, AuditTable("plan_action = \"transport\"\nplan_cite = \"第10条\"\n"));
  EXPECT_NE(Only(LoadAndCheck(no_workflow.dir()), "E-PACK-049").message.find("transport"), std::string::npos);
  // Each step the text sets carries its article: an instruction without one is a load error.
  Mutated uncited(before, AuditTable("instructs = \"ciso\"\nowner = \"security_officer\"\n"));
  auto c = LoadAndCheck(uncited.dir());
  EXPECT_FALSE(c.ok());
  EXPECT_NE(FormatDiagnostics(AllErrors(c)).find("instruct_cite"), std::string::npos) << FormatDiagnostics(AllErrors(c));
}

// enforced: what the server does with a value, one parameter for each.
TEST(Parameters, EachEnforcedValueIsOneParametersAndKnown) {
  const std::string unset_value = "source = \"実施手順\"        # no value: the text gives none (未設定)\ncite = \"第10条\"\n";
  Mutated unknown(unset_value, "source = \"実施手順\"\nenforced = \"everything\"\ncite = \"第10条\"\n");
  EXPECT_NE(Only(LoadAndCheck(unknown.dir()), "E-PACK-017").message.find("login_attempts"), std::string::npos);
  Mutated good(unset_value, "source = \"実施手順\"\nenforced = \"password_length\"\ncite = \"第10条\"\n");
  auto c = LoadAndCheck(good.dir());
  EXPECT_TRUE(c.ok()) << FormatDiagnostics(AllErrors(c));
  ASSERT_FALSE(c.load.pack.parameters.empty());
  EXPECT_EQ(c.load.pack.parameters[0].enforced, "password_length");
  Mutated twice({{unset_value, "source = \"実施手順\"\nenforced = \"password_length\"\ncite = \"第10条\"\n"},
                 {"[[checklist]]", "[[parameters]]\nid = \"pw2\"\nname = \"もう一つ\"\nunit = \"文字\"\nowner = \"ciso\"\n"
                                   "source = \"実施手順\"\nenforced = \"password_length\"\ncite = \"第10条\"\n\n[[checklist]]"}});
  EXPECT_NE(Only(LoadAndCheck(twice.dir()), "E-PACK-050").message.find("pw2"), std::string::npos);
}
// --- [[access]]: who sees what through the server, by the text.

TEST(Access, AnAccessEntryNamesARoleWhatTheServerShowsAndAUnitOnlyForAUnitRole) {
  const std::string before = "[[checklist]]";
  auto entry = [](const std::string& role, const std::string& sees, const std::string& what) {
    return "[[access]]\nrole = \"" + role + "\"\nsees = \"" + sees + "\"\nwhat = [" + what + "]\ncite = \"第10条\"\n\n[[checklist]]";
  };
  {
    Mutated good(before, entry("security_officer", "unit", "\"cases\", \"assets\""));
    auto c = LoadAndCheck(good.dir());
    EXPECT_TRUE(c.ok()) << FormatDiagnostics(AllErrors(c));
    ASSERT_EQ(c.load.pack.access.size(), 1u);
    EXPECT_EQ(c.load.pack.access[0].sees, "unit");
  }
  Mutated unknown(before, entry("mayor", "all", "\"cases\""));
  EXPECT_NE(Only(LoadAndCheck(unknown.dir()), "E-PACK-011").message.find("[[access]] の role"), std::string::npos);
  Mutated what(before, entry("ciso", "all", "\"everything\""));
  EXPECT_NE(Only(LoadAndCheck(what.dir()), "E-PACK-051").message.find("everything"), std::string::npos);
  Mutated empty(before, entry("ciso", "all", ""));
  EXPECT_FALSE(LoadAndCheck(empty.dir()).ok());
  // The CISO is one post for the whole body: it has no unit to see.
  Mutated unit(before, entry("ciso", "unit", "\"cases\""));
  EXPECT_NE(Only(LoadAndCheck(unit.dir()), "E-PACK-051").message.find("unit_head"), std::string::npos);
  Mutated sees(before, entry("ciso", "some", "\"cases\""));
  EXPECT_FALSE(LoadAndCheck(sees.dir()).ok());
  // Every grant carries its article.
  Mutated uncited(before, "[[access]]\nrole = \"ciso\"\nsees = \"all\"\nwhat = [\"cases\"]\n\n[[checklist]]");
  EXPECT_FALSE(LoadAndCheck(uncited.dir()).ok());
}
}  // namespace mamori::policy

