// Outputs that never destroy or pretend: the store and its key are never
// overwritten, an existing file is replaced only with force, a folder or a
// device is never a target, and a failed write (missing folder, full disk)
// is an error that leaves nothing behind. Then the same through the CLI
// commands that used to truncate the database or the key.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>

#include "../reiki/cli_util.h"
#include "output/output.h"
#include "store/store.h"

namespace mamori::output {
namespace {

namespace fs = std::filesystem;
using test_util::ReadFileBytes;
using test_util::RunMamori;

std::string CodeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const store::Error& e) {
    return e.code();
  }
  return "";
}

// Nothing but the named files: no temporary left behind.
std::vector<std::string> Files(const fs::path& dir) {
  std::vector<std::string> v;
  for (const auto& e : fs::directory_iterator(dir)) v.push_back(e.path().filename().string());
  std::sort(v.begin(), v.end());
  return v;
}

TEST(AtomicFile, WritesWholeAndRefusesWhatItMustNotReplace) {
  const fs::path dir = test_util::ScratchDir("mamori_output");
  const std::string out = (dir / "out.csv").string();
  WriteFile(out, "a,b\n", {});
  EXPECT_EQ(ReadFileBytes(out), "a,b\n");
  EXPECT_EQ(CodeOf([&] { WriteFile(out, "new", {}); }), "E-OUT-002");
  EXPECT_EQ(ReadFileBytes(out), "a,b\n");
  WriteFile(out, "new", {true, {}});
  EXPECT_EQ(ReadFileBytes(out), "new");
  EXPECT_EQ(Files(dir), std::vector<std::string>{"out.csv"});
}

TEST(AtomicFile, TheStoreAndItsKeyAreNeverATargetEvenWithForce) {
  const fs::path dir = test_util::ScratchDir("mamori_output");
  const std::string db = (dir / "town.db").string();
  for (const auto& f : StoreFiles(db)) std::ofstream(f) << "precious";
  fs::create_symlink(dir / "town.db", dir / "alias.db");
  for (const std::string target : {db, db + "-wal", db + "-shm", db + ".key", (dir / "alias.db").string(),
                                   (dir / "." / "town.db").string()})
    EXPECT_EQ(CodeOf([&] { WriteFile(target, "x", {true, StoreFiles(db)}); }), "E-OUT-001") << target;
  for (const auto& f : StoreFiles(db)) EXPECT_EQ(ReadFileBytes(f), "precious") << f;
}

TEST(AtomicFile, FoldersDevicesAndMissingFoldersAreErrors) {
  const fs::path dir = test_util::ScratchDir("mamori_output");
  EXPECT_EQ(CodeOf([&] { WriteFile(dir.string(), "x", {true, {}}); }), "E-OUT-003");
  EXPECT_EQ(CodeOf([&] { WriteFile("/dev/full", "x", {true, {}}); }), "E-OUT-003");
  EXPECT_EQ(CodeOf([&] { WriteFile((dir / "no" / "such" / "x.csv").string(), "x", {}); }), "E-OUT-004");
  EXPECT_EQ(CodeOf([&] { WriteFile("", "x", {}); }), "E-OUT-004");
  EXPECT_TRUE(Files(dir).empty());
}

TEST(AtomicFile, AFullDiskLeavesNothingAndAnUncommittedFileVanishes) {
  const fs::path dir = test_util::ScratchDir("mamori_output");
  {
    AtomicFile f((dir / "half.txt").string(), {});
    f.stream() << "never committed";
  }
  EXPECT_TRUE(Files(dir).empty());
  // A file-size limit stands in for a full disk: the write fails part-way.
  ::signal(SIGXFSZ, SIG_IGN);
  rlimit old{};
  ::getrlimit(RLIMIT_FSIZE, &old);
  rlimit tiny = old;
  tiny.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &tiny), 0);
  const std::string code = CodeOf([&] { WriteFile((dir / "big.txt").string(), std::string(1 << 20, 'x'), {}); });
  ::setrlimit(RLIMIT_FSIZE, &old);
  EXPECT_EQ(code, "E-OUT-005");
  EXPECT_TRUE(Files(dir).empty());
}

// The commands of issue #12's "Outputs that destroy or pretend".
TEST(Cli, DestructiveOutputsAreRefusedAndFalseSuccessesAreErrors) {
  const fs::path dir = test_util::ScratchDir("mamori_output_cli");
  const std::string db = (dir / "town.db").string();
  ASSERT_EQ(RunMamori({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/yasuda", "--db", db}, dir).status, 0);
  ASSERT_EQ(RunMamori({"sample", "--db", db}, dir).status, 0);
  const std::string key_before = ReadFileBytes(db + ".key");
  const auto db_size = fs::file_size(db);
  struct Case {
    std::vector<std::string> args;
    const char* code;
  };
  const Case cases[] = {
      {{"export", "職員", "--out", db, "--db", db}, "E-OUT-001"},
      {{"export", "職員", "--out", db, "--db", db, "--force"}, "E-OUT-001"},
      {{"ledger", "export", "--out", db, "--db", db}, "E-OUT-001"},
      {{"ledger", "pubkey", "--out", db + ".key", "--db", db, "--force"}, "E-OUT-001"},
      {{"export", "職員", "--out", (dir / "missing" / "x.csv").string(), "--db", db}, "E-OUT-004"},
      {{"export", "職員", "--out", dir.string(), "--db", db}, "E-OUT-003"},
      {{"export", "職員", "--out", "/dev/full", "--db", db}, "E-OUT-003"},
      {{"export", "職員", "--format", "xlsx", "--out", "/dev/full", "--db", db}, "E-OUT-003"},
      {{"ledger", "pubkey", "--out", (dir / "missing" / "pub.txt").string(), "--db", db}, "E-OUT-004"},
  };
  for (const auto& c : cases) {
    auto r = RunMamori(c.args, dir);
    EXPECT_EQ(r.status, 2) << c.args[0] << " " << c.args[2] << " " << r.err;
    EXPECT_NE(r.err.find(c.code), std::string::npos) << r.err;
  }
  EXPECT_EQ(ReadFileBytes(db + ".key"), key_before);
  EXPECT_GE(fs::file_size(db), db_size);
  EXPECT_EQ(RunMamori({"ledger", "verify", "--db", db}, dir).status, 0);
  // An existing export is replaced only with --force.
  const std::string csv = (dir / "people.csv").string();
  EXPECT_EQ(RunMamori({"export", "職員", "--out", csv, "--db", db}, dir).status, 0);
  auto again = RunMamori({"export", "職員", "--out", csv, "--db", db}, dir);
  EXPECT_EQ(again.status, 2);
  EXPECT_NE(again.err.find("E-OUT-002"), std::string::npos);
  EXPECT_EQ(RunMamori({"export", "職員", "--out", csv, "--db", db, "--force"}, dir).status, 0);
  EXPECT_NE(ReadFileBytes(csv).find("職員番号"), std::string::npos);
}

}  // namespace
}  // namespace mamori::output
