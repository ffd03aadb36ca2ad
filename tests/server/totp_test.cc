// The second factor (#16 part 3): TOTP by RFC 6238 (its own test vectors),
// required for the roles the installation names, enrolled with a QR code,
// never accepted twice for one step, and its secret never in the ledger.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <ctime>
#include <fstream>

#include "server/running.h"
#include "server/totp.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using mamori::test_util::Browser;
namespace totp = mamori::server::internal;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// RFC 6238 Appendix B (SHA1, 8 digits) and RFC 4226 Appendix D (6 digits).
TEST(Totp, TheRfcTestVectors) {
  const std::string secret = "12345678901234567890";
  EXPECT_EQ(totp::Hotp(secret, 59 / 30, 8), "94287082");
  EXPECT_EQ(totp::Hotp(secret, 1111111109 / 30, 8), "07081804");
  EXPECT_EQ(totp::Hotp(secret, 1111111111 / 30, 8), "14050471");
  EXPECT_EQ(totp::Hotp(secret, 1234567890 / 30, 8), "89005924");
  EXPECT_EQ(totp::Hotp(secret, 2000000000 / 30, 8), "69279037");
  EXPECT_EQ(totp::Hotp(secret, 0), "755224");
  EXPECT_EQ(totp::Hotp(secret, 1), "287082");
  EXPECT_EQ(totp::Hotp(secret, 9), "520489");
  // A code matches its step or one either side, nothing further, nothing malformed.
  const long long t = 1234567890;
  EXPECT_EQ(totp::MatchingStep(secret, totp::Hotp(secret, t / 30), t), t / 30);
  EXPECT_EQ(totp::MatchingStep(secret, totp::Hotp(secret, t / 30 - 1), t), t / 30 - 1);
  EXPECT_EQ(totp::MatchingStep(secret, totp::Hotp(secret, t / 30 + 2), t), -1);
  for (const char* bad : {"", "12345", "1234567", "12345a", "１２３４５６"}) EXPECT_EQ(totp::MatchingStep(secret, bad, t), -1) << bad;
}

// RFC 4648 §10.
TEST(Totp, Base32AsRfc4648) {
  EXPECT_EQ(totp::Base32("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(totp::Base32("f"), "MY");
  std::string back;
  ASSERT_TRUE(totp::FromBase32("mzxw6ytboi", back));
  EXPECT_EQ(back, "foobar");
  EXPECT_FALSE(totp::FromBase32("MZXW1", back));  // 1 is not in the alphabet
  EXPECT_FALSE(totp::FromBase32(std::string("MZ\0W", 4), back));
}

TEST(Totp, ASealedSecretOpensOnlyWithItsStoresKey) {
  const fs::path dir = mamori::test_util::ScratchDir("mamori_totp_seal");
  const std::string db = (dir / "t.db").string(), other = (dir / "u.db").string();
  const std::string sealed = totp::Seal(db, "secret-bytes");
  EXPECT_EQ(totp::Open(db, sealed), "secret-bytes");
  struct stat st{};
  ASSERT_EQ(stat((db + ".secrets.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(Has(sealed, "secret-bytes"));
  try {
    totp::Open(other, sealed);
    ADD_FAILURE() << "opened with another store's key";
  } catch (const mamori::store::Error& e) {
    EXPECT_EQ(e.code(), "E-AUTH-016");
  }
  std::string tampered = sealed;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_THROW(totp::Open(db, tampered), mamori::store::Error);
  EXPECT_THROW(totp::Open(db, "not base64 at all!"), mamori::store::Error);
}

struct Town : mamori::test_util::SampleTown {
  std::string first;
  Town() : SampleTown("mamori_totp", "yasuda", {"--demo-parameters"}) {
    auto r = Run({"account", "issue", "000001", "--as", "000021"});
    EXPECT_EQ(r.status, 0) << r.err;
    first = r.out.substr(7, r.out.find('\t', 7) - 7);
  }
};

TEST(Totp, TheCisoMustEnrolAndThenLogsInWithACodeUsedOnce) {
  Town t;
  auto bad = t.Run({"totp", "require", "nobody", "--as", "000021"});
  EXPECT_TRUE(Has(bad.err, "E-AUTH-017")) << bad.err;
  bad = t.Run({"totp", "require", "CISO", "--as", "000001"});
  EXPECT_TRUE(Has(bad.err, "E-AUTH-010")) << bad.err;
  ASSERT_EQ(t.Run({"totp", "require", "CISO", "--as", "000021"}).status, 0);
  EXPECT_EQ(t.Run({"totp", "roles"}).out, "ciso\n");
  mamori::test_util::Running s(t);
  Browser b(s.port);
  ASSERT_EQ(b.Login("000001", t.first), 200);
  const std::string pw = "correct horse battery";
  auto r = b.Post("/api/v1/password", Json{{"current", t.first}, {"new", pw}}.dump());
  ASSERT_EQ(r->status, 200);
  // Not enrolled: nothing but enrolment.
  r = b.Get("/api/v1/cases/inbox");
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Json::parse(r->body)["code"], "E-AUTH-015");
  r = b.Post("/api/v1/totp/enrol", "{}");
  ASSERT_EQ(r->status, 200) << r->body;
  const Json enrol = Json::parse(r->body);
  std::string secret;
  ASSERT_TRUE(totp::FromBase32(enrol["secret"], secret));
  EXPECT_EQ(secret.size(), 20u);
  EXPECT_TRUE(Has(enrol["uri"], "otpauth://totp/")) << enrol["uri"];
  EXPECT_TRUE(Has(enrol["uri"], "secret=" + enrol["secret"].get<std::string>()));
  EXPECT_EQ(enrol["qr_svg"].get<std::string>().rfind("<svg", 0), 0u);
  r = b.Post("/api/v1/totp/confirm", Json{{"code", "000000" == totp::Hotp(secret, std::time(nullptr) / 30) ? "111111" : "000000"}}.dump());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Json::parse(r->body)["code"], "E-AUTH-018");
  const long long step = std::time(nullptr) / 30;
  r = b.Post("/api/v1/totp/confirm", Json{{"code", totp::Hotp(secret, step)}}.dump());
  ASSERT_EQ(r->status, 200) << r->body;
  r = b.Get("/api/v1/cases/inbox");
  EXPECT_EQ(r->status, 200);

  // The next login needs a code, and not one already used.
  Browser again(s.port);
  auto login = [&](const Json& body) { return again.c.Post("/api/v1/login", body.dump(), "application/json"); };
  r = login({{"person", "000001"}, {"password", pw}});
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(Json::parse(r->body)["code"], "E-AUTH-014");
  r = login({{"person", "000001"}, {"password", pw}, {"code", totp::Hotp(secret, step)}});
  EXPECT_EQ(r->status, 401) << "a code used at enrolment was accepted again";
  EXPECT_EQ(Json::parse(r->body)["code"], "E-AUTH-002");
  r = login({{"person", "000001"}, {"password", pw}, {"code", totp::Hotp(secret, step + 1)}});
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_FALSE(Json::parse(r->body)["needs_totp"].get<bool>());
  // The ledger has the sealed secret only.
  ASSERT_EQ(t.Run({"ledger", "export", "--out", (t.dir / "ledger.txt").string()}).status, 0);
  const std::string exported = mamori::test_util::ReadFileBytes(t.dir / "ledger.txt");
  EXPECT_FALSE(Has(exported, enrol["secret"].get<std::string>()));
  EXPECT_TRUE(Has(exported, "totp enrol"));
}

}  // namespace
