// Registers under the log: `ledger verify` holds the history table and the
// live rows to the entries that recorded them. Internal to src/ledger.
//
// Invariants of a store that only mamori has written (store.h, Apply):
//  * every history row names the entry that records it (log_seq), and that
//    entry's bytes are exactly what the history row rebuilds (entry.h);
//  * every register or pack entry is named by exactly one history row;
//  * a row's changes chain: each change's `before` is the previous `after`
//    (the first change's `before` is null);
//  * the live row is its last change's `after` (no row when that is null,
//    and no live row without a history).
// Each broken invariant becomes a Problem naming the register, the id and,
// where values differ, the column with the logged and the live value.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <span>
#include <string_view>

#include "ledger/ledger.h"

namespace mamori::ledger {

struct LoggedEntry {
  long long seq = 0;
  std::optional<std::string_view> body;  // nullopt once archived
  const Hash* leaf = nullptr;            // as stored; null when unreadable
};

class RegisterCheck {
 public:
  RegisterCheck(store::Store& store, std::function<void(Problem)> add) : store_(store), add_(std::move(add)) {}

  // Entries of one stretch of the log, in seq order: compared with the
  // history rows that name them.
  void Entries(std::span<const LoggedEntry> entries);
  // After the last entry: history rows that name no entry, the chains, and
  // the live rows.
  void Finish(long long log_size);

 private:
  store::Store& store_;
  std::function<void(Problem)> add_;
  long long last_claimed_ = -1;
  std::set<std::string> tampered_;  // register '\0' id of rows whose history differs from the log
};

}  // namespace mamori::ledger
