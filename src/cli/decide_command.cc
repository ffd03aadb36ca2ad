// `mamori decide`: one request, or JSON Lines in and out (docs/decide.md).
#include <CLI/CLI.hpp>
#include <poll.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/decide_recorder.h"
#include "cli/guard.h"
#include "engine/engine.h"
#include "registry/binding.h"

namespace mamori::cli {
namespace {

// Whether more standard input is already there to read, without blocking.
bool InputWaiting() {
  pollfd p{0, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

}  // namespace

void AddDecideCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("decide", "行為を条文に基づいて判定する（許可・禁止・承認が必要、承認者、義務、根拠条文）");
  static std::string db = std::getenv("MAMORI_DB") ? std::getenv("MAMORI_DB") : "mamori.db";
  static std::string input;
  static bool explain = false, record = false;
  cmd->add_option("REQUEST", input, "要求の JSON ファイル、または - で標準入力から JSON Lines");
  cmd->add_option("--db", db, "データベースのファイル");
  cmd->add_flag("--explain", explain, "判断の理由と根拠条文の本文を日本語で示す");
  cmd->add_flag("--record", record, "判定を証跡（mamori ledger）に記録する");
  cmd->callback([] {
    Guard([] {
      // The registers and the pack as compiled into the snapshot. A stream may
      // run for hours while others import: before each batch (under the write
      // lock when recording, so nothing can change during the batch) the
      // store is asked whether any register changed, and if so everything is
      // opened and compiled again — a decision never rests on facts that
      // were replaced (a new 課長, a pack switched).
      std::optional<registry::Bound> bound;
      std::shared_ptr<const engine::Snapshot> snap;
      long long data_version = 0, register_version = 0;
      auto load = [&] {
        bound.reset();
        bound.emplace(registry::Open(db));
        auto reg = reiki::ParseFile((std::filesystem::path(bound->pack.dir) / bound->pack.regulation.file).string());
        snap = engine::Compile(bound->pack, reg, *bound->store);
        data_version = bound->store->DataVersion();
        register_version = bound->store->RegisterVersion();
      };
      load();
      auto stale = [&] {
        const long long v = bound->store->DataVersion();
        if (v == data_version) return false;  // nobody else has committed anything
        data_version = v;
        return bound->store->RegisterVersion() != register_version;
      };
      const char* user = std::getenv("USER");
      const std::string actor = user ? user : "mamori";
      // Group commit: with --record, decisions are recorded in batches, one
      // transaction and one signed head each, and a batch's answers are
      // released only once it has committed — a caller never acts on a
      // decision that is not in the ledger. A batch ends at kBatch lines or as
      // soon as no further input is waiting, so an interactive caller is
      // answered at once.
      constexpr int kBatch = 1000;
      std::optional<store::Transaction> tx;
      std::string held;
      int pending = 0;
      bool looked = false;  // whether this block has looked for changes by others yet
      auto release = [&] {
        if (tx) tx->Commit();
        tx.reset();
        pending = 0;
        looked = false;
        std::cout << held << std::flush;
        held.clear();
      };
      const bool from_file = !input.empty() && input != "-";
      // `line` is the input line number in a stream, 0 for a single request.
      bool more_read = false;  // whether lines already read follow this one
      std::string out, raw;  // reused a line to the next, as their buffers are
      auto one = [&](std::string_view text, bool stream, long line) {
        out.clear();
        try {
          // Once a block (a batch recorded together, or the answers written
          // out together): asking the store for every line was a lock and
          // two system calls a decision.
          if (!tx && !looked) {
            looked = true;
            if (record) tx.emplace(*bound->store);
            if (stale()) {
              tx.reset();
              load();
              if (record) tx.emplace(*bound->store);
            }
          }
          auto req = engine::ParseRequest(*snap, text, record ? &raw : nullptr);  // the raw copy is the ledger's
          auto d = engine::Decide(*snap, req);
          engine::AppendJson(out, d);
          out += '\n';
          if (record) {
            // What was asked, and what it was decided as (labels and 和暦
            // resolved to ids, the date used): an auditor sees both.
            bound->ledger->AppendWritten(
                "decision", [&](std::string& data) { engine::AppendEvidence(data, *snap, req, d, raw); }, actor, store::NowJst());
            ++pending;
          }
          if (explain) out += engine::Explain(*snap, req, d) + (stream ? "" : "\n");
        } catch (const store::Error& e) {
          if (!stream) throw;
          // A bad line gets an error line in its place, so outputs stay aligned with inputs.
          nlohmann::json err = {{"error", {{"code", e.code()}, {"message", e.what()}, {"line", line}}}};
          out = err.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
          SetExitCode(2);
        }
        held += out;
        // Answers go out in blocks (one write each, not one a line) unless
        // the caller is waiting for this one: no more input has come.
        if (pending >= kBatch || (!record && held.size() >= (std::size_t{1} << 16)) || (!from_file && !more_read && !InputWaiting())) release();
      };
      // A recorded stream decides on this thread and records on a second
      // (cli/decide_recorder.h); a single request, or a stream not recorded,
      // goes through `one` above.
      std::optional<DecisionRecorder> recorder;
      auto recorded_stream = [&] {
        if (!recorder)
          recorder.emplace(snap,
                           DecisionRecorder::Source{[&] {
                                                      load();
                                                      return snap;
                                                    },
                                                    stale, [&]() -> registry::Bound& { return *bound; }},
                           actor, explain);
        return &*recorder;
      };
      // Lines are cut from the text as it stands, not copied out one by one.
      long line = 0;
      auto lines = [&](std::string_view text) {
        while (!text.empty()) {
          const std::size_t nl = text.find('\n');
          const std::string_view l = text.substr(0, nl);
          text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
          ++line;
          more_read = !text.empty();
          if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;
          if (record) recorded_stream()->Add(l, line, from_file || more_read || InputWaiting());
          else one(l, true, line);
        }
      };
      if (input.empty() || input == "-") {
        // Read in blocks, every whole line of a block at once; getline on
        // std::cin went a character at a time (a tenth of a recorded batch).
        std::string buffered;
        std::vector<char> block(1 << 16);
        for (;;) {
          const ssize_t n = ::read(0, block.data(), block.size());
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) break;
          buffered.append(block.data(), static_cast<std::size_t>(n));
          const std::size_t last = buffered.rfind('\n');
          if (last == std::string::npos) continue;
          lines(std::string_view(buffered).substr(0, last + 1));
          buffered.erase(0, last + 1);
        }
        lines(buffered);  // a last line without its newline
      } else {
        if (std::string why = reiki::FileProblem(input); !why.empty())
          throw store::Error("E-DEC-003", "要求のファイル「" + input + "」" + why + "。");
        std::ifstream in(input, std::ios::binary);
        if (!in) throw store::Error("E-DEC-003", "要求のファイル「" + input + "」を開けません。");
        // One JSON value over several lines is a single request (REQUEST.json);
        // anything else is JSON Lines, one request a line, as from stdin.
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string text = ss.str();
        // A named file with no request in it is a mistake (the wrong file, an
        // export not yet written), not a batch of zero: say so.
        if (text.find_first_not_of(" \t\r\n") == std::string::npos)
          throw store::Error("E-DEC-003", "要求のファイル「" + input + "」は空です（" + std::to_string(text.size()) +
                                              " バイト、要求がありません）。1行に1件の JSON を書いたファイルを指定してください。");
        if (text.size() <= engine::kMaxRequestBytes && nlohmann::json::accept(text) &&
            text.find_first_not_of(" \t\r\n") != std::string::npos && text[text.find_first_not_of(" \t\r\n")] == '{' &&
            std::count(text.begin(), text.end(), '\n') > 1) {
          one(text, false, 0);
        } else {
          lines(text);
        }
      }
      if (recorder) recorder->Finish();
      release();
    });
  });
}

}  // namespace mamori::cli
