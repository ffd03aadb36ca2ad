// server: `mamori serve`, the store over HTTP for people and systems.
//
// Invariants (this first part: the process, its start and its stop):
//  * The server does not start while a value it enforces is unset (the pack's
//    parameters marked `enforced`: login attempts, the idle time-out, the
//    password length; 安田町 第59条第3号・第85条). The refusal names each,
//    its article, and who sets it; nothing is defaulted (E-SRV-001).
//  * It listens only where it is told (`--listen HOST:PORT`); TLS is
//    nginx's (deploy/).
//  * SIGTERM and SIGINT stop it cleanly: requests in flight finish, the store
//    is closed, the exit status is 0.
//  * Every request is one JSON line on stderr (the access log): time, method,
//    path, status, duration, remote address. Every answer is JSON; an error
//    carries a stable code and a Japanese message.
#pragma once

#include <string>

namespace mamori::server {

struct Options {
  std::string db;
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 takes a free one (printed)
};

// Runs until SIGTERM / SIGINT; returns the exit status. Throws store::Error
// (E-SRV-001 an enforced value unset, E-SRV-002 a --listen that is not
// HOST:PORT or cannot be bound) before it listens.
int Serve(const Options& options);

// The routes the server answers, "METHOD PATH" a line, paths as the OpenAPI
// document writes them (what its test holds the document to).
std::string RouteList();

}  // namespace mamori::server
