// CLI11's own parse errors reach the user in Japanese, naming the option or
// the subcommand and what to do, under the stable code E-CLI-001 and exit
// status 2; `mamori --version` prints the project version.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reiki/cli_util.h"

namespace {

using mamori::test_util::CliResult;

CliResult Mamori(const std::vector<std::string>& args) {
  return mamori::test_util::RunMamori(args, mamori::test_util::ScratchDir("mamori_cli_messages"));
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Refused as a command line: exit 2, the code, the usage hint, no English.
void ExpectRefused(const CliResult& r, const std::string& command) {
  ASSERT_TRUE(r.exited) << "killed by signal " << r.signal;
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("E-CLI-001: ", 0), 0u) << r.err;
  EXPECT_TRUE(Has(r.err, "使い方は `" + command + " --help` で確認できます。")) << r.err;
  for (const char* english : {"required", "missing", "expected", "not in", "subcommand", "Could not"})
    EXPECT_FALSE(Has(r.err, english)) << "CLI11's English left in: " << r.err;
}

TEST(CliMessages, AMissingOptionValueNamesTheOptionAndSaysToWriteIt) {
  auto r = Mamori({"init", "--db"});
  ExpectRefused(r, "mamori init");
  EXPECT_TRUE(Has(r.err, "--db の後に値がありません。")) << r.err;
  EXPECT_TRUE(Has(r.err, "に続けて値を書いてください。")) << r.err;
}

TEST(CliMessages, AMissingRequiredOptionNamesItWithItsDescription) {
  auto r = Mamori({"init", "--db", "town.db"});
  ExpectRefused(r, "mamori init");
  EXPECT_TRUE(Has(r.err, "`mamori init` には --pack「")) << r.err;
  EXPECT_TRUE(Has(r.err, "の指定が必要です。--pack に続けて値を書いてください。")) << r.err;
}

TEST(CliMessages, AMissingPositionalArgumentIsNamed) {
  auto r = Mamori({"reiki", "parse"});
  ExpectRefused(r, "mamori reiki parse");
  EXPECT_TRUE(Has(r.err, "`mamori reiki parse` には FILE「")) << r.err;
  EXPECT_TRUE(Has(r.err, "が必要です。コマンドの後に書いてください。")) << r.err;
}

TEST(CliMessages, AnUnknownOptionIsNamedWithTheCommandItWasGivenTo) {
  auto r = Mamori({"decide", "--bogus"});
  ExpectRefused(r, "mamori decide");
  EXPECT_TRUE(Has(r.err, "`mamori decide` に「--bogus」というオプションはありません。")) << r.err;
}

// CLI11 reports the missing --pack first; the misspelt option is the cause.
TEST(CliMessages, AMisspeltOptionIsToldRatherThanTheRequiredOneItLeftOut) {
  auto r = Mamori({"init", "--pak", "yasuda"});
  ExpectRefused(r, "mamori init");
  EXPECT_TRUE(Has(r.err, "「--pak」というオプションはありません。")) << r.err;
}

TEST(CliMessages, AMissingSubcommandListsTheSubcommands) {
  auto r = Mamori({});
  ExpectRefused(r, "mamori");
  EXPECT_TRUE(Has(r.err, "`mamori` の後にサブコマンドを指定してください（reiki、pack、init、")) << r.err;

  auto pack = Mamori({"pack"});
  ExpectRefused(pack, "mamori pack");
  EXPECT_TRUE(Has(pack.err, "`mamori pack` の後にサブコマンドを指定してください（check、review、show、apply）。")) << pack.err;
}

TEST(CliMessages, AnUnknownSubcommandIsNamed) {
  auto r = Mamori({"ledgr", "head"});
  ExpectRefused(r, "mamori");
  EXPECT_TRUE(Has(r.err, "`mamori` に「ledgr」「head」というサブコマンドはありません（使えるサブコマンド: ")) << r.err;
}

TEST(CliMessages, AnExtraArgumentIsNamed) {
  auto r = Mamori({"reiki", "cite", "a.txt", "第1条", "第2条"});
  ExpectRefused(r, "mamori reiki cite");
  EXPECT_TRUE(Has(r.err, "`mamori reiki cite` には余分な引数「第2条」があります。")) << r.err;
}

TEST(CliMessages, AValueOutsideTheAllowedSetListsTheAllowedValues) {
  auto r = Mamori({"reiki", "parse", "--format", "pdf", "a.txt"});
  ExpectRefused(r, "mamori reiki parse");
  EXPECT_TRUE(Has(r.err, "に「pdf」は使えません。次のどれかを書いてください: json、text、xml、outline。")) << r.err;
}

TEST(CliMessages, ANumberThatIsNoNumberIsNamed) {
  auto r = Mamori({"sample", "--people", "many"});
  ExpectRefused(r, "mamori sample");
  EXPECT_TRUE(Has(r.err, "--people「")) << r.err;
  EXPECT_TRUE(Has(r.err, "の値「many」を読めません。整数")) << r.err;
}

TEST(CliMessages, VersionPrintsTheProjectVersion) {
  auto r = Mamori({"--version"});
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, std::string("mamori ") + MAMORI_VERSION + "\n");
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(CliMessages, HelpIsInJapaneseAndExitsZero) {
  auto r = Mamori({"init", "--help"});
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "使い方: mamori init [オプション]")) << r.out;
  EXPECT_TRUE(Has(r.out, "--pack 文字列 必須")) << r.out;
  EXPECT_FALSE(Has(r.out, "Options:")) << r.out;
}

}  // namespace
