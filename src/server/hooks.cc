// Notification hooks: each hook's cursor moves only past events delivered.
#include "server/hooks.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "server/accounts.h"

extern char** environ;

namespace mamori::server {
namespace {

using Json = nlohmann::json;

[[noreturn]] void Fail(const std::string& code, const std::string& message) { throw store::Error(code, message); }

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

const std::vector<std::string>& EventKinds() {
  static const std::vector<std::string> k = {"case.*",      "case.open",   "case.approve",  "case.record",  "case.reject",
                                             "case.return", "case.resubmit", "case.withdraw", "case.confirm", "case.note"};
  return k;
}

Hook HookOf(const Json& j) {
  return {Str(j, "id"), Str(j, "event"), Str(j, "command"), Str(j, "url"), Str(j, "added_by"), Str(j, "added_at")};
}

constexpr int kCommandSeconds = 10;

// Runs `command` under /bin/sh with `input` on its stdin; true when it exits 0
// within kCommandSeconds (it is killed after).
bool RunCommand(const std::string& command, const std::string& input, const std::string& kind, std::string& error) {
  int fds[2];
  if (pipe(fds) != 0) {
    error = "pipe";
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
  env_s.push_back("MAMORI_EVENT=" + kind);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", c = "-c", cmd = command;
  char* argv[] = {sh.data(), c.data(), cmd.data(), nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[0]);
  if (rc != 0) {
    close(fds[1]);
    error = "コマンドを起動できません";
    return false;
  }
  // The event is small (a few kB): written before waiting. A command that
  // does not read it gets SIGPIPE on its side, not ours (ignored here).
  signal(SIGPIPE, SIG_IGN);
  (void)!write(fds[1], input.data(), input.size());
  close(fds[1]);
  int status = 0;
  for (int i = 0; i < kCommandSeconds * 20; ++i) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
      error = WIFEXITED(status) ? "終了コード " + std::to_string(WEXITSTATUS(status)) : "シグナルで終了";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  error = std::to_string(kCommandSeconds) + " 秒で終わらないため止めました";
  return false;
}

}  // namespace

Hook AddHook(store::Store& store, const policy::Pack& pack, const std::string& event, const std::string& command,
             const std::string& url, const std::string& by, const std::string& actor) {
  RequireMamoriAdmin(store, pack, by, store::NowJst().substr(0, 10));
  if (std::find(EventKinds().begin(), EventKinds().end(), event) == EventKinds().end()) {
    std::string kinds;
    for (const auto& k : EventKinds()) kinds += (kinds.empty() ? "" : "、") + k;
    Fail("E-HOOK-001", "出来事の種類「" + event + "」は mamori にありません（" + kinds + "）。");
  }
  if (command.empty() == url.empty())
    Fail("E-HOOK-002", "--command か --url のどちらか一つを与えてください。");
  if (!url.empty() && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    Fail("E-HOOK-002", "--url「" + url + "」は http:// か https:// で始めてください。");
  std::string id;
  for (int n = 1;; ++n) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "H%03d", n);
    if (!store.Has("hooks", buf)) {
      id = buf;
      break;
    }
  }
  const Json row = {{"id", id}, {"event", event}, {"command", command}, {"url", url}, {"added_by", by}, {"added_at", store::NowJst()}};
  store::Transaction tx(store);
  store.Apply({"hooks", id, std::nullopt, row.dump()}, actor, store::NowJst(), "hook add");
  // Told what happens from now on: the cursor starts at the ledger's end.
  store.Apply({"hook_cursors", id, std::nullopt, Json{{"id", id}, {"delivered_upto", store.LogSize()}}.dump()}, actor,
              store::NowJst(), "hook add");
  tx.Commit();
  return HookOf(row);
}

void RemoveHook(store::Store& store, const policy::Pack& pack, const std::string& id, const std::string& by,
                const std::string& actor) {
  RequireMamoriAdmin(store, pack, by, store::NowJst().substr(0, 10));
  const auto row = store.Get("hooks", id);
  if (!row) Fail("E-HOOK-003", "フック「" + id + "」はありません。`mamori hook list` で確かめてください。");
  store::Transaction tx(store);
  store.Apply({"hooks", id, row, std::nullopt}, actor, store::NowJst(), "hook remove");
  tx.Commit();
}

std::vector<Hook> Hooks(store::Store& store) {
  std::vector<Hook> out;
  for (const auto& r : store.List("hooks")) out.push_back(HookOf(Json::parse(r.data)));
  return out;
}

bool Notifier::Deliver(const Hook& h, const Json& event, std::string& error) {
  const std::string body = event.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (!h.command.empty()) return RunCommand(h.command, body, event.value("event", ""), error);
  // scheme://host[:port]/path: the client takes the first part, the request the path.
  const auto slash = h.url.find('/', h.url.find("://") + 3);
  httplib::Client c(h.url.substr(0, slash));
  c.set_connection_timeout(5, 0);
  c.set_read_timeout(10, 0);
  auto r = c.Post(slash == std::string::npos ? "/" : h.url.substr(slash).c_str(), body, "application/json");
  if (!r) {
    error = "接続できません（" + httplib::to_string(r.error()) + "）";
    return false;
  }
  if (r->status < 200 || r->status >= 300) {
    error = "HTTP " + std::to_string(r->status);
    return false;
  }
  return true;
}

long long Notifier::DeliverPending() {
  long long delivered = 0;
  std::vector<Hook> hooks;
  {
    auto lock = lock_();
    hooks = Hooks(store_);
  }
  const auto now = std::chrono::steady_clock::now();
  for (const auto& h : hooks) {
    if (auto it = retry_.find(h.id); it != retry_.end() && now < it->second.first) continue;
    // The events this hook has not had, oldest first (at most 1,000 a pass).
    long long from = 0, to = 0;
    std::vector<std::pair<long long, Json>> events;
    {
      auto lock = lock_();
      const auto cursor = store_.Get("hook_cursors", h.id);
      from = cursor ? Json::parse(*cursor).value("delivered_upto", 0LL) : store_.LogSize();
      if (auto m = scanned_.find(h.id); m != scanned_.end()) from = std::max(from, m->second);
      to = store_.LogSize();
      store_.HistoryByLog(from, to, [&](const store::HistoryRow& r) {
        if (r.kind != "case_events" || !r.after || events.size() >= 1000) return;
        Json e = Json::parse(*r.after, nullptr, false);
        if (!e.is_object()) return;
        const std::string type = Str(e, "type").empty() ? "open" : Str(e, "type");
        if (h.event != "case.*" && h.event != "case." + type) {
          events.emplace_back(r.log_seq, nullptr);  // not this hook's kind: passed over, the cursor moves on
          return;
        }
        e.erase("open");  // the opening record with its article texts: GET /api/v1/cases/{id} has it
        e["event"] = "case." + type;
        e["entry"] = r.log_seq;
        events.emplace_back(r.log_seq, std::move(e));
      });
    }
    if (events.size() >= 1000) to = events.back().first + 1;  // the rest next pass
    long long upto = to;
    long long sent = 0;
    for (const auto& [seq, e] : events) {
      if (e.is_null()) continue;
      std::string error;
      if (!Deliver(h, e, error)) {
        upto = seq;  // this one and those after it wait for the next try
        auto& [when, failures] = retry_[h.id];
        failures = std::min(failures + 1, 6);
        when = std::chrono::steady_clock::now() + std::chrono::seconds(1 << failures);
        std::cerr << Json{{"at", store::NowJst()}, {"hook", h.id}, {"event", e["event"]}, {"entry", seq},
                          {"error", "W-HOOK-001: 届けられませんでした（" + error + "）。あとで再送します。"}}
                         .dump(-1, ' ', false, Json::error_handler_t::replace)
                  << "\n";
        break;
      }
      ++delivered;
      ++sent;
      retry_.erase(h.id);
    }
    // Entries of no interest are passed over in memory only: recording the
    // cursor is itself an entry, and would be one more to pass over.
    scanned_[h.id] = upto;
    if (sent > 0) {
      auto lock = lock_();
      const auto before = store_.Get("hook_cursors", h.id);
      if (!store_.Get("hooks", h.id)) continue;  // removed meanwhile
      store::Transaction tx(store_);
      store_.Apply({"hook_cursors", h.id, before, Json{{"id", h.id}, {"delivered_upto", upto}}.dump()}, "mamori",
                   store::NowJst(), "hook deliver");
      tx.Commit();
    }
  }
  return delivered;
}

}  // namespace mamori::server
