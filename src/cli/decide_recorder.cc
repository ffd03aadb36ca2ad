// Deciding on this thread, recording on a second (decide_recorder.h states
// the invariants). Blocks go round: at most three exist, one being filled,
// one waiting, one being recorded, so neither thread runs ahead of the other
// by more than a block and memory stays bounded on an endless stream.
#include "cli/decide_recorder.h"

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <exception>
#include <iostream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "ledger/ledger.h"

namespace mamori::cli {
namespace {

constexpr std::size_t kBatch = 1000;  // lines a transaction (and a signed head)
constexpr int kBlocks = 3;

struct Line {
  std::string input;
  long number = 0;
  std::string answer;  // what is printed for it: the decision, or its error line
  bool refused = false;
  engine::Request request;
  engine::Decision decision;  // refers into the block's snapshot
  std::string raw;            // the request in the ledger's canonical form
  // Written on the deciding thread; empty when it could not be (text that is
  // not UTF-8), and then the ledger writes it again and refuses it with its
  // own code and message, as on the sequential path.
  std::string evidence;
};

struct Block {
  std::vector<Line> lines;  // kept from block to block, with their buffers
  std::size_t used = 0;
  std::shared_ptr<const engine::Snapshot> decided_on;
};

std::string ErrorLine(const store::Error& e, long number) {
  nlohmann::json err = {{"error", {{"code", e.code()}, {"message", e.what()}, {"line", number}}}};
  return err.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void DecideLine(Line& l, const engine::Snapshot& snap, bool explain) {
  l.answer.clear();
  l.evidence.clear();
  l.refused = false;
  try {
    l.request = engine::ParseRequest(snap, l.input, &l.raw);
    l.decision = engine::Decide(snap, l.request);
    engine::AppendJson(l.answer, l.decision);
    l.answer += '\n';
    if (explain) l.answer += engine::Explain(snap, l.request, l.decision);
    try {
      engine::AppendEvidence(l.evidence, snap, l.request, l.decision, l.raw);
    } catch (const std::invalid_argument&) {
      l.evidence.clear();
    }
  } catch (const store::Error& e) {
    l.answer = ErrorLine(e, l.number);
    l.refused = true;
  }
}

}  // namespace

struct DecisionRecorder::Impl {
  Source source;
  std::string actor;
  bool explain = false;

  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::unique_ptr<Block>> waiting, spare;  // guarded by mu
  std::shared_ptr<const engine::Snapshot> latest;     // guarded by mu: the newest compiled
  bool closing = false;                               // guarded by mu
  std::exception_ptr failed;                          // guarded by mu

  std::unique_ptr<Block> filling;  // the deciding thread's
  std::string out;                 // the recording thread's
  std::thread thread;

  std::unique_ptr<Block> Spare() {
    std::unique_lock lk(mu);
    cv.wait(lk, [&] { return !spare.empty() || failed; });
    if (failed) std::rethrow_exception(failed);
    auto b = std::move(spare.front());
    spare.pop_front();
    b->used = 0;
    b->decided_on = latest;
    return b;
  }

  void Push() {
    std::lock_guard lk(mu);
    waiting.push_back(std::move(filling));
    cv.notify_all();
  }

  void Run() {
    for (;;) {
      std::unique_ptr<Block> b;
      {
        std::unique_lock lk(mu);
        cv.wait(lk, [&] { return !waiting.empty() || closing; });
        if (waiting.empty()) return;
        b = std::move(waiting.front());
        waiting.pop_front();
      }
      try {
        Record(*b);
      } catch (...) {
        std::lock_guard lk(mu);
        failed = std::current_exception();
        waiting.clear();  // not recorded, so never answered
        cv.notify_all();
        return;
      }
      std::lock_guard lk(mu);
      spare.push_back(std::move(b));
      cv.notify_all();
    }
  }

  void Record(Block& b) {
    std::optional<store::Transaction> tx(std::in_place, *source.bound().store);
    if (source.stale()) {
      tx.reset();
      auto fresh = source.reload();
      {
        std::lock_guard lk(mu);
        latest = fresh;
      }
      tx.emplace(*source.bound().store);
    }
    std::shared_ptr<const engine::Snapshot> now;
    {
      std::lock_guard lk(mu);
      now = latest;
    }
    if (b.decided_on != now) {  // decided before the facts changed: decided again
      b.decided_on = now;
      for (std::size_t i = 0; i < b.used; ++i) DecideLine(b.lines[i], *now, explain);
    }
    ledger::Ledger& ledger = *source.bound().ledger;
    const std::string at = store::NowJst();
    for (std::size_t i = 0; i < b.used; ++i) {
      Line& l = b.lines[i];
      if (l.refused) continue;
      try {
        ledger.AppendWritten(
            "decision",
            [&](std::string& data) {
              if (!l.evidence.empty()) data += l.evidence;
              else engine::AppendEvidence(data, *b.decided_on, l.request, l.decision, l.raw);
            },
            actor, at);
      } catch (const store::Error& e) {
        l.answer = ErrorLine(e, l.number);
        l.refused = true;
      }
    }
    tx->Commit();
    tx.reset();
    out.clear();  // kept from block to block: a block's answers are a megabyte or two
    bool refused = false;
    for (std::size_t i = 0; i < b.used; ++i) {
      out += b.lines[i].answer;
      refused = refused || b.lines[i].refused;
    }
    std::cout << out << std::flush;
    if (refused) SetExitCode(2);
  }
};

DecisionRecorder::DecisionRecorder(std::shared_ptr<const engine::Snapshot> snapshot, Source source, std::string actor,
                                   bool explain)
    : impl_(std::make_unique<Impl>()) {
  impl_->source = std::move(source);
  impl_->actor = std::move(actor);
  impl_->explain = explain;
  impl_->latest = std::move(snapshot);
  for (int i = 0; i < kBlocks; ++i) impl_->spare.push_back(std::make_unique<Block>());
  impl_->thread = std::thread([this] { impl_->Run(); });
}

DecisionRecorder::~DecisionRecorder() {
  if (!impl_->thread.joinable()) return;
  {
    // Leaving early (an exception on the deciding thread): what waits is
    // neither recorded nor answered; a block being recorded completes.
    std::lock_guard lk(impl_->mu);
    impl_->waiting.clear();
    impl_->closing = true;
    impl_->cv.notify_all();
  }
  impl_->thread.join();
}

void DecisionRecorder::Add(std::string_view text, long number, bool more) {
  Impl& m = *impl_;
  if (!m.filling) m.filling = m.Spare();
  Block& b = *m.filling;
  if (b.used == b.lines.size()) b.lines.emplace_back();
  Line& l = b.lines[b.used++];
  l.input.assign(text);
  l.number = number;
  DecideLine(l, *b.decided_on, m.explain);
  if (b.used >= kBatch || !more) m.Push();
}

void DecisionRecorder::Finish() {
  Impl& m = *impl_;
  if (m.filling && m.filling->used > 0) m.Push();
  {
    std::lock_guard lk(m.mu);
    m.closing = true;
    m.cv.notify_all();
  }
  m.thread.join();
  if (m.failed) std::rethrow_exception(m.failed);
}

}  // namespace mamori::cli
