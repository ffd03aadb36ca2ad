// mamori: the command line. Each subcommand maps to one module under src/.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"mamori（守り）: 情報セキュリティポリシーを動かす仕組み"};
  app.require_subcommand(1);
  // Set before subcommands are added: they copy the parent's help flag.
  app.set_help_flag("-h,--help", "このヘルプを表示して終了");
  app.set_help_all_flag("--help-all", "すべてのサブコマンドのヘルプを表示");
  mamori::cli::AddReikiCommand(app);
  mamori::cli::AddPackCommand(app);
  mamori::cli::AddRegistryCommands(app);
  mamori::cli::AddDecideCommand(app);
  mamori::cli::AddLedgerCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) {
      std::cerr << "E-CLI-001: コマンドの指定が正しくありません: " << e.what() << "\n"
                << "使い方は `mamori --help` で確認できます。\n";
      return 2;
    }
    return app.exit(e);
  }
  return mamori::cli::ExitCode();
}
