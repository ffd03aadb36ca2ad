// `mamori decide`: one request, or JSON Lines in and out (docs/decide.md).
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/guard.h"
#include "engine/engine.h"
#include "registry/binding.h"

namespace mamori::cli {

void AddDecideCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("decide", "行為を条文に基づいて判定する（許可・禁止・承認が必要、承認者、義務、根拠条文）");
  static std::string db = std::getenv("MAMORI_DB") ? std::getenv("MAMORI_DB") : "mamori.db";
  static std::string input;
  static bool explain = false;
  cmd->add_option("REQUEST", input, "要求の JSON ファイル、または - で標準入力から JSON Lines");
  cmd->add_option("--db", db, "データベースのファイル");
  cmd->add_flag("--explain", explain, "判断の理由と根拠条文の本文を日本語で示す");
  cmd->callback([] {
    Guard([] {
      auto b = registry::Open(db);
      auto reg = reiki::ParseFile((std::filesystem::path(b.pack.dir) / b.pack.regulation.file).string());
      auto snap = engine::Compile(b.pack, reg, *b.store);
      auto one = [&](const std::string& text, bool stream) {
        try {
          auto req = engine::ParseRequest(text);
          auto d = engine::Decide(*snap, req);
          std::cout << engine::ToJson(d) << "\n";
          if (explain) std::cout << engine::Explain(*snap, req, d) << (stream ? "" : "\n");
        } catch (const store::Error& e) {
          if (!stream) throw;
          // A bad line gets an error line in its place, so outputs stay aligned with inputs.
          nlohmann::json err = {{"error", {{"code", e.code()}, {"message", e.what()}}}};
          std::cout << err.dump() << "\n";
          SetExitCode(2);
        }
      };
      if (input.empty() || input == "-") {
        std::string line;
        while (std::getline(std::cin, line))
          if (line.find_first_not_of(" \t\r") != std::string::npos) one(line, true);
      } else {
        std::ifstream in(input, std::ios::binary);
        if (!in) throw store::Error("E-DEC-003", "要求のファイル「" + input + "」を開けません。");
        std::stringstream ss;
        ss << in.rdbuf();
        one(ss.str(), false);
      }
    });
  });
}

}  // namespace mamori::cli
