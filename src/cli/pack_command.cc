// `mamori pack …`: check a policy pack against its regulation, and show it.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"
#include "cli/guard.h"
#include "cli/pack_path.h"
#include "store/store.h"
#include "policy/policy.h"

namespace mamori::cli {

void AddPackCommand(CLI::App& app) {
  auto* pack = app.add_subcommand("pack", "ポリシーパック（規程と動作の対応付け）を検査・表示する");
  pack->require_subcommand(1);
  {
    auto* cmd = pack->add_subcommand("check", "パックを読み込み、引用・参照・矛盾・網羅を検査する（問題がなければ終了コード 0）");
    static std::string dir;
    cmd->add_option("DIR", dir, "パックのフォルダ、またはインストールしたパックの名前（例: yasuda）")->required();
    cmd->callback([] {
      Guard([] {
        dir = ResolvePackDir(dir);
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
    });
  }
  {
    auto* cmd = pack->add_subcommand(
        "review", "引用した条項の本文を、規定を確かめた者と日時とともに審査の記録（review.toml）に残す（改正の検出に使う）");
    static std::string dir, as, note;
    static std::vector<std::string> refs;
    cmd->add_option("DIR", dir, "パックのフォルダ、またはインストールしたパックの名前（その review.toml に書き込む）")->required();
    cmd->add_option("--as", as, "確かめた者（氏名や職員番号。記録に残る）")->required();
    cmd->add_option("--ref", refs, "確かめた条項（例: 第29条第3項、繰り返し可）。省略すると、本文が変わった条項と未記録の条項すべて");
    cmd->add_option("--note", note, "確かめた内容の覚え書き");
    cmd->callback([] {
      Guard([] {
        if (as.find_first_not_of(" \t") == std::string::npos)
          throw store::Error("E-CLI-001", "--as に確かめた者を書いてください。");
        dir = ResolvePackDir(dir);
        auto changes = policy::ReviewClauses(dir, refs, as, store::NowJst(), note);
        for (const auto& c : changes) {
          std::cout << "【確認】" << c.ref << (c.old_text.empty() ? "（初めての記録）" : "（本文の変更を確認）") << "\n";
          if (!c.old_text.empty()) std::cout << "  審査時: " << c.old_text << "\n";
          std::cout << "  現在:   " << c.new_text << "\n  引用する規定:";
          for (const auto& b : c.bindings) std::cout << " " << b;
          std::cout << "\n";
        }
        std::cout << (changes.empty() ? "記録する変更はありません（引用した条項の本文はすべて審査の記録と同じです）。\n"
                                      : "審査の記録（review.toml）に " + std::to_string(changes.size()) + " 件の確認を記録しました。\n");
      });
    });
  }
  {
    auto* cmd = pack->add_subcommand("show", "パックの内容を日本語で要約する（役割、取扱い、承認、ゾーン、義務、未設定のパラメータ、ギャップ）");
    static std::string dir;
    cmd->add_option("DIR", dir, "パックのフォルダ、またはインストールしたパックの名前（例: yasuda）")->required();
    cmd->callback([] {
      Guard([] {
        dir = ResolvePackDir(dir);
        auto loaded = policy::LoadPack(dir);
        if (!loaded.errors.empty()) {
          std::cerr << policy::FormatDiagnostics(loaded.errors)
                    << "E-PACK-000: パックを読み込めません。`mamori pack check " << dir << "` で確認してください。\n";
          SetExitCode(2);
          return;
        }
        std::cout << policy::Summary(loaded.pack);
      });
    });
  }
}

}  // namespace mamori::cli
