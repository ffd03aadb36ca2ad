// Copies the WAL back into the database file on the second core, so that the
// writer does not stop for it. Internal to the SQLite store.
//
// SQLite's own automatic checkpoint runs on the committing thread: at 64 MB
// of WAL a group commit of ledger entries waited for the copy and two fsyncs,
// which was about a third of the append time. Here every few megabytes of WAL
// wake a thread with its own connection to run a PASSIVE checkpoint, which
// never blocks the writer. The writer still checkpoints itself at the limit,
// as SQLite would have: only a checkpoint with no frames arriving behind it
// lets the next transaction restart the WAL from its start, so that is what
// keeps the file bounded; by then the thread has copied (and synced) nearly
// everything, and that last checkpoint is short.
//
// Invariants: the thread never holds a read transaction between checkpoints
// (so it never pins the WAL); at the limit the writer waits for the thread to
// be idle, so its own checkpoint is never refused for the thread's lock and
// the WAL stays within the limit plus one commit (unless a reader in another
// process holds an older snapshot, as with SQLite's own checkpoint); the
// thread is joined, and its connection closed, before the writer's
// connection closes.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace mamori::store {

class Checkpointer {
 public:
  // Installs itself as `writer`'s WAL hook; `path` is the file the thread
  // opens. The writer checkpoints itself at `limit_pages` of WAL; the thread
  // is woken every `kick_pages`.
  Checkpointer(std::string path, sqlite3* writer, long long limit_pages, long long kick_pages);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // The store's sizes: the thread every 8 MB of WAL, the writer at 64 MB.
  static constexpr long long kLimitBytes = 64ll << 20;
  static constexpr long long kKickBytes = 8ll << 20;

 private:
  static int Hook(void* self, sqlite3* db, const char* name, int pages);
  void AfterCommit(sqlite3* db, const char* name, long long pages);
  void Run();

  const std::string path_;
  sqlite3* const writer_;
  const long long limit_pages_, kick_pages_;
  long long kicked_at_ = 0;  // WAL pages at the last wake-up (writer thread only)

  std::mutex mu_;
  std::condition_variable cv_;    // wakes the thread
  std::condition_variable idle_;  // tells the writer a copy has finished
  bool wanted_ = false, stop_ = false, running_ = false;
  std::thread thread_;  // started at the first wake-up: most stores never need it
};

}  // namespace mamori::store
