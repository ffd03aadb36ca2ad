// `mamori decide --record` on a stream of requests: deciding overlaps with
// recording. This thread parses, decides and writes the answers of one block
// while a second thread records the block before it (its evidence, the leaf
// hashes, SQLite, the commit and its signed head). Either half alone took
// about as long as the other; one after the other they left a core idle.
//
// Invariants, the sequential path's:
//  * A block is one transaction under the store's write lock, and its
//    answers are printed only once it has committed: a caller never acts on
//    a decision that is not in the ledger.
//  * Under that lock, before anything of the block is recorded, the store is
//    asked whether another process changed the registers or the pack since
//    the snapshot was compiled; if so the recording thread compiles a new one
//    and decides the block's lines again on it. A decision never rests on
//    facts that were replaced (a new 課長, a pack switched).
//  * Answers come out in input order, one line each; a refused line gets its
//    error line in its place.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "registry/binding.h"

namespace mamori::cli {

class DecisionRecorder {
 public:
  // `reload` opens the store again and compiles a new snapshot (called on the
  // recording thread, outside any transaction); `stale` says whether another
  // process changed the registers since the last load; `bound` is the store
  // and ledger as last loaded. Only the recording thread touches the store.
  struct Source {
    std::function<std::shared_ptr<const engine::Snapshot>()> reload;
    std::function<bool()> stale;
    std::function<registry::Bound&()> bound;
  };
  DecisionRecorder(std::shared_ptr<const engine::Snapshot> snapshot, Source source, std::string actor, bool explain);
  // Stops the recording thread; a block not yet committed is rolled back.
  ~DecisionRecorder();
  DecisionRecorder(const DecisionRecorder&) = delete;
  DecisionRecorder& operator=(const DecisionRecorder&) = delete;

  // One request line (not blank), numbered from 1. `more`: whether further
  // input is already there to read; when not, the block is recorded and
  // answered now, so an interactive caller is not kept waiting.
  void Add(std::string_view text, long number, bool more);
  // Records what is left and waits for it. Rethrows what failed on the
  // recording thread (a lock not obtained, a full disk).
  void Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::cli
