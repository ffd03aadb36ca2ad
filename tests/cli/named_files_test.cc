// Every command that reads a file the user names says what is wrong with the
// name before reading: a folder is a folder (never "too large"), a missing
// file is missing, an empty file is empty (never "not found"). Each with its
// command's code and exit status 2, and nothing written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;
using mamori::test_util::RunMamori;

struct Case {
  std::vector<std::string> args;  // FILE stands for the file under test
  std::string code;
};

TEST(NamedFiles, AFolderAMissingFileAndAnEmptyFileAreEachToldForWhatTheyAre) {
  const fs::path dir = mamori::test_util::ScratchDir("mamori_named_files");
  const std::string db = (dir / "t.db").string();
  ASSERT_EQ(RunMamori({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/yasuda", "--db", db}, dir).status, 0);
  fs::create_directory(dir / "台帳");
  std::ofstream(dir / "empty.xlsx").close();
  std::ofstream(dir / "empty.jsonl").close();
  const std::vector<Case> cases = {
      {{"reiki", "parse", "FILE"}, "E-REIKI-006"},
      {{"import", "職員", "FILE", "--db", db}, "E-TABLE-001"},
      {{"import", "FILE", "--db", db}, "E-TABLE-001"},
      {{"decide", "--db", db, "FILE"}, "E-DEC-003"},
      {{"ledger", "verify", "--db", db, "--trusted-head", "FILE"}, "E-LEDGER-030"},
      {{"ledger", "verify", "--export", "FILE", "--pubkey", "FILE"}, "E-LEDGER-005"},
  };
  for (const auto& [what, file] : std::vector<std::pair<std::string, std::string>>{
           {"はフォルダです", (dir / "台帳").string()}, {"がありません", (dir / "ない.csv").string()}}) {
    for (const auto& c : cases) {
      std::vector<std::string> args = c.args;
      for (auto& a : args)
        if (a == "FILE") a = file;
      auto r = RunMamori(args, dir);
      EXPECT_EQ(r.status, 2) << args[0] << " " << args[1] << ": " << r.err;
      EXPECT_EQ(r.err.rfind(c.code + ": ", 0), 0u) << r.err;
      EXPECT_NE(r.err.find("「" + file + "」" + what), std::string::npos) << r.err;
      EXPECT_EQ(r.err.find("大きすぎ"), std::string::npos) << r.err;
    }
  }
  // Empty: told it is empty, not that it cannot be found or is no workbook.
  auto x = RunMamori({"import", (dir / "empty.xlsx").string(), "--db", db}, dir);
  EXPECT_EQ(x.status, 2);
  EXPECT_NE(x.err.find("E-XLSX-001: 「" + (dir / "empty.xlsx").string() + "」は 0 バイトの空のファイルです"), std::string::npos) << x.err;
  auto d = RunMamori({"decide", "--db", db, (dir / "empty.jsonl").string()}, dir);
  EXPECT_EQ(d.status, 2);
  EXPECT_NE(d.err.find("E-DEC-003"), std::string::npos) << d.err;
  EXPECT_NE(d.err.find("は空です（0 バイト"), std::string::npos) << d.err;
}

}  // namespace
