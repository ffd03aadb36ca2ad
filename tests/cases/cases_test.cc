// Cases run as 安田町's text lays them down, on the sample town: the post
// holders of the day each step is taken act on it, nobody else, and every
// step is evidence the ledger proves. Expected people come from the sample
// town's registers (税務課長 000004 until 2026-03-31, 000022 from 2026-04-01;
// 副町長 000001 = CISO, 第11条第1項, with 000002 acting 2026-05-07..13).
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "common/raw_sql.h"
#include "common/revised_pack.h"
#include "common/town.h"
#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;
using mamori::test_util::CliResult;
using Json = nlohmann::json;

struct Town : mamori::test_util::SampleTown {
  Town() : SampleTown("mamori_cases") {}
  std::string Request(const std::string& name, const std::string& json) {
    std::ofstream(dir / name) << json;
    return (dir / name).string();
  }
  // Opens a case and returns its id.
  std::string Apply(const std::string& json, const std::string& as, const std::string& at = "") {
    std::vector<std::string> args = {"apply", Request("r.json", json), "--as", as, "--format", "json"};
    if (!at.empty()) args.insert(args.end(), {"--at", at});
    auto r = Run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? Json::parse(r.out).value("case", "") : "";
  }
  Json State(const std::string& id) {
    auto r = Run({"case", "show", id, "--format", "json"});
    EXPECT_EQ(r.status, 0) << r.err;
    return Json::parse(r.out);
  }
  long long LogSize() {
    auto r = Run({"ledger", "head", "--json"});
    return r.status == 0 ? Json::parse(r.out).value("size", -1LL) : -1;
  }
};

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const char* kTakeOut = R"({"action":"take_out","resource":"A0000022"})";

