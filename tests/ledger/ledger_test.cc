// The stored evidence log: atomic with what it records, tamper evident down to
// the entry, proofs from the kept nodes equal to proofs over all leaves,
// exports an auditor verifies with the public key alone, archiving that
// loses nothing, and a log that survives SIGKILL mid-append.
#include <gtest/gtest.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "ledger/ledger.h"
#include "registry/binding.h"
#include "registry/registry.h"
#include "common/raw_sql.h"
#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;
using namespace mamori;
using test_util::ReadFileBytes;
using test_util::RunMamori;
using test_util::Sql;
using test_util::ScratchDir;

const std::string kYasuda = std::string(MAMORI_PACKS_DIR) + "/yasuda";


registry::Table People(int n, int first = 0) {
  registry::Table t;
  t.header = {"id", "name", "unit", "category"};
  for (int i = first; i < first + n; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "9%05d", i);
    t.rows.push_back({id, "職員" + std::to_string(i), "U01", "staff"});
  }
  return t;
}

struct Fixture {
  fs::path dir, db;
  registry::Bound b;
  explicit Fixture(const std::string& prefix = "mamori_ledger") : dir(ScratchDir(prefix)), db(dir / "t.db") {
    b = registry::Init(db.string(), kYasuda, "test");
    registry::Registry reg(*b.store, b.pack);
    registry::Table units;
    units.header = {"id", "name", "kind", "parent"};
    units.rows = {{"U01", "総務課", "課", ""}};
    auto sum = reg.Import(*registry::FindKind(reg.kinds(), "units"), units, {});
    EXPECT_TRUE(sum.errors.empty());
  }
  // Appends `n` decision-like entries in batches of `batch`, one head each.
  void Decisions(int n, int batch = 10) {
    for (int i = 0; i < n;) {
      store::Transaction tx(*b.store);
      for (int k = 0; k < batch && i < n; ++k, ++i)
        b.ledger->Append("decision", {{"request", {{"subject", "000100"}, {"n", i}}}, {"effect", "permit"}}, "test",
                         "2026-04-01T09:00:00+09:00");
      tx.Commit();
    }
  }
  ledger::PublicKey Key() { return ledger::PublicKeyOf(ledger::KeyPathFor(db.string())); }
  ledger::Report Verify() { return b.ledger->Verify(Key()); }
  // Closes the store so the file holds everything (WAL checkpointed).
  void Close() { b = registry::Bound{}; }
  ledger::Report Reopen() {
    auto s = store::OpenSqlite(db.string(), false);
    ledger::Ledger l(*s, ledger::KeyPathFor(db.string()));
    return l.Verify(Key());
  }
  // Closes the store, runs `sql` on the file as someone with access to it
  // would, and verifies afresh.
  ledger::Report Tamper(const std::string& sql) {
    Close();
    Sql(db, sql);
    return Reopen();
  }
};

long long FirstSeq(const ledger::Report& r) {
  for (const auto& p : r.problems)
    if (p.seq >= 0) return p.seq;
  return -1;
}

std::string Codes(const ledger::Report& r) {
  std::string s;
  for (const auto& p : r.problems) s += p.code + " " + p.message + "\n";
  return s;
}

TEST(Ledger, InitRecordsThePackAndSignsAHead) {
  Fixture f;
  auto r = f.Verify();
  EXPECT_TRUE(r.ok()) << Codes(r);
  // init (pack_versions) and the one unit: two entries, each commit one head.
  EXPECT_EQ(r.entries, 2);
  EXPECT_EQ(r.heads, 2);
  auto p = f.b.ledger->ProveInclusion(0);
  ASSERT_TRUE(p.entry);
  auto e = nlohmann::json::parse(*p.entry);
  EXPECT_EQ(e["kind"], "pack");
  EXPECT_EQ(e["data"]["register"], "pack_versions");
  EXPECT_EQ(e["data"]["command"], "init");
  EXPECT_EQ(e["seq"], 0);
  auto u = nlohmann::json::parse(*f.b.ledger->ProveInclusion(1).entry);
  EXPECT_EQ(u["kind"], "register");
  EXPECT_EQ(u["data"]["after"]["name"], "総務課");
  EXPECT_TRUE(u["data"]["before"].is_null());
}

