// The server process: it refuses to start without the values it enforces,
// listens where it is told, logs every request as a JSON line and stops
// cleanly on SIGTERM / SIGINT.
#include "server/server.h"

#include <httplib.h>
#include <pthread.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <iostream>
#include <mutex>
#include <thread>

#include "registry/binding.h"
#include "server/api.h"
#include "server/hooks.h"
#include "registry/registry.h"

namespace mamori::server {
namespace {

using Json = nlohmann::json;

[[noreturn]] void Fail(const std::string& code, const std::string& message) { throw store::Error(code, message); }

// What stops the server: each enforced value unset, with its article and who sets it today.
std::vector<std::string> UnsetEnforced(registry::Bound& b) {
  std::vector<std::string> out;
  registry::Registry reg(*b.store, b.pack);
  const std::string today = store::NowJst().substr(0, 10);
  for (const auto& p : b.pack.parameters) {
    if (p.enforced.empty() || p.value) continue;
    std::string cites, owner = p.owner;
    for (const auto& c : p.cite) cites += (cites.empty() ? "" : "、") + c.ref;
    for (const auto& r : b.pack.roles)
      if (r.id == p.owner) owner = r.name;
    const auto own = registry::OwnerSystem(*b.store, b.pack, p);
    const bool per_system = own.has_value();
    const std::string self = own.value_or("");
    std::string holders;
    try {
      for (const auto& h : reg.Who(p.owner, "", per_system ? self : "", today).holders)
        if (holders.size() < 120) holders += (holders.empty() ? "" : "、") + h.person_id + " " + h.person_name;
    } catch (const store::Error&) {
      // a role held per unit, or mamori's system not named: said below
    }
    if (per_system) owner = self.empty() ? owner + "（mamori の情報システムが未指定: `mamori self システムコード`）" : "mamori の情報システム（" + self + "）の" + owner;
    out.push_back("「" + p.name + "」（" + p.id + "、根拠 " + cites + "）: 定める者 " + owner +
                  (holders.empty() ? "" : "（" + holders + "）") + "。`mamori param set " + p.id + " 値 --as 職員番号` で定めてください。");
  }
  return out;
}

// A request body beyond this is refused with 413 before it is read whole:
// a decide batch of about 40,000 requests, a workbook of a large town.
constexpr std::size_t kMaxBody = 16 * 1024 * 1024;
constexpr std::size_t kWorkers = 96;

// Replace, not throw, on bytes that are not UTF-8: a request path is the
// client's, and an answer that quotes it must not bring the process down.
void Answer(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json; charset=utf-8");
}

Json ErrorBody(const std::string& code, const std::string& message) { return {{"code", code}, {"message", message}}; }

// The start of the request this worker thread is serving, for the access
// log's duration; unset for a request refused before routing (400, 414).
thread_local std::chrono::steady_clock::time_point g_started;
thread_local bool g_routed = false;

// HOST:PORT, [V6]:PORT. The host as bound (no brackets) and as printed.
bool ParseListen(const std::string& text, std::string& host, std::string& shown, int& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = text.substr(0, colon);
  shown = host;
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return false;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return false;  // an IPv6 address is written in brackets: [::1]:8080
  }
  const std::string digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
  port = std::stoi(digits);
  return port <= 65535;
}

}  // namespace

std::string RouteList() {
  std::string out;
  for (const auto& r : internal::RouteTable()) out += r.method + " " + r.path + "\n";
  return out;
}

