// The registers under the log: a register row, its history, or a pack version
// changed with plain SQL — not through mamori — makes `ledger verify` fail and
// name the register, the id, the column, the logged and the live value. The
// store is the generated sample town, changed as an insider with the file
// (but not the signing key) would.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "ledger/ledger.h"
#include "registry/binding.h"
#include "registry/registry.h"
#include "common/raw_sql.h"
#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;
using namespace mamori;
using test_util::RunMamori;
using test_util::Sql;
using test_util::ScratchDir;

const std::string kYasuda = std::string(MAMORI_PACKS_DIR) + "/yasuda";


// The sample town, made once per test through the CLI as a user would.
struct Town {
  fs::path dir, db;
  Town() : dir(ScratchDir("mamori_registers")), db(dir / "town.db") {
    EXPECT_EQ(RunMamori({"init", "--pack", kYasuda, "--db", db.string()}, dir).status, 0);
    EXPECT_EQ(RunMamori({"sample", "--db", db.string()}, dir).status, 0);
  }
  ledger::Report Verify() {
    auto b = registry::Open(db.string());
    return b.ledger->Verify(ledger::PublicKeyOf(ledger::KeyPathFor(db.string())));
  }
};

const ledger::Problem* Find(const ledger::Report& r, const std::string& code, const std::string& reg,
                            const std::string& id, const std::string& column = "") {
  for (const auto& p : r.problems)
    if (p.code == code && p.reg == reg && p.id == id && (column.empty() || p.column == column)) return &p;
  return nullptr;
}

std::string Codes(const ledger::Report& r) {
  std::string s;
  for (const auto& p : r.problems) s += p.code + " " + p.message + "\n";
  return s;
}

TEST(Registers, AnUntouchedTownVerifies) {
  Town t;
  auto r = t.Verify();
  EXPECT_TRUE(r.ok()) << Codes(r);
}

