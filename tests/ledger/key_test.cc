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
}  // namespace mamori
