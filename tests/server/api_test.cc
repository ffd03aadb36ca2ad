// The API of `mamori serve` on the sample town (安田町), as its users meet
// it: the issue's acceptance (an anonymous decide is 401, a decide token
// gets the CLI's answer, today's 税務課長 000022 approves the take-out and
// the former one, 000004, gets 403 with the reason), the accounts (a first
// password is temporary, the length and the lock-out are the owners'
// values, a CSRF token guards every write, no enumeration), the tokens'
// scopes, and who sees what by the pack's [[access]] (第11条第1項,
// 第13条第2項・第20条第1項, 監査 read-only).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "server/running.h"

namespace {

using Json = nlohmann::json;
using mamori::test_util::Browser;
using mamori::test_util::Running;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const char* kTakeOut = R"({"action":"take_out","resource":"A0000022"})";
const char* kPassword = mamori::test_util::kOwnPassword;
using mamori::test_util::Settle;

struct Town : mamori::test_util::AccountsTown {
  Town() : AccountsTown("mamori_api") {}
  std::string Token(const std::vector<std::string>& scopes) {
    std::vector<std::string> args = {"token", "issue", "--name", "USB制御", "--as", "000021"};
    for (const auto& s : scopes) args.insert(args.end(), {"--scope", s});
    auto r = Run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }
  long long LogSize() { return Json::parse(Run({"ledger", "head", "--json"}).out)["size"].get<long long>(); }
  std::string Apply(const std::string& json, const std::string& as) {
    std::ofstream(dir / "req.json") << json;
    auto r = Run({"apply", (dir / "req.json").string(), "--as", as});
    EXPECT_EQ(r.status, 0) << r.err;
    std::smatch m;
    return std::regex_search(r.out, m, std::regex("C[0-9]{4}-[0-9]{6}")) ? m.str() : "";
  }
};

TEST(Api, TheIssuesAcceptance) {
  Town t;
  t.Issue({"000022", "000004"});
  const std::string token = t.Token({"decide"});
  const std::string id = t.Apply(kTakeOut, "000023");
  ASSERT_FALSE(id.empty());
  Running s(t);

  // Anonymous: 401 with the code, not a decision.
  Browser anon(s.port);
  const std::string ask = R"({"subject":"000023","action":"take_out","resource":"A0000022","context":{"date":"2026-12-01"}})";
  auto r = anon.Post("/api/v1/decide", ask);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(Json::parse(r->body)["code"], "E-AUTH-001");

  // A decide token: exactly the CLI's answer.
  Browser system(s.port);
  system.token = token;
  r = system.Post("/api/v1/decide", ask);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  std::ofstream(t.dir / "ask.json") << ask;
  auto cli = t.Run({"decide", (t.dir / "ask.json").string()});
  ASSERT_EQ(cli.status, 0) << cli.err;
  EXPECT_EQ(Json::parse(r->body), Json::parse(cli.out));
  EXPECT_EQ(Json::parse(r->body)["approvals"][0]["holders"][0], "000022");
  // A system names whom it asks for.
  r = system.Post("/api/v1/decide", kTakeOut);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Json::parse(r->body)["code"], "E-API-010");
  // The token decides and nothing else.
  r = system.Get("/api/v1/cases/" + id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);

  // The former 課長: 403, naming who may; nothing recorded.
  Browser former(s.port);
  Settle(former, t, "000004");
  const long long before = t.LogSize();
  r = former.Post("/api/v1/cases/" + id + "/approve", "{}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  const Json refusal = Json::parse(r->body);
  EXPECT_EQ(refusal["code"], "E-CASE-010");
  EXPECT_TRUE(Has(refusal["message"], "進められるのは 000022")) << refusal.dump();
  EXPECT_EQ(t.LogSize(), before);
  // Nor may they see it: not theirs, not their 課's.
  r = former.Get("/api/v1/cases/" + id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);

  // Today's 課長: the case is in their inbox, and they approve it.
  Browser kachou(s.port);
  Settle(kachou, t, "000022");
  r = kachou.Get("/api/v1/cases/inbox");
  ASSERT_TRUE(r);
  EXPECT_TRUE(Has(r->body, id)) << r->body;
  r = kachou.Post("/api/v1/cases/" + id + "/approve", "{}");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Json::parse(r->body)["case"]["step"], "義務の確認（許可に付いた義務を守ること）");
  // Recorded as the CLI records it: the case's own proof holds.
  EXPECT_GT(t.LogSize(), before);
  auto shown = t.Run({"case", "show", id});
  EXPECT_TRUE(Has(shown.out, "000022")) << shown.out;
  r = kachou.Get("/api/v1/cases/" + id);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Json::parse(r->body)["case"]["steps"][0]["done"]["by"], "000022");
}

