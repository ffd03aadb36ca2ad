// The embedded default: SQLite in WAL mode. Current rows live in `rows`; every
// change is appended to `history` in the same transaction, which is what makes
// reading a register as of a past date possible.
#include <sqlite3.h>

#include <cstdlib>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <optional>

#include "store/checkpointer.h"
#include "store/store.h"

namespace mamori::store {
namespace {

// Each entry moves the schema one version up; a store opened by a newer mamori
// is refused rather than silently misread.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rows(
  kind TEXT NOT NULL,
  id   TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY(kind, id)
) WITHOUT ROWID;
CREATE TABLE history(
  seq     INTEGER PRIMARY KEY,
  kind    TEXT NOT NULL,
  id      TEXT NOT NULL,
  at      TEXT NOT NULL,
  actor   TEXT NOT NULL,
  command TEXT NOT NULL,
  before  TEXT,
  after   TEXT
);
-- One index serves both as-of reads: a row's last change before a date, and
-- every row's last change (GROUP BY id). An index on (kind, at) tempted the
-- planner into scanning a whole register for a single row.
CREATE INDEX history_by_row ON history(kind, id, seq);
)sql",
    // The evidence log (src/ledger). `seq` is the leaf index from 0; `entry` is
    // NULL once archived, its leaf hash kept. Interior nodes are kept only from
    // level 4 up (see ledger.cc), keyed by level << 56 | index so that a lookup
    // is one rowid probe.
    R"sql(
CREATE TABLE ledger(seq INTEGER PRIMARY KEY, leaf BLOB NOT NULL, entry TEXT);
CREATE TABLE ledger_nodes(key INTEGER PRIMARY KEY, hash BLOB NOT NULL);
CREATE TABLE tree_heads(
  size      INTEGER PRIMARY KEY,
  timestamp INTEGER NOT NULL,
  at        TEXT NOT NULL,
  root      BLOB NOT NULL,
  signature BLOB NOT NULL
);
)sql",
    // Each register change names the evidence entry that records it, so that
    // `ledger verify` can hold the history (and through it the live rows) to
    // the log row by row (docs/ledger.md). Stores from before: the n-th
    // history row is recorded by the n-th register or pack entry, since both
    // were written by the same call in the same order.
    R"sql(
ALTER TABLE history ADD COLUMN log_seq INTEGER;
CREATE INDEX history_by_log ON history(log_seq);
UPDATE history SET log_seq = (
  SELECT l.seq FROM
    (SELECT seq, ROW_NUMBER() OVER (ORDER BY seq) AS n FROM ledger
      WHERE entry LIKE '%,"kind":"register","seq":%' OR entry LIKE '%,"kind":"pack","seq":%') AS l
    JOIN (SELECT seq AS hs, ROW_NUMBER() OVER (ORDER BY seq) AS n FROM history) AS h ON h.n = l.n
  WHERE h.hs = history.seq);
)sql",
    // A register's row is small, but a case's events and states run to
    // kilobytes, and a WITHOUT ROWID table keeps each whole row in its key's
    // b-tree: SQLite compares a probe with a row that spills to overflow
    // pages by reading that row in full (sqlite3BtreeIndexMoveto), which was
    // most of each point read in a store of 100,000 cases. SQLite advises
    // WITHOUT ROWID only for rows under about 1/20 of a page. The key is now
    // a small index beside the rows; what each row holds is unchanged.
    R"sql(
CREATE TABLE rows_v4(kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, UNIQUE(kind, id));
INSERT INTO rows_v4(kind, id, data) SELECT kind, id, data FROM rows ORDER BY kind, id;
DROP TABLE rows;
ALTER TABLE rows_v4 RENAME TO rows;
-- The one kind read by key range in bulk: a 課長's inbox is thousands of
-- small case_queue rows (src/cases/inbox.cc). Kept whole in an index of
-- their own, they are read together as the old table kept them, not one
-- table probe each.
CREATE INDEX rows_queue ON rows(kind, id, data) WHERE kind = 'case_queue';
)sql",
};

