// The auditor's defence against an insider who holds the signing key. Such an
// insider can rebuild the log from any earlier copy of the database and sign
// it again: it then verifies on its own, with the same public key. What gives
// it away is a head the auditor kept — `ledger head` saved as text or JSON,
// an earlier export, or the witness file — which the rebuilt log no longer
// extends. The rebuild is made here exactly as the insider would: from a
// copy of the store taken before the decision to be changed, with the key.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;
using mamori::test_util::CliResult;
using mamori::test_util::ReadFileBytes;
using mamori::test_util::RunMamori;
using mamori::test_util::ScratchDir;
namespace test_util = mamori::test_util;

const std::string kYasuda = std::string(MAMORI_PACKS_DIR) + "/yasuda";

// 000100 carries C2 between sites of 税務課 (U03): an approval is needed.
// The "permit" one claims a lower level the insider would like recorded.
const char* kTransport =
    R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"2026-04-01"}})";
const char* kOther =
    R"({"subject":"000101","action":"transport","resource":{"confidentiality":"C1","owner_unit":"U03"},"context":{"date":"2026-04-02"}})";

struct Office {
  fs::path dir = ScratchDir("mamori_insider");
  std::string db = (dir / "town.db").string();
  CliResult Run(const std::vector<std::string>& args) { return RunMamori(args, dir); }
  void Record(const std::string& at_db, const char* request) {
    std::ofstream(dir / "req.json") << request;
    auto r = Run({"decide", "--db", at_db, "--record", (dir / "req.json").string()});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  // A consistent copy of the store and its key, as an insider would keep one.
  std::string Copy(const std::string& name) {
    const std::string copy = (dir / name).string();
    sqlite3* h = nullptr;
    EXPECT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(h, ("VACUUM INTO '" + copy + "'").c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(h);
    fs::copy_file(db + ".key", copy + ".key");
    fs::permissions(copy + ".key", fs::perms::owner_read | fs::perms::owner_write);
    return copy;
  }
  // A town, a copy of it as the insider keeps one, then two recorded decisions.
  void TwoDecisionsAfterACopy(std::string& copy) {
    ASSERT_EQ(Run({"init", "--pack", kYasuda, "--db", db}).status, 0);
    ASSERT_EQ(Run({"sample", "--db", db, "--people", "120", "--assets", "10"}).status, 0);
    copy = Copy("before.db");
    Record(db, kTransport);
    Record(db, kOther);
  }
  // The rebuilt copy takes the store's place, key and all.
  void PutInPlace(const std::string& copy) {
    fs::rename(copy, db);
    fs::rename(copy + ".key", db + ".key");
    for (const char* ext : {"-wal", "-shm"}) fs::remove(db + ext);
  }
  std::string Save(const std::string& name, const std::string& text) {
    const fs::path p = dir / name;
    std::ofstream(p) << text;
    return p.string();
  }
};

TEST(Insider, ARewrittenAndResignedDecisionVerifiesAloneButNotAgainstAKeptHead) {
  Office o;
  std::string before;
  ASSERT_NO_FATAL_FAILURE(o.TwoDecisionsAfterACopy(before));
  // The auditor keeps the head (text and JSON), an export and a witness file.
  const std::string head_text = o.Save("head.txt", o.Run({"ledger", "head", "--db", o.db}).out);
  const std::string head_json = o.Save("head.json", o.Run({"ledger", "head", "--db", o.db, "--json"}).out);
  const std::string pub = (o.dir / "pub.txt").string(), ex = (o.dir / "ex.txt").string(), wit = (o.dir / "witness.txt").string();
  ASSERT_EQ(o.Run({"ledger", "pubkey", "--db", o.db, "--out", pub}).status, 0);
  ASSERT_EQ(o.Run({"ledger", "export", "--db", o.db, "--out", ex}).status, 0);
  ASSERT_EQ(o.Run({"ledger", "witness", "--db", o.db, "--out", wit}).status, 0);
  // Before any rewrite, every kept head is extended by the log.
  for (const auto& kept : {head_text, head_json, ex}) {
    auto v = o.Run({"ledger", "verify", "--db", o.db, "--pubkey", pub, "--trusted-head", kept});
    EXPECT_EQ(v.status, 0) << kept << "\n" << v.out << v.err;
  }
  EXPECT_EQ(o.Run({"ledger", "verify", "--db", o.db, "--pubkey", pub, "--witness", wit}).status, 0);
  auto c0 = o.Run({"ledger", "consistency", "--db", o.db, "--trusted-head", head_text});
  EXPECT_EQ(c0.status, 0) << c0.out << c0.err;

  // The insider rebuilds from the copy: the first decision now says the
  // level was C1 (so no approval), the second as before. Same size, re-signed.
  const char* kFlipped =
      R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C1","owner_unit":"U03"},"context":{"date":"2026-04-01"}})";
  o.Record(before, kFlipped);
  o.Record(before, kOther);
  o.PutInPlace(before);

  // Alone, the rebuilt log verifies: that is the attack.
  auto alone = o.Run({"ledger", "verify", "--db", o.db, "--pubkey", pub});
  ASSERT_EQ(alone.status, 0) << alone.out;
  EXPECT_EQ(o.Run({"ledger", "head", "--db", o.db, "--json"}).status, 0);
  // Against anything the auditor kept, it does not.
  for (const auto& kept : {head_text, head_json, ex}) {
    auto v = o.Run({"ledger", "verify", "--db", o.db, "--pubkey", pub, "--trusted-head", kept});
    EXPECT_EQ(v.status, 1) << kept << "\n" << v.out;
    EXPECT_NE(v.out.find("E-LEDGER-121"), std::string::npos) << v.out;
  }
  auto w = o.Run({"ledger", "verify", "--db", o.db, "--pubkey", pub, "--witness", wit});
  EXPECT_EQ(w.status, 1);
  EXPECT_NE(w.out.find("E-LEDGER-121"), std::string::npos) << w.out;
  // The auditor's own copy of the export, checked against the kept head, is fine.
  EXPECT_EQ(o.Run({"ledger", "verify", "--export", ex, "--pubkey", pub, "--trusted-head", head_json}).status, 0);
  // consistency never says OK for a root other than the one it was given.
  auto c = o.Run({"ledger", "consistency", "--db", o.db, "--trusted-head", head_text});
  EXPECT_EQ(c.status, 1);
  EXPECT_EQ(c.out.find("検証: OK"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("一致しません"), std::string::npos) << c.out;
  // And the witness refuses to vouch for the rewritten log.
  auto again = o.Run({"ledger", "witness", "--db", o.db, "--out", wit});
  EXPECT_EQ(again.status, 1) << again.out;
}

TEST(Insider, ADeletedDecisionIsNamedAsAShrinkingLog) {
  Office o;
  std::string before;
  ASSERT_NO_FATAL_FAILURE(o.TwoDecisionsAfterACopy(before));
  const std::string head = o.Save("head.json", o.Run({"ledger", "head", "--db", o.db, "--json"}).out);
  const std::string wit = (o.dir / "witness.txt").string();
  ASSERT_EQ(o.Run({"ledger", "witness", "--db", o.db, "--out", wit}).status, 0);
  // Rebuilt without the first decision: one entry fewer, renumbered, re-signed.
  o.Record(before, kOther);
  o.PutInPlace(before);
  ASSERT_EQ(o.Run({"ledger", "verify", "--db", o.db}).status, 0);

  auto v = o.Run({"ledger", "verify", "--db", o.db, "--trusted-head", head});
  EXPECT_EQ(v.status, 1);
  EXPECT_NE(v.out.find("E-LEDGER-120"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("縮んでいます"), std::string::npos) << v.out;
  auto w = o.Run({"ledger", "verify", "--db", o.db, "--witness", wit});
  EXPECT_EQ(w.status, 1);
  auto c = o.Run({"ledger", "consistency", "--db", o.db, "--trusted-head", head});
  EXPECT_NE(c.status, 0);
  EXPECT_NE(c.err.find("縮んでいます"), std::string::npos) << c.out << c.err;
}

// The time beside a head is signed; the text beside it is not, and an edit
// to that text is an error, never shown as the head's time.
TEST(Insider, AnEditedHeadTimeInAnExportIsCaught) {
  Office o;
  ASSERT_EQ(o.Run({"init", "--pack", kYasuda, "--db", o.db}).status, 0);
  o.Record(o.db, R"({"subject":"x","action":"transport"})");  // an error line is not recorded; the pack entry is
  const std::string pub = (o.dir / "pub.txt").string(), ex = (o.dir / "ex.txt").string();
  ASSERT_EQ(o.Run({"ledger", "pubkey", "--db", o.db, "--out", pub}).status, 0);
  ASSERT_EQ(o.Run({"ledger", "export", "--db", o.db, "--out", ex}).status, 0);
  std::string text = ReadFileBytes(ex);
  const auto h = text.find("\nH ");
  ASSERT_NE(h, std::string::npos);
  const auto at = text.find("+09:00", h);
  ASSERT_NE(at, std::string::npos);
  text.replace(at - 19, 4, "2030");  // the year of the JST text
  std::ofstream(ex, std::ios::trunc) << text;
  auto v = o.Run({"ledger", "verify", "--export", ex, "--pubkey", pub});
  EXPECT_EQ(v.status, 1);
  EXPECT_NE(v.out.find("E-LEDGER-117"), std::string::npos) << v.out;
}

// `import --at` may date a change in the past or future; the time it was
// really recorded is the signed time of the head that covered it, shown beside.
TEST(Insider, ARecordingTimeIsShownBesideAUserSuppliedAt) {
  Office o;
  ASSERT_EQ(o.Run({"init", "--pack", kYasuda, "--db", o.db}).status, 0);
  std::ofstream(o.dir / "units.csv") << "組織コード,名称\nU01,総務課\n";
  auto imp = o.Run({"import", "組織", (o.dir / "units.csv").string(), "--db", o.db, "--at", "2030-01-01"});
  ASSERT_EQ(imp.status, 0) << imp.err;
  auto head = nlohmann::json::parse(o.Run({"ledger", "head", "--db", o.db, "--json"}).out);
  const long long last = head["size"].get<long long>() - 1;
  auto p = o.Run({"ledger", "prove", "--db", o.db, "--entry", std::to_string(last), "--json"});
  ASSERT_EQ(p.status, 0) << p.err;
  auto proof = nlohmann::json::parse(p.out);
  auto entry = nlohmann::json::parse(proof["entry_json"].get<std::string>());
  EXPECT_TRUE(entry["at"].get<std::string>().starts_with("2030-01-01")) << entry.dump();
  ASSERT_TRUE(proof.contains("recorded_at"));
  EXPECT_EQ(proof["recorded_at"], head["at"]);
  EXPECT_FALSE(proof["recorded_at"].get<std::string>().starts_with("2030")) << proof.dump();
  // `show` puts the recording time beside the date the change was given.
  auto show = o.Run({"show", "組織", "U01", "--db", o.db});
  ASSERT_EQ(show.status, 0) << show.err;
  EXPECT_NE(show.out.find("2030-01-01"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("（記録: " + proof["recorded_at"].get<std::string>()), std::string::npos) << show.out;
}

// What the auditor passes in may be anything: a file that is no head, a
// missing file, a witness file that is not one. Each is refused with a code
// and nothing is written.
TEST(Insider, AKeptHeadThatCannotBeReadIsRefusedNotGuessed) {
  Office o;
  ASSERT_EQ(o.Run({"init", "--pack", kYasuda, "--db", o.db}).status, 0);
  const std::string junk = o.Save("junk.txt", "エントリ数: たくさん\n根ハッシュ: abc\n");
  for (const auto& file : {junk, o.Save("empty.txt", ""), (o.dir / "missing.txt").string()}) {
    auto v = o.Run({"ledger", "verify", "--db", o.db, "--trusted-head", file});
    EXPECT_EQ(v.status, 2) << file;
    EXPECT_NE(v.err.find("E-LEDGER-030"), std::string::npos) << file << ": " << v.err;
  }
  const std::string bad_json = o.Save("head.json", R"({"size":-1,"root":"00"})");
  EXPECT_EQ(o.Run({"ledger", "consistency", "--db", o.db, "--trusted-head", bad_json}).status, 2);
  const std::string notes = o.Save("notes.txt", "会議のメモ\n");
  auto w = o.Run({"ledger", "witness", "--db", o.db, "--out", notes});
  EXPECT_EQ(w.status, 2);
  EXPECT_NE(w.err.find("E-LEDGER-031"), std::string::npos) << w.err;
  EXPECT_EQ(test_util::ReadFileBytes(notes), "会議のメモ\n");  // left as it was
}

}  // namespace
