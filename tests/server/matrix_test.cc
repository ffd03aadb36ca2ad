// Each role against each route (#16 part 5), on the sample town (安田町).
// What a caller may do follows from the posts they hold that day and the
// pack's [[access]], which cites the text:
//   CISO 000001 (副町長): all cases and registers (第11条第1項);
//   税務課長 000022, 情報セキュリティ責任者 of 税務課: its cases and assets
//     (第13条第2項・第20条第1項);
//   CSIRT 000030 (designated by the CISO): all incidents (第18条第2項・第3項);
//   監査統括責任者 000002 (designated by the CISO): everything (第131条);
//   監査を行う者 000044 (designated by 000002): everything, changing nothing
//     (第132条第1項・第133条第2項);
//   職員 000023 of 税務課: what is theirs (their application, their incident);
// and the systems' tokens by their scopes. A write is probed with a request
// the permission check lets through only to fail on its content (an unknown
// act: 400), so the matrix changes nothing and 400 means "allowed in".
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>

#include "server/running.h"

namespace {

using Json = nlohmann::json;
using mamori::test_util::Browser;
using mamori::test_util::Running;
using mamori::test_util::Settle;

enum Caller { kAnon, kDecideToken, kReadToken, kStaff, kZeimu, kCiso, kCsirt, kAuditLead, kAuditor, kCallers };
const char* kNames[] = {"anonymous", "decide token", "read token", "職員 000023", "税務課長 000022",
                        "CISO 000001", "CSIRT 000030", "監査統括責任者 000002", "監査を行う者 000044"};

struct Probe {
  const char* method;
  std::string path;
  std::string body;
  int expect[kCallers];  // by Caller
};

TEST(Matrix, EachRoleAgainstEachRouteGetsWhatThePolicyGivesItsPosts) {
  mamori::test_util::AccountsTown t("mamori_matrix");
  const std::string head = "指名ID,役割,職員,指名者,開始日,終了日,根拠条文\n";
  std::ofstream(t.dir / "d.csv") << head + "D1,audit_lead,000002,000001,2026-04-01,,第131条\n" +
                                        "D3,csirt,000030,000001,2026-04-01,,第18条第2項\n";
  std::ofstream(t.dir / "d2.csv") << head + "D2,auditor,000044,000002,2026-04-01,,第132条第1項\n";
  ASSERT_EQ(t.Run({"import", "designations", (t.dir / "d.csv").string()}).status, 0);
  ASSERT_EQ(t.Run({"import", "designations", (t.dir / "d2.csv").string()}).status, 0);
  t.Issue({"000023", "000022", "000001", "000030", "000002", "000044"});
  auto token = [&](const char* scope) {
    auto r = t.Run({"token", "issue", "--name", scope, "--scope", scope, "--as", "000021"});
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  };
  const std::string decide = token("decide"), read = token("read");
  Running s(t);

  std::vector<std::unique_ptr<Browser>> as;
  const char* people[] = {nullptr, nullptr, nullptr, "000023", "000022", "000001", "000030", "000002", "000044"};
  for (int c = 0; c < kCallers; ++c) {
    as.push_back(std::make_unique<Browser>(s.port));
    if (people[c]) Settle(*as.back(), t, people[c]);
  }
  as[kDecideToken]->token = decide;
  as[kReadToken]->token = read;

  // 000023 applies for a take-out of a 税務課 asset and reports an incident.
  auto r = as[kStaff]->Post("/api/v1/cases", R"({"action":"take_out","resource":"A0000022"})");
  ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "");
  const std::string take_out = Json::parse(r->body)["case"]["id"];
  r = as[kStaff]->Post("/api/v1/incidents", R"({"what":"USBメモリを紛失した"})");
  ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "");
  const std::string incident = Json::parse(r->body)["case"]["id"];

  const std::string ask = R"({"subject":"000023","action":"take_out","resource":"A0000022"})";
  //                                                     anon dec  read staff zeimu ciso csirt lead auditor
  const std::vector<Probe> probes = {
      {"GET", "/api/v1/me", "",                            {401, 403, 403, 200, 200, 200, 200, 200, 200}},
      {"GET", "/api/v1/cases/inbox", "",                   {401, 403, 403, 200, 200, 200, 200, 200, 200}},
      {"POST", "/api/v1/decide", ask,                      {401, 200, 403, 200, 200, 200, 200, 200, 200}},
      // The 第121条 register of exceptions: those who see every case or exception.
      {"GET", "/api/v1/exceptions", "",                    {401, 403, 403, 403, 403, 200, 403, 200, 200}},
      // Every register: those who see all of them, and a read token.
      {"GET", "/api/v1/registers/people", "",              {401, 403, 200, 403, 403, 200, 403, 200, 200}},
      // The assets: also the 情報セキュリティ責任者, for their 課 (第20条第1項).
      {"GET", "/api/v1/registers/assets", "",              {401, 403, 200, 403, 200, 200, 403, 200, 200}},
      {"GET", "/api/v1/registers/assets/A0000022", "",     {401, 403, 200, 403, 200, 200, 403, 200, 200}},
      {"GET", "/api/v1/registers/people/export", "",       {401, 403, 200, 403, 403, 200, 403, 200, 200}},
      {"GET", "/api/v1/registers/assets/export", "",       {401, 403, 200, 403, 200, 200, 403, 200, 200}},
      // A respondent's own self-inspection form: 000022 answers two (a 課 and a system), so asks for one.
      {"GET", "/api/v1/inspection/form?role=security_officer&scope=U03", "", {401, 403, 403, 404, 200, 404, 404, 404, 404}},
      {"GET", "/api/v1/checks", "",                        {401, 403, 200, 403, 403, 200, 403, 200, 200}},
      {"GET", "/api/v1/ledger/head", "",                   {401, 403, 200, 403, 403, 200, 403, 200, 200}},
      {"GET", "/api/v1/ledger/export", "",                 {401, 403, 200, 403, 403, 200, 403, 200, 200}},
      {"GET", "/api/v1/training", "",                      {401, 403, 200, 403, 403, 200, 403, 200, 200}},
      // The duties are the policy's own, for anyone logged in.
      {"GET", "/api/v1/duties", "",                        {401, 403, 200, 200, 200, 200, 200, 200, 200}},
      // Audits: everything for those who see all, a 課's findings for its 責任者.
      {"GET", "/api/v1/audits", "",                        {401, 403, 200, 403, 200, 200, 403, 200, 200}},
      // The take-out case: its applicant, its 課's 責任者 (who approves it), those who see all cases.
      {"GET", "/api/v1/cases/" + take_out, "",             {401, 403, 403, 200, 200, 200, 403, 200, 200}},
      {"GET", "/api/v1/cases/" + take_out + "/proof", "",  {401, 403, 403, 200, 200, 200, 403, 200, 200}},
      // The incident: its reporter, the CSIRT (all incidents), the 課's 責任者, those who see all cases.
      {"GET", "/api/v1/cases/" + incident, "",             {401, 403, 403, 200, 200, 200, 200, 200, 200}},
      // Writes, probed with an unknown act: 400 is "let in"; the auditor reads only.
      {"POST", "/api/v1/cases", R"({"action":"nothing"})", {401, 403, 403, 400, 400, 400, 400, 400, 403}},
      {"POST", "/api/v1/exceptions", R"({"departs":"第46条第4項"})", {401, 403, 403, 400, 400, 400, 400, 400, 403}},
      {"POST", "/api/v1/incidents", R"({})",               {401, 403, 403, 400, 400, 400, 400, 400, 403}},
      // Importing registers: nobody, until the installation names a role.
      {"POST", "/api/v1/registers/import?kind=people", "x", {401, 403, 403, 403, 403, 403, 403, 403, 403}},
  };
  for (const auto& p : probes)
    for (int c = 0; c < kCallers; ++c) {
      Browser& b = *as[c];
      auto res = std::string(p.method) == "GET" ? b.Get(p.path) : b.Post(p.path, p.body);
      ASSERT_TRUE(res) << p.method << " " << p.path;
      EXPECT_EQ(res->status, p.expect[c]) << kNames[c] << ": " << p.method << " " << p.path << " → " << res->body.substr(0, 300);
      // Every refusal says why, with a code; a 403 of a post names who may, citing the article.
      if (res->status == 401 || res->status == 403) {
        const Json e = Json::parse(res->body, nullptr, false);
        EXPECT_TRUE(e.is_object() && e.contains("code") && !e.value("message", "").empty()) << res->body;
      }
    }
}

}  // namespace