// What an SQLite failure means for the user, in Japanese, with what to do.
// SQLite's own English text is kept only where no case below fits, as a
// detail for the engineer who will be asked.
std::string Failure(sqlite3* db, int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return "ディスクの空きがなくなり、書き込めませんでした。何も変更していません。空きを作ってからやり直してください。";
    case SQLITE_READONLY:
      return "データベースが読み取り専用のため書き込めません。ファイルとフォルダの書き込み権限を確かめてください。何も変更していません。";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "データベースのファイルが壊れているか、mamori のデータベースではありません。控え（docs/ledger.md）から戻してください。";
    case SQLITE_IOERR:
      return "データベースのファイルの読み書きに失敗しました（ディスクの故障や、ネットワーク上のフォルダの切断）。何も変更していません。";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "ほかの処理がデータベースを使っています。終わってからやり直してください。何も変更していません。";
    case SQLITE_CANTOPEN:
      return "データベースのファイルを開けません（フォルダがない、権限がない）。";
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return "データベースへのこの操作は許されていません（ファイルの権限を確かめてください）。";
    case SQLITE_CONSTRAINT:
      return "データベースの制約に反する書き込みのため、取り消しました（同じ番号の記録が既にある、など）。何も変更していません。"
             "mamori の外でデータベースが変えられていないか `mamori ledger verify` で確かめてください。";
    case SQLITE_NOMEM:
      return "メモリが足りず、データベースを操作できませんでした。何も変更していません。";
    default:
      return std::string("データベースの操作に失敗しました。何も変更していません（詳細: ") + (db ? sqlite3_errmsg(db) : "") + "）。";
  }
}

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
      throw Error("E-STORE-003", Failure(db, sqlite3_errcode(db)));
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Blob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, long long v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, const std::optional<std::string>& v) {
    if (v) return Bind(i, *v);
    sqlite3_bind_null(s_, i);
    return *this;
  }
  bool Step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw Error("E-STORE-004", Failure(db_, rc));
  }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  // For a statement prepared once and reused: resets it on every way out of
  // the scope, so that a step that throws never leaves it mid-way (holding
  // its read of the file) for the next caller.
  struct Scope {
    Stmt& s;
    explicit Scope(Stmt& stmt) : s(stmt) {}
    ~Scope() { s.Reset(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
  };
  std::optional<std::string> Text(int col) {
    if (sqlite3_column_type(s_, col) == SQLITE_NULL) return std::nullopt;
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col)));
  }
  long long Int(int col) { return sqlite3_column_int64(s_, col); }
  bool IsNull(int col) { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  // Valid until the next Step/Reset: scans hand these out without copying.
  std::string_view View(int col) {
    const void* p = sqlite3_column_type(s_, col) == SQLITE_BLOB ? sqlite3_column_blob(s_, col)
                                                                : static_cast<const void*>(sqlite3_column_text(s_, col));
    return {static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, col))};
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