TEST(Ledger, KeyIsOwnerOnlyAndNeverReplaced) {
  Fixture f;
  struct stat st {};
  ASSERT_EQ(::stat(ledger::KeyPathFor(f.db.string()).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(f.b.store->GetMeta("ledger_pubkey"), "ed25519:" + ledger::KeyHex(f.Key()));
  // A key left beside a deleted database is not reused silently.
  f.Close();
  fs::remove(f.db);
  try {
    registry::Init(f.db.string(), kYasuda, "test");
    FAIL() << "init over a stale key";
  } catch (const store::Error& e) {
    EXPECT_EQ(e.code(), "E-REG-005");
  }
  EXPECT_FALSE(fs::exists(f.db));
}

TEST(Ledger, ImportAndItsEntriesCommitTogether) {
  Fixture f;
  registry::Registry reg(*f.b.store, f.b.pack);
  const auto& people = *registry::FindKind(reg.kinds(), "people");
  const long long before = static_cast<long long>(f.b.ledger->size());
  // Fails in the middle: the rows and their entries both vanish.
  try {
    store::Transaction tx(*f.b.store);
    registry::ImportOptions o;
    o.own_transaction = false;
    reg.Import(people, People(1000), o);
    throw std::runtime_error("abort after 1000 rows");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(f.b.store->Count("people"), 0);
  EXPECT_EQ(static_cast<long long>(f.b.ledger->size()), before);
  EXPECT_EQ(f.b.store->LogSize(), before);
  // The same import committed: 1,000 rows, 1,000 entries, one new head.
  auto sum = reg.Import(people, People(1000), {});
  ASSERT_TRUE(sum.errors.empty());
  EXPECT_EQ(f.b.store->Count("people"), 1000);
  EXPECT_EQ(f.b.store->LogSize(), before + 1000);
  auto head = f.b.ledger->Head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, static_cast<std::uint64_t>(before + 1000));
  auto r = f.Verify();
  EXPECT_TRUE(r.ok()) << Codes(r);
  EXPECT_EQ(r.heads, 3);
}

// Canonical JSON cannot carry ill-formed UTF-8: the caller gets a coded,
// Japanese refusal (decide turns it into an error line), not a crash, and
// the log is as it was.
TEST(Ledger, UnwritableValueIsRefusedWithACodeAndNothingAppended) {
  Fixture f;
  const auto before = f.b.ledger->size();
  store::Transaction tx(*f.b.store);
  for (const auto& [data, actor] : std::vector<std::pair<nlohmann::json, std::string>>{
           {{{"subject", std::string("\xff")}}, "test"}, {{{"subject", "000100"}}, std::string("\xc3")}}) {
    try {
      f.b.ledger->Append("decision", data, actor, "2026-04-01T09:00:00+09:00");
      ADD_FAILURE() << "appended " << data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const store::Error& e) {
      EXPECT_EQ(e.code(), "E-LEDGER-024");
      EXPECT_NE(std::string(e.what()).find("判定を証跡に記録できません"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(f.b.ledger->size(), before);
  tx.Commit();
  EXPECT_TRUE(f.Verify().ok());
}

TEST(Ledger, ChangeOutsideATransactionIsRefused) {
  Fixture f;
  try {
    f.b.store->Apply({"people", "1", std::nullopt, "{}"}, "a", store::NowJst(), "t");
    FAIL() << "applied without a transaction";
  } catch (const store::Error& e) {
    EXPECT_EQ(e.code(), "E-STORE-006");
  }
  EXPECT_EQ(f.b.store->Count("people"), 0);
}

TEST(Ledger, RollbackResetsTheTreeToTheLastCommit) {
  Fixture f;
  f.Decisions(37, 37);
  {
    store::Transaction tx(*f.b.store);
    f.b.ledger->Append("decision", {{"x", 1}}, "t", store::NowJst());
    f.b.ledger->Append("decision", {{"x", 2}}, "t", store::NowJst());
  }  // rolled back
  EXPECT_EQ(f.b.ledger->size(), 39u);
  f.Decisions(40, 7);
  auto r = f.Verify();
  EXPECT_TRUE(r.ok()) << Codes(r);
  EXPECT_EQ(r.entries, 79);
}

TEST(Ledger, StoredProofsEqualProofsOverAllLeaves) {
  Fixture f;
  f.Decisions(298, 50);  // 300 entries: levels 0..8, kept nodes from level 4
  const std::uint64_t n = f.b.ledger->size();
  ASSERT_EQ(n, 300u);
  std::vector<ledger::Hash> leaves;
  f.b.store->LogScan(0, [&](const store::LogRow& r) {
    leaves.push_back(ledger::LeafHash(*r.entry));
    return true;
  });
  auto all = ledger::Over(leaves);
  for (std::uint64_t size : {1u, 2u, 15u, 16u, 17u, 31u, 32u, 33u, 100u, 255u, 256u, 257u, 300u}) {
    EXPECT_EQ(f.b.ledger->Subtree(0, size), ledger::RootOf(std::span(leaves).first(size))) << size;
    for (std::uint64_t seq : {std::uint64_t{0}, size / 2, size - 1}) {
      auto p = f.b.ledger->ProveInclusion(seq, size);
      EXPECT_EQ(p.path, ledger::InclusionProof(seq, size, all)) << seq << "/" << size;
      EXPECT_TRUE(ledger::VerifyInclusion(seq, size, p.leaf, p.path, p.root));
    }
    if (size < n) {
      auto c = f.b.ledger->ProveConsistency(size, n);
      EXPECT_EQ(c.proof, ledger::ConsistencyProof(size, n, all)) << size;
      EXPECT_TRUE(ledger::VerifyConsistency(size, n, c.from_root, c.to_root, c.proof));
    }
  }
  // The latest head's root is the root of everything.
  EXPECT_EQ(f.b.ledger->Head()->root, ledger::RootOf(leaves));
}

TEST(Ledger, ProofsRefuseWhatIsNotThere) {
  Fixture f;
  try {
    f.b.ledger->ProveInclusion(2);
    FAIL();
  } catch (const store::Error& e) {
    EXPECT_EQ(e.code(), "E-LEDGER-014");
  }
  try {
    f.b.ledger->ProveConsistency(0, 2);
    FAIL();
  } catch (const store::Error& e) {
    EXPECT_EQ(e.code(), "E-LEDGER-015");
  }
  try {
    f.b.ledger->ProveInclusion(0, 99);
    FAIL();
  } catch (const store::Error& e) {
    EXPECT_EQ(e.code(), "E-LEDGER-013");
  }
}

// --- Tampering, each named.

TEST(Tamper, OneByteOfOneEntryInTheFile) {
  Fixture f;
  f.Decisions(60);
  f.Close();
  // Entry #41 ends with ,"seq":41}; its "effect" value sits just before.
  std::string bytes = ReadFileBytes(f.db);
  const std::string tail = "\"kind\":\"decision\",\"seq\":41}";
  std::size_t at = bytes.find(tail);
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(bytes.find(tail, at + 1), std::string::npos);
  ASSERT_EQ(bytes[at + 8], 'd');
  bytes[at + 8] = 'D';  // "decision" -> "Decision"
  std::ofstream(f.db, std::ios::binary | std::ios::trunc) << bytes;
  auto r = f.Reopen();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problems[0].code, "E-LEDGER-101") << Codes(r);
  EXPECT_EQ(r.problems[0].seq, 41);
  EXPECT_NE(r.problems[0].message.find("#41"), std::string::npos);
}

TEST(Tamper, EntryAndItsLeafRewrittenTogether) {
  Fixture f;
  f.Decisions(60);
  // Someone who also recomputes the leaf hash: only the signed heads catch it,
  // and they name the commit the entry belongs to.
  std::string forged = R"({"actor":"test","at":"2026-04-01T09:00:00+09:00","data":{"effect":"deny"},"kind":"decision","seq":25})";
  auto leaf = ledger::Hex(ledger::LeafHash(forged));
  auto r = f.Tamper("UPDATE ledger SET entry = '" + forged + "', leaf = X'" + leaf + "' WHERE seq = 25");
  ASSERT_FALSE(r.ok());
  // The kept nodes above it disagree too, each naming a range around #25.
  int heads_named = 0;
  for (const auto& p : r.problems) {
    if (p.code == "E-LEDGER-110") {
      EXPECT_LE(p.from, 25);
      EXPECT_GT(p.to, 25);
    }
  }
  bool named = false;
  for (const auto& p : r.problems) {
    if (p.code == "E-LEDGER-107") {
      ++heads_named;
      EXPECT_LE(p.from, 25);
      EXPECT_GT(p.to, 25);
      EXPECT_LE(p.to - p.from, 10);  // one batch of ten
      named = true;
    }
  }
  EXPECT_TRUE(named) << Codes(r);
  EXPECT_EQ(heads_named, 1) << Codes(r);  // later heads repeat the same fault: not reported
}

TEST(Tamper, EntryDeleted) {
  Fixture f;
  f.Decisions(30);
  auto r = f.Tamper("DELETE FROM ledger WHERE seq = 17");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problems[0].code, "E-LEDGER-102") << Codes(r);
  EXPECT_EQ(r.problems[0].seq, 17);
}

TEST(Tamper, LastEntriesDeleted) {
  Fixture f;
  f.Decisions(30);
  auto r = f.Tamper("DELETE FROM ledger WHERE seq >= 29");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FirstSeq(r), 29) << Codes(r);
  EXPECT_EQ(r.problems.back().code, "E-LEDGER-102");
}

TEST(Tamper, TwoEntriesSwapped) {
  Fixture f;
  f.Decisions(30);
  // Whole rows swapped, leaves included: each still matches its own leaf.
  auto r = f.Tamper(
      "UPDATE ledger SET seq = -1 WHERE seq = 11; UPDATE ledger SET seq = 11 WHERE seq = 12;"
      "UPDATE ledger SET seq = 12 WHERE seq = -1;");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problems[0].code, "E-LEDGER-103") << Codes(r);
  EXPECT_EQ(r.problems[0].seq, 11);
  bool twelve = false;
  for (const auto& p : r.problems) twelve = twelve || (p.code == "E-LEDGER-103" && p.seq == 12);
  EXPECT_TRUE(twelve) << Codes(r);
}

TEST(Tamper, HeadResignedWithAnotherKey) {
  Fixture f;
  f.Decisions(30);
  auto head = *f.b.ledger->Head();
  // A forger with their own key signs the genuine head.
  ASSERT_GE(sodium_init(), 0);
  unsigned char pk[32], sk[64];
  crypto_sign_keypair(pk, sk);
  auto msg = ledger::SignedBytes(head);
  unsigned char sig[64];
  crypto_sign_detached(sig, nullptr, msg.data(), msg.size(), sk);
  char hex[129];
  sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
  auto r = f.Tamper("UPDATE tree_heads SET signature = X'" + std::string(hex) + "' WHERE size = " +
                    std::to_string(head.size));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.problems.size(), 1u) << Codes(r);
  EXPECT_EQ(r.problems[0].code, "E-LEDGER-105");
  EXPECT_EQ(r.problems[0].to, static_cast<long long>(head.size));
  EXPECT_NE(r.problems[0].message.find(std::to_string(head.size) + " 件"), std::string::npos);
}

TEST(Tamper, KeptNodeChanged) {
  Fixture f;
  f.Decisions(40);
  // Proofs are built from kept nodes; a changed one is found too.
  auto r = f.Tamper("UPDATE ledger_nodes SET hash = zeroblob(32) WHERE key = (4 << 56) | 1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problems[0].code, "E-LEDGER-110") << Codes(r);
  EXPECT_EQ(r.problems[0].from, 16);
  EXPECT_EQ(r.problems[0].to, 32);
}

// Verification hashes in batches on a second thread: a log longer than
// several batches, with faults past the first, is checked in order.
TEST(Tamper, FaultsBeyondTheFirstBatchesAreNamedInOrder) {
  Fixture f;
  f.Decisions(12000, 1000);
  {
    auto r = f.Verify();
    EXPECT_TRUE(r.ok()) << Codes(r);
    EXPECT_EQ(r.entries, 12002);
    EXPECT_EQ(r.heads, 14);
  }
  auto r = f.Tamper(
      "UPDATE ledger SET entry = replace(entry, '\"effect\":\"permit\"', '\"effect\":\"deny\"') WHERE seq = 5000;"
      "DELETE FROM ledger WHERE seq = 9001;");
  ASSERT_GE(r.problems.size(), 3u) << Codes(r);
  EXPECT_EQ(r.problems[0].code, "E-LEDGER-101");
  EXPECT_EQ(r.problems[0].seq, 5000);
  EXPECT_EQ(r.problems[1].code, "E-LEDGER-107");  // the head of the batch holding #5000
  EXPECT_EQ(r.problems[1].from, 4002);
  EXPECT_EQ(r.problems[1].to, 5002);
  EXPECT_EQ(r.problems.back().code, "E-LEDGER-102");
  EXPECT_EQ(r.problems.back().seq, 9001);
}

TEST(Tamper, UntouchedLogVerifiesAfterReopen) {
  Fixture f;
  f.Decisions(100, 33);
  f.Close();
  auto r = f.Reopen();
  EXPECT_TRUE(r.ok()) << Codes(r);
  EXPECT_EQ(r.entries, 102);
}

// --- Export: the auditor's copy.

TEST(Export, VerifiesWithThePublicKeyAloneAndFailsAfterOneByte) {
  Fixture f;
  f.Decisions(50);
  std::stringstream ex;
  f.b.ledger->Export(ex);
  const std::string text = ex.str();
  {
    std::istringstream in(text);
    auto r = ledger::VerifyExport(in, f.Key());
    EXPECT_TRUE(r.ok()) << Codes(r);
    EXPECT_EQ(r.entries, 52);
  }
  // One byte of entry #30's body.
  std::string bad = text;
  std::size_t at = bad.find("{\"n\":28,");  // request n = 28 is entry #30
  ASSERT_NE(at, std::string::npos);
  bad[at + 6] = '9';
  {
    std::istringstream in(bad);
    auto r = ledger::VerifyExport(in, f.Key());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.problems[0].code, "E-LEDGER-101") << Codes(r);
    EXPECT_EQ(r.problems[0].seq, 30);
  }
  // Another key: every head fails.
  {
    ledger::PublicKey other{};
    other[0] = 1;
    std::istringstream in(text);
    auto r = ledger::VerifyExport(in, other);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.problems[0].code, "E-LEDGER-105");
  }
  // Not an export at all.
  {
    std::istringstream in("hello\n");
    auto r = ledger::VerifyExport(in, f.Key());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.problems[0].code, "E-LEDGER-201");
  }
  // The last entry cut out of the copy: the last head names what is missing.
  // (A copy cut just after a head is a shorter log, and verifies as one.)
  {
    std::size_t last = text.rfind("\nE ") + 1;
    std::string cut = text.substr(0, last) + text.substr(text.find('\n', last) + 1);
    std::istringstream in(cut);
    auto r = ledger::VerifyExport(in, f.Key());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.problems.back().code, "E-LEDGER-102") << Codes(r);
  }
}

