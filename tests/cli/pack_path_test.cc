// A pack named by its installed name (`mamori init --pack yasuda`) is found
// under $MAMORI_PACKS (in an installation, $PREFIX/share/mamori/packs) by every
// command that takes a pack, and the store records it exactly as it records
// the same pack given by its path. A name that is neither is E-PACK-040,
// naming where it looked and the packs there are.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "registry/binding.h"
#include "reiki/cli_util.h"

namespace mamori {
namespace {

namespace fs = std::filesystem;
using test_util::CliResult;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A copy of the five packs as the installed packs, so that `pack review`
// writes into the copy and never into the repository.
struct Installed {
  fs::path dir = test_util::ScratchDir("mamori_pack_path");
  fs::path packs = dir / "packs";
  Installed() {
    fs::copy(MAMORI_PACKS_DIR, packs, fs::copy_options::recursive);
    setenv("MAMORI_PACKS", packs.c_str(), 1);
  }
  ~Installed() { unsetenv("MAMORI_PACKS"); }
  CliResult Run(const std::vector<std::string>& args) { return test_util::RunMamori(args, dir); }
  std::string Db(const std::string& name) { return (dir / name).string(); }
};

TEST(PackPath, InitByNameRecordsWhatInitByPathRecords) {
  Installed in;
  auto by_name = in.Run({"init", "--pack", "yasuda", "--db", in.Db("name.db")});
  ASSERT_EQ(by_name.status, 0) << by_name.err;
  auto by_path = in.Run({"init", "--pack", (in.packs / "yasuda").string(), "--db", in.Db("path.db")});
  ASSERT_EQ(by_path.status, 0) << by_path.err;

  auto a = registry::Open(in.Db("name.db"));
  auto b = registry::Open(in.Db("path.db"));
  for (const char* key : {"pack_dir", "pack_hash", "pack_id"}) {
    ASSERT_TRUE(a.store->GetMeta(key)) << key;
    EXPECT_EQ(a.store->GetMeta(key), b.store->GetMeta(key)) << key;
  }
  EXPECT_EQ(*a.store->GetMeta("pack_id"), "yasuda");
  EXPECT_EQ(fs::path(*a.store->GetMeta("pack_dir")), fs::absolute(in.packs / "yasuda").lexically_normal());
  const auto va = a.store->List("pack_versions"), vb = b.store->List("pack_versions");
  ASSERT_EQ(va.size(), 1u);
  ASSERT_EQ(vb.size(), 1u);
  EXPECT_EQ(va[0].data, vb[0].data);
}

TEST(PackPath, EveryPackCommandTakesTheName) {
  Installed in;
  auto check = in.Run({"pack", "check", "hanamaki"});
  EXPECT_EQ(check.status, 0) << check.err;
  EXPECT_TRUE(Has(check.out, "OK: " + (in.packs / "hanamaki").string())) << check.out;

  auto show = in.Run({"pack", "show", "yasuda"});
  EXPECT_EQ(show.status, 0) << show.err;
  auto show_path = in.Run({"pack", "show", (in.packs / "yasuda").string()});
  EXPECT_EQ(show.out, show_path.out);

  ASSERT_EQ(in.Run({"init", "--pack", "yasuda", "--db", in.Db("town.db")}).status, 0);
  auto apply = in.Run({"pack", "apply", "yasuda", "--db", in.Db("town.db")});
  EXPECT_EQ(apply.status, 0) << apply.err;
  EXPECT_TRUE(Has(apply.out, "パックは登録済みの版と同じです。")) << apply.out;

  // The regulation amended in the installed copy: check names the clause,
  // review by name records it, and check is clean again.
  const fs::path text = in.packs / "yasuda" / "regulation.txt";
  std::string body = test_util::ReadFileBytes(text);
  const std::string before = "運搬する者は、情報セキュリティ責任者に許可";
  ASSERT_NE(body.find(before), std::string::npos);
  body.replace(body.find(before), before.size(), "運搬する者は、あらかじめ情報セキュリティ責任者に許可");
  { std::ofstream(text, std::ios::binary | std::ios::trunc) << body; }
  auto amended = in.Run({"pack", "check", "yasuda"});
  EXPECT_EQ(amended.status, 2);
  EXPECT_TRUE(Has(amended.err, "E-PACK-034")) << amended.err;
  auto review = in.Run({"pack", "review", "yasuda", "--as", "総務課 情報係", "--ref", "第27条", "--ref", "第27条第2項"});
  EXPECT_EQ(review.status, 0) << review.err;
  EXPECT_TRUE(Has(review.out, "【確認】第27条第2項（本文の変更を確認）")) << review.out;
  EXPECT_EQ(in.Run({"pack", "check", "yasuda"}).status, 0);
  // The copy was reviewed, not the repository's pack.
  EXPECT_TRUE(Has(test_util::ReadFileBytes(in.packs / "yasuda" / "review.toml"), "総務課 情報係"));
  EXPECT_FALSE(Has(test_util::ReadFileBytes(fs::path(MAMORI_PACKS_DIR) / "yasuda" / "review.toml"), "総務課 情報係"));
}

TEST(PackPath, AnUnknownNameSaysWhereItLookedAndWhichPacksThereAre) {
  Installed in;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"init", "--pack", "yasudaa", "--db", in.Db("town.db")},
           {"pack", "check", "yasudaa"},
           {"pack", "show", "yasudaa"},
           {"pack", "review", "yasudaa", "--as", "総務課"},
           {"pack", "apply", "yasudaa", "--db", in.Db("town.db")}}) {
    auto r = in.Run(args);
    EXPECT_EQ(r.status, 2) << args[1] << ": " << r.err;
    EXPECT_EQ(r.err.rfind("E-PACK-040: パック「yasudaa」が見つかりません（探した場所: ", 0), 0u) << r.err;
    EXPECT_TRUE(Has(r.err, "「" + (in.packs / "yasudaa").string() + "」")) << r.err;
    EXPECT_TRUE(Has(r.err, "使えるパック（MAMORI_PACKS=" + in.packs.string() + "）: hanamaki、hokkaido、kohoku、okitama、yasuda。"))
        << r.err;
  }
  EXPECT_FALSE(fs::exists(in.Db("town.db"))) << "nothing is created for a pack that is not there";
}

TEST(PackPath, APathThatIsNotThereIsNotLookedUpAsAName) {
  Installed in;
  auto r = in.Run({"pack", "check", "packs/yasuda/nothing"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "E-PACK-040")) << r.err;
  EXPECT_FALSE(Has(r.err, (in.packs / "packs").string())) << r.err;
}

TEST(PackPath, NoPacksInstalledSaysSo) {
  Installed in;
  const fs::path empty = in.dir / "empty";
  fs::create_directories(empty);
  setenv("MAMORI_PACKS", empty.c_str(), 1);
  auto r = in.Run({"pack", "show", "yasuda"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(Has(r.err, "MAMORI_PACKS=" + empty.string() + " にパックがありません（`make install` で入ります）。")) << r.err;
}

}  // namespace
}  // namespace mamori
