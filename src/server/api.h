// The API under /api/v1 (internal to the server module; server.h is the
// module's public face). One route table: the server mounts it, `mamori
// serve --routes` prints it, and the OpenAPI document must document each
// entry (tests/server/openapi_test.py holds the two together).
#pragma once

#include <httplib.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "registry/binding.h"

namespace mamori::server::internal {

struct Route {
  std::string method;
  std::string path;  // as OpenAPI writes it: /api/v1/cases/{id}
};
const std::vector<Route>& RouteTable();

// The OpenAPI 3.1 document (src/server/openapi.json, compiled in).
const std::string& OpenApiDocument();

class Api;
// Mounts every route of RouteTable() on `svr`. The store is one connection,
// used under `store_mu` by the worker threads.
// `db` is the store's file (its secrets key lies beside it, server/totp.h).
std::shared_ptr<Api> Mount(httplib::Server& svr, registry::Bound& b, std::mutex& store_mu, const std::string& db);

}  // namespace mamori::server::internal