TEST(Api, AFirstPasswordIsTemporaryAndANewOneIsAsLongAsTheOwnerSet) {
  Town t;
  t.Issue({"000022"});
  Running s(t);
  Browser b(s.port);
  ASSERT_EQ(b.Login("000022", t.first["000022"]), 200);
  // Nothing but the change until it is made.
  auto r = b.Get("/api/v1/cases/inbox");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Json::parse(r->body)["code"], "E-AUTH-006");
  // 11 characters: one short of the 12 the owner set (demo value).
  r = b.Post("/api/v1/password", Json{{"current", t.first["000022"]}, {"new", "みじかいパスワード12"}}.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Json::parse(r->body)["code"], "E-AUTH-004");
  EXPECT_TRUE(Has(Json::parse(r->body)["message"], "12 文字以上")) << r->body;
  // 12 characters, counted as characters (not UTF-8 bytes).
  r = b.Post("/api/v1/password", Json{{"current", t.first["000022"]}, {"new", "ながいパスワードです12"}}.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  r = b.Get("/api/v1/cases/inbox");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // The first password no longer logs in; the new one does.
  Browser again(s.port);
  EXPECT_EQ(again.Login("000022", t.first["000022"]), 401);
  EXPECT_EQ(again.Login("000022", "ながいパスワードです12"), 200);
  // No password is kept: the ledger export carries neither.
  ASSERT_EQ(t.Run({"ledger", "export", "--out", (t.dir / "ledger.txt").string()}).status, 0);
  const std::string exported = mamori::test_util::ReadFileBytes(t.dir / "ledger.txt");
  EXPECT_FALSE(Has(exported, "ながいパスワードです12"));
  EXPECT_FALSE(Has(exported, t.first["000022"]));
  EXPECT_TRUE(Has(exported, "$argon2id$")) << "the account row keeps an Argon2id string";
}

