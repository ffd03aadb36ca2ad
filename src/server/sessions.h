// Sessions of people logged in, held in the server's memory only: a restart
// ends them all (each person logs in again), and nothing of a session is
// evidence except the login and logout the API records.
//
// Invariants:
//  * A session id and its CSRF token are 32 random bytes each (libsodium);
//    the id is the HttpOnly cookie, the CSRF token is given in the login's
//    answer and must come back as X-CSRF-Token on every request that writes.
//  * A session idle longer than the set time-out (the parameter enforced as
//    "idle_timeout", 安田町 第82条第5項) is ended when next seen.
//  * Safe for the server's worker threads.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace mamori::server::internal {

struct Session {
  std::string id, csrf, person;
  bool temporary = false;   // a password to change before anything else
  bool needs_totp = false;  // holds a role that requires a second factor, and has none yet
  std::chrono::steady_clock::time_point last_seen;
};

class Sessions {
 public:
  using Clock = std::chrono::steady_clock;

  Session Open(const std::string& person, bool temporary, bool needs_totp, const std::string& id, const std::string& csrf) {
    std::lock_guard<std::mutex> lock(mu_);
    Session s{id, csrf, person, temporary, needs_totp, Clock::now()};
    by_id_[id] = s;
    return s;
  }
  // The session, touched; nullopt when there is none or it was idle too
  // long (`idle`: nullopt = the pack sets no time-out). `expired` tells which.
  std::optional<Session> Find(const std::string& id, std::optional<std::chrono::minutes> idle, bool* expired) {
    std::lock_guard<std::mutex> lock(mu_);
    *expired = false;
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    const auto now = Clock::now();
    if (idle && now - it->second.last_seen > *idle) {
      by_id_.erase(it);
      *expired = true;
      return std::nullopt;
    }
    it->second.last_seen = now;
    return it->second;
  }
  void Changed(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = by_id_.find(id); it != by_id_.end()) it->second.temporary = false;
  }
  void TotpDone(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = by_id_.find(id); it != by_id_.end()) it->second.needs_totp = false;
  }
  void Close(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    by_id_.erase(id);
  }
  // Ends every session of `person` (a new password issued, the person left).
  void CloseAll(const std::string& person) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = by_id_.begin(); it != by_id_.end();) it = it->second.person == person ? by_id_.erase(it) : std::next(it);
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, Session> by_id_;
};

}  // namespace mamori::server::internal
