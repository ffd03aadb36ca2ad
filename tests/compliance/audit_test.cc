// The audit as 安田町's text sets it (第131条〜第137条), on the sample town.
// Expected people come from the sample's registers: 000001 副町長 = CISO
// (第11条第1項); 000002 総務課長; 000022 税務課長 since 2026-04-01 (000004
// before, 異動); 000005 住民課長; 000006 健康福祉課長; 000043 a 税務課 staff
// member, 000044 a 住民課 one. The 監査統括責任者 is designated by the CISO
// (第131条) and the auditors by them (第132条), in the 指名 register.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/town.h"
#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;
using mamori::test_util::CliResult;
using Json = nlohmann::json;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string Tool(const std::string& command) {
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    pclose(p);
  }
  return out;
}

struct Town : mamori::test_util::SampleTown {
  explicit Town(const std::string& pack = "yasuda") : SampleTown("mamori_audit", pack) {}
  void Import(const std::string& kind, const std::string& name, const std::string& csv) {
    std::ofstream(dir / name) << csv;
    auto r = Run({"import", kind, (dir / name).string()});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  // The 監査統括責任者 000002 (by the CISO) and two auditors (by them).
  void Designate() {
    const std::string head = "指名ID,役割,職員,指名者,開始日,終了日,根拠条文\n";
    Import("designations", "d1.csv", head + "D1,audit_lead,000002,000001,2026-04-01,,第131条\n");
    Import("designations", "d2.csv", head + "D2,auditor,000044,000002,2026-04-01,,第132条第1項\n"
                                            "D3,auditor,000043,000002,2026-04-01,,第132条第1項\n");
  }
  long long LogSize() {
    auto r = Run({"ledger", "head", "--json"});
    return r.status == 0 ? Json::parse(r.out).value("size", -1LL) : -1;
  }
  Json Json1(std::vector<std::string> args) {
    args.push_back("--json");
    auto r = Run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? Json::parse(r.out) : Json::object();
  }
  // The committee of 第16条 approves, sitting with 11 of its 21 members (第5項).
  void CommitteeApproves(const std::string& case_id) {
    auto r = Run({"case", "approve", case_id, "--as", "000003", "--at", "2026-05-20", "--present",
                  "000001,000003,000004,000005,000006,000007,000008,000009,000010,000011,000012", "--record",
                  "開催日=2026-05-20", "--record", "決定の内容=監査実施計画を承認した"});
    ASSERT_EQ(r.status, 0) << r.err;
  }
};

// 第132条第1項: 000043 belongs to 税務課, so may not audit it; the refusal
// names the article and changes nothing. The same auditor may audit 住民課.
TEST(Audit, AnAuditorFromTheAuditedUnitIsRefused) {
  Town t;
  t.Designate();
  const long long before = t.LogSize();
  auto r = t.Run({"audit", "plan", "--as", "000002", "--unit", "税務課", "--unit", "U05", "--auditor", "000043", "--date", "2026-05-01"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-COMP-036")) << r.err;
  EXPECT_TRUE(Has(r.err, "第132条第1項")) << r.err;
  EXPECT_TRUE(Has(r.err, "税務課（U03）")) << r.err;
  EXPECT_EQ(t.LogSize(), before);
  EXPECT_TRUE(Has(t.Run({"audit", "status", "--fy", "2026"}).out, "監査: 0 件"));
  // An auditor not designated, and a lead who is not one, are refused too.
  r = t.Run({"audit", "plan", "--as", "000002", "--unit", "U04", "--auditor", "000050", "--date", "2026-05-01"});
  EXPECT_TRUE(Has(r.err, "E-COMP-032")) << r.err;
  r = t.Run({"audit", "plan", "--as", "000044", "--unit", "U04", "--auditor", "000043", "--date", "2026-05-01"});
  EXPECT_TRUE(Has(r.err, "E-COMP-032")) << r.err;
  EXPECT_TRUE(Has(r.err, "000002")) << r.err;  // who may plan, by name
  EXPECT_EQ(t.LogSize(), before);
  auto ok = t.Json1({"audit", "plan", "--as", "000002", "--unit", "住民課", "--auditor", "000043", "--date", "2026-05-01"});
  EXPECT_EQ(ok.value("id", ""), "2026-01");
}

// The whole of it: the plan goes to the committee (第133条第1項) as a case;
// nothing is found before it approves; a finding is per unit and article
// with a severity; the CISO instructs the owning 責任者 — the 税務課長 of
// the day, 000022, not the former one — and has two other 課 check for the
// same problem (第137条); the finding closes only when all three answered;
// working papers are kept as hashes (第136条); the results are reported to
// the committee once (第135条). Every step is a ledger entry that verifies.
TEST(Audit, RunsFromThePlanThroughTheCommitteeToClosure) {
  Town t;
  t.Designate();
  const Json plan = t.Json1({"audit", "plan", "--as", "000002", "--unit", "税務課", "--unit", "U05", "--auditor", "000044", "--date",
                             "2026-05-01", "--evidence", "note:令和8年度監査実施計画書"});
  const std::string case_id = plan.value("case", "");
  ASSERT_FALSE(case_id.empty());
  auto shown = t.Run({"case", "show", case_id});
  EXPECT_TRUE(Has(shown.out, "情報セキュリティ委員会の決定")) << shown.out;
  EXPECT_TRUE(Has(shown.out, "2026-01")) << shown.out;  // the plan the committee approves
  EXPECT_TRUE(Has(shown.out, "第133条第1項")) << shown.out;

  const std::vector<std::string> finding = {"audit", "finding", "2026-01", "--as", "000044", "--unit", "税務課", "--article", "第46条第4項",
                                            "--severity", "重大", "--text", "持ち出しの記録がない", "--date", "2026-06-01"};
  auto r = t.Run(finding);
  EXPECT_TRUE(Has(r.err, "E-COMP-034")) << r.err;  // not approved yet
  EXPECT_TRUE(Has(r.err, "承認待ち")) << r.err;
  t.CommitteeApproves(case_id);
  EXPECT_TRUE(Has(t.Run({"audit", "status", "--fy", "令和8年度"}).out, "承認済み"));

  const long long before = t.LogSize();
  auto bad = [&](std::vector<std::string> args, const std::string& code) {
    auto x = t.Run(args);
    EXPECT_EQ(x.status, 2) << code;
    EXPECT_TRUE(Has(x.err, code)) << x.err;
  };
  auto with = [&](std::size_t i, const std::string& v) {
    auto a = finding;
    a[i] = v;
    return a;
  };
  bad(with(4, "000043"), "E-COMP-032");      // not an auditor of this plan
  bad(with(6, "総務課"), "E-COMP-035");       // not an audited unit
  bad(with(8, "第999条"), "E-COMP-037");      // no such article
  bad(with(10, "高"), "E-COMP-038");          // not a severity
  bad(with(14, "2099-01-01"), "E-COMP-005");  // not yet
  bad(with(2, "2026-09"), "E-COMP-033");      // no such audit
  EXPECT_EQ(t.LogSize(), before);

  const Json f = t.Json1(finding);
  EXPECT_EQ(f.value("id", ""), "2026-01/001");
  EXPECT_EQ(f.value("article", ""), "第46条第4項");
  EXPECT_EQ(f.value("unit", ""), "U03");
  EXPECT_EQ(f.value("severity", ""), "重大");

  bad({"audit", "close", "2026-01/001", "--as", "000002", "--text", "x", "--date", "2026-06-10"}, "E-COMP-041");  // not instructed
  r = t.Run({"audit", "instruct", "2026-01/001", "--as", "000002", "--text", "対処せよ", "--date", "2026-06-15"});
  EXPECT_TRUE(Has(r.err, "E-COMP-032")) << r.err;
  EXPECT_TRUE(Has(r.err, "000001")) << r.err;  // the CISO may
  const Json ins = t.Json1({"audit", "instruct", "2026-01/001", "--as", "000001", "--text", "持ち出しの記録簿を整備すること", "--also",
                            "住民課", "--also", "U05", "--date", "2026-06-15"});
  ASSERT_EQ(ins["instructions"].size(), 3u);
  EXPECT_EQ(ins["instructions"][0].value("unit", ""), "U03");
  EXPECT_EQ(ins["instructions"][0].value("kind", ""), "対処");
  EXPECT_TRUE(Has(ins["instructions"][0].value("to", ""), "000022")) << ins.dump();
  EXPECT_EQ(ins["instructions"][1].value("kind", ""), "確認");

  // The former 税務課長 answers nothing; the present one does; a unit answers once.
  bad({"audit", "respond", "2026-01/001", "--as", "000004", "--text", "x", "--date", "2026-06-20"}, "E-COMP-041");
  EXPECT_EQ(t.Json1({"audit", "respond", "2026-01/001", "--as", "000022", "--text", "記録簿を作成した", "--date", "2026-06-20"})
                .value("status", ""),
            "instructed");
  t.Json1({"audit", "respond", "2026-01/001", "--as", "000005", "--text", "同種の課題なし", "--date", "2026-06-20"});
  bad({"audit", "respond", "2026-01/001", "--as", "000005", "--text", "again", "--date", "2026-06-21"}, "E-COMP-041");
  bad({"audit", "close", "2026-01/001", "--as", "000002", "--text", "x", "--date", "2026-06-21"}, "E-COMP-041");  // U05 waits
  EXPECT_EQ(t.Json1({"audit", "respond", "2026-01/001", "--as", "000006", "--text", "同種の課題なし", "--date", "2026-06-21"})
                .value("status", ""),
            "answered");
  bad({"audit", "close", "2026-01/001", "--as", "000044", "--text", "x", "--date", "2026-06-30"}, "E-COMP-032");  // the lead closes
  const Json closed = t.Json1({"audit", "close", "2026-01/001", "--as", "000002", "--text", "記録簿を確認した", "--date", "2026-06-30"});
  EXPECT_EQ(closed.value("status", ""), "closed");
  bad({"audit", "close", "2026-01/001", "--as", "000002", "--text", "x", "--date", "2026-06-30"}, "E-COMP-040");

  // 第136条: the working paper's SHA-256, not its content.
  std::ofstream(t.dir / "chosho.txt", std::ios::binary) << "監査調書: 税務課 ヒアリング記録\n";
  const Json paper = t.Json1({"audit", "paper", "2026-01", "--as", "000044", "--evidence", "file:" + (t.dir / "chosho.txt").string(), "--date",
                              "2026-06-02"});
  EXPECT_EQ(paper["evidence"][0].value("value", ""), "453191439d14f56e140731d783db05458732bf2c15b22f543a46c8a85150ab3e");
  bad({"audit", "paper", "2026-01", "--as", "000044", "--evidence", "note:メモ"}, "E-COMP-004");
  bad({"audit", "paper", "2026-01", "--as", "000050", "--evidence", "sha256:" + std::string(64, 'a')}, "E-COMP-032");

  const Json rep = t.Json1({"audit", "report", "2026-01", "--as", "000002", "--date", "2026-07-01", "--text", "指摘1件"});
  EXPECT_EQ(rep["reported"].value("to_name", ""), "情報セキュリティ委員会");
  EXPECT_EQ(rep["reported"].value("findings", 0), 1);
  bad({"audit", "report", "2026-01", "--as", "000002", "--date", "2026-07-02"}, "E-COMP-040");

  // One ledger entry per step that landed (finding, instruction, three
  // answers, closure, paper, report), none for those refused.
  EXPECT_EQ(t.LogSize(), before + 8);
  EXPECT_EQ(t.Run({"ledger", "verify"}).status, 0);

  auto xlsx = t.Run({"audit", "status", "--fy", "2026", "--format", "xlsx", "--out", (t.dir / "a.xlsx").string()});
  EXPECT_EQ(xlsx.status, 0) << xlsx.err;
  auto pdf = t.Run({"report", "--fy", "2026", "--format", "pdf", "--out", (t.dir / "r.pdf").string()});
  ASSERT_EQ(pdf.status, 0) << pdf.err;
  // Cells wrap: the text is read with its line breaks taken out.
  auto text = Tool("pdftotext '" + (t.dir / "r.pdf").string() + "' -");
  std::erase_if(text, [](char c) { return c == ' ' || c == '\n' || c == '\f'; });
  EXPECT_TRUE(Has(text, "指摘事項と対処")) << text.substr(0, 200);
  EXPECT_TRUE(Has(text, "第46条第4項"));
  EXPECT_TRUE(Has(text, "承認済み"));
}

// 北海道: the 監査責任者 is a post (第19条), the plan needs no approval
// (第140条第1項), the results go to the CISO (第142条), and the text sets
// no instruction on findings: the lead closes them after follow-up.
TEST(Audit, HokkaidoDrawsItsPlanWithoutApprovalAndHasNoInstructionStep) {
  Town t("hokkaido");
  t.Import("posts", "p.csv", "職コード,職名,組織\nP-JICHO,情報セキュリティ対策を所管する部の次長,U20\n");
  t.Import("post_holders", "h.csv", "在任ID,職,職員,開始日,終了日,代理\nH9001,P-JICHO,000030,2026-04-01,,いいえ\n");
  t.Import("designations", "d.csv", "指名ID,役割,職員,指名者,開始日,終了日,根拠条文\nD1,auditor,000040,000030,2026-04-01,,第21条\n");
  const Json plan = t.Json1({"audit", "plan", "--as", "000030", "--unit", "U03", "--auditor", "000040", "--date", "2026-05-01"});
  EXPECT_FALSE(plan.contains("case"));
  EXPECT_TRUE(Has(t.Run({"audit", "status", "--fy", "2026"}).out, "策定済み"));
  const Json f = t.Json1({"audit", "finding", "2026-01", "--as", "000040", "--unit", "U03", "--article", "第140条第1項", "--severity",
                          "軽微", "--text", "x", "--date", "2026-06-01"});
  auto r = t.Run({"audit", "instruct", f.value("id", ""), "--as", "000030", "--text", "x", "--date", "2026-06-02"});
  EXPECT_TRUE(Has(r.err, "E-COMP-039")) << r.err;
  EXPECT_EQ(t.Json1({"audit", "close", f.value("id", ""), "--as", "000030", "--text", "確認した", "--date", "2026-06-03"}).value("status", ""),
            "closed");
  EXPECT_EQ(t.Json1({"audit", "report", "2026-01", "--as", "000030", "--date", "2026-06-04"})["reported"].value("to_name", ""),
            "最高情報セキュリティ責任者");
}

// 花巻市 第10 has audits done but names nobody to do them: no [audit], and
// mamori says so instead of guessing who plans.
TEST(Audit, APackWithoutAnAuditProcedureSaysSo) {
  Town t("hanamaki");
  auto r = t.Run({"audit", "plan", "--as", "000002", "--unit", "U01", "--auditor", "000044"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-COMP-030")) << r.err;
}


// Steps are dated in order (a finding not before the committee approved the
// plan, an answer not before its instruction, a closure not before the last
// answer), and each is taken by who holds the role that day: the lead whose
// designation ended, and an auditor no longer designated, record nothing.
TEST(Audit, StepsFollowEachOtherAndOnlyTheHoldersOfTheDayAct) {
  Town t;
  const std::string head = "指名ID,役割,職員,指名者,開始日,終了日,根拠条文\n";
  t.Import("designations", "d1.csv", head + "D1,audit_lead,000002,000001,2026-04-01,2026-09-30,第131条\n");
  t.Import("designations", "d2.csv", head + "D2,auditor,000044,000002,2026-04-01,2026-09-30,第132条第1項\n");
  const Json plan = t.Json1({"audit", "plan", "--as", "000002", "--unit", "税務課", "--auditor", "000044", "--date", "2026-05-01"});
  t.CommitteeApproves(plan.value("case", ""));
  const long long before = t.LogSize();
  auto r = t.Run({"audit", "finding", "2026-01", "--as", "000044", "--unit", "税務課", "--article", "第46条第4項", "--severity", "中",
                  "--text", "x", "--date", "2026-05-10"});
  EXPECT_TRUE(Has(r.err, "E-COMP-042")) << r.err;  // before the approval of 2026-05-20
  r = t.Run({"audit", "finding", "2026-01", "--as", "000044", "--unit", "税務課", "--article", "第46条第4項", "--severity", "中",
             "--text", "x", "--date", "2026-10-01"});
  EXPECT_TRUE(Has(r.err, "E-COMP-032")) << r.err;  // no longer an auditor
  EXPECT_EQ(t.LogSize(), before);
  t.Json1({"audit", "finding", "2026-01", "--as", "000044", "--unit", "税務課", "--article", "第46条第4項", "--severity", "中", "--text",
           "x", "--date", "2026-06-01"});
  r = t.Run({"audit", "instruct", "2026-01/001", "--as", "000001", "--text", "y", "--date", "2026-05-30"});
  EXPECT_TRUE(Has(r.err, "E-COMP-042")) << r.err;  // before the finding
  t.Json1({"audit", "instruct", "2026-01/001", "--as", "000001", "--text", "y", "--date", "2026-06-10"});
  r = t.Run({"audit", "respond", "2026-01/001", "--as", "000022", "--text", "z", "--date", "2026-06-09"});
  EXPECT_TRUE(Has(r.err, "E-COMP-042")) << r.err;  // before the instruction
  t.Json1({"audit", "respond", "2026-01/001", "--as", "000022", "--text", "z", "--date", "2026-06-20"});
  r = t.Run({"audit", "close", "2026-01/001", "--as", "000002", "--text", "ok", "--date", "2026-06-19"});
  EXPECT_TRUE(Has(r.err, "E-COMP-042")) << r.err;  // before the answer
  r = t.Run({"audit", "paper", "2026-01", "--as", "000002", "--evidence", "sha256:" + std::string(64, 'b'), "--date", "2026-10-01"});
  EXPECT_TRUE(Has(r.err, "E-COMP-032")) << r.err;  // the designation ended on 2026-09-30
  EXPECT_EQ(t.Json1({"audit", "close", "2026-01/001", "--as", "000002", "--text", "ok", "--date", "2026-06-30"}).value("status", ""),
            "closed");
}

}  // namespace