TEST(Api, EveryWriteOfASessionNeedsItsCsrfToken) {
  Town t;
  t.Issue({"000022"});
  const std::string id = t.Apply(kTakeOut, "000023");
  Running s(t);
  Browser b(s.port);
  Settle(b, t, "000022");
  const long long before = t.LogSize();
  Browser forged(s.port);
  forged.cookie = b.cookie;  // a page elsewhere that rides on the cookie
  auto r = forged.Post("/api/v1/cases/" + id + "/approve", "{}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Json::parse(r->body)["code"], "E-AUTH-007");
  forged.csrf = "x" + b.csrf.substr(1);
  r = forged.Post("/api/v1/cases/" + id + "/approve", "{}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(t.LogSize(), before);
  // The cookie is the browser's only: HttpOnly, Secure, SameSite=Strict.
  auto login = httplib::Client("127.0.0.1", s.port)
                   .Post("/api/v1/login", Json{{"person", "000022"}, {"password", kPassword}}.dump(), "application/json");
  ASSERT_TRUE(login);
  const std::string cookie = login->get_header_value("Set-Cookie");
  EXPECT_TRUE(Has(cookie, "HttpOnly")) << cookie;
  EXPECT_TRUE(Has(cookie, "Secure")) << cookie;
  EXPECT_TRUE(Has(cookie, "SameSite=Strict")) << cookie;
  // Logged out, the cookie is worth nothing.
  r = b.Post("/api/v1/logout", "{}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = b.Get("/api/v1/cases/inbox");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST(Api, TheSetNumberOfFailuresLocksTheAccountAndNoAnswerTellsWhoExists) {
  Town t;
  t.Issue({"000022"});
  Running s(t);
  Browser b(s.port);
  Settle(b, t, "000022");
  // The demo limit is 5 (login_attempt_limit, 第85条): four failures leave it open.
  Browser guess(s.port);
  auto fail = [&](const std::string& person, const std::string& password) {
    auto r = guess.c.Post("/api/v1/login", Json{{"person", person}, {"password", password}}.dump(), "application/json");
    EXPECT_TRUE(r);
    return r ? std::make_pair(r->status, Json::parse(r->body)) : std::make_pair(-1, Json());
  };
  for (int i = 0; i < 4; ++i) EXPECT_EQ(fail("000022", "wrong").first, 401);
  EXPECT_EQ(guess.Login("000022", kPassword), 200);  // a success starts the count again
  for (int i = 0; i < 5; ++i) EXPECT_EQ(fail("000022", "wrong").first, 401);
  // Locked: the right password no longer logs in, recorded in the ledger.
  const auto locked = fail("000022", kPassword);
  EXPECT_EQ(locked.first, 401);
  auto list = t.Run({"account", "list", "--json"});
  const Json accounts = Json::parse(list.out);
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_TRUE(accounts[0]["locked"].get<bool>());
  EXPECT_FALSE(accounts[0].contains("hash"));
  // The same answer for a locked account, a wrong password and nobody at all.
  const auto nobody = fail("999999", "wrong");
  const auto wrong = fail("000022", "wrong");
  EXPECT_EQ(locked.second, nobody.second);
  EXPECT_EQ(wrong.second, nobody.second);
  EXPECT_EQ(nobody.second["code"], "E-AUTH-002");
  // A new issue by mamori's administrator opens it again.
  t.Issue({"000022"});
  EXPECT_EQ(guess.Login("000022", t.first["000022"]), 200);
}

TEST(Api, OnlyMamorisAdministratorIssuesAccountsAndTokens) {
  Town t;
  for (auto args : std::vector<std::vector<std::string>>{{"account", "issue", "000022", "--as", "000022"},
                                                         {"token", "issue", "--name", "x", "--scope", "decide", "--as", "000001"}}) {
    auto r = t.Run(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(Has(r.err, "E-AUTH-010")) << r.err;
    EXPECT_TRUE(Has(r.err, "S09")) << r.err;
  }
  auto r = t.Run({"token", "issue", "--name", "x", "--scope", "write", "--as", "000021"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-AUTH-012")) << r.err;
  r = t.Run({"account", "issue", "999999", "--as", "000021"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-AUTH-011")) << r.err;
}

TEST(Api, ATokenReadsOnlyTheRegisterItsScopeNamesAndNothingOnceRevoked) {
  Town t;
  const std::string token = t.Token({"read:assets"});
  Running s(t);
  Browser b(s.port);
  b.token = token;
  auto r = b.Get("/api/v1/registers/assets?limit=3&offset=1");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const Json page = Json::parse(r->body);
  EXPECT_EQ(page["rows"].size(), 3u);
  EXPECT_EQ(page["offset"], 1);
  EXPECT_GT(page["total"].get<long>(), 3);
  r = b.Get("/api/v1/registers/people");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  r = b.Post("/api/v1/decide", kTakeOut);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  // Revoked: nothing at all.
  auto listed = t.Run({"token", "list"});
  const std::string id = listed.out.substr(0, listed.out.find('\t'));
  ASSERT_EQ(t.Run({"token", "revoke", id, "--as", "000021"}).status, 0);
  r = b.Get("/api/v1/registers/assets");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  // A secret that was never issued, and one cut short.
  b.token = token.substr(0, token.size() - 1);
  r = b.Get("/api/v1/registers/assets");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

// 第13条第2項・第20条第1項: a 情報セキュリティ責任者 sees their 課's assets
// and cases; 第11条第1項: the CISO sees all; 監査 reads and changes nothing.
TEST(Api, WhoSeesWhatFollowsThePacksAccessTable) {
  Town t;
  const std::string head = "指名ID,役割,職員,指名者,開始日,終了日,根拠条文\n";
  std::ofstream(t.dir / "d1.csv") << head + "D1,audit_lead,000002,000001,2026-04-01,,第131条\n";
  std::ofstream(t.dir / "d2.csv") << head + "D2,auditor,000044,000002,2026-04-01,,第132条第1項\n";
  ASSERT_EQ(t.Run({"import", "designations", (t.dir / "d1.csv").string()}).status, 0);
  ASSERT_EQ(t.Run({"import", "designations", (t.dir / "d2.csv").string()}).status, 0);
  // A 係 under 税務課 with an asset of its own: the 課長 sees it too.
  std::ofstream(t.dir / "u.csv") << "組織コード,名称,種別,上位組織,長の職\nU03A,税務課収納係,係,U03,\n";
  std::ofstream(t.dir / "a.csv") << "資産番号,名称,所管組織,機密性,完全性,可用性\nA9000001,収納台帳,U03A,C2,I2,A2\n";
  ASSERT_EQ(t.Run({"import", "units", (t.dir / "u.csv").string()}).status, 0);
  ASSERT_EQ(t.Run({"import", "assets", (t.dir / "a.csv").string()}).status, 0);
  t.Issue({"000022", "000005", "000001", "000044"});
  const std::string id = t.Apply(kTakeOut, "000023");  // 税務課 (U03)
  Running s(t);

  Browser zeimu(s.port), jumin(s.port), ciso(s.port), auditor(s.port);
  Settle(zeimu, t, "000022");
  Settle(jumin, t, "000005");
  Settle(ciso, t, "000001");
  Settle(auditor, t, "000044");
  // The 税務課長: only 税務課's assets.
  auto r = zeimu.Get("/api/v1/registers/assets?limit=1000");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const Json mine = Json::parse(r->body);
  ASSERT_GT(mine["rows"].size(), 0u);
  bool kakari = false;
  for (const auto& row : mine["rows"]) {
    EXPECT_TRUE(row["owner_unit"] == "U03" || row["owner_unit"] == "U03A") << row.dump();
    kakari |= row["id"] == "A9000001";
  }
  EXPECT_TRUE(kakari) << "the asset of the 係 under 税務課";
  r = jumin.Get("/api/v1/registers/assets/A9000001");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  r = zeimu.Get("/api/v1/registers/people");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_TRUE(Has(Json::parse(r->body)["message"], "第11条第1項")) << r->body;
  // The 住民課長 (another 課) does not see 税務課's case; the CISO does, with its history.
  r = jumin.Get("/api/v1/cases/" + id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  r = ciso.Get("/api/v1/cases/" + id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  r = ciso.Get("/api/v1/registers/people/000022");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_GT(Json::parse(r->body)["history"].size(), 0u);
  // The auditor reads everything and changes nothing.
  r = auditor.Get("/api/v1/cases/" + id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  r = auditor.Get("/api/v1/registers/people");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = auditor.Post("/api/v1/cases", kTakeOut);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_TRUE(Has(Json::parse(r->body)["message"], "見るだけ")) << r->body;
}

TEST(Api, APersonWhoLeavesIsLoggedOutAndKeepsNothing) {
  Town t;
  t.Issue({"000022"});
  Running s(t);
  Browser b(s.port);
  Settle(b, t, "000022");
  ASSERT_EQ(b.Get("/api/v1/me")->status, 200);
  // The 職員 register now says 000022 left yesterday.
  auto exported = t.Run({"export", "people", "--format", "csv"});
  ASSERT_EQ(exported.status, 0) << exported.err;
  std::istringstream in(exported.out);
  std::string header, line, rows;
  std::getline(in, header);
  while (std::getline(in, line))
    if (line.rfind("000022,", 0) == 0) rows = line;
  ASSERT_FALSE(rows.empty());
  // 終了日 is the last column: the day before today (JST) ends their service.
  const std::string yesterday = "2026-12-01";
  rows = rows.substr(0, rows.rfind(',') + 1) + yesterday;
  std::ofstream(t.dir / "leave.csv") << header << "\n" << rows << "\n";
  auto imported = t.Run({"import", "people", (t.dir / "leave.csv").string()});
  ASSERT_EQ(imported.status, 0) << imported.err;
  auto r = b.Get("/api/v1/me");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(Json::parse(r->body)["code"], "E-AUTH-009");
  EXPECT_EQ(b.Login("000022", kPassword), 401);
}

}  // namespace

namespace {

// 第119条: a 情報セキュリティ責任者 applies for an exception, the CISO
// permits it and keeps the 第121条 register; an incident is reported.
TEST(Api, AnExceptionGoesToTheCisoWhoKeepsItsRegister) {
  Town t;
  t.Issue({"000022", "000001"});
  Running s(t);
  Browser kachou(s.port), ciso(s.port);
  Settle(kachou, t, "000022");
  Settle(ciso, t, "000001");
  auto r = kachou.Post("/api/v1/exceptions",
                       Json{{"departs", "第46条第4項"}, {"measure", "避難所で処理する"}, {"reason", "庁舎が使えない"}, {"until", "令和9年3月31日"}}.dump());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string id = Json::parse(r->body)["case"]["id"];
  r = ciso.Get("/api/v1/cases/inbox");
  ASSERT_TRUE(r);
  EXPECT_TRUE(Has(r->body, id)) << r->body;
  r = ciso.Get("/api/v1/exceptions");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Has(r->body, "第46条第4項")) << r->body;
  EXPECT_TRUE(Has(r->body, "2027-03-31")) << "the 和暦 until read as a date";
  r = kachou.Get("/api/v1/exceptions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  // A date that is not one is refused, and nothing is opened.
  r = kachou.Post("/api/v1/exceptions", Json{{"departs", "第46条第4項"}, {"measure", "m"}, {"reason", "r"}, {"until", "いつか"}}.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Json::parse(r->body)["code"], "E-CASE-008");
  r = kachou.Post("/api/v1/incidents", Json{{"what", "USBメモリを紛失した"}}.dump());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(Json::parse(r->body)["case"]["kind"], "incident");
}

}  // namespace
