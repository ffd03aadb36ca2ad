// `mamori pack …`: check a policy pack against its regulation, and show it.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"
#include "policy/policy.h"

namespace mamori::cli {

void AddPackCommand(CLI::App& app) {
  auto* pack = app.add_subcommand("pack", "ポリシーパック（規程と動作の対応付け）を検査・表示する");
  pack->require_subcommand(1);
  {
    auto* cmd = pack->add_subcommand("check", "パックを読み込み、引用・参照・矛盾・網羅を検査する（問題がなければ終了コード 0）");
    static std::string dir;
    cmd->add_option("DIR", dir, "パックのフォルダ（例: packs/yasuda）")->required();
    cmd->callback([] {
      auto result = policy::LoadAndCheck(dir);
      std::vector<policy::Diagnostic> all = result.load.errors;
      all.insert(all.end(), result.report.errors.begin(), result.report.errors.end());
      std::cerr << policy::FormatDiagnostics(all);
      if (result.regulation) {
        std::cout << policy::FormatCoverage(result.report.coverage);
        if (!result.report.unregulated_actions.empty()) {
          std::cout << "規則のない行為（既定の効果「"
                    << policy::EffectJapanese(result.load.pack.default_effect) << "」を適用）:";
          for (const auto& a : result.report.unregulated_actions) std::cout << " " << a;
          std::cout << "\n";
        }
      }
      if (result.ok()) {
        std::cout << "OK: " << dir << " に問題はありません。\n";
      } else {
        std::cerr << "E-PACK-000: " << dir << " に " << all.size() << " 件の問題があります。上の各行の場所を直してください。\n";
        SetExitCode(2);
      }
    });
  }
  {
    auto* cmd = pack->add_subcommand("show", "パックの内容を日本語で要約する（役割、取扱い、承認、ゾーン、義務、未設定のパラメータ、ギャップ）");
    static std::string dir;
    cmd->add_option("DIR", dir, "パックのフォルダ")->required();
    cmd->callback([] {
      auto loaded = policy::LoadPack(dir);
      if (!loaded.errors.empty()) {
        std::cerr << policy::FormatDiagnostics(loaded.errors)
                  << "E-PACK-000: パックを読み込めません。`mamori pack check " << dir << "` で確認してください。\n";
        SetExitCode(2);
        return;
      }
      std::cout << policy::Summary(loaded.pack);
    });
  }
}

}  // namespace mamori::cli