int Serve(const Options& o) {
  // SIGTERM and SIGINT are taken by one thread with sigwait, not by a handler
  // (stopping the server is not async-signal-safe). Blocked first, so one
  // sent while the store opens waits for that thread instead of killing the
  // process, and so the server's threads inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::string host, shown;
  int port = -1;
  if (!ParseListen(o.listen, host, shown, port))
    Fail("E-SRV-002", "--listen「" + o.listen + "」は「アドレス:ポート」ではありません（例: 127.0.0.1:8080、[::1]:8080）。");

  registry::Bound b = registry::Open(o.db);
  if (const auto unset = UnsetEnforced(b); !unset.empty()) {
    std::string list;
    for (const auto& u : unset) list += "\n  " + u;
    Fail("E-SRV-001", "mamori serve が守らせる値が未設定のため、起動しません。値は本文になく実施手順に委ねられており、定める者が定めるまで既定の値は使いません:" + list);
  }

  httplib::Server svr;
  std::mutex store_mu;  // one connection to the store, shared by the worker threads
  svr.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    g_started = std::chrono::steady_clock::now();
    g_routed = true;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - g_started).count();
    const Json line = {{"at", store::NowJst()},
                       {"method", req.method},
                       {"path", req.path},
                       {"status", res.status},
                       {"ms", g_routed ? Json(std::round(ms * 1000) / 1000) : Json(nullptr)},
                       {"remote", req.remote_addr}};
    g_routed = false;
    static std::mutex log_mu;
    std::lock_guard<std::mutex> lock(log_mu);
    std::cerr << line.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n" << std::flush;
  });
  svr.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(store_mu);
    const auto head = b.ledger->Head();
    Answer(res, 200, {{"status", "ok"},
                      {"pack", b.pack.id},
                      {"organisation", b.pack.org_name},
                      {"pack_hash", b.store->GetMeta("pack_hash").value_or("")},
                      {"ledger_size", head ? head->size : 0}});
  });
  // Without TCP_NODELAY each small answer waits for the peer's delayed ACK (about 40 ms).
  svr.set_tcp_nodelay(true);
  // cpp-httplib serves a connection on one pool thread for as long as it is
  // kept alive: the pool is sized for the keep-alive connections of the
  // systems that call (64 in the bench), and a connection is not cut every
  // few requests (the library's default is 5) so callers need not reconnect.
  svr.new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  svr.set_keep_alive_max_count(100000);
  const auto api = internal::Mount(svr, b, store_mu, o.db);
  svr.set_payload_max_length(kMaxBody);
  svr.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 413)
      Answer(res, 413, ErrorBody("E-API-413", "要求の本文が大きすぎます（" + std::to_string(kMaxBody / (1024 * 1024)) + " MiB まで）。"));
    else if (res.status == 404 && res.body.empty())  // no route; a handler's 404 already says what is missing
      Answer(res, 404, ErrorBody("E-SRV-404", "「" + req.method + " " + req.path + "」はありません。"));
    else if (res.body.empty())
      Answer(res, res.status, ErrorBody("E-SRV-400", "要求を処理できませんでした（HTTP " + std::to_string(res.status) + "）。"));
  });
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    try {
      std::rethrow_exception(ep);
    } catch (const store::Error& e) {
      Answer(res, 500, ErrorBody(e.code(), e.what()));
    } catch (const std::exception& e) {
      Answer(res, 500, ErrorBody("E-SRV-500", std::string("内部の誤りです: ") + e.what()));
    }
  });

  const int bound = port == 0 ? svr.bind_to_any_port(host) : (svr.bind_to_port(host, port) ? port : -1);
  if (bound <= 0)
    Fail("E-SRV-002", o.listen + " で待ち受けられません（ポートが使用中か、そのアドレスがこの機械にありません）。");
  std::cout << "mamori serve: http://" << shown << ":" << bound << " で待ち受けています（" << b.pack.org_name
            << "、止めるには Ctrl-C か SIGTERM）。" << std::endl;

  // stop() does nothing until the listener runs: a signal that came before
  // it started (during start-up) is acted on by trying again until it ends.
  std::atomic<bool> stopping{false}, ended{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    stopping = true;
    while (!ended) {
      svr.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  // Case events to the hooks, once a second, outside the request threads:
  // a slow mail command delays nobody's answer.
  std::thread notifier([&] {
    Notifier n(*b.store, [&] { return std::unique_lock<std::mutex>(store_mu); });
    while (!stopping && !ended) {
      try {
        n.DeliverPending();
      } catch (const std::exception& e) {
        std::cerr << Json{{"at", store::NowJst()}, {"error", std::string("W-HOOK-002: 通知を送れませんでした: ") + e.what()}}.dump(
                         -1, ' ', false, Json::error_handler_t::replace)
                  << "\n";
      }
      for (int i = 0; i < 20 && !stopping && !ended; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  const bool listened = svr.listen_after_bind();
  ended = true;
  notifier.join();
  // The listener ended on its own (not by a signal): wake the waiter so it can be joined.
  if (!stopping) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  if (!stopping && !listened) Fail("E-SRV-002", o.listen + " での待ち受けが続けられなくなりました。");
  std::cout << "mamori serve: 停止しました。" << std::endl;
  return 0;
}

}  // namespace mamori::server
