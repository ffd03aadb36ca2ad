// store: where the registers live. An interface, so that a PostgreSQL engine can
// follow the embedded SQLite one without touching the modules above it.
//
// Invariants every implementation keeps:
//  * Apply() is the only way a register row changes, and it records the change
//    (who, when, before, after) in the same transaction: history is complete.
//  * A command runs in one transaction (Transaction below); if it throws, or the
//    process dies, the store is exactly as before the command.
//  * Rows are JSON objects of strings keyed by column; the store does not
//    interpret them (the registry module does).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mamori::store {

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

struct Row {
  std::string id;
  std::string data;  // JSON object
};

struct Change {
  std::string kind, id;
  std::optional<std::string> before, after;  // nullopt: the row did not / does not exist
};

struct HistoryEntry {
  long long seq = 0;
  std::string at, actor, command;
  Change change;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual void Begin() = 0;
  virtual void Commit() = 0;
  virtual void Rollback() = 0;

  // The one write path. `at` is the JST timestamp "2026-04-01T09:00:00+09:00".
  // Does nothing (and records nothing) when before == after.
  virtual void Apply(const Change& change, const std::string& actor, const std::string& at,
                     const std::string& command) = 0;

  // Current state, or the state as of the end of day `as_of` ("2026-04-01").
  virtual std::optional<std::string> Get(const std::string& kind, const std::string& id,
                                         const std::optional<std::string>& as_of = std::nullopt) = 0;
  virtual std::vector<Row> List(const std::string& kind,
                                const std::optional<std::string>& as_of = std::nullopt) = 0;
  virtual std::vector<HistoryEntry> History(const std::string& kind, const std::string& id) = 0;
  virtual long long Count(const std::string& kind) = 0;

  virtual std::optional<std::string> GetMeta(const std::string& key) = 0;
  virtual void SetMeta(const std::string& key, const std::string& value) = 0;

  // Hook called inside the transaction for every applied change (the evidence
  // ledger attaches here).
  void OnChange(std::function<void(const Change&, const std::string& actor, const std::string& at)> hook) {
    hooks_.push_back(std::move(hook));
  }

 protected:
  void Notify(const Change& c, const std::string& actor, const std::string& at) {
    for (auto& h : hooks_) h(c, actor, at);
  }

 private:
  std::vector<std::function<void(const Change&, const std::string&, const std::string&)>> hooks_;
};

// RAII: commits only when Commit() is called; otherwise rolls back.
class Transaction {
 public:
  explicit Transaction(Store& s) : s_(s) { s_.Begin(); }
  ~Transaction() {
    if (!done_) {
      try {
        s_.Rollback();
      } catch (...) {
      }
    }
  }
  void Commit() {
    s_.Commit();
    done_ = true;
  }

 private:
  Store& s_;
  bool done_ = false;
};

// Opens (and with `create`, creates and migrates) an SQLite store: WAL, foreign
// keys, schema versioned by PRAGMA user_version.
std::unique_ptr<Store> OpenSqlite(const std::string& path, bool create);

// The current time in JST as "YYYY-MM-DDTHH:MM:SS+09:00".
std::string NowJst();

}  // namespace mamori::store
