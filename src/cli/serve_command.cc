// `mamori serve`: the store over HTTP (src/server).
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"
#include "cli/guard.h"
#include "server/server.h"

namespace mamori::cli {

void AddServeCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "台帳と判定を HTTP で提供する（TLS は nginx が終端する。deploy/ を参照）");
  static server::Options o{DefaultDb()};
  cmd->add_option("--db", o.db, "データベースのファイル");
  cmd->add_option("--listen", o.listen, "待ち受けるアドレスとポート（既定 127.0.0.1:8080。ポート 0 は空いているもの）");
  static bool routes = false;
  cmd->add_flag("--routes", routes, "答える経路（メソッドとパス）を1行ずつ示して終わる");
  cmd->callback([] {
    Guard([] {
      if (routes) {
        std::cout << server::RouteList();
        return;
      }
      SetExitCode(server::Serve(o));
    });
  });
}

}  // namespace mamori::cli
