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
//  * Apply() outside a transaction is refused: a change and its evidence entry
//    must commit together.
//  * The evidence log is stored here but given meaning by src/ledger: the store
//    keeps its entries, leaf hashes, kept tree nodes and signed heads, and
//    never changes a log row except through LogArchive().
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
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

// One row of the evidence log. `entry` is nullopt once archived (its leaf hash
// stays, so the tree remains verifiable). Views are valid during a scan callback.
struct LogRow {
  long long seq = 0;
  std::optional<std::string_view> entry;
  std::string_view leaf;  // 32 raw bytes as stored
};

// A signed tree head as stored: raw 32-byte root and 64-byte Ed25519 signature.
struct TreeHeadRow {
  long long size = 0;
  long long timestamp_ms = 0;
  std::string at;  // the same instant in JST, for people
  std::string root, signature;
};

struct HistoryEntry {
  long long seq = 0;
  long long log_seq = -1;  // the evidence entry that records it, or -1
  std::string at, actor, command;
  Change change;
};

// One history row as stored, for verification scans. Views are valid during
// the scan callback only. `log_seq` is the evidence entry that records the
// change, or -1 when the row names none (written outside mamori).
struct HistoryRow {
  long long seq = 0, log_seq = -1;
  std::string_view kind, id, at, actor, command;
  std::optional<std::string_view> before, after;
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
  // Whether a current row exists, without reading it (a case's events are
  // kilobytes; checking that the n-th is there need not copy it).
  virtual bool Has(const std::string& kind, const std::string& id) = 0;
  virtual std::vector<Row> List(const std::string& kind,
                                const std::optional<std::string>& as_of = std::nullopt) = 0;
  // Current rows whose id starts with `prefix`, in id order: a case's events
  // ("C2026-000001/…") without reading every case's. The inbox's kind,
  // case_queue, is read this way by the thousand, and a store keeps its
  // rows where such a range is one read (SQLite: a covering index).
  virtual std::vector<Row> ListPrefix(const std::string& kind, const std::string& prefix) = 0;
  virtual std::vector<HistoryEntry> History(const std::string& kind, const std::string& id) = 0;
  virtual long long Count(const std::string& kind) = 0;
  // Grows with every register change (the last history seq): a long-running
  // reader compares it to know whether what it compiled is still current.
  virtual long long RegisterVersion() = 0;

  // --- Scans for `ledger verify`, which holds the registers to the log.
  // History rows with from <= log_seq < to, in log_seq order.
  virtual void HistoryByLog(long long from, long long to, const std::function<void(const HistoryRow&)>& fn) = 0;
  // History rows that name no entry of a log of `log_size` entries.
  virtual void HistoryUnlogged(long long log_size, const std::function<void(const HistoryRow&)>& fn) = 0;
  // Every history row, by (kind, id), each row's changes in order, with the
  // row's live data beside (nullopt: no live row).
  virtual void HistoryByRow(
      const std::function<void(const HistoryRow&, const std::optional<std::string_view>& live)>& fn) = 0;
  // Live register rows that have no history at all.
  virtual void RowsWithoutHistory(
      const std::function<void(std::string_view kind, std::string_view id, std::string_view data)>& fn) = 0;

  virtual std::optional<std::string> GetMeta(const std::string& key) = 0;
  virtual void SetMeta(const std::string& key, const std::string& value) = 0;

  // --- The evidence log (see src/ledger). seq is the 0-based leaf index.
  virtual long long LogSize() = 0;
  // Changes whenever another connection (another process) has committed since
  // this one last asked; this connection's own commits leave it as it is.
  virtual long long DataVersion() = 0;
  virtual void LogAppend(long long seq, std::string_view entry, std::string_view leaf) = 0;
  // Rows from `from` on, in seq order, until `fn` returns false.
  virtual void LogScan(long long from, const std::function<bool(const LogRow&)>& fn) = 0;
  // One entry, or nullopt past the end.
  virtual std::optional<std::pair<std::optional<std::string>, std::string>> LogGet(long long seq) = 0;
  // Runs `fn` inside one read transaction (or the current transaction): a
  // proof's thirty lookups see one state and take the lock once.
  virtual void Read(const std::function<void()>& fn) = 0;
  // Leaf hashes of [from, to), concatenated (32 bytes each).
  virtual std::string LogLeaves(long long from, long long to) = 0;
  // Kept interior nodes of the Merkle tree, keyed by (level, index).
  virtual void LogPutNode(int level, long long index, std::string_view hash) = 0;
  virtual std::optional<std::string> LogNode(int level, long long index) = 0;
  // Drops the bodies of entries before `seq`, keeping their leaf hashes.
  virtual long long LogArchive(long long seq) = 0;
  virtual void PutTreeHead(const TreeHeadRow& head) = 0;
  virtual std::vector<TreeHeadRow> TreeHeads() = 0;  // by size
  virtual std::optional<TreeHeadRow> LatestTreeHead() = 0;
  // The first head that covers entry `seq`: signed when that entry's
  // transaction committed, so its timestamp is when the entry was recorded.
  virtual std::optional<TreeHeadRow> TreeHeadCovering(long long seq) = 0;

  // Hooks called inside the transaction: for every applied change, and just
  // before COMMIT (the evidence ledger attaches to both, and signs its tree
  // head there); and after a rollback, so in-memory state can be reset.
  // A change hook returns the seq of the evidence entry it appended, or -1.
  using ChangeHook = std::function<long long(const Change&, const std::string& actor, const std::string& at,
                                             const std::string& command)>;
  void OnChange(ChangeHook hook) { change_hooks_.push_back(std::move(hook)); }
  void OnCommit(std::function<void()> hook) { commit_hooks_.push_back(std::move(hook)); }
  // Called once a write transaction holds the write lock: another process may
  // have written since this one last looked (the ledger re-reads its size here).
  void OnBegin(std::function<void()> hook) { begin_hooks_.push_back(std::move(hook)); }
  void OnRollback(std::function<void()> hook) { rollback_hooks_.push_back(std::move(hook)); }

 protected:
  // The seq of the last evidence entry a hook appended, or -1 if none did.
  long long Notify(const Change& c, const std::string& actor, const std::string& at, const std::string& command) {
    long long seq = -1;
    for (auto& h : change_hooks_) {
      const long long s = h(c, actor, at, command);
      if (s >= 0) seq = s;
    }
    return seq;
  }
  void BeforeCommit() {
    for (auto& h : commit_hooks_) h();
  }
  void AfterBegin() {
    for (auto& h : begin_hooks_) h();
  }
  void AfterRollback() {
    for (auto& h : rollback_hooks_) h();
  }

 private:
  std::vector<ChangeHook> change_hooks_;
  std::vector<std::function<void()>> commit_hooks_, rollback_hooks_, begin_hooks_;
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
// An instant (ms since the Unix epoch) in the same form.
std::string JstOf(long long epoch_ms);

// Whether a dated register row (在任, 委員, 指名) is in force on `date`: ISO
// dates compare as strings; an empty `from` or `to` leaves that end open.
inline bool InForce(std::string_view from, std::string_view to, std::string_view date) {
  return (from.empty() || from <= date) && (to.empty() || date <= to);
}

}  // namespace mamori::store
