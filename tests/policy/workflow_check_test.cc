// Workflows as pack data (docs/pack-format.md, workflows): pack check holds
// each to what a case needs to run — who acts exists, what follows exists,
// every step can be reached and every step can reach the end, an application
// takes its approvers from the decision — and every pack's workflows cite
// the articles their texts lay the procedures down in.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "policy/policy.h"

namespace mamori::policy {
namespace {

namespace fs = std::filesystem;

const fs::path kMini = fs::path(MAMORI_POLICY_TESTDATA) / "mini";

// The mini pack with `toml` appended to its pack.toml.
struct WithWorkflow {
  fs::path dir;
  explicit WithWorkflow(const std::string& toml) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir = fs::temp_directory_path() / ("mamori_workflow_" + std::string(info->name()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const char* f : {"regulation.txt", "review.toml", "pack.toml"}) fs::copy_file(kMini / f, dir / f);
    std::ofstream(dir / "pack.toml", std::ios::app) << "\n" << toml;
  }
  ~WithWorkflow() { fs::remove_all(dir); }
  std::vector<Diagnostic> Errors() {
    auto c = LoadAndCheck(dir.string());
    std::vector<Diagnostic> all = c.load.errors;
    all.insert(all.end(), c.report.errors.begin(), c.report.errors.end());
    return all;
  }
  // The messages of `code`, one line each.
  std::string Of(const std::string& code) {
    std::string out;
    for (const auto& d : Errors())
      if (d.code == code) out += d.message + "\n";
    return out;
  }
};

const char* kGood = R"(
[[workflows]]
id = "carry"
name = "運搬の許可"
kind = "application"
actions = ["transport"]
cite = "第27条第2項"
[[workflows.steps]]
id = "permit"
name = "許可"
by = "decision"
cite = "第27条第2項"
[[workflows.steps]]
id = "record"
name = "記録"
by = "security_officer"
records = ["日時"]
next = ["end"]
cite = "第27条第2項"
)";

TEST(Workflows, AWellFormedWorkflowChecksCleanAndIsRead) {
  WithWorkflow w(kGood);
  EXPECT_TRUE(w.Errors().empty()) << FormatDiagnostics(w.Errors());
  auto c = LoadAndCheck(w.dir.string());
  ASSERT_EQ(c.load.pack.workflows.size(), 1u);
  const Workflow& wf = c.load.pack.workflows[0];
  EXPECT_EQ(wf.kind, "application");
  ASSERT_EQ(wf.steps.size(), 2u);
  EXPECT_EQ(wf.steps[1].by, "security_officer");
  EXPECT_EQ(wf.steps[1].records, std::vector<std::string>{"日時"});
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const std::size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(Workflows, AnUnknownRoleOrActionIsNamed) {
  WithWorkflow role(Replace(kGood, "by = \"security_officer\"", "by = \"security_oficer\""));
  EXPECT_NE(role.Of("E-PACK-011").find("steps「record」の by の役割「security_oficer」"), std::string::npos)
      << FormatDiagnostics(role.Errors());
  WithWorkflow action(Replace(kGood, "actions = [\"transport\"]", "actions = [\"teleport\"]"));
  EXPECT_NE(action.Of("E-PACK-012").find("teleport"), std::string::npos) << FormatDiagnostics(action.Errors());
}

TEST(Workflows, ANextThatIsNoStepIsNamedWithTheStepsThereAre) {
  WithWorkflow w(Replace(kGood, "next = [\"end\"]", "next = [\"archive\"]"));
  EXPECT_NE(w.Of("E-PACK-041").find("next「archive」はこの手順の段ではありません（段: permit、record、または end）"),
            std::string::npos)
      << FormatDiagnostics(w.Errors());
}

TEST(Workflows, AStepNoPathReachesIsFound) {
  // permit ends the case, so record can never be reached.
  WithWorkflow w(Replace(kGood, "by = \"decision\"", "by = \"decision\"\nnext = [\"end\"]"));
  EXPECT_NE(w.Of("E-PACK-041").find("steps「record」には、最初の段からたどり着けません"), std::string::npos)
      << FormatDiagnostics(w.Errors());
}

TEST(Workflows, ALoopWithNoWayOutIsFound) {
  WithWorkflow w(Replace(kGood, "next = [\"end\"]", "next = [\"permit\"]"));
  const std::string e = w.Of("E-PACK-042");
  EXPECT_NE(e.find("steps「permit」から手順の終わりにたどり着けません"), std::string::npos) << FormatDiagnostics(w.Errors());
  EXPECT_NE(e.find("steps「record」から"), std::string::npos) << e;
}

TEST(Workflows, AnApplicationNeedsExactlyOneDecisionStepAndOthersNone) {
  WithWorkflow none(Replace(kGood, "by = \"decision\"", "by = \"ciso\""));
  EXPECT_NE(none.Of("E-PACK-043").find("いま 0 個"), std::string::npos) << FormatDiagnostics(none.Errors());
  WithWorkflow incident(Replace(Replace(kGood, "kind = \"application\"", "kind = \"incident\""), "actions = [\"transport\"]\n", ""));
  EXPECT_NE(incident.Of("E-PACK-043").find("申請ではないため"), std::string::npos) << FormatDiagnostics(incident.Errors());
  WithWorkflow kind(Replace(kGood, "kind = \"application\"", "kind = \"petition\""));
  EXPECT_FALSE(kind.Of("E-PACK-003").empty() && kind.Of("E-PACK-017").empty() && kind.Of("E-PACK-002").empty())
      << FormatDiagnostics(kind.Errors());
}

TEST(Workflows, ARoleNamedLikeAByKeywordIsRefused) {
  WithWorkflow w(std::string(kGood) + "\n[[roles]]\nid = \"reporter\"\nname = \"報告する者\"\nfill = { kind = \"unset\" }\ncite = \"第27条第2項\"\n");
  EXPECT_NE(w.Of("E-PACK-044").find("roles の id「reporter」"), std::string::npos) << FormatDiagnostics(w.Errors());
}

TEST(Workflows, ACitationThatDoesNotResolveAndAnUnknownDeadlineAreRefused) {
  WithWorkflow cite(Replace(kGood, "records = [\"日時\"]\nnext = [\"end\"]\ncite = \"第27条第2項\"",
                            "records = [\"日時\"]\nnext = [\"end\"]\ncite = \"第27条第9項\""));
  EXPECT_FALSE(cite.Of("E-PACK-010").empty()) << FormatDiagnostics(cite.Errors());
  WithWorkflow deadline(Replace(kGood, "records = [\"日時\"]", "records = [\"日時\"]\ndeadline = \"soon\""));
  EXPECT_NE(deadline.Of("E-PACK-031").find("deadline「soon」"), std::string::npos) << FormatDiagnostics(deadline.Errors());
}

TEST(Workflows, PeopleToCountAreOneOfTheRecordsAndComeWithTheirCount) {
  WithWorkflow good(Replace(kGood, "records = [\"日時\"]", "records = [\"日時\", \"確認者\"]\npeople = \"確認者\"\npeople_at_least = 2"));
  EXPECT_TRUE(good.Errors().empty()) << FormatDiagnostics(good.Errors());
  auto c = LoadAndCheck(good.dir.string());
  ASSERT_EQ(c.load.pack.workflows.size(), 1u);
  EXPECT_EQ(c.load.pack.workflows[0].steps[1].people, "確認者");
  EXPECT_EQ(c.load.pack.workflows[0].steps[1].people_at_least, 2);
  WithWorkflow not_a_record(Replace(kGood, "records = [\"日時\"]", "records = [\"日時\"]\npeople = \"確認者\"\npeople_at_least = 2"));
  EXPECT_NE(not_a_record.Of("E-PACK-045").find("people「確認者」は records にありません"), std::string::npos)
      << FormatDiagnostics(not_a_record.Errors());
  WithWorkflow no_count(Replace(kGood, "records = [\"日時\"]", "records = [\"日時\"]\npeople = \"日時\""));
  EXPECT_NE(no_count.Of("E-PACK-045").find("組で指定"), std::string::npos) << FormatDiagnostics(no_count.Errors());
  WithWorkflow count_alone(Replace(kGood, "records = [\"日時\"]", "records = [\"日時\"]\npeople_at_least = 2"));
  EXPECT_FALSE(count_alone.Of("E-PACK-045").empty()) << FormatDiagnostics(count_alone.Errors());
}

// The procedures the texts lay down, by pack: what each must at least carry.
// What the text calls a step (評価, 指示) is one of the words the incident
// commands know, or the pack says which word is not.
TEST(Workflows, AStepsActIsAssessOrInstruct) {
  WithWorkflow good(Replace(kGood, "records = [\"日時\"]", "records = [\"日時\"]\nact = \"assess\""));
  EXPECT_TRUE(good.Errors().empty()) << FormatDiagnostics(good.Errors());
  EXPECT_EQ(LoadAndCheck(good.dir.string()).load.pack.workflows[0].steps[1].act, "assess");
  WithWorkflow bad(Replace(kGood, "records = [\"日時\"]", "records = [\"日時\"]\nact = \"judge\""));
  EXPECT_NE(bad.Of("E-PACK-017").find("「act」に使えない値「judge」"), std::string::npos) << FormatDiagnostics(bad.Errors());
}

TEST(Workflows, YasudaCarriesItsApplicationsExceptionsAndIncidentChain) {
  auto c = LoadAndCheck(std::string(MAMORI_PACKS_DIR) + "/yasuda");
  ASSERT_TRUE(c.load.errors.empty() && c.report.errors.empty());
  std::map<std::string, const Workflow*> by_action;
  const Workflow* incident = nullptr;
  const Workflow* exception = nullptr;
  for (const auto& w : c.load.pack.workflows) {
    for (const auto& a : w.actions) by_action[a] = &w;
    if (w.id == "incident") incident = &w;
    if (w.id == "exception") exception = &w;
  }
  // 第27条第2項, 第28条第2項, 第29条第3項, 第46条第4〜7項, 第76条第2項, 第77条第2項, 第78条, 第83条第1項, 第69条第1項, 第39条
  for (const char* a : {"transport", "external_provision", "dispose", "take_out", "external_processing", "non_issued_device",
                        "software_install", "hardware_modification", "network_connect", "remote_access",
                        "external_network_connect", "offsite_equipment"})
    EXPECT_TRUE(by_action.count(a)) << a;
  // 第29条第2項: the disposal is recorded with 日時、担当者及び処理内容.
  const auto& dispose = *by_action.at("dispose");
  EXPECT_EQ(dispose.steps.back().records, (std::vector<std::string>{"日時", "担当者", "処理内容"}));
  // 第46条第8項: the 情報セキュリティ責任者 records take-out and bring-in.
  const auto& take = *by_action.at("take_out");
  bool officer_records = false;
  for (const auto& s : take.steps) officer_records |= s.by == "security_officer" && s.id == "brought_in";
  EXPECT_TRUE(officer_records);
  // 第119条: only the 情報セキュリティ責任者 and 情報システム管理者 may apply.
  ASSERT_NE(exception, nullptr);
  EXPECT_EQ(exception->applicants, (std::vector<std::string>{"security_officer", "system_admin"}));
  // 第54条〜第56条: the chain ends with the CISO's instruction (第56条第5項).
  ASSERT_NE(incident, nullptr);
  EXPECT_EQ(incident->steps.front().by, "security_officer");
  EXPECT_EQ(incident->steps.back().by, "ciso");
  bool csirt = false;
  for (const auto& s : incident->steps) csirt |= s.by == "csirt";
  EXPECT_TRUE(csirt);
}

}  // namespace
}  // namespace mamori::policy

namespace mamori::policy {
namespace {

// pack show lists the procedures with who acts at each step and what it records.
TEST(Workflows, TheSummaryShowsEachProcedureStepByStep) {
  auto c = LoadAndCheck(std::string(MAMORI_PACKS_DIR) + "/yasuda");
  const std::string s = Summary(c.load.pack);
  EXPECT_NE(s.find("■ 手順（申請・例外措置・インシデント）"), std::string::npos);
  EXPECT_NE(s.find("情報資産の廃棄（申請）"), std::string::npos) << s;
  EXPECT_NE(s.find("廃棄の処理の記録（申請者） 記録: 日時・担当者・処理内容 [第29条第2項]"), std::string::npos) << s;
  EXPECT_NE(s.find("例外措置の許可（例外措置、申請できる者: 情報セキュリティ責任者・情報システム管理者）"), std::string::npos) << s;
  EXPECT_NE(s.find("緊急時の例外措置の事後報告（例外措置・緊急時"), std::string::npos) << s;
}

}  // namespace
}  // namespace mamori::policy
