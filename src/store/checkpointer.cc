#include "store/checkpointer.h"

#include <sqlite3.h>

namespace mamori::store {

Checkpointer::Checkpointer(std::string path, sqlite3* writer, long long limit_pages, long long kick_pages)
    : path_(std::move(path)), writer_(writer), limit_pages_(limit_pages), kick_pages_(kick_pages) {
  // Replaces SQLite's automatic checkpoint, which is itself a WAL hook.
  sqlite3_wal_hook(writer_, &Hook, this);
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

int Checkpointer::Hook(void* self, sqlite3* db, const char* name, int pages) {
  static_cast<Checkpointer*>(self)->AfterCommit(db, name, pages);
  return SQLITE_OK;  // anything else would fail the commit that has just succeeded
}

void Checkpointer::AfterCommit(sqlite3* db, const char* name, long long pages) {
  if (pages < kicked_at_) kicked_at_ = 0;  // the WAL has restarted from its start
  if (pages >= limit_pages_) {
    // What SQLite's automatic checkpoint would do, once the thread is idle:
    // were it mid-copy, this checkpoint would find the lock taken and give up,
    // and a thread kept busy by a fast writer would let the WAL grow without
    // end. Waiting costs the writer at most the rest of one copy.
    {
      std::unique_lock<std::mutex> l(mu_);
      wanted_ = false;
      idle_.wait(l, [this] { return !running_; });
    }
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return;
  }
  if (pages - kicked_at_ < kick_pages_) return;
  kicked_at_ = pages;
  {
    std::lock_guard<std::mutex> l(mu_);
    wanted_ = true;
    if (!thread_.joinable()) {
      // This runs inside SQLite's commit: nothing may be thrown through it. A
      // thread that cannot be started leaves the writer's own checkpoint.
      try {
        thread_ = std::thread(&Checkpointer::Run, this);
      } catch (...) {
        return;
      }
    }
  }
  cv_.notify_one();
}

void Checkpointer::Run() {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return;  // the writer's own checkpoint still bounds the WAL
  }
  for (;;) {
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [this] { return wanted_ || stop_; });
      if (stop_) break;
      wanted_ = false;
      running_ = true;
    }
    // A connection that has not read the file yet takes the database for one
    // without a WAL and checkpoints nothing; a read first makes sure (it costs
    // microseconds, once per wake-up). Errors are left to the writer's
    // checkpoint: a failed copy here loses nothing, the frames stay in the WAL.
    sqlite3_exec(db, "SELECT 1 FROM sqlite_schema LIMIT 1", nullptr, nullptr, nullptr);
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    {
      std::lock_guard<std::mutex> l(mu_);
      running_ = false;
    }
    idle_.notify_one();
  }
  sqlite3_close(db);
}

}  // namespace mamori::store