// The issue's acceptance, step by step: 第46条第4項 (the 課長's permission),
// 第46条第8項 (the 情報セキュリティ責任者's record of take-out and bring-in).
TEST(Apply, ATakeOutWaitsForTodaysKachouAndOnlyThemAndIsProvedEndToEnd) {
  Town t;
  const std::string id = t.Apply(kTakeOut, "000023");
  ASSERT_FALSE(id.empty());
  auto inbox = t.Run({"case", "inbox", "--as", "000022"});
  EXPECT_TRUE(Has(inbox.out, id)) << inbox.out;
  EXPECT_FALSE(Has(t.Run({"case", "inbox", "--as", "000004"}).out, id));
  // The former 課長: refused, in Japanese, naming who may; nothing changes.
  const long long before = t.LogSize();
  auto former = t.Run({"case", "approve", id, "--as", "000004"});
  EXPECT_EQ(former.status, 2);
  EXPECT_TRUE(Has(former.err, "E-CASE-010")) << former.err;
  EXPECT_TRUE(Has(former.err, "進められるのは 000022")) << former.err;
  EXPECT_EQ(t.LogSize(), before);
  // Today's 課長 approves; the applicant confirms the obligations.
  ASSERT_EQ(t.Run({"case", "approve", id, "--as", "000022"}).status, 0);
  auto confirm = t.Run({"case", "confirm", id, "--as", "000023"});
  ASSERT_EQ(confirm.status, 0) << confirm.err;
  // The 課長 records the take-out and, later, the bring-in (第46条第8項).
  auto missing = t.Run({"case", "record", id, "--as", "000022"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_TRUE(Has(missing.err, "E-CASE-012")) << missing.err;
  ASSERT_EQ(t.Run({"case", "record", id, "--as", "000022", "--record", "持ち出した日時=2026-12-03 09:10",
                   "--record", "持ち出したもの=会議録 22（USBメモリ D00005）"}).status, 0);
  auto choose = t.Run({"case", "record", id, "--as", "000022", "--record", "持ち込んだ日時=2026-12-03 17:30",
                       "--record", "持ち込んだもの=会議録 22"});
  EXPECT_EQ(choose.status, 2);  // a mobile device needs the check of 第83条第6項; which way?
  EXPECT_TRUE(Has(choose.err, "E-CASE-014")) << choose.err;
  EXPECT_TRUE(Has(choose.err, "reconnect_check")) << choose.err;
  auto back = t.Run({"case", "record", id, "--as", "000022", "--record", "持ち込んだ日時=2026-12-03 17:30",
                     "--record", "持ち込んだもの=会議録 22", "--next", "end"});
  ASSERT_EQ(back.status, 0) << back.err;
  auto s = t.State(id);
  EXPECT_EQ(s["state"]["status"], "done");
  EXPECT_EQ(s["events"].size(), 5u);  // open, approve, confirm, take-out, bring-in: nothing else
  // The evidence: the log verifies, every case state is its events, every event is proved.
  auto verify = t.Run({"ledger", "verify"});
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  EXPECT_TRUE(Has(verify.out, "案件: 1 件、どの状態も出来事から導かれるものと一致しました")) << verify.out;
  auto proof = t.Run({"case", "proof", id, "--format", "json"});
  ASSERT_EQ(proof.status, 0) << proof.err;
  auto p = Json::parse(proof.out);
  EXPECT_TRUE(p["verified"].get<bool>());
  EXPECT_EQ(p["proofs"].size(), s["events"].size());
}

// After a 異動 in the middle of a case the new 課長 approves and the former
// one no longer can; the case shows both.
TEST(Apply, AfterAPersonnelChangeTheNewHolderApprovesAndTheCaseShowsBoth) {
  Town t;
  const std::string id = t.Apply(kTakeOut, "000023", "2026-03-30");
  auto opened = t.State(id);
  EXPECT_TRUE(Has(opened["events"][0]["waiting"].dump(), "000004")) << opened.dump();
  auto old = t.Run({"case", "approve", id, "--as", "000004", "--at", "2026-04-01"});
  EXPECT_EQ(old.status, 2);
  EXPECT_TRUE(Has(old.err, "000022")) << old.err;
  ASSERT_EQ(t.Run({"case", "approve", id, "--as", "000022", "--at", "2026-04-01"}).status, 0);
  auto show = t.Run({"case", "show", id});
  EXPECT_TRUE(Has(show.out, "その日に待った人: 000004")) << show.out;
  EXPECT_TRUE(Has(show.out, "済: 000022")) << show.out;
}

// A vacant post: the case waits and says why; it never skips the step.
TEST(Apply, AVacantStepWaitsAndSaysWhy) {
  Town t;
  const std::string id = t.Apply(kTakeOut, "000023", "2024-03-01");  // before anyone held 税務課長
  auto show = t.Run({"case", "show", id, "--as-of", "2024-03-01"});
  EXPECT_TRUE(Has(show.out, "空席")) << show.out;
  auto r = t.Run({"case", "approve", id, "--as", "000004", "--at", "2024-03-01"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-CASE-011")) << r.err;
  EXPECT_EQ(t.State(id)["state"]["current"], 0);
}

// 第17条: the applicant never approves their own step.
TEST(Apply, TheKachouCannotApproveTheirOwnTakeOut) {
  Town t;
  const std::string id = t.Apply(kTakeOut, "000022");
  auto r = t.Run({"case", "approve", id, "--as", "000022"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-CASE-011")) << r.err;  // nobody else holds the post: it waits
}

TEST(Apply, DenyOpensNoCaseAndPermitSaysNoApplicationIsNeeded) {
  Town t;
  // 第31条第2項: from the マイナンバー利用事務系, no take-out.
  auto deny = t.Run({"apply", t.Request("d.json", R"({"action":"take_out","resource":"A0000042","context":{"from_zone":"mynumber"}})"), "--as", "000050"});
  EXPECT_EQ(deny.status, 2);
  EXPECT_TRUE(Has(deny.err, "E-CASE-001")) << deny.err;
  EXPECT_TRUE(Has(deny.err, "第31条第2項")) << deny.err;
  // 第27条第2項 regulates 機密性2 and above only: a 機密性1 transport needs no one.
  auto permit = t.Run({"apply", t.Request("p.json", R"({"action":"transport","resource":"A0000002"})"), "--as", "000050"});
  EXPECT_EQ(permit.status, 0) << permit.err;
  EXPECT_TRUE(Has(permit.out, "申請は要りません")) << permit.out;
  // --record: the permit itself is evidence, as decide --record makes it.
  const long long before = t.LogSize();
  auto recorded = t.Run({"apply", t.Request("p.json", R"({"action":"transport","resource":"A0000002"})"), "--as", "000050", "--record"});
  EXPECT_EQ(recorded.status, 0) << recorded.err;
  EXPECT_TRUE(Has(recorded.out, "証跡 #")) << recorded.out;
  EXPECT_EQ(t.LogSize(), before + 1);
  EXPECT_TRUE(t.Run({"case", "list"}).out.empty());
  // Someone else's name as the subject: refused.
  auto other = t.Run({"apply", t.Request("o.json", R"({"subject":"000050","action":"take_out","resource":"A0000022"})"), "--as", "000023"});
  EXPECT_EQ(other.status, 2);
  EXPECT_TRUE(Has(other.err, "E-CASE-004")) << other.err;
  auto nobody = t.Run({"apply", t.Request("n.json", kTakeOut), "--as", "999999"});
  EXPECT_EQ(nobody.status, 2);
  EXPECT_TRUE(Has(nobody.err, "E-CASE-004")) << nobody.err;
}

TEST(Apply, ReturnResubmitRejectAndWithdrawFollowTheirRules) {
  Town t;
  const std::string id = t.Apply(kTakeOut, "000023");
  auto no_reason = t.Run({"case", "return", id, "--as", "000022"});
  EXPECT_EQ(no_reason.status, 2);
  EXPECT_TRUE(Has(no_reason.err, "E-CASE-016")) << no_reason.err;
  ASSERT_EQ(t.Run({"case", "return", id, "--as", "000022", "--reason", "持ち出す期間を書いてください"}).status, 0);
  EXPECT_EQ(t.State(id)["state"]["status"], "returned");
  EXPECT_TRUE(Has(t.Run({"case", "inbox", "--as", "000023"}).out, id));  // back to the applicant
  EXPECT_EQ(t.Run({"case", "resubmit", id, "--as", "000022"}).status, 2);  // only the applicant
  ASSERT_EQ(t.Run({"case", "resubmit", id, "--as", "000023", "--reason", "期間: 12月3日のみ"}).status, 0);
  EXPECT_EQ(t.State(id)["state"]["current"], 0);
  ASSERT_EQ(t.Run({"case", "reject", id, "--as", "000022", "--reason", "代わりに庁内で閲覧できます"}).status, 0);
  auto s = t.State(id)["state"];
  EXPECT_EQ(s["status"], "rejected");
  EXPECT_EQ(t.Run({"case", "approve", id, "--as", "000022"}).status, 2);
  EXPECT_EQ(t.Run({"case", "withdraw", id, "--as", "000023"}).status, 2);  // already ended
  const std::string second = t.Apply(kTakeOut, "000023");
  ASSERT_EQ(t.Run({"case", "withdraw", second, "--as", "000023"}).status, 0);
  EXPECT_EQ(t.State(second)["state"]["status"], "withdrawn");
  auto unknown = t.Run({"case", "show", "C2026-999999"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_TRUE(Has(unknown.err, "E-CASE-005")) << unknown.err;
  EXPECT_EQ(t.Run({"ledger", "verify"}).status, 0);
}

// 第119条: only the 情報セキュリティ責任者 and 情報システム管理者 may apply;
// 第120条: in an emergency the measure is taken first and reported after,
// with the time since shown and no deadline invented (「事後速やかに」).
TEST(Exception, OnlyTheRolesTheTextNamesMayApplyAndTheEmergencyWaitsForItsReport) {
  Town t;
  auto staff = t.Run({"exception", "apply", "--as", "000023", "--departs", "第46条第4項", "--measure", "庁内で閲覧",
                      "--reason", "窓口対応"});
  EXPECT_EQ(staff.status, 2);
  EXPECT_TRUE(Has(staff.err, "E-CASE-002")) << staff.err;
  EXPECT_TRUE(Has(staff.err, "第119条")) << staff.err;
  auto bad_ref = t.Run({"exception", "apply", "--as", "000022", "--departs", "第999条", "--measure", "x", "--reason", "y"});
  EXPECT_EQ(bad_ref.status, 2);
  EXPECT_TRUE(Has(bad_ref.err, "E-CASE-006")) << bad_ref.err;
  auto e = t.Run({"exception", "apply", "--as", "000022", "--emergency", "--departs", "第46条第4項", "--measure",
                  "USBメモリで持ち出して避難所で処理", "--reason", "災害対応で庁舎が使えない", "--format", "json"});
  ASSERT_EQ(e.status, 0) << e.err;
  const std::string id = Json::parse(e.out)["case"];
  auto show = t.Run({"case", "show", id});
  EXPECT_TRUE(Has(show.out, "経過:")) << show.out;
  EXPECT_TRUE(Has(show.out, "期限: 未設定")) << show.out;
  EXPECT_TRUE(Has(show.out, "第46条第4項 職員等は")) << show.out;  // the departed article's text
  ASSERT_EQ(t.Run({"case", "record", id, "--as", "000022", "--record", "講じた例外措置=USBメモリで持ち出し",
                   "--record", "講じた日時=2026-12-03 08:00"}).status, 0);
  // The CISO (副町長 000001) reviews it.
  EXPECT_TRUE(Has(t.Run({"case", "inbox", "--as", "000001"}).out, id));
  ASSERT_EQ(t.Run({"case", "approve", id, "--as", "000001", "--record", "確認の結果=やむを得ない措置と認める"}).status, 0);
  EXPECT_EQ(t.State(id)["state"]["status"], "done");
}

// An acting holder (代理) acts as such, recorded (代決).
TEST(Exception, AnActingCisoDecidesAsSuchAndItIsRecorded) {
  Town t;
  auto e = t.Run({"exception", "apply", "--as", "000022", "--departs", "第46条第4項", "--measure", "庁内で閲覧",
                  "--reason", "原本の確認", "--at", "2026-05-10", "--format", "json"});
  ASSERT_EQ(e.status, 0) << e.err;
  const std::string id = Json::parse(e.out)["case"];
  auto r = t.Run({"case", "approve", id, "--as", "000002", "--at", "2026-05-10", "--record", "審査結果=許可"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "代理として")) << r.out;
  auto events = t.State(id)["events"];
  EXPECT_TRUE(events.back()["acting"].get<bool>());
  EXPECT_TRUE(Has(t.Run({"case", "show", id}).out, "代理（代決）"));
}

// Two CISOs of the day act on the one step at the same moment: exactly one lands.
TEST(Exception, TwoHoldersActingAtOnceLandExactlyOneDecision) {
  Town t;
  auto e = t.Run({"exception", "apply", "--as", "000022", "--departs", "第46条第4項", "--measure", "m", "--reason", "r",
                  "--at", "2026-05-10", "--format", "json"});
  ASSERT_EQ(e.status, 0) << e.err;
  const std::string id = Json::parse(e.out)["case"];
  std::vector<pid_t> kids;
  for (const char* who : {"000001", "000002"}) {
    pid_t pid = fork();
    if (pid == 0) {
      auto r = t.Run({"case", "approve", id, "--as", who, "--at", "2026-05-10", "--record", "審査結果=許可"});
      _exit(r.status);
    }
    kids.push_back(pid);
  }
  int ok = 0;
  for (pid_t k : kids) {
    int st = 0;
    waitpid(k, &st, 0);
    ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
  }
  EXPECT_EQ(ok, 1);
  auto events = t.State(id)["events"];
  EXPECT_EQ(events.size(), 2u);  // open and one decision
  EXPECT_EQ(t.Run({"ledger", "verify"}).status, 0);
}

// 第54条〜第56条 with 第18条第5項・第6項: the chain to the CISO, a timestamp at every step.
TEST(Incident, AStaffReportWalksTheChainToTheCisoWithATimestampAtEveryStep) {
  Town t;
  // The CISO designates the CSIRT and the 統一的な窓口 (第18条第2項・第3項).
  std::ofstream(t.dir / "指名.csv") << "指名ID,役割,職員,指名者,開始日,終了日,根拠条文\n"
                                     << "N1,CSIRT,000021,000001,2026-04-01,,第18条第2項\n"
                                     << "N2,情報セキュリティに関する統一的な窓口,000041,000001,2026-04-01,,第18条第3項\n";
  ASSERT_EQ(t.Run({"import", "指名", (t.dir / "指名.csv").string()}).status, 0);
  auto r = t.Run({"incident", "report", "--as", "000023", "--what", "USBメモリを紛失した", "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string id = Json::parse(r.out)["case"];
  struct Step {
    std::vector<std::string> args;
  };
  // Each as `case record`, or by the incident command the text's word names
  // (評価 第56条第1項, 指示 第56条第3項・第5項, and the last step closes it).
  const std::vector<Step> chain = {
      {{"case", "record", id, "--as", "000022", "--record", "受け付けた日時=9:00", "--record", "報告の内容=紛失"}},   // 第54条第1項 税務課長
      {{"case", "record", id, "--as", "000041", "--record", "受け付けた日時=9:05"}},                                // 窓口
      {{"case", "record", id, "--as", "000022", "--record", "報告した日時=9:10", "--record", "報告した相手=総務課長"}}, // 第54条第2項
      {{"incident", "step", id, "--as", "000022", "--record", "報告した日時=9:20"}},                                // 第54条第3項
      {{"incident", "assess", id, "--as", "000021", "--record", "評価=インシデント", "--record", "評価の理由=個人情報を含む", "--next", "csirt_to_ciso"}},
      {{"case", "record", id, "--as", "000021", "--record", "報告した日時=10:00"}},                                 // 第56条第2項
      {{"incident", "instruct", id, "--as", "000021", "--record", "指示の内容=遠隔消去", "--record", "指示した情報セキュリティ責任者=000022"}},
      {{"case", "record", id, "--as", "000001", "--record", "報告先=総務省、高知県", "--record", "報告した日時=11:00", "--record", "報告した内容=紛失の第一報"}},
      {{"case", "record", id, "--as", "000001", "--record", "判断=公表する", "--record", "理由=住民の個人情報"}},  // 第18条第6項
      {{"case", "record", id, "--as", "000021", "--record", "原因=持ち出し記録の不備", "--record", "再発防止策=暗号化の徹底"}},
      {{"incident", "close", id, "--as", "000001", "--record", "指示の内容=全課に暗号化を指示"}},                      // 第56条第5項
  };
  // Someone who does not hold the step's role that day is refused at each step.
  EXPECT_EQ(t.Run({"case", "record", id, "--as", "000050", "--record", "受け付けた日時=9:00", "--record", "報告の内容=x"}).status, 2);
  // The incident commands hold the waiting step to their word, and change nothing otherwise.
  const long long before = t.LogSize();
  auto wrong = t.Run({"incident", "assess", id, "--as", "000022", "--record", "受け付けた日時=9:00", "--record", "報告の内容=紛失"});
  EXPECT_EQ(wrong.status, 2);
  EXPECT_TRUE(Has(wrong.err, "E-CASE-012")) << wrong.err;
  EXPECT_TRUE(Has(wrong.err, "CSIRTによる評価")) << wrong.err;  // names the step that is one
  wrong = t.Run({"incident", "close", id, "--as", "000022", "--record", "受け付けた日時=9:00", "--record", "報告の内容=紛失"});
  EXPECT_EQ(wrong.status, 2);
  EXPECT_TRUE(Has(wrong.err, "E-CASE-014")) << wrong.err;
  wrong = t.Run({"incident", "instruct", id, "--as", "000022", "--record", "受け付けた日時=9:00", "--record", "報告の内容=紛失"});
  EXPECT_EQ(wrong.status, 2);
  EXPECT_TRUE(Has(wrong.err, "応急措置及び復旧に係る指示")) << wrong.err;
  EXPECT_EQ(t.LogSize(), before);
  // An application is no incident: its steps are not closed by the incident commands.
  const std::string app = t.Apply(kTakeOut, "000023");
  const long long opened = t.LogSize();
  wrong = t.Run({"incident", "close", app, "--as", "000022"});
  EXPECT_EQ(wrong.status, 2);
  EXPECT_TRUE(Has(wrong.err, "インシデントではありません")) << wrong.err;
  EXPECT_EQ(t.LogSize(), opened);
  for (const auto& s : chain) {
    auto x = t.Run(s.args);
    ASSERT_EQ(x.status, 0) << s.args[1] << " " << s.args[3] << ": " << x.err;
  }
  auto st = t.State(id);
  EXPECT_EQ(st["state"]["status"], "done");
  for (const auto& step : st["state"]["steps"]) EXPECT_FALSE(step["done"].value("at", "").empty()) << step.dump();
  EXPECT_TRUE(Has(t.Run({"case", "show", id}).out, "前の出来事から"));
}

// A state rewritten by SQL (a rejection turned into an approval) is found.
TEST(Evidence, AStateRewrittenOutsideMamoriIsFound) {
  Town t;
  const std::string id = t.Apply(kTakeOut, "000023");
  ASSERT_EQ(t.Run({"case", "reject", id, "--as", "000022", "--reason", "不要"}).status, 0);
  mamori::test_util::Sql(t.db, "UPDATE rows SET data = replace(data, '\"status\":\"rejected\"', '\"status\":\"done\"') WHERE kind = 'cases'");
  auto v = t.Run({"ledger", "verify"});
  EXPECT_EQ(v.status, 1);
  EXPECT_TRUE(Has(v.out, "E-LEDGER-116")) << v.out;
  EXPECT_TRUE(Has(v.out, "E-CASE-102")) << v.out;
}

}  // namespace

namespace {

// 第121条: the CISO's register of exception applications and review results,
// with their period, age and renewal, exportable to Excel.
TEST(Exception, TheCisosRegisterListsEachWithItsPeriodAgeAndRenewal) {
  Town t;
  auto e = t.Run({"exception", "apply", "--as", "000022", "--departs", "第46条第4項", "--measure", "庁内で閲覧",
                  "--reason", "原本の確認", "--until", "2026-06-30", "--at", "2026-04-01", "--format", "json"});
  ASSERT_EQ(e.status, 0) << e.err;
  const std::string id = Json::parse(e.out)["case"];
  auto refuse = t.Run({"exception", "refuse", id, "--as", "000001", "--at", "2026-04-02"});
  EXPECT_EQ(refuse.status, 2);  // a refusal needs its reason
  ASSERT_EQ(t.Run({"exception", "permit", id, "--as", "000001", "--at", "2026-04-02", "--record", "審査結果=6月末まで許可"}).status, 0);
  const std::string book = (t.dir / "例外措置.xlsx").string();
  ASSERT_EQ(t.Run({"exception", "review", "--as-of", "2026-07-01", "--out", book}).status, 0);
  ASSERT_TRUE(fs::exists(book));
  EXPECT_GT(fs::file_size(book), 0u);
  auto review = t.Run({"exception", "review", "--as-of", "2026-07-01"});
  EXPECT_TRUE(Has(review.out, id)) << review.out;
  EXPECT_TRUE(Has(review.out, "期間切れ")) << review.out;
  EXPECT_TRUE(Has(review.out, "経過 91 日")) << review.out;  // 2026-04-01 to 2026-07-01
  EXPECT_TRUE(Has(review.out, "6月末まで許可")) << review.out;
  // Renewed by a new case, linked both ways.
  auto bad = t.Run({"exception", "apply", "--as", "000022", "--departs", "第46条第4項", "--measure", "m", "--reason", "r",
                    "--renews", "C2026-999999"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_TRUE(Has(bad.err, "E-CASE-006")) << bad.err;
  auto renew = t.Run({"exception", "apply", "--as", "000022", "--departs", "第46条第4項", "--measure", "庁内で閲覧",
                      "--reason", "原本の確認（継続）", "--until", "2026-12-31", "--renews", id, "--at", "2026-06-25"});
  ASSERT_EQ(renew.status, 0) << renew.err;
  auto again = t.Run({"exception", "review", "--as-of", "2026-07-01"});
  EXPECT_TRUE(Has(again.out, "期間切れ（更新済み）")) << again.out;
}

}  // namespace

namespace {

// A pack revised while a case is open: the case keeps the article texts it
// was opened under and says so; its next step is still resolved that day.
TEST(Apply, ACaseOpenedUnderAnEarlierPackSaysSoAndGoesOn) {
  Town t;
  const std::string id = t.Apply(kTakeOut, "000023");
  const fs::path pack = mamori::test_util::RevisedPack(fs::path(MAMORI_PACKS_DIR) / "yasuda", t.dir, "yasuda-revised");
  ASSERT_FALSE(pack.empty());
  auto applied = t.Run({"pack", "apply", pack.string()});
  ASSERT_EQ(applied.status, 0) << applied.err;
  auto show = t.Run({"case", "show", id});
  EXPECT_TRUE(Has(show.out, "開始時のパック")) << show.out;
  EXPECT_TRUE(Has(show.out, "第46条第4項 職員等は")) << show.out;
  ASSERT_EQ(t.Run({"case", "approve", id, "--as", "000022"}).status, 0);
}

}  // namespace

namespace {

// The inbox reads the queue, not every case: it must give exactly the cases
// whose current step the person may take that day, as resolving each case
// would (acting holders, the 課 a step is for, the applicant's own returns).
TEST(Inbox, IsExactlyWhatResolvingEveryCaseGives) {
  Town t;
  std::vector<std::string> ids;
  ids.push_back(t.Apply(kTakeOut, "000023", "2026-05-10"));                                                       // 税務課長
  ids.push_back(t.Apply(R"({"action":"take_out","resource":"A0000003"})", "000050", "2026-05-10"));              // 住民課長 000005
  ids.push_back(t.Apply(R"({"action":"external_network_connect"})", "000050", "2026-05-10"));                      // CISO and 統括
  ids.push_back(t.Apply(kTakeOut, "000030", "2026-05-10"));
  ASSERT_EQ(t.Run({"case", "return", ids.back(), "--as", "000022", "--reason", "r", "--at", "2026-05-10"}).status, 0);
  auto e = t.Run({"exception", "apply", "--as", "000022", "--departs", "第46条第4項", "--measure", "m", "--reason", "r",
                  "--at", "2026-05-10", "--format", "json"});
  ASSERT_EQ(e.status, 0) << e.err;
  ids.push_back(Json::parse(e.out)["case"]);
  for (const char* person : {"000001", "000002", "000003", "000004", "000005", "000022", "000023", "000030", "000050"}) {
    std::set<std::string> want, got;
    for (const auto& id : ids) {
      auto show = t.Run({"case", "show", id, "--as-of", "2026-05-10", "--format", "json"});
      ASSERT_EQ(show.status, 0) << show.err;
      const Json actors = Json::parse(show.out)["actors"];
      for (const auto& a : actors)
        if (a["person"] == person) want.insert(id);
    }
    auto inbox = t.Run({"case", "inbox", "--as", person, "--as-of", "2026-05-10", "--format", "json"});
    ASSERT_EQ(inbox.status, 0) << inbox.err;
    const Json items = Json::parse(inbox.out);
    for (const auto& item : items) got.insert(item["case"].get<std::string>());
    EXPECT_EQ(got, want) << person;
    EXPECT_EQ(got.size(), items.size()) << person << ": a case twice";
    for (std::size_t i = 1; i < items.size(); ++i)  // oldest first
      EXPECT_LE(items[i - 1]["opened_at"].get<std::string>() + items[i - 1]["case"].get<std::string>(),
                items[i]["opened_at"].get<std::string>() + items[i]["case"].get<std::string>()) << person;
  }
  // 000002 acts for the 副町長 that week: the CISO's steps are in their inbox too.
  auto acting = t.Run({"case", "inbox", "--as", "000002", "--as-of", "2026-05-10"});
  EXPECT_TRUE(Has(acting.out, ids[4])) << acting.out;
  // The queue is evidence like the rest: a row deleted by SQL is found.
  mamori::test_util::Sql(t.db, "DELETE FROM rows WHERE kind = 'case_queue' AND id LIKE '%" + ids[0] + "'");
  auto v = t.Run({"ledger", "verify"});
  EXPECT_EQ(v.status, 1);
  EXPECT_TRUE(Has(v.out, "E-CASE-104")) << v.out;
}

}  // namespace

namespace {

// A command acts on the stored state one event further; a state whose count
// of events is not the events there are (an event deleted by SQL) is not
// acted on.
TEST(Evidence, AStateOutOfStepWithItsEventsIsNotActedOn) {
  Town t;
  const std::string id = t.Apply(kTakeOut, "000023");
  mamori::test_util::Sql(t.db, "DELETE FROM rows WHERE kind = 'case_events' AND id = '" + id + "/0001'");
  const long long before = t.LogSize();
  auto r = t.Run({"case", "approve", id, "--as", "000022"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-CASE-101")) << r.err;
  EXPECT_EQ(t.LogSize(), before);
}

// The second event of a take-out case, approving: inserted by SQL, as an
// insider would, with `step` the member naming the step taken ("" for none).
void ForgeApproval(Town& t, const std::string& id, const std::string& step) {
  mamori::test_util::Sql(t.db, "INSERT INTO rows(kind, id, data) VALUES ('case_events', '" + id +
                                   "/0002', '{\"type\":\"approve\",\"case\":\"" + id + "\",\"n\":2," + step +
                                   "\"to\":-1,\"at\":\"2026-05-01T09:00:00+09:00\"}')");
}

// An event forged by SQL that takes a step which was not waiting is named
// as people count steps (case show lists them from 第1段), not by index.
TEST(Evidence, AnImpossibleEventIsNamedByTheStepsAsShown) {
  Town t;
  const std::string id = t.Apply(kTakeOut, "000023");
  ForgeApproval(t, id, "\"step\":3,");
  auto v = t.Run({"ledger", "verify"});
  EXPECT_EQ(v.status, 1);
  EXPECT_TRUE(Has(v.out, "E-CASE-101")) << v.out;
  EXPECT_TRUE(Has(v.out, "待っている段（第1段）ではない段（第4段）")) << v.out;
  EXPECT_TRUE(Has(v.out, "mamori ledger verify")) << v.out;  // what to do next
}

// An approval forged without any step is named as such, not as a step number.
TEST(Evidence, AForgedEventNamingNoStepSaysSo) {
  Town t;
  const std::string id = t.Apply(kTakeOut, "000023");
  ForgeApproval(t, id, "");
  auto v = t.Run({"ledger", "verify"});
  EXPECT_EQ(v.status, 1);
  EXPECT_TRUE(Has(v.out, "ではない段（段の指定なし）")) << v.out;
  EXPECT_FALSE(Has(v.out, "第-1段")) << v.out;
}

// The inbox reads queue rows as stored; one edited by SQL into something
// that is not what the writer makes stops the inbox with E-CASE-104 (and
// the row's id), never a crash or a half-read item.
TEST(Inbox, AQueueRowEditedBySqlIsReportedNotRead) {
  // Whole texts, and edits of the row as written (SQL expressions of `data`):
  // a second object appended (which --format json would print), a member gone.
  for (std::string bad : {"'{\"case\":'", "'{\"case\":\"C\",\"name\":5}'", "'[1,2]'", "'{\"name\":\"x\"}'", "''",
                          "data || ',{\"case\":\"C2026-999999\"}'", "json_remove(data, '$.applicant')"}) {
    Town t;
    const std::string id = t.Apply(kTakeOut, "000023");
    mamori::test_util::Sql(t.db, "UPDATE rows SET data = " + bad + " WHERE kind = 'case_queue' AND id LIKE '%" + id + "'");
    auto r = t.Run({"case", "inbox", "--as", "000022"});
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_TRUE(Has(r.err, "E-CASE-104")) << bad << ": " << r.err;
  }
}

}  // namespace

namespace {

// 安田町 第16条: the 委員会 decides together. Its members that day are the
// sample's 21 (委員長 副町長 and the 課長職, 第3項), so it sits with at least
// 11 (第5項: 委員の過半数); the decision is recorded by a member or by the
// secretariat, 総務課 (第7項), with who sat; a refusal is the committee's
// too. 000041 and 000061 are 総務課 staff who are no members; 000043 and
// 000050 are neither.
TEST(Committee, DecidesWithItsQuorumRecordedByTheSecretariat) {
  Town t;
  const std::string id = t.Apply(R"({"action":"policy_decision"})", "000043", "2026-05-20");
  ASSERT_FALSE(id.empty());
  const long long before = t.LogSize();
  auto approve = [&](const std::string& as, const std::string& present) {
    return t.Run({"case", "approve", id, "--as", as, "--at", "2026-05-20", "--present", present, "--record",
                  "開催日=2026-05-20", "--record", "決定の内容=情報セキュリティポリシーの改定を決定した"});
  };
  const std::string ten = "000001,000002,000003,000004,000005,000006,000007,000008,000009,000010";
  auto r = approve("000050", ten + ",000011");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-CASE-010")) << r.err;
  r = approve("000041", ten);
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "定足数 11 人")) << r.err;
  r = approve("000041", ten + ",000041");  // the secretariat does not sit as a member
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-CASE-015")) << r.err;
  r = approve("000041", ten + ",000010");  // one member twice is still ten people
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "二度")) << r.err;
  // Refusing or returning is the committee's decision as well: not without its sitting.
  r = t.Run({"case", "reject", id, "--as", "000041", "--at", "2026-05-20", "--reason", "時期尚早"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-CASE-015")) << r.err;
  r = t.Run({"case", "return", id, "--as", "000041", "--at", "2026-05-20", "--reason", "r", "--present", ten});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "定足数 11 人")) << r.err;
  EXPECT_EQ(t.LogSize(), before);  // refusals change nothing
  // The secretariat does not record the decision on its own clerk's application.
  const std::string own = t.Apply(R"({"action":"audit_plan"})", "000061", "2026-05-20");
  r = t.Run({"case", "approve", own, "--as", "000061", "--at", "2026-05-20", "--present", ten + ",000011", "--record",
             "開催日=2026-05-20", "--record", "決定の内容=x"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-CASE-010")) << r.err;
  r = approve("000041", ten + ",000011");
  ASSERT_EQ(r.status, 0) << r.err;
  const Json s = t.State(id);
  EXPECT_EQ(s["state"]["status"], "done");
  const Json& done = s["state"]["steps"][0]["done"];
  EXPECT_EQ(done["by"], "000041");
  EXPECT_EQ(done["post"], "庶務・総務課");
  EXPECT_EQ(done["present"].size(), 11u);
  EXPECT_EQ(done["records"]["開催日"], "2026-05-20");
  EXPECT_EQ(t.Run({"ledger", "verify"}).status, 0);
}

}  // namespace