// The reader takes the exact format and nothing else: each deviation is an
// E-LEDGER-201 naming its line, and a copy cut after a head says it is a
// prefix (and up to which head) instead of passing as the whole log.
TEST(Export, TheReaderIsStrictAndAPrefixSaysSo) {
  Fixture f;
  f.Decisions(20);
  std::stringstream ex;
  f.b.ledger->Export(ex);
  const std::string text = ex.str();
  ASSERT_EQ(text.rfind("END ", text.size() - 1) != std::string::npos, true);
  auto verify = [&](const std::string& t) {
    std::istringstream in(t);
    return ledger::VerifyExport(in, f.Key());
  };
  {
    auto r = verify(text);
    EXPECT_TRUE(r.ok()) << Codes(r);
    EXPECT_TRUE(r.export_ended);
  }
  auto line_of = [&](std::size_t pos) { return 1 + std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'); };
  const std::size_t e5 = text.find("\nE 5 ") + 1, h1 = text.find("\nH ") + 1;
  struct Case {
    std::string name, text;
    long long line;
  };
  std::vector<Case> cases = {
      {"blank line", text.substr(0, e5) + "\n" + text.substr(e5), line_of(e5) },
      {"leading zero", text.substr(0, e5) + "E 05 " + text.substr(e5 + 4), line_of(e5)},
      {"extra token after a head", text.substr(0, text.find('\n', h1)) + " extra" + text.substr(text.find('\n', h1)), line_of(h1)},
      {"a line after END", text + "E 99 00\n", line_of(text.size() - 1) + 1},
      {"END that does not match", text.substr(0, text.rfind("END ")) + "END 3 1\n", line_of(text.rfind("END "))},
  };
  for (const auto& c : cases) {
    auto r = verify(c.text);
    ASSERT_FALSE(r.ok()) << c.name;
    bool named = false;
    for (const auto& p : r.problems)
      named |= p.code == "E-LEDGER-201" && p.message.find(std::to_string(c.line) + " 行目") != std::string::npos;
    EXPECT_TRUE(named) << c.name << ": " << Codes(r) << " " << r.problems[0].message;
  }
  // Cut after the head of 12 entries: it verifies, as a prefix, and says so.
  const std::size_t h12 = text.find("\nH 12 ") + 1;
  auto cut = verify(text.substr(0, text.find('\n', h12) + 1));
  EXPECT_TRUE(cut.ok()) << Codes(cut);
  EXPECT_FALSE(cut.export_ended);
  ASSERT_TRUE(cut.latest.has_value());
  EXPECT_EQ(cut.latest->size, 12u);
}

TEST(Export, StopsOnlyAtASignedHead) {
  Fixture f;
  f.Decisions(20);
  std::stringstream ex;
  try {
    f.b.ledger->Export(ex, 5);
    FAIL();
  } catch (const store::Error& e) {
    EXPECT_EQ(e.code(), "E-LEDGER-018");
  }
  f.b.ledger->Export(ex, 12);  // heads at 1, 2, 12, 22
  std::istringstream in(ex.str());
  auto r = ledger::VerifyExport(in, f.Key());
  EXPECT_TRUE(r.ok()) << Codes(r);
  EXPECT_EQ(r.entries, 12);
}

// --- Archiving.

TEST(Archive, MovesOldBodiesOutAndKeepsTheTreeVerifiable) {
  Fixture f;
  f.Decisions(20);
  // A cut-off between the heads at 22 and 32: the archive compares signed
  // times to the second, so the last head is signed a second later.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  f.Decisions(10);
  auto heads = f.b.store->TreeHeads();
  ASSERT_EQ(heads.size(), 5u);  // 1, 2, 12, 22, 32
  const std::string cutoff = store::JstOf(heads.back().timestamp_ms);
  const fs::path archive = f.dir / "archive.txt";
  auto a = f.b.ledger->Archive(archive.string(), cutoff, f.Key(), "test", {});
  EXPECT_EQ(a.upto, 22u);
  EXPECT_EQ(a.dropped, 22u);
  // The archive verifies alone; the database still verifies, bodies or not.
  {
    std::ifstream in(archive, std::ios::binary);
    auto r = ledger::VerifyExport(in, f.Key());
    EXPECT_TRUE(r.ok()) << Codes(r);
    EXPECT_EQ(r.entries, 22);
  }
  auto r = f.Verify();
  EXPECT_TRUE(r.ok()) << Codes(r);
  EXPECT_EQ(r.archived, 22);
  EXPECT_EQ(r.entries, 33);  // the archive itself is recorded
  auto last = nlohmann::json::parse(*f.b.ledger->ProveInclusion(32).entry);
  EXPECT_EQ(last["kind"], "ledger");
  EXPECT_EQ(last["data"]["upto"], 22);
  EXPECT_EQ(last["data"]["sha256"], a.file_sha256);
  // An archived entry still has its inclusion proof.
  auto p = f.b.ledger->ProveInclusion(3);
  EXPECT_FALSE(p.entry);
  EXPECT_TRUE(ledger::VerifyInclusion(3, p.size, p.leaf, p.path, p.root));
  // A full export now carries leaves for the archived part and still verifies.
  std::stringstream ex;
  f.b.ledger->Export(ex);
  std::istringstream in(ex.str());
  auto full = ledger::VerifyExport(in, f.Key());
  EXPECT_TRUE(full.ok()) << Codes(full);
  EXPECT_EQ(full.archived, 22);
  // Running again archives nothing more.
  auto again = f.b.ledger->Archive((f.dir / "again.txt").string(), cutoff, f.Key(), "test", {});
  EXPECT_EQ(again.dropped, 0u);
}

TEST(Archive, RefusesWhenTheArchiveDoesNotVerify) {
  Fixture f;
  f.Decisions(10);
  ledger::PublicKey wrong{};
  const auto before = f.b.store->LogSize();
  try {
    f.b.ledger->Archive((f.dir / "a.txt").string(), "2999-01-01T00:00:00+09:00", wrong, "test", {});
    FAIL();
  } catch (const store::Error& e) {
    EXPECT_EQ(e.code(), "E-LEDGER-017");
  }
  auto r = f.Verify();
  EXPECT_TRUE(r.ok()) << Codes(r);
  EXPECT_EQ(r.archived, 0);
  EXPECT_EQ(f.b.store->LogSize(), before);
}

// --- SIGKILL during batched appends.

TEST(Crash, KilledDuringBatchedAppendsLeavesAVerifyingLog) {
  Fixture f;
  f.Close();
  const std::string db = f.db.string();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // The child appends forever in batches of 100; it owns its own connection.
    auto b = registry::Open(db);
    for (long i = 0;; ++i) {
      store::Transaction tx(*b.store);
      for (int k = 0; k < 100; ++k) b.ledger->Append("decision", {{"i", i}, {"k", k}}, "child", store::NowJst());
      tx.Commit();
    }
  }
  // Wait until a few batches are in, then kill it mid-batch.
  for (int tries = 0; tries < 600; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto s = store::OpenSqlite(db, false);
    if (s->LogSize() >= 2000) break;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  auto r = f.Reopen();
  EXPECT_TRUE(r.ok()) << Codes(r);
  EXPECT_GE(r.entries, 2000);
  EXPECT_EQ((r.entries - 2) % 100, 0);  // only whole batches
  EXPECT_EQ(static_cast<long long>(r.latest->size), r.entries);
}

// --- The command line.

TEST(Cli, RecordVerifyTamperAndAuditorCopy) {
  auto dir = ScratchDir("mamori_ledger_cli");
  const std::string db = (dir / "c.db").string();
  ASSERT_EQ(RunMamori({"init", "--pack", kYasuda, "--db", db}, dir).status, 0);
  ASSERT_EQ(RunMamori({"sample", "--db", db, "--people", "120", "--assets", "10"}, dir).status, 0);
  std::ofstream(dir / "req.json")
      << R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"2026-04-01"}})";
  auto d = RunMamori({"decide", "--db", db, "--record", (dir / "req.json").string()}, dir);
  ASSERT_EQ(d.status, 0) << d.err;
  auto h = RunMamori({"ledger", "head", "--db", db, "--json"}, dir);
  ASSERT_EQ(h.status, 0) << h.err;
  auto head = nlohmann::json::parse(h.out);
  EXPECT_EQ(head["signature_valid"], true);
  const long long size = head["size"];
  const std::string last = std::to_string(size - 1);
  auto p = RunMamori({"ledger", "prove", "--db", db, "--entry", last, "--json"}, dir);
  ASSERT_EQ(p.status, 0) << p.err;
  auto proof = nlohmann::json::parse(p.out);
  EXPECT_EQ(proof["verified"], true);
  auto entry = nlohmann::json::parse(proof["entry_json"].get<std::string>());
  EXPECT_EQ(entry["kind"], "decision");
  EXPECT_EQ(entry["data"]["request"]["subject"], "000100");
  EXPECT_EQ(entry["data"]["decision"]["effect"], "approval_required");
  auto c = RunMamori({"ledger", "consistency", "--db", db, "--from", "1", "--json"}, dir);
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_EQ(nlohmann::json::parse(c.out)["verified"], true);

  const std::string pub = (dir / "pub.txt").string(), ex = (dir / "ex.txt").string();
  ASSERT_EQ(RunMamori({"ledger", "pubkey", "--db", db, "--out", pub}, dir).status, 0);
  ASSERT_EQ(RunMamori({"ledger", "export", "--db", db, "--out", ex}, dir).status, 0);
  // The auditor's machine: the export and the public key, no database.
  auto ok = RunMamori({"ledger", "verify", "--export", ex, "--pubkey", pub}, dir);
  EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("検証: OK"), std::string::npos);
  std::string copy = ReadFileBytes(ex);
  std::size_t at = copy.find("approval_required");
  ASSERT_NE(at, std::string::npos);
  copy[at] = 'A';
  std::ofstream(ex, std::ios::binary | std::ios::trunc) << copy;
  auto bad = RunMamori({"ledger", "verify", "--export", ex, "--pubkey", pub}, dir);
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.out.find("E-LEDGER-101"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("#" + last + " "), std::string::npos) << bad.out;
  // Missing public key for an export: a usage error naming the fix.
  auto nokey = RunMamori({"ledger", "verify", "--export", ex}, dir);
  EXPECT_EQ(nokey.status, 2);
  EXPECT_NE(nokey.err.find("E-LEDGER-022"), std::string::npos);
  auto live = RunMamori({"ledger", "verify", "--db", db}, dir);
  EXPECT_EQ(live.status, 0) << live.out << live.err;
}

TEST(Cli, ArchiveKeepsEverythingWhileRetentionIsUnset) {
  auto dir = ScratchDir("mamori_ledger_cli");
  const std::string db = (dir / "c.db").string();
  ASSERT_EQ(RunMamori({"init", "--pack", kYasuda, "--db", db}, dir).status, 0);
  auto a = RunMamori({"ledger", "archive", "--db", db, "--out", (dir / "a.txt").string()}, dir);
  EXPECT_EQ(a.status, 0) << a.err;
  EXPECT_NE(a.out.find("未設定"), std::string::npos) << a.out;
  EXPECT_FALSE(fs::exists(dir / "a.txt"));
}

}  // namespace
