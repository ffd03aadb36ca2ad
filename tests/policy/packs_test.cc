// The five seed packs: each checks clean, and each encodes what the issue's
// acceptance asks, found by the text's own words (role names, article
// citations) rather than by the ids a pack author happened to choose.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "policy/policy.h"

namespace mamori::policy {
namespace {

const PackCheck& Checked(const std::string& org) {
  static std::map<std::string, PackCheck> cache;
  auto it = cache.find(org);
  if (it == cache.end()) it = cache.emplace(org, LoadAndCheck(std::string(MAMORI_PACKS_DIR) + "/" + org)).first;
  return it->second;
}

const Pack& P(const std::string& org) { return Checked(org).load.pack; }

bool Cites_(const Cites& cs, const std::string& prefix) {
  return std::any_of(cs.begin(), cs.end(), [&](const Citation& c) { return c.ref.rfind(prefix, 0) == 0; });
}

const Role* RoleNamed(const Pack& p, const std::string& name) {
  for (const Role& r : p.roles)
    if (r.name == name) return &r;
  return nullptr;
}

std::vector<std::string> ApproverNames(const Pack& p, const Rule& r) {
  std::vector<std::string> names;
  for (const auto& id : r.approvers)
    for (const Role& role : p.roles)
      if (role.id == id) names.push_back(role.name);
  return names;
}

// The rules that cite an article (or a clause of it) and give `effect`.
std::vector<const Rule*> RulesCiting(const Pack& p, const std::string& ref, Effect effect) {
  std::vector<const Rule*> out;
  for (const Rule& r : p.rules)
    if (r.effect == effect && (Cites_(r.cite, ref) || (r.escape && Cites_(r.escape->cite, ref)))) out.push_back(&r);
  return out;
}

bool SomeRuleApprovedBy(const Pack& p, const std::string& ref, const std::vector<std::string>& approvers) {
  for (const Rule* r : RulesCiting(p, ref, Effect::kApproval)) {
    auto names = ApproverNames(p, *r);
    if (std::all_of(approvers.begin(), approvers.end(), [&](const std::string& a) {
          return std::find(names.begin(), names.end(), a) != names.end();
        }))
      return true;
  }
  return false;
}

class EveryPack : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryPack, ChecksCleanAndAccountsForEveryArticle) {
  const PackCheck& c = Checked(GetParam());
  std::vector<Diagnostic> all = c.load.errors;
  all.insert(all.end(), c.report.errors.begin(), c.report.errors.end());
  EXPECT_TRUE(c.ok()) << FormatDiagnostics(all);
  EXPECT_TRUE(c.report.coverage.missing.empty());
  EXPECT_GT(c.report.coverage.articles, 0);
  EXPECT_EQ(c.report.coverage.bound + c.report.coverage.declaratory, c.report.coverage.articles);
}

TEST_P(EveryPack, ParameterValuesAreWrittenInTheCitedText) {
  // A value is allowed only where the text gives it (北海道 第28条第2項「二つ以上」);
  // anything else would be invented. The cited clause must contain the number,
  // in digits or in kanji.
  const PackCheck& c = Checked(GetParam());
  ASSERT_TRUE(c.regulation);
  for (const Parameter& x : P(GetParam()).parameters) {
    if (!x.value) continue;
    std::string text;
    for (const Citation& ci : x.cite)
      text += reiki::CiteText(reiki::Resolve(*c.regulation, reiki::ParseReference(ci.ref)));
    auto n = reiki::ParseNumeral(*x.value);
    ASSERT_TRUE(n) << x.id << ": " << *x.value;
    bool written = text.find(*x.value) != std::string::npos ||
                   text.find(reiki::ToKanjiNumeral(*n)) != std::string::npos;
    EXPECT_TRUE(written) << x.id << " = " << *x.value << " is not in " << text;
  }
}

INSTANTIATE_TEST_SUITE_P(Packs, EveryPack, ::testing::Values("yasuda", "kohoku", "okitama", "hokkaido", "hanamaki"));

TEST(YasudaPack, CoverageAtLeast85PercentBound) {
  const Coverage& c = Checked("yasuda").report.coverage;
  EXPECT_EQ(c.articles, 151);
  EXPECT_GE(c.bound * 100, 85 * 151) << c.bound;
}

TEST(YasudaPack, ApprovalMatrixOfTheText) {
  const Pack& p = P("yasuda");
  const std::string officer = "情報セキュリティ責任者", general = "統括情報セキュリティ責任者",
                    ciso = "最高情報セキュリティ責任者", sysadm = "情報システム管理者";
  EXPECT_TRUE(SomeRuleApprovedBy(p, "第27条第2項", {officer}));  // 運搬 of 機密性2以上
  EXPECT_TRUE(SomeRuleApprovedBy(p, "第28条第2項", {officer}));  // 外部提供
  EXPECT_TRUE(SomeRuleApprovedBy(p, "第29条", {officer}));       // 廃棄
  EXPECT_TRUE(SomeRuleApprovedBy(p, "第46条", {officer}));       // 持ち出し
  EXPECT_TRUE(SomeRuleApprovedBy(p, "第76条", {general, sysadm}));
  EXPECT_TRUE(SomeRuleApprovedBy(p, "第69条", {ciso, general}));
  EXPECT_TRUE(SomeRuleApprovedBy(p, "第119条", {ciso}));
  // 廃棄 carries the disposal record (日時, 担当者, 処理内容) of 第29条第2項.
  bool record = false;
  for (const Rule* r : RulesCiting(p, "第29条", Effect::kApproval))
    for (const auto& o : r->obligations)
      for (const Obligation& ob : p.obligations)
        if (ob.id == o && Cites_(ob.cite, "第29条第2項")) record = true;
  EXPECT_TRUE(record);
  // 第120条: the emergency path is in the pack.
  bool emergency = false;
  for (const Rule& r : p.rules) emergency |= Cites_(r.cite, "第120条") || (r.escape && Cites_(r.escape->cite, "第120条"));
  EXPECT_TRUE(emergency);
}

TEST(YasudaPack, ZonesSeparationAndGaps) {
  const Pack& p = P("yasuda");
  int denied_from_mynumber = 0;
  bool sanitized_internet_to_lgwan = false;
  for (const Flow& f : p.flows) {
    if (f.effect == Effect::kDeny && Cites_(f.cite, "第30条")) ++denied_from_mynumber;
    if (Cites_(f.cite, "第32条") && f.effect != Effect::kDeny && !f.requires_what.empty())
      sanitized_internet_to_lgwan = true;
  }
  EXPECT_GE(denied_from_mynumber, 1);
  EXPECT_TRUE(sanitized_internet_to_lgwan);
  EXPECT_TRUE(p.sod.applicant_not_approver);
  EXPECT_TRUE(Cites_(p.sod.cite, "第17条"));
  bool cio = false, c2_cell = false;
  for (const Gap& g : p.gaps) {
    cio |= Cites_(g.cite, "第31条の2第2項");
    c2_cell |= g.kind == "empty_cell" && Cites_(g.cite, "第19条");
  }
  EXPECT_TRUE(cio);
  EXPECT_TRUE(c2_cell);
  // Three axes with the text's seven levels.
  int levels = 0;
  for (const Axis& a : p.classification.axes) levels += static_cast<int>(a.levels.size());
  EXPECT_EQ(levels, 7);
  ASSERT_NE(RoleNamed(p, "最高情報セキュリティ責任者"), nullptr);
  EXPECT_EQ(RoleNamed(p, "最高情報セキュリティ責任者")->fill.post, "副町長");
}

TEST(HokkaidoPack, TakeOutMailAttachmentsExceptionsAndSeparation) {
  const Pack& p = P("hokkaido");
  const Coverage& c = Checked("hokkaido").report.coverage;
  EXPECT_EQ(c.articles, 148);
  EXPECT_GE(c.bound * 100, 85 * 148) << c.bound;
  EXPECT_TRUE(p.classification.axes.empty());
  EXPECT_FALSE(p.classification.none_reason.empty());
  EXPECT_TRUE(SomeRuleApprovedBy(p, "第26条", {"情報セキュリティ管理者"}));
  bool attachments = false;
  for (const Rule* r : RulesCiting(p, "第26条", Effect::kApproval)) {
    auto a = r->when.flags.find("email_attachment");
    attachments |= a != r->when.flags.end() && a->second;
  }
  EXPECT_TRUE(attachments);
  bool exception = false;
  for (const Rule& r : p.rules) exception |= Cites_(r.cite, "第108条");
  EXPECT_TRUE(exception);
  EXPECT_TRUE(p.sod.applicant_not_approver);
  EXPECT_TRUE(Cites_(p.sod.cite, "第6条"));
  bool cism = false;
  for (const Gap& g : p.gaps) cism |= g.kind == "undefined_role" && Cites_(g.cite, "第105条第4項");
  EXPECT_TRUE(cism);
}

TEST(HanamakiPack, OfficersTakeOutAndCommittee) {
  const Pack& p = P("hanamaki");
  const Role* officer = RoleNamed(p, "情報セキュリティ責任者");
  ASSERT_NE(officer, nullptr);
  EXPECT_EQ(officer->fill.kind, "post");
  EXPECT_EQ(officer->fill.post, "政策推進部長");
  EXPECT_TRUE(SomeRuleApprovedBy(p, "第9第3号イ", {"情報セキュリティ管理者"}));
  bool checked_after = false;
  for (const Rule* r : RulesCiting(p, "第9第3号イ", Effect::kApproval))
    for (const auto& o : r->obligations)
      for (const Obligation& ob : p.obligations)
        if (ob.id == o && ob.text.find("複数") != std::string::npos) checked_after = true;
  EXPECT_TRUE(checked_after);
  const Role* committee = RoleNamed(p, "情報セキュリティ委員会");
  ASSERT_NE(committee, nullptr);
  EXPECT_EQ(committee->fill.kind, "committee");
  EXPECT_EQ(committee->fill.member_posts.size(), 18u);  // the 別表's 18 rows
}

TEST(KohokuPack, MyNumberZoneOnlyGeneralAffairsAndNoTakeOut) {
  const Pack& p = P("kohoku");
  EXPECT_FALSE(RulesCiting(p, "第6条第3号ア", Effect::kDeny).empty());
}

TEST(OkitamaPack, ContractorsBoundButNotStaff) {
  const Pack& p = P("okitama");
  bool contractor = false;
  for (const PersonCategory& c : p.person_categories)
    contractor |= !c.staff && c.bound && Cites_(c.cite, "第2条第3号") && !c.includes.empty();
  EXPECT_TRUE(contractor);
  bool discipline = false;
  for (const auto& d : p.duties) discipline |= Cites_(d.cite, "第4条");
  for (const auto& r : p.rules) discipline |= Cites_(r.cite, "第4条");
  for (const auto& c : p.checklist) discipline |= Cites_(c.cite, "第4条");
  EXPECT_TRUE(discipline);
  EXPECT_EQ(p.regulation.number, "令和8年訓令第1号");
}

}  // namespace
}  // namespace mamori::policy
