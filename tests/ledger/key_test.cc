// The signing key a store may be written with: only the one whose public key
// was recorded at `init`, and only while nobody else can read it. Either
// fault stops the write before anything is written.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "../reiki/cli_util.h"
#include "registry/binding.h"

namespace mamori {
namespace {

namespace fs = std::filesystem;
using test_util::RunMamori;

struct Stores {
  fs::path dir = test_util::ScratchDir("mamori_key");
  std::string a = (dir / "a.db").string(), b = (dir / "b.db").string();
  Stores() {
    for (const auto& db : {a, b})
      EXPECT_EQ(RunMamori({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/yasuda", "--db", db}, dir).status, 0);
    std::ofstream(dir / "units.csv") << "組織コード,名称\nX01,試験課\n";
  }
  long long Size(const std::string& db) { return registry::Open(db).store->LogSize(); }
  test_util::CliResult Import(const std::string& db) {
    return RunMamori({"import", "組織", (dir / "units.csv").string(), "--db", db}, dir);
  }
};

TEST(SigningKey, AnotherStoresKeyIsRefusedAndNothingIsWritten) {
  Stores s;
  const long long before = s.Size(s.a);
  fs::copy_file(s.b + ".key", s.a + ".key", fs::copy_options::overwrite_existing);
  ::chmod((s.a + ".key").c_str(), 0600);
  auto r = s.Import(s.a);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("E-LEDGER-026"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("何も変更していません"), std::string::npos);
  EXPECT_EQ(s.Size(s.a), before);
  EXPECT_FALSE(registry::Open(s.a).store->Get("units", "X01").has_value());
}

TEST(SigningKey, AKeyOthersCanReadIsRefusedWithTheChmodToFixIt) {
  Stores s;
  const long long before = s.Size(s.a);
  ::chmod((s.a + ".key").c_str(), 0644);
  auto r = s.Import(s.a);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("E-LEDGER-025"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("chmod 600"), std::string::npos);
  EXPECT_EQ(s.Size(s.a), before);
  ::chmod((s.a + ".key").c_str(), 0600);
  EXPECT_EQ(s.Import(s.a).status, 0);
  EXPECT_GT(s.Size(s.a), before);
  EXPECT_EQ(RunMamori({"ledger", "verify", "--db", s.a}, s.dir).status, 0);
}

}  // namespace
// A rotation: recorded in the log and signed by the old key; heads after it
// are signed by the new one; the auditor's key from init verifies it all,
// the database and an export alike. The old key no longer writes.
TEST(SigningKey, ARotatedKeyIsFollowedFromTheKeyGivenAtInit) {
  Stores s;
  const std::string pub0 = (s.dir / "pub0.txt").string();
  ASSERT_EQ(RunMamori({"ledger", "pubkey", "--db", s.a, "--out", pub0}, s.dir).status, 0);
  const std::string old_key = test_util::ReadFileBytes(s.a + ".key");
  auto r = RunMamori({"ledger", "rotate-key", "--db", s.a}, s.dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(test_util::ReadFileBytes(s.a + ".key"), old_key);
  ASSERT_EQ(s.Import(s.a).status, 0);  // signed with the new key
  auto v = RunMamori({"ledger", "verify", "--db", s.a, "--pubkey", pub0}, s.dir);
  EXPECT_EQ(v.status, 0) << v.out;
  const std::string ex = (s.dir / "ex.txt").string();
  ASSERT_EQ(RunMamori({"ledger", "export", "--db", s.a, "--out", ex}, s.dir).status, 0);
  auto e = RunMamori({"ledger", "verify", "--export", ex, "--pubkey", pub0}, s.dir);
  EXPECT_EQ(e.status, 0) << e.out;
  // `ledger pubkey` still gives the auditor the key the log starts from.
  auto p = RunMamori({"ledger", "pubkey", "--db", s.a}, s.dir);
  EXPECT_EQ(p.out, test_util::ReadFileBytes(pub0));
  // The retired key is refused for writing.
  fs::path retired;
  for (const auto& f : fs::directory_iterator(s.dir))
    if (f.path().filename().string().starts_with("a.db.key.retired-")) retired = f.path();
  ASSERT_FALSE(retired.empty());
  fs::copy_file(retired, s.a + ".key", fs::copy_options::overwrite_existing);
  ::chmod((s.a + ".key").c_str(), 0600);
  auto w = s.Import(s.a);
  EXPECT_EQ(w.status, 2);
  EXPECT_NE(w.err.find("E-LEDGER-026"), std::string::npos) << w.err;
}

// A crash between the commit of a rotation and the move of its key files.
TEST(SigningKey, ARotationThatStoppedHalfwaySaysHowToFinish) {
  Stores s;
  ASSERT_EQ(RunMamori({"ledger", "rotate-key", "--db", s.a}, s.dir).status, 0);
  fs::path retired;
  for (const auto& f : fs::directory_iterator(s.dir))
    if (f.path().filename().string().starts_with("a.db.key.retired-")) retired = f.path();
  // As if the process had died after the commit, before the files moved.
  fs::rename(s.a + ".key", s.a + ".key.new");
  fs::rename(retired, s.a + ".key");
  const long long before = s.Size(s.a);
  auto w = s.Import(s.a);
  EXPECT_EQ(w.status, 2);
  EXPECT_NE(w.err.find("E-LEDGER-027"), std::string::npos) << w.err;
  EXPECT_NE(w.err.find("mv "), std::string::npos) << w.err;
  EXPECT_EQ(s.Size(s.a), before);
}

}  // namespace mamori
