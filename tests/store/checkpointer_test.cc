// The background checkpointer: the WAL stays bounded while a writer never
// pauses, the thread really copies pages back (a fresh connection that has
// not read the file yet checkpoints nothing, a bug this caught), and nothing
// written is lost across checkpoints and restarts of the WAL.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "store/checkpointer.h"

namespace mamori::store {
namespace {

namespace fs = std::filesystem;

struct Db {
  fs::path path;
  sqlite3* db = nullptr;
  explicit Db(const std::string& name) : path(fs::temp_directory_path() / name) {
    Remove();
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t(n INTEGER PRIMARY KEY, b BLOB)");
  }
  ~Db() {
    sqlite3_close(db);
    Remove();
  }
  void Remove() {
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(path.string() + ext);
  }
  void Exec(const char* sql) { ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db); }
  // One transaction of `rows` blobs of `bytes`, numbered from `first`.
  void Write(int first, int rows, int bytes) {
    Exec("BEGIN IMMEDIATE");
    sqlite3_stmt* s = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO t(n, b) VALUES(?1, zeroblob(?2))", -1, &s, nullptr), SQLITE_OK);
    for (int i = 0; i < rows; ++i) {
      sqlite3_bind_int(s, 1, first + i);
      sqlite3_bind_int(s, 2, bytes);
      ASSERT_EQ(sqlite3_step(s), SQLITE_DONE);
      sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    Exec("COMMIT");
  }
  long long Scalar(const char* sql) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(s), SQLITE_ROW);
    const long long v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
  }
  std::uintmax_t WalBytes() const {
    std::error_code ec;
    auto n = fs::file_size(path.string() + "-wal", ec);
    return ec ? 0 : n;
  }
};

TEST(Checkpointer, WalStaysBoundedWhileTheWriterNeverPausesAndNothingIsLost) {
  Db d("mamori_ckpt_bounded.db");
  const long long page = d.Scalar("PRAGMA page_size");
  std::uintmax_t largest = 0;
  {
    // The writer at 1 MB of WAL, the thread every 128 KB.
    Checkpointer c(d.path.string(), d.db, (1 << 20) / page, (128 << 10) / page);
    for (int txn = 0; txn < 128; ++txn) {  // 16 MB in all, 128 KB per commit
      d.Write(txn * 32, 32, 4096);
      largest = std::max(largest, d.WalBytes());
    }
  }
  // Without checkpoints the WAL would hold all 16 MB. With them it never
  // passes the limit by more than one commit, however busy the thread is.
  EXPECT_LT(largest, (1u << 20) + (256u << 10));
  EXPECT_GT(fs::file_size(d.path), 12u << 20) << "the pages were copied back into the database file";
  EXPECT_EQ(d.Scalar("SELECT count(*) FROM t"), 128 * 32);
  EXPECT_EQ(d.Scalar("SELECT sum(length(b)) FROM t"), 128ll * 32 * 4096);
  EXPECT_EQ(d.Scalar("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
}

TEST(Checkpointer, TheThreadCopiesPagesBackBeforeTheWriterMust) {
  Db d("mamori_ckpt_thread.db");
  const long long page = d.Scalar("PRAGMA page_size");
  const auto before = fs::file_size(d.path);
  // A limit the writer never reaches: only the thread can copy anything back.
  Checkpointer c(d.path.string(), d.db, 1ll << 40, (128 << 10) / page);
  for (int txn = 0; txn < 8; ++txn) d.Write(txn * 32, 32, 4096);  // 1 MB, eight wake-ups
  // Liveness, not speed: the deadline is there only so that a thread that
  // never copies fails the test instead of hanging it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (fs::file_size(d.path) < before + (512u << 10) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_GE(fs::file_size(d.path), before + (512u << 10));
  EXPECT_EQ(d.Scalar("SELECT count(*) FROM t"), 8 * 32);
}

TEST(Checkpointer, AStoreThatWritesLittleStartsNoThread) {
  Db d("mamori_ckpt_idle.db");
  const long long page = d.Scalar("PRAGMA page_size");
  const auto before = fs::file_size(d.path);
  {
    Checkpointer c(d.path.string(), d.db, (1 << 20) / page, (128 << 10) / page);
    d.Write(0, 4, 4096);  // 16 KB: below the first wake-up
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(fs::file_size(d.path), before) << "nothing may have been checkpointed yet";
  }
  EXPECT_EQ(d.Scalar("SELECT count(*) FROM t"), 4);
}

}  // namespace
}  // namespace mamori::store
