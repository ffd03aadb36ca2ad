// Approvers the registers' posts alone do not give: a committee deciding
// together with the quorum its text sets, and roles held by designation (指名).
// Figures come from the texts: 安田町 第16条第3項 (委員長は副町長、委員は課長職)
// and 第5項 (委員の過半数の出席); 北海道 第15条 sets no quorum.
#include <gtest/gtest.h>

#include "town.h"

namespace mamori::engine {
namespace {

const Town& Yasuda() {
  static Town t("yasuda");
  return t;
}

TEST(Committee, YasudaAuditPlanGoesToTheCommitteeWithAMajorityQuorum) {
  // 第133条第1項: the audit plan needs the committee's approval. The sample's
  // committee has the 副町長 and 20 課長: 21 members, so 11 must sit.
  Decision d = Yasuda().D(R"({"subject":"000050","action":"audit_plan","context":{"date":"2026-04-01"}})");
  ASSERT_EQ(d.effect, Effect::kApprovalRequired);
  ASSERT_EQ(d.approvals.size(), 1u);
  const ApprovalStep& a = d.approvals[0];
  EXPECT_EQ(a.role, "committee");
  EXPECT_TRUE(a.collective);
  EXPECT_FALSE(a.vacant);
  EXPECT_EQ(a.holders.size(), 21u);
  EXPECT_EQ(a.quorum, 11);
  auto reasons = Reasons(d);
  EXPECT_TRUE(std::any_of(reasons.begin(), reasons.end(), [](const std::string& r) { return r.find("過半数 11 人") != std::string::npos; }));
}

TEST(Committee, AMemberWhoAsksDoesNotSitOnTheirOwnMatter) {
  // 000003 is a member (a 課長 in the sample) and asks: 20 may sit, the quorum stays 11.
  Decision d = Yasuda().D(R"({"subject":"000003","action":"policy_decision","context":{"date":"2026-04-01"}})");
  ASSERT_EQ(d.approvals.size(), 1u);
  EXPECT_EQ(d.approvals[0].holders.size(), 20u);
  EXPECT_EQ(std::count(d.approvals[0].holders.begin(), d.approvals[0].holders.end(), "000003"), 0);
  EXPECT_EQ(d.approvals[0].quorum, 11);
}

TEST(Committee, HokkaidoSetsNoQuorumAndSaysSo) {
  Town t("hokkaido");
  Decision d = t.D(R"({"subject":"000050","action":"annual_plan","context":{"date":"2026-04-01"}})");
  ASSERT_EQ(d.approvals.size(), 1u);
  EXPECT_TRUE(d.approvals[0].collective);
  EXPECT_EQ(d.approvals[0].quorum, 0);
  EXPECT_FALSE(d.approvals[0].holders.empty());
  auto reasons = Reasons(d);
  EXPECT_TRUE(std::any_of(reasons.begin(), reasons.end(), [](const std::string& r) { return r.find("定足数は本文に定めがありません") != std::string::npos; }));
}

TEST(Designation, ADesignatedApproverIsWhoeverIsDesignatedThatDay) {
  Town t("yasuda");
  // A rule that names a designated role (none of the five texts has one yet;
  // the mechanism must still resolve it rather than answer vacant for ever).
  policy::Pack p = t.b.pack;
  policy::Rule r;
  r.id = "test-csirt-approval";
  r.action = "transport";
  r.effect = policy::Effect::kApproval;
  r.approvers = {"csirt_head"};
  r.cite = {{"第18条第2項"}};
  p.rules.push_back(r);
  registry::Registry reg(*t.b.store, t.b.pack);
  registry::io::Table d;
  d.header = {"指名ID", "役割", "職員", "指名者", "開始日", "終了日"};
  d.rows = {{"D001", "CSIRT責任者", "000031", "000001", "2026-04-01", "2026-09-30"}};
  ASSERT_TRUE(reg.Import(*registry::FindKind(reg.kinds(), "designations"), d, {}).errors.empty());
  auto snap = Compile(p, t.reg, *t.b.store);
  auto decide = [&](const char* date) {
    return Decide(*snap, ParseRequest(*snap, std::string(R"({"subject":"000050","action":"transport","context":{"date":")") + date + "\"}}"));
  };
  auto step = [](const Decision& x) -> const ApprovalStep& {
    for (const auto& a : x.approvals)
      if (a.role == "csirt_head") return a;
    throw std::runtime_error("no csirt_head step");
  };
  Decision in = decide("2026-06-01");
  ASSERT_EQ(step(in).holders.size(), 1u);
  EXPECT_EQ(step(in).holders[0], "000031");
  Decision after = decide("2026-10-01");
  EXPECT_TRUE(step(after).vacant);
  auto reasons = Reasons(after);
  EXPECT_TRUE(std::any_of(reasons.begin(), reasons.end(), [](const std::string& x) { return x.find("有効な指名がありません") != std::string::npos; }));
}

}  // namespace
}  // namespace mamori::engine
