// hooks: case events handed to the systems an SIer connects (mail, chat).
//
// Invariants:
//  * A hook is a row of "hooks" (issued and removed by mamori's
//    情報システム管理者, recorded): an event kind ("case.open",
//    "case.approve", … or "case.*") and either a command (run by /bin/sh
//    with the event as JSON on stdin) or a webhook URL (the event POSTed as
//    JSON). A command succeeds by exiting 0 within 10 s, a webhook by a 2xx.
//  * Events are never lost: each hook keeps a cursor (the ledger entry up to
//    which it has delivered, a row of "hook_cursors", so each advance is
//    evidence), and only a delivery that succeeded moves it. A failure is
//    logged (a JSON line on stderr) and retried later, oldest event first,
//    after the restart of the server too.
//  * A new hook starts at the ledger's end: it is told what happens from
//    then on, not the past.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <map>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "store/store.h"

namespace mamori::server {

struct Hook {
  std::string id, event, command, url, added_by, added_at;
};

// E-HOOK-001 an event kind mamori has not, E-HOOK-002 neither or both of a
// command and a URL (or a URL that is not http:// or https://), E-AUTH-010
// `by` not mamori's administrator today.
Hook AddHook(store::Store& store, const policy::Pack& pack, const std::string& event, const std::string& command,
             const std::string& url, const std::string& by, const std::string& actor);
// E-HOOK-003 no such hook.
void RemoveHook(store::Store& store, const policy::Pack& pack, const std::string& id, const std::string& by,
                const std::string& actor);
std::vector<Hook> Hooks(store::Store& store);

// Delivers what each hook has not had yet. Holds the store only to read the
// events and to move a cursor, never while a command or a webhook runs, so
// `lock` (the server's store mutex, or none for the CLI) is taken around
// each store access. Returns the events delivered.
class Notifier {
 public:
  using Lock = std::function<std::unique_lock<std::mutex>()>;
  Notifier(store::Store& store, Lock lock) : store_(store), lock_(std::move(lock)) {}
  long long DeliverPending();

 private:
  bool Deliver(const Hook& h, const nlohmann::json& event, std::string& error);
  store::Store& store_;
  Lock lock_;
  // Backoff after a failure: the hook is tried again no sooner than this.
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, int>> retry_;
  // How far each hook's events have been looked at (delivered or not its
  // kind); the stored cursor moves only when something was delivered.
  std::map<std::string, long long> scanned_;
};

}  // namespace mamori::server
