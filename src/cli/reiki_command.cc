// `mamori reiki …`: read, cite and compare regulations.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"
#include "cli/guard.h"
#include "reiki/reiki.h"

namespace mamori::cli {
namespace {

int g_exit_code = 0;

void PrintNotices(const reiki::Regulation& reg, bool all) {
  for (const auto& n : reg.notices) {
    // Informational repairs are many; only the encoding notice is always worth saying.
    if (!all && n.code != "I-REIKI-101" && n.code.rfind("W-", 0) != 0) continue;
    std::cerr << n.code << ": " << reg.source_name;
    if (n.line) std::cerr << ":" << n.line;
    std::cerr << ": " << n.message << "\n";
  }
}

}  // namespace

int ExitCode() { return g_exit_code; }
void SetExitCode(int code) { g_exit_code = code; }

void AddReikiCommand(CLI::App& app) {
  auto* reiki = app.add_subcommand("reiki", "例規（規程・基準・法令）のテキストを読む");
  reiki->require_subcommand(1);

  {
    auto* cmd = reiki->add_subcommand("parse", "例規を条・項・号の木に読み込み、JSON / テキスト / XML で出力する");
    static std::string file, format = "json";
    static bool verbose = false;
    cmd->add_option("FILE", file, "例規のテキストファイル（UTF-8 または CP932）")->required();
    cmd->add_option("--format,-f", format, "出力形式: json | text | xml | outline")
        ->check(CLI::IsMember({"json", "text", "xml", "outline"}));
    cmd->add_flag("--verbose,-v", verbose, "本文の補修（改ページ結合など）の通知もすべて表示する");
    cmd->callback([] {
      Guard([] {
        auto reg = reiki::ParseFile(file);
        PrintNotices(reg, verbose);
        if (format == "json") std::cout << reiki::ToJson(reg) << "\n";
        else if (format == "xml") std::cout << reiki::ToXml(reg);
        else if (format == "outline") std::cout << reiki::Outline(reg);
        else std::cout << reiki::ToText(reg);
      });
    });
  }
  {
    auto* cmd = reiki->add_subcommand("cite", "条項を引用する（例: 第27条第2項、第9第3号イ、第百三十条の二）");
    static std::string file, ref;
    cmd->add_option("FILE", file, "例規のテキストファイル")->required();
    cmd->add_option("REF", ref, "条項の参照（第27条第2項 など）")->required();
    cmd->callback([] {
      Guard([] {
        auto reg = reiki::ParseFile(file);
        PrintNotices(reg, false);
        const auto& node = reiki::Resolve(reg, reiki::ParseReference(ref));
        std::cout << reiki::CitationOf(reg, node) << "\n" << reiki::CiteText(node) << "\n";
      });
    });
  }
  {
    auto* cmd = reiki->add_subcommand("diff", "2つの版の例規を比べ、追加・削除・変更された条・項・号を示す（改正）");
    static std::string old_file, new_file, format = "text";
    cmd->add_option("OLD", old_file, "改正前のテキスト")->required();
    cmd->add_option("NEW", new_file, "改正後のテキスト")->required();
    cmd->add_option("--format,-f", format, "出力形式: text | json")->check(CLI::IsMember({"text", "json"}));
    cmd->callback([] {
      Guard([] {
        auto a = reiki::ParseFile(old_file);
        auto b = reiki::ParseFile(new_file);
        PrintNotices(a, false);
        PrintNotices(b, false);
        auto changes = reiki::Diff(a, b);
        std::cout << (format == "json" ? reiki::DiffToJson(changes) : reiki::DiffToText(changes));
      });
    });
  }
}

}  // namespace mamori::cli