// A history row from a statement selecting seq, log_seq, kind, id, at,
// actor, command, before, after.
HistoryRow ReadHistory(Stmt& s) {
  HistoryRow r;
  r.seq = s.Int(0);
  r.log_seq = s.IsNull(1) ? -1 : s.Int(1);
  r.kind = s.View(2);
  r.id = s.View(3);
  r.at = s.View(4);
  r.actor = s.View(5);
  r.command = s.View(6);
  if (!s.IsNull(7)) r.before = s.View(7);
  if (!s.IsNull(8)) r.after = s.View(8);
  return r;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, bool create) {
    bool exists = std::filesystem::exists(path);
    if (!create && !exists) {
      throw Error("E-STORE-001", "データベース「" + path + "」がありません。先に `mamori init --pack DIR --db " + path +
                                     "` で作成してください。");
    }
    if (create && exists) {
      throw Error("E-STORE-002", "データベース「" + path + "」は既にあります。別の名前を指定するか、不要なら削除してください。");
    }
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const int rc = db_ ? sqlite3_errcode(db_) : SQLITE_NOMEM;
      std::string msg = Failure(db_, rc);
      sqlite3_close(db_);
      throw Error("E-STORE-001", "データベース「" + path + "」を開けません: " + msg);
    }
    // A store that cannot be brought up (a newer schema, a failed migration)
    // must not leave the file open behind the exception.
    try {
      sqlite3_busy_timeout(db_, 5000);
      // Pages of 8 KB rather than 4 KB: a ledger entry is about a kilobyte,
      // and a 4 KB page held three, so group commits wrote (and framed in the
      // WAL) twice as many pages. 16 KB was faster still for group commits
      // but cost a one-entry transaction four times the WAL bytes (20k -> 11k
      // transactions/s); 8 KB gives 130k entries/s in batches and 15k single
      // transactions/s. It takes effect only when the file is created; an
      // older store keeps its page size.
      // mmap: reads (verification, proofs, as-of queries) come straight from the
      // page cache instead of a pread per page; as far as SQLite allows
      // (SQLITE_MAX_MMAP_SIZE, 2 GB), since a store of 100,000 cases passes
      // 1 GB and the point reads of each approval beyond it were a read(2)
      // each. The WAL is copied back on
      // another thread (checkpointer.h).
      // cache_size 64 MB, not SQLite's 2 MB: a batch of 1,000 approvals dirties
      // a few thousand pages spread over the store, and with 2 MB the pager
      // spilled them to the WAL mid-transaction and read them back (20,000
      // cases: 3,700 -> 5,300 approvals/s). A cap, allocated only as used.
      Exec("PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; "
           "PRAGMA mmap_size=2147418112; PRAGMA cache_size=-65536;");
      {
        Stmt page(db_, "PRAGMA page_size");
        page.Step();
        const long long page_size = std::max(page.Int(0), 512ll);
        // SQLite's absolute name of the file: the thread opens it later,
        // perhaps after a change of directory.
        const char* file = sqlite3_db_filename(db_, "main");
        checkpointer_.emplace(file && *file ? std::string(file) : path, db_, Checkpointer::kLimitBytes / page_size,
                              Checkpointer::kKickBytes / page_size);
      }
      Migrate();
      // Prepared once, after the schema exists: a million-row import goes through these.
      upsert_.emplace(db_, "INSERT INTO rows(kind, id, data) VALUES(?1, ?2, ?3) "
                           "ON CONFLICT(kind, id) DO UPDATE SET data = excluded.data");
      remove_.emplace(db_, "DELETE FROM rows WHERE kind = ?1 AND id = ?2");
      record_.emplace(db_, "INSERT INTO history(kind, id, at, actor, command, before, after, log_seq) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
      log_append_.emplace(db_, "INSERT INTO ledger(seq, leaf, entry) VALUES(?1, ?2, ?3)");
      history_by_log_.emplace(db_, "SELECT seq, log_seq, kind, id, at, actor, command, before, after FROM history "
                                   "WHERE log_seq >= ?1 AND log_seq < ?2 ORDER BY log_seq, seq");
      log_node_put_.emplace(db_, "INSERT INTO ledger_nodes(key, hash) VALUES(?1, ?2)");
      log_node_get_.emplace(db_, "SELECT hash FROM ledger_nodes WHERE key = ?1");
      log_leaves_.emplace(db_, "SELECT leaf FROM ledger WHERE seq >= ?1 AND seq < ?2 ORDER BY seq");
      log_get_.emplace(db_, "SELECT entry, leaf FROM ledger WHERE seq = ?1");
      latest_head_.emplace(db_, "SELECT size, timestamp, at, root, signature FROM tree_heads ORDER BY size DESC LIMIT 1");
      begin_read_.emplace(db_, "BEGIN");
      data_version_.emplace(db_, "PRAGMA data_version");
      commit_read_.emplace(db_, "COMMIT");
      // The point reads a case's step makes several of (a person, a unit,
      // the case, its last event, the next number): prepared once, not per read.
      get_.emplace(db_, "SELECT data FROM rows WHERE kind = ?1 AND id = ?2");
      has_.emplace(db_, "SELECT 1 FROM rows WHERE kind = ?1 AND id = ?2");
      register_version_.emplace(db_, "SELECT COALESCE(MAX(seq), 0) FROM history");
      get_meta_.emplace(db_, "SELECT value FROM meta WHERE key = ?1");
      set_meta_.emplace(db_, "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
      list_prefix_.emplace(db_, "SELECT id, data FROM rows WHERE kind = ?1 AND id >= ?2 AND id < ?3 ORDER BY id");
      // The kind written out, so that the planner may take the partial index.
      list_queue_.emplace(db_, "SELECT id, data FROM rows WHERE kind = 'case_queue' AND id >= ?1 AND id < ?2 ORDER BY id");
    } catch (...) {
      Close();
      throw;
    }
  }
  ~SqliteStore() override { Close(); }

  // A second writer waits its turn rather than losing its work: BEGIN
  // IMMEDIATE takes the write lock up front (so nothing read inside can be
  // stale), waiting as long as another import may reasonably take.
  void Begin() override {
    const int wait_ms = WriterWaitMs();
    sqlite3_busy_timeout(db_, wait_ms);
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, &err);
    sqlite3_busy_timeout(db_, 5000);
    sqlite3_free(err);
    if (rc == SQLITE_BUSY)
      throw Error("E-STORE-007", "ほかの処理がデータベースに書き込み中で、" + std::to_string(wait_ms / 1000) +
                                     " 秒待っても終わりませんでした。何も変更していません。ほかの処理が終わってからやり直してください。");
    if (rc != SQLITE_OK) throw Error("E-STORE-004", Failure(db_, rc));
    try {
      AfterBegin();
    } catch (...) {
      Exec("ROLLBACK");
      throw;
    }
  }
  void Commit() override {
    BeforeCommit();
    Exec("COMMIT");
  }
  void Rollback() override {
    Exec("ROLLBACK");
    AfterRollback();
  }

  void Apply(const Change& c, const std::string& actor, const std::string& at, const std::string& command) override {
    if (c.before == c.after) return;
    if (sqlite3_get_autocommit(db_)) {
      throw Error("E-STORE-006", "台帳の変更はトランザクションの中でしか行えません（証跡と同時に確定させるため）。");
    }
    if (c.after) {
      Stmt::Scope scope(*upsert_);
      upsert_->Bind(1, c.kind).Bind(2, c.id).Bind(3, *c.after);
      upsert_->Step();
    } else {
      Stmt::Scope scope(*remove_);
      remove_->Bind(1, c.kind).Bind(2, c.id);
      remove_->Step();
    }
    // The evidence first: the history row names the entry that records it.
    const long long log_seq = Notify(c, actor, at, command);
    {
      Stmt::Scope scope(*record_);
      record_->Bind(1, c.kind).Bind(2, c.id).Bind(3, at).Bind(4, actor).Bind(5, command).Bind(6, c.before).Bind(7, c.after);
      if (log_seq >= 0) record_->Bind(8, log_seq);
      record_->Step();
    }
  }

  long long DataVersion() override {
    Stmt::Scope scope(*data_version_);
    data_version_->Step();
    return data_version_->Int(0);
  }
  long long LogSize() override {
    Stmt s(db_, "SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger");
    s.Step();
    return s.Int(0);
  }
  void LogAppend(long long seq, std::string_view entry, std::string_view leaf) override {
    Stmt::Scope scope(*log_append_);
    log_append_->Bind(1, seq).Blob(2, leaf).Bind(3, entry);
    log_append_->Step();
  }
  void LogScan(long long from, const std::function<bool(const LogRow&)>& fn) override {
    Stmt s(db_, "SELECT seq, leaf, entry FROM ledger WHERE seq >= ?1 ORDER BY seq");
    s.Bind(1, from);
    LogRow r;
    while (s.Step()) {
      r.seq = s.Int(0);
      r.leaf = s.View(1);
      r.entry = s.IsNull(2) ? std::nullopt : std::optional<std::string_view>(s.View(2));
      if (!fn(r)) break;
    }
  }
  std::string LogLeaves(long long from, long long to) override {
    std::string out;
    Stmt::Scope scope(*log_leaves_);
    log_leaves_->Bind(1, from).Bind(2, to);
    while (log_leaves_->Step()) out += log_leaves_->View(0);
    return out;
  }
  std::optional<std::pair<std::optional<std::string>, std::string>> LogGet(long long seq) override {
    Stmt::Scope scope(*log_get_);
    log_get_->Bind(1, seq);
    std::optional<std::pair<std::optional<std::string>, std::string>> out;
    if (log_get_->Step()) out.emplace(log_get_->Text(0), std::string(log_get_->View(1)));
    return out;
  }
  void Read(const std::function<void()>& fn) override {
    if (!sqlite3_get_autocommit(db_)) return fn();
    // Prepared once: a proof is a few dozen microseconds, and preparing BEGIN
    // and COMMIT each time would be a good part of it.
    {
      Stmt::Scope scope(*begin_read_);
      begin_read_->Step();
    }
    try {
      fn();
    } catch (...) {
      Exec("ROLLBACK");
      throw;
    }
    Stmt::Scope scope(*commit_read_);
    commit_read_->Step();
  }
  void LogPutNode(int level, long long index, std::string_view hash) override {
    Stmt::Scope scope(*log_node_put_);
    log_node_put_->Bind(1, NodeKey(level, index)).Blob(2, hash);
    log_node_put_->Step();
  }
  std::optional<std::string> LogNode(int level, long long index) override {
    Stmt::Scope scope(*log_node_get_);
    log_node_get_->Bind(1, NodeKey(level, index));
    std::optional<std::string> out;
    if (log_node_get_->Step()) out = std::string(log_node_get_->View(0));
    return out;
  }
  long long LogArchive(long long seq) override {
    Stmt s(db_, "UPDATE ledger SET entry = NULL WHERE seq < ?1 AND entry IS NOT NULL");
    s.Bind(1, seq);
    s.Step();
    return sqlite3_changes(db_);
  }
  void PutTreeHead(const TreeHeadRow& h) override {
    Stmt s(db_, "INSERT INTO tree_heads(size, timestamp, at, root, signature) VALUES(?1, ?2, ?3, ?4, ?5)");
    s.Bind(1, h.size).Bind(2, h.timestamp_ms).Bind(3, h.at).Blob(4, h.root).Blob(5, h.signature);
    s.Step();
  }
  std::vector<TreeHeadRow> TreeHeads() override {
    std::vector<TreeHeadRow> out;
    Stmt s(db_, "SELECT size, timestamp, at, root, signature FROM tree_heads ORDER BY size");
    while (s.Step()) out.push_back(HeadOf(s));
    return out;
  }
  std::optional<TreeHeadRow> TreeHeadCovering(long long seq) override {
    Stmt s(db_, "SELECT size, timestamp, at, root, signature FROM tree_heads WHERE size > ?1 ORDER BY size LIMIT 1");
    s.Bind(1, seq);
    std::optional<TreeHeadRow> out;
    if (s.Step()) out = HeadOf(s);
    return out;
  }
  std::optional<TreeHeadRow> LatestTreeHead() override {
    Stmt::Scope scope(*latest_head_);
    std::optional<TreeHeadRow> out;
    if (latest_head_->Step()) out = HeadOf(*latest_head_);
    return out;
  }

  std::optional<std::string> Get(const std::string& kind, const std::string& id,
                                 const std::optional<std::string>& as_of) override {
    if (!as_of) {
      Stmt::Scope scope(*get_);
      get_->Bind(1, kind).Bind(2, id);
      return get_->Step() ? get_->Text(0) : std::nullopt;
    }
    Stmt s(db_, "SELECT after FROM history WHERE kind = ?1 AND id = ?2 AND at < ?3 ORDER BY seq DESC LIMIT 1");
    s.Bind(1, kind).Bind(2, id).Bind(3, EndOfDay(*as_of));
    return s.Step() ? s.Text(0) : std::nullopt;
  }

  bool Has(const std::string& kind, const std::string& id) override {
    // Answered from the key index alone (EXPLAIN: COVERING INDEX).
    Stmt::Scope scope(*has_);
    has_->Bind(1, kind).Bind(2, id);
    return has_->Step();
  }

  std::vector<Row> List(const std::string& kind, const std::optional<std::string>& as_of) override {
    std::vector<Row> out;
    if (!as_of) {
      Stmt s(db_, "SELECT id, data FROM rows WHERE kind = ?1 ORDER BY id");
      s.Bind(1, kind);
      while (s.Step()) out.push_back({*s.Text(0), *s.Text(1)});
      return out;
    }
    // The last change of each row recorded before the end of that day.
    Stmt s(db_,
           "SELECT h.id, h.after FROM history h JOIN ("
           "  SELECT id, MAX(seq) AS seq FROM history WHERE kind = ?1 AND at < ?2 GROUP BY id"
           ") last ON h.seq = last.seq WHERE h.after IS NOT NULL ORDER BY h.id");
    s.Bind(1, kind).Bind(2, EndOfDay(*as_of));
    while (s.Step()) out.push_back({*s.Text(0), *s.Text(1)});
    return out;
  }

  std::vector<Row> ListPrefix(const std::string& kind, const std::string& prefix) override {
    // A range over the key (kind, id): ids from `prefix` up to, not
    // including, `prefix` followed by the highest byte UTF-8 never uses.
    // case_queue's statement names its kind itself (its covering index).
    const bool queue = kind == "case_queue";
    Stmt& s = queue ? *list_queue_ : *list_prefix_;
    Stmt::Scope scope(s);
    int k = 1;
    if (!queue) s.Bind(k++, kind);
    s.Bind(k, prefix).Bind(k + 1, prefix + "\xff");
    std::vector<Row> out;
    while (s.Step()) out.push_back({*s.Text(0), *s.Text(1)});
    return out;
  }

  // Asked before each decision by long-running readers (decide streams, the
  // server): prepared once.
  long long RegisterVersion() override {
    Stmt::Scope scope(*register_version_);
    register_version_->Step();
    return register_version_->Int(0);
  }
  void HistoryByLog(long long from, long long to, const std::function<void(const HistoryRow&)>& fn) override {
    Stmt::Scope scope(*history_by_log_);
    history_by_log_->Bind(1, from).Bind(2, to);
    while (history_by_log_->Step()) fn(ReadHistory(*history_by_log_));
  }
  void HistoryUnlogged(long long log_size, const std::function<void(const HistoryRow&)>& fn) override {
    Stmt s(db_, "SELECT seq, log_seq, kind, id, at, actor, command, before, after FROM history "
                "WHERE log_seq IS NULL OR log_seq < 0 OR log_seq >= ?1 ORDER BY seq");
    s.Bind(1, log_size);
    while (s.Step()) fn(ReadHistory(s));
  }
  void HistoryByRow(
      const std::function<void(const HistoryRow&, const std::optional<std::string_view>&)>& fn) override {
    Stmt s(db_, "SELECT h.seq, h.log_seq, h.kind, h.id, h.at, h.actor, h.command, h.before, h.after, r.data "
                "FROM history AS h LEFT JOIN rows AS r ON r.kind = h.kind AND r.id = h.id ORDER BY h.kind, h.id, h.seq");
    while (s.Step()) {
      const HistoryRow h = ReadHistory(s);
      fn(h, s.IsNull(9) ? std::nullopt : std::optional<std::string_view>(s.View(9)));
    }
  }
  void RowsWithoutHistory(const std::function<void(std::string_view, std::string_view, std::string_view)>& fn) override {
    Stmt s(db_, "SELECT kind, id, data FROM rows AS r "
                "WHERE NOT EXISTS (SELECT 1 FROM history AS h WHERE h.kind = r.kind AND h.id = r.id) ORDER BY kind, id");
    while (s.Step()) fn(s.View(0), s.View(1), s.View(2));
  }

  std::vector<HistoryEntry> History(const std::string& kind, const std::string& id) override {
    std::vector<HistoryEntry> out;
    Stmt s(db_, "SELECT seq, at, actor, command, before, after, log_seq FROM history WHERE kind = ?1 AND id = ?2 ORDER BY seq");
    s.Bind(1, kind).Bind(2, id);
    while (s.Step()) {
      HistoryEntry h;
      h.seq = s.Int(0);
      h.at = *s.Text(1);
      h.actor = *s.Text(2);
      h.command = *s.Text(3);
      h.change = {kind, id, s.Text(4), s.Text(5)};
      h.log_seq = s.IsNull(6) ? -1 : s.Int(6);
      out.push_back(std::move(h));
    }
    return out;
  }

  long long Count(const std::string& kind) override {
    Stmt s(db_, "SELECT COUNT(*) FROM rows WHERE kind = ?1");
    s.Bind(1, kind);
    s.Step();
    return s.Int(0);
  }

  std::optional<std::string> GetMeta(const std::string& key) override {
    Stmt::Scope scope(*get_meta_);
    get_meta_->Bind(1, key);
    return get_meta_->Step() ? get_meta_->Text(0) : std::nullopt;
  }
  void SetMeta(const std::string& key, const std::string& value) override {
    Stmt::Scope scope(*set_meta_);
    set_meta_->Bind(1, key).Bind(2, value);
    set_meta_->Step();
  }

 private:
  // "2026-04-01" -> the first instant after that day in JST, as a string that
  // sorts against the recorded timestamps.
  static std::string EndOfDay(const std::string& date) { return date + "T24:00:00+09:00"; }

  // Levels stay below 64 and indexes below 2^56: one integer key, one probe.
  static long long NodeKey(int level, long long index) { return (static_cast<long long>(level) << 56) | index; }

  static TreeHeadRow HeadOf(Stmt& s) {
    return {s.Int(0), s.Int(1), *s.Text(2), std::string(s.View(3)), std::string(s.View(4))};
  }

  // How long a writer waits for another: MAMORI_WRITE_WAIT_SECONDS (for tests
  // and impatient scripts), else ten minutes, longer than a million-row import.
  static int WriterWaitMs() {
    if (const char* s = std::getenv("MAMORI_WRITE_WAIT_SECONDS")) {
      const long v = std::atol(s);
      if (v > 0 && v < 86400) return static_cast<int>(v * 1000);
    }
    return 600 * 1000;
  }

  void Exec(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) throw Error("E-STORE-004", Failure(db_, rc));
  }

  void Migrate() {
    // Read and finished before any migration runs: a statement still open
    // on the connection would lock the tables a migration drops.
    int version = 0;
    {
      Stmt v(db_, "PRAGMA user_version");
      v.Step();
      version = static_cast<int>(v.Int(0));
    }
    const int latest = static_cast<int>(std::size(kMigrations));
    if (version > latest) {
      throw Error("E-STORE-005", "このデータベースは新しい版の mamori で作られています（スキーマ " + std::to_string(version) +
                                     "、この mamori は " + std::to_string(latest) + " まで）。mamori を更新してください。");
    }
    for (int k = version; k < latest; ++k) {
      Exec("BEGIN IMMEDIATE");
      try {
        Exec(kMigrations[k]);
        Exec(("PRAGMA user_version = " + std::to_string(k + 1)).c_str());
        Exec("COMMIT");
      } catch (...) {
        Exec("ROLLBACK");
        throw;
      }
    }
  }

  // The checkpointer first: its thread has a connection of its own to join.
  void Close() {
    checkpointer_.reset();
    upsert_.reset();
    remove_.reset();
    record_.reset();
    history_by_log_.reset();
    log_append_.reset();
    log_node_put_.reset();
    log_node_get_.reset();
    log_leaves_.reset();
    log_get_.reset();
    latest_head_.reset();
    begin_read_.reset();
    commit_read_.reset();
    data_version_.reset();
    get_.reset();
    has_.reset();
    get_meta_.reset();
    set_meta_.reset();
    list_prefix_.reset();
    list_queue_.reset();
    register_version_.reset();
    // Every prepared statement above must be finalized first: sqlite3_close
    // refuses a connection with one left, and the WAL would stay unmerged.
    sqlite3_close(db_);
    db_ = nullptr;
  }

  sqlite3* db_ = nullptr;
  std::optional<Checkpointer> checkpointer_;
  std::optional<Stmt> upsert_, remove_, record_, history_by_log_, log_append_, log_node_put_, log_node_get_, log_leaves_, log_get_,
      latest_head_, begin_read_, commit_read_, data_version_, get_, has_, get_meta_, set_meta_, list_prefix_, list_queue_,
      register_version_;
};

}  // namespace

std::unique_ptr<Store> OpenSqlite(const std::string& path, bool create) {
  return std::make_unique<SqliteStore>(path, create);
}

std::string NowJst() {
  return JstOf(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                   .count());
}

std::string JstOf(long long epoch_ms) {
  // Floor, not truncation: an instant before 1970 still names its own second.
  std::time_t t = static_cast<std::time_t>((epoch_ms >= 0 ? epoch_ms : epoch_ms - 999) / 1000) + 9 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+09:00", &tm);
  return buf;
}

}  // namespace mamori::store
