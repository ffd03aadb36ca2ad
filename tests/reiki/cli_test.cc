// The `mamori reiki parse` command line, run as the real binary.
//
// Users meet the reader through the CLI, so bad input is checked end to end:
// every refusal must exit with status 2, say in Japanese what went wrong with a
// stable code on stderr, and never die by a signal (a crash under the tests'
// sanitizers would show up as one).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <iconv.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cli_util.h"
#include "common/cp932.h"

namespace {

namespace fs = std::filesystem;

const char* const kSeed000 = MAMORI_SEEDS_DIR "/000_a8706ca1f599c390.txt";
const char* const kSeed004 = MAMORI_SEEDS_DIR "/004_4446990c548b3efd.txt";

using Result = mamori::test_util::CliResult;
using mamori::test_util::ReadFileBytes;

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  ASSERT_TRUE(out.good()) << path;
}

// A fresh directory per test, so that tests can run in parallel under ctest.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = mamori::test_util::ScratchDir("mamori_cli_test"); }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Path(const std::string& name) const { return dir_ / name; }

  Result Run(const std::vector<std::string>& args) { return mamori::test_util::RunMamori(args, dir_); }

  // The shared expectation for every refusal.
  void ExpectRefused(const Result& r, const std::string& code) {
    ASSERT_TRUE(r.exited) << "killed by signal " << r.signal << "\nstderr:\n" << r.err;
    EXPECT_EQ(r.status, 2) << "stderr:\n" << r.err;
    EXPECT_NE(r.err.find(code), std::string::npos) << "expected " << code << " in stderr:\n" << r.err;
    EXPECT_TRUE(HasJapanese(r.err)) << "message is not Japanese:\n" << r.err;
  }

  // Hiragana, katakana or CJK ideographs in UTF-8 all start with 0xE3..0xE9.
  static bool HasJapanese(const std::string& s) {
    for (unsigned char c : s) {
      if (c >= 0xE3 && c <= 0xE9) return true;
    }
    return false;
  }

  fs::path dir_;
};

using mamori::test_util::ToCp932;

// The "件数: …" lines of an outline: what the demo shows of a parse.
std::vector<std::string> CountLines(const std::string& outline) {
  std::vector<std::string> lines;
  std::istringstream in(outline);
  for (std::string line; std::getline(in, line);) {
    if (line.find("件数") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

TEST_F(CliTest, EmptyFileIsRefused) {
  WriteFile(Path("empty.txt"), "");
  ExpectRefused(Run({"reiki", "parse", Path("empty.txt")}), "E-REIKI-001");
}

TEST_F(CliTest, WhitespaceOnlyFileIsRefusedAsEmpty) {
  WriteFile(Path("blank.txt"), " \t\n  \r\n\t\t\n\n");
  ExpectRefused(Run({"reiki", "parse", Path("blank.txt")}), "E-REIKI-001");
}

TEST_F(CliTest, FullWidthSpaceOnlyFileIsRefused) {
  // Full-width spaces (U+3000) are what a Japanese editor leaves in an
  // "empty" document. Refused either way; ideally as empty (E-REIKI-001), but
  // Decode's emptiness check looks at ASCII whitespace only, so today the
  // parser reports it as having no article (E-REIKI-004).
  WriteFile(Path("zenkaku.txt"), "\u3000\u3000\n\u3000\r\n \n");
  Result r = Run({"reiki", "parse", Path("zenkaku.txt")});
  ExpectRefused(r, "E-REIKI-");
  EXPECT_TRUE(r.err.find("E-REIKI-001") != std::string::npos ||
              r.err.find("E-REIKI-004") != std::string::npos)
      << r.err;
}

TEST_F(CliTest, BinaryFileIsRefused) {
  std::mt19937 rng(20260401);  // fixed seed: the same bytes on every run
  std::string bytes(4096, '\0');
  for (auto& b : bytes) b = static_cast<char>(rng() & 0xFF);
  bytes[10] = '\0';  // at least one NUL whatever the generator gives
  WriteFile(Path("random.bin"), bytes);
  ExpectRefused(Run({"reiki", "parse", Path("random.bin")}), "E-REIKI-002");
}

TEST_F(CliTest, TextWithoutArticlesIsRefused) {
  WriteFile(Path("memo.txt"),
            "庁内連絡\n\n来週の会議は午後2時から第3会議室で行います。\n資料は各自ご持参ください。\n");
  ExpectRefused(Run({"reiki", "parse", Path("memo.txt")}), "E-REIKI-004");
}

TEST_F(CliTest, FileOverFourMebibytesIsRefused) {
  // Valid text that would parse if it were smaller: only the size is wrong.
  std::string text = "第1条　この規程は、情報セキュリティについて定める。\n";
  std::string big;
  big.reserve(5u << 20);
  while (big.size() < (5u << 20)) big += text;
  WriteFile(Path("big.txt"), big);
  ExpectRefused(Run({"reiki", "parse", Path("big.txt")}), "E-REIKI-005");
}

TEST_F(CliTest, MissingFileIsRefused) {
  ExpectRefused(Run({"reiki", "parse", Path("no-such-file.txt")}), "E-REIKI-006");
}

TEST_F(CliTest, UnknownFormatIsRefused) {
  Result r = Run({"reiki", "parse", "--format", "pdf", kSeed000});
  ExpectRefused(r, "E-CLI-001");
  EXPECT_TRUE(r.out.empty()) << "nothing is parsed when the command line is wrong";
}

TEST_F(CliTest, Cp932FileReadsLikeItsUtf8Original) {
  const std::string utf8 = ReadFileBytes(kSeed004);
  ASSERT_FALSE(utf8.empty()) << kSeed004;
  WriteFile(Path("004_cp932.txt"), ToCp932(utf8));

  Result original = Run({"reiki", "parse", "--format", "outline", kSeed004});
  ASSERT_TRUE(original.exited);
  ASSERT_EQ(original.status, 0) << original.err;

  Result cp932 = Run({"reiki", "parse", "--format", "outline", Path("004_cp932.txt")});
  ASSERT_TRUE(cp932.exited) << "killed by signal " << cp932.signal;
  EXPECT_EQ(cp932.status, 0) << cp932.err;
  EXPECT_NE(cp932.err.find("I-REIKI-101"), std::string::npos) << cp932.err;
  EXPECT_EQ(original.err.find("I-REIKI-101"), std::string::npos) << "UTF-8 needs no notice";

  auto counts = CountLines(cp932.out);
  ASSERT_FALSE(counts.empty()) << "no 件数 line in:\n" << cp932.out;
  EXPECT_EQ(counts, CountLines(original.out));
}

TEST_F(CliTest, JsonOutputOfSeed000IsValidJson) {
  Result r = Run({"reiki", "parse", "--format", "json", kSeed000});
  ASSERT_TRUE(r.exited) << "killed by signal " << r.signal;
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.out.substr(0, 500);
  EXPECT_TRUE(j.is_object());
}

}  // namespace