// The case the issue found: a 会計年度任用職員 (000010) made 税務課長 by SQL.
// `who` answers differently, and verify says exactly what was changed.
TEST(Registers, ALiveRowChangedBySqlIsNamedWithItsColumnAndBothValues) {
  Town t;
  const auto before = RunMamori({"who", "情報セキュリティ責任者", "--unit", "税務課", "--as-of", "2026-04-01", "--db", t.db.string()}, t.dir);
  Sql(t.db, "UPDATE rows SET data = replace(data, '\"person\":\"000022\"', '\"person\":\"000010\"') "
            "WHERE kind = 'post_holders' AND id = 'H00005'");
  const auto after = RunMamori({"who", "情報セキュリティ責任者", "--unit", "税務課", "--as-of", "2026-04-01", "--db", t.db.string()}, t.dir);
  EXPECT_NE(before.out, after.out) << "the change must matter, or this test proves nothing";

  auto r = t.Verify();
  ASSERT_FALSE(r.ok());
  const auto* p = Find(r, "E-LEDGER-116", "post_holders", "H00005", "person");
  ASSERT_NE(p, nullptr) << Codes(r);
  EXPECT_EQ(p->logged, "000022");
  EXPECT_EQ(p->live, "000010");
  EXPECT_EQ(r.problems.size(), 1u) << Codes(r);

  // Through the CLI: exit 1, the register and column as staff call them.
  auto cli = RunMamori({"ledger", "verify", "--db", t.db.string()}, t.dir);
  EXPECT_EQ(cli.status, 1);
  EXPECT_NE(cli.out.find("E-LEDGER-116"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("在任"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("H00005"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("000010"), std::string::npos) << cli.out;
  EXPECT_EQ(cli.out.find("検証: OK"), std::string::npos) << cli.out;
}

TEST(Registers, RowsAddedOrDeletedBySqlAreNamed) {
  Town t;
  Sql(t.db, "INSERT INTO rows VALUES('people', '999999', '{\"id\":\"999999\",\"name\":\"架空 太郎\"}');"
            "DELETE FROM rows WHERE kind = 'people' AND id = '000005';");
  auto r = t.Verify();
  EXPECT_NE(Find(r, "E-LEDGER-116", "people", "999999"), nullptr) << Codes(r);
  const auto* gone = Find(r, "E-LEDGER-116", "people", "000005");
  ASSERT_NE(gone, nullptr) << Codes(r);
  EXPECT_NE(gone->message.find("削除"), std::string::npos);
  EXPECT_EQ(r.problems.size(), 2u) << Codes(r);
}

// The history is what as-of answers read: rewriting it is caught against the
// entry that recorded it, column by column.
TEST(Registers, HistoryRewrittenBySqlIsNamed) {
  Town t;
  Sql(t.db, "UPDATE history SET after = replace(after, '一般職', '会計年度任用職員') WHERE kind = 'people' AND id = '000002'");
  auto r = t.Verify();
  const auto* p = Find(r, "E-LEDGER-111", "people", "000002", "category");
  ASSERT_NE(p, nullptr) << Codes(r);
  EXPECT_EQ(p->logged, "一般職");
  EXPECT_EQ(p->live, "会計年度任用職員");
}

TEST(Registers, HistoryDeletedOrInsertedBySqlIsNamed) {
  Town t;
  Sql(t.db, "DELETE FROM history WHERE kind = 'people' AND id = '000004';"
            "INSERT INTO history(kind, id, at, actor, command, before, after) "
            "VALUES('people', '000006', '2026-04-01T09:00:00+09:00', 'x', 'import', NULL, '{\"id\":\"000006\"}');");
  auto r = t.Verify();
  EXPECT_NE(Find(r, "E-LEDGER-113", "people", "000004"), nullptr) << Codes(r);
  EXPECT_NE(Find(r, "E-LEDGER-114", "people", "000006"), nullptr) << Codes(r);
}

// A change made outside and then overwritten by a change made inside leaves
// the live row as logged; the broken chain still shows it.
TEST(Registers, AChangeOutsideThatALaterImportOverwroteIsStillNamed) {
  Town t;
  Sql(t.db, "UPDATE rows SET data = replace(data, '一般職', '会計年度任用職員') WHERE kind = 'people' AND id = '000002'");
  const fs::path csv = t.dir / "people.csv";
  {
    std::ofstream out(csv);
    out << "職員番号,氏名,所属,区分,開始日\n000002,松崎 陽美,U02,一般職,2015-04-01\n";
  }
  auto imp = RunMamori({"import", "職員", csv.string(), "--db", t.db.string()}, t.dir);
  ASSERT_EQ(imp.status, 0) << imp.err;
  auto r = t.Verify();
  const auto* p = Find(r, "E-LEDGER-115", "people", "000002", "category");
  ASSERT_NE(p, nullptr) << Codes(r);
  EXPECT_EQ(p->logged, "一般職");
  EXPECT_EQ(p->live, "会計年度任用職員");
}

// A store written before history rows named their entries gets them named
// by the migration, and verifies.
TEST(Registers, AStoreFromBeforeTheMigrationVerifies) {
  Town t;
  Sql(t.db, "DROP INDEX history_by_log; ALTER TABLE history DROP COLUMN log_seq; PRAGMA user_version = 2;");
  auto r = t.Verify();
  EXPECT_TRUE(r.ok()) << Codes(r);
}

// A store whose rows were kept WITHOUT ROWID (schema 3) gets them moved to
// a table with a small key index beside them, every row as it was, and
// verifies: the ledger holds each row to its history after the move too.
TEST(Registers, AStoreFromBeforeTheRowsMovedOutOfTheKeyKeepsEveryRow) {
  Town t;
  // A case with its queue row, so that the queue's own index is built from rows there are.
  {
    std::ofstream(t.dir / "r.json") << R"({"action":"take_out","resource":"A0000022"})";
    auto a = RunMamori({"apply", (t.dir / "r.json").string(), "--as", "000023", "--db", t.db.string()}, t.dir);
    ASSERT_EQ(a.status, 0) << a.err;
  }
  Sql(t.db, "CREATE TABLE rows_old(kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY(kind, id)) WITHOUT ROWID;"
            "INSERT INTO rows_old SELECT kind, id, data FROM rows; DROP TABLE rows; ALTER TABLE rows_old RENAME TO rows;"
            "PRAGMA user_version = 3;");
  auto count = [&](const char* sql) {
    sqlite3* h = nullptr;
    EXPECT_EQ(sqlite3_open(t.db.c_str(), &h), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(h, sql, -1, &st, nullptr), SQLITE_OK);
    const long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
  };
  const long long people = count("SELECT COUNT(*) FROM rows WHERE kind = 'people'");
  ASSERT_GT(people, 0);
  auto r = t.Verify();
  EXPECT_TRUE(r.ok()) << Codes(r);
  EXPECT_EQ(count("PRAGMA user_version"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sqlite_master WHERE name = 'rows' AND sql LIKE '%WITHOUT ROWID%'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM rows WHERE kind = 'people'"), people);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'rows_queue'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM rows INDEXED BY rows_queue WHERE kind = 'case_queue'"), 1);
  auto inbox = RunMamori({"case", "inbox", "--as", "000022", "--db", t.db.string()}, t.dir);
  EXPECT_EQ(inbox.status, 0) << inbox.err;
  EXPECT_NE(inbox.out.find("1 件"), std::string::npos) << inbox.out;
  // The key is still a key: a second row of the same kind and id is refused.
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(t.db.c_str(), &h), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(h, "INSERT INTO rows(kind, id, data) VALUES ('people', '000002', '{}')", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(h);
}

// Archived entries keep only their leaf: the history is checked against it.
TEST(Registers, ArchivedChangesAreStillHeldToTheirLeaves) {
  Town t;
  {
    auto b = registry::Open(t.db.string());
    const auto key = ledger::PublicKeyOf(ledger::KeyPathFor(t.db.string()));
    auto a = b.ledger->Archive((t.dir / "archive.txt").string(), "2999-01-01T00:00:00+09:00", key, "test", {});
    ASSERT_GT(a.dropped, 0u);
  }
  EXPECT_TRUE(t.Verify().ok()) << Codes(t.Verify());
  Sql(t.db, "UPDATE history SET after = replace(after, '一般職', '会計年度任用職員') WHERE kind = 'people' AND id = '000002'");
  auto r = t.Verify();
  EXPECT_NE(Find(r, "E-LEDGER-111", "people", "000002"), nullptr) << Codes(r);
}

}  // namespace
