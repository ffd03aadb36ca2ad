// The OpenAPI document, as src/server/openapi.json was when built.
#include "server/api.h"

namespace mamori::server::internal {

const std::string& OpenApiDocument() {
  static const std::string doc =
#include "openapi_json.inc"
      ;
  return doc;
}

}  // namespace mamori::server::internal
