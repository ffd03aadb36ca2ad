// mamori: the command line. Each subcommand maps to one module under src/.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

#ifndef MAMORI_VERSION
#error "MAMORI_VERSION must be defined by CMake (project VERSION, src/cli/CMakeLists.txt)"
#endif

namespace {

// CLI11's own parse errors, told in Japanese. CLI11 gives its errors as English
// text whose format is fixed per version (written against CLI11 2.1.2,
// /usr/include/CLI/Error.hpp and the throws in App.hpp / Option.hpp); the
// option's name is read back out of that text. Text of a shape not recognised
// here is shown as a generic Japanese sentence with CLI11's original in
// parentheses, so nothing is ever lost. Every message keeps the code E-CLI-001.

bool StartsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool EndsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

std::vector<std::string> SplitOn(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string JoinJa(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "、") + i;
  return out;
}

// The subcommand the command line reached: what the user was running when
// parsing stopped (CLI11 keeps the parsed subcommands after it throws).
const CLI::App* Reached(const CLI::App& root) {
  const CLI::App* app = &root;
  while (!app->get_subcommands().empty()) app = app->get_subcommands().front();
  return app;
}

// "mamori pack check": the root's own name is argv[0], which may be a path.
std::string CommandPath(const CLI::App* app) {
  std::string path;
  for (; app && app->get_parent(); app = app->get_parent()) path = " " + app->get_name() + path;
  return "mamori" + path;
}

// The option called `name` on the reached subcommand or one of its parents.
const CLI::Option* FindOption(const CLI::App* app, const std::string& name) {
  for (; app; app = app->get_parent())
    if (const auto* opt = app->get_option_no_throw(name)) return opt;
  return nullptr;
}

// "--db「データベースのファイル」", or just the name when it has no description.
std::string Named(const CLI::App* app, const std::string& name) {
  const auto* opt = FindOption(app, name);
  if (!opt || opt->get_description().empty()) return name;
  return name + "「" + opt->get_description() + "」";
}

std::vector<std::string> SubcommandNames(const CLI::App* app) {
  std::vector<std::string> names;
  for (const auto* sub : app->get_subcommands([](const CLI::App*) { return true; }))
    if (!sub->get_name().empty()) names.push_back(sub->get_name());
  return names;
}

// "NAME: rest" -> {NAME, rest}; no ": " -> {"", text}.
std::pair<std::string, std::string> NameAndRest(const std::string& text) {
  const auto colon = text.find(": ");
  if (colon == std::string::npos) return {"", text};
  return {text.substr(0, colon), text.substr(colon + 2)};
}

std::string Generic(const std::string& original) {
  return "コマンドラインの指定が正しくありません（" + original + "）。";
}

std::string Required(const CLI::App* app, const std::string& text) {
  if (text == "A subcommand is required") {
    const auto names = SubcommandNames(app);
    return "`" + CommandPath(app) + "` の後にサブコマンドを指定してください（" + JoinJa(names) + "）。";
  }
  const std::string suffix = " is required";
  if (EndsWith(text, suffix)) {
    const std::string name = text.substr(0, text.size() - suffix.size());
    if (StartsWith(name, "-"))
      return "`" + CommandPath(app) + "` には " + Named(app, name) + "の指定が必要です。" + name + " に続けて値を書いてください。";
    return "`" + CommandPath(app) + "` には " + Named(app, name) + "が必要です。コマンドの後に書いてください。";
  }
  return Generic(text);
}

std::string Mismatch(const CLI::App* app, const std::string& text) {
  auto [name, rest] = NameAndRest(text);
  if (!name.empty() && EndsWith(rest, " missing") && rest.find(" required ") != std::string::npos) {
    // "--db: 1 required TEXT missing"
    const std::string count = rest.substr(0, rest.find(' '));
    return name + " の後に値がありません。" + Named(app, name) + "に続けて値を" + (count == "1" ? "" : " " + count + " 個") +
           "書いてください。";
  }
  if (!name.empty() && StartsWith(rest, "At least ")) {
    return Named(app, name) + "には値が足りません（" + rest + "）。値を続けて書いてください。";
  }
  if (!name.empty() && StartsWith(rest, "At Most ")) {
    return Named(app, name) + "の値が多すぎます（" + rest + "）。余分な値を消してください。空白を含む値は引用符で囲んでください。";
  }
  const std::string flag = " was given a disallowed flag override";
  if (EndsWith(text, flag)) {
    const std::string opt = text.substr(0, text.size() - flag.size());
    return opt + " は値を取らない指定です。「" + opt + "=…」ではなく " + opt + " だけを書いてください。";
  }
  if (StartsWith(text, "Expected ")) {
    // "Expected exactly 2 arguments to NAME, got 1"
    const auto to = text.find(" arguments to ");
    const auto got = text.rfind(", got ");
    if (to != std::string::npos && got != std::string::npos && got > to) {
      const std::string opt = text.substr(to + 14, got - to - 14);
      return Named(app, opt) + "の値の数が違います（" + text + "）。";
    }
  }
  return Generic(text);
}

std::string Extras(const CLI::App* app, const std::string& text) {
  const auto colon = text.find(": ");
  if (!StartsWith(text, "The following argument") || colon == std::string::npos) return Generic(text);
  std::vector<std::string> options, others;
  for (const auto& a : SplitOn(text.substr(colon + 2), ' ')) (a.size() > 1 && a[0] == '-' ? options : others).push_back(a);
  const std::string cmd = CommandPath(app);
  if (!options.empty()) {
    std::string names;
    for (const auto& o : options) names += "「" + o + "」";
    return "`" + cmd + "` に" + names + "というオプションはありません。綴りを確かめてください（使えるオプションは `" + cmd +
           " --help` で確認できます）。";
  }
  std::string names;
  for (const auto& o : others) names += "「" + o + "」";
  const auto subs = SubcommandNames(app);
  if (!subs.empty())
    return "`" + cmd + "` に" + names + "というサブコマンドはありません（使えるサブコマンド: " + JoinJa(subs) + "）。";
  return "`" + cmd + "` には余分な引数" + names + "があります。消すか、空白を含む値なら引用符で囲んでください。";
}

std::string Validation(const CLI::App* app, const std::string& text) {
  auto [name, rest] = NameAndRest(text);
  if (name.empty()) return Generic(text);
  // CLI::IsMember: "--format: pdf not in {json,text,xml,outline}"
  const auto not_in = rest.find(" not in {");
  if (not_in != std::string::npos && EndsWith(rest, "}")) {
    const std::string value = rest.substr(0, not_in);
    const std::string set = rest.substr(not_in + 9, rest.size() - not_in - 10);
    return Named(app, name) + "に「" + value + "」は使えません。次のどれかを書いてください: " + JoinJa(SplitOn(set, ',')) + "。";
  }
  return Named(app, name) + "の値が正しくありません（" + rest + "）。";
}

std::string Conversion(const CLI::App* app, const std::string& text) {
  // "Could not convert: --people = abc"
  const std::string head = "Could not convert: ";
  if (StartsWith(text, head)) {
    const std::string body = text.substr(head.size());
    const auto eq = body.find(" = ");
    if (eq != std::string::npos) {
      const std::string name = body.substr(0, eq), value = body.substr(eq + 3);
      const auto* opt = FindOption(app, name);
      const std::string type = opt ? opt->get_type_name() : "";
      const std::string want = type == "INT" || type == "UINT" ? "整数（例: 300）" : type == "FLOAT" ? "数（例: 1.5）" : "正しい形";
      return Named(app, name) + "の値「" + value + "」を読めません。" + want + "で書いてください。";
    }
  }
  // "The value X is not an allowed value for NAME"
  const std::string value_head = "The value ", value_mid = " is not an allowed value for ";
  if (StartsWith(text, value_head) && text.find(value_mid) != std::string::npos) {
    const auto mid = text.find(value_mid);
    const std::string value = text.substr(value_head.size(), mid - value_head.size());
    return Named(app, text.substr(mid + value_mid.size())) + "に「" + value + "」は使えません。";
  }
  auto [name, rest] = NameAndRest(text);
  if (!name.empty() && rest == "too many inputs for a flag")
    return name + " は値を取らない指定です。値を付けずに " + name + " だけを書いてください。";
  if (!name.empty() && rest == "Should be true/false or a number")
    return name + " には true か false（または数）を書いてください。";
  return Generic(text);
}

std::string Pair(const std::string& text, const std::string& word, bool needs) {
  const auto at = text.find(word);
  if (at == std::string::npos) return Generic(text);
  const std::string a = text.substr(0, at), b = text.substr(at + word.size());
  return needs ? a + " を使うときは " + b + " も指定してください。" : a + " と " + b + " は一緒に指定できません。どちらか一方にしてください。";
}

std::string Japanese(const CLI::ParseError& e, const CLI::App& root, const CLI::App* app) {
  const std::string text = e.what();
  if (dynamic_cast<const CLI::RequiredError*>(&e)) {
    // CLI11 checks what is required before what is left over, so `mamori foo`
    // and `init --pak yasuda` come as "required": the unknown word is the cause.
    const auto left = root.remaining(true);
    if (!left.empty()) {
      std::string words;
      for (const auto& w : left) words += (words.empty() ? "" : " ") + w;
      return Extras(app, "The following arguments were not expected: " + words);
    }
    return Required(app, text);
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) return Mismatch(app, text);
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) return Extras(app, text);
  if (dynamic_cast<const CLI::ValidationError*>(&e)) return Validation(app, text);
  if (dynamic_cast<const CLI::ConversionError*>(&e)) return Conversion(app, text);
  if (dynamic_cast<const CLI::RequiresError*>(&e)) return Pair(text, " requires ", true);
  if (dynamic_cast<const CLI::ExcludesError*>(&e)) return Pair(text, " excludes ", false);
  return Generic(text);
}

// The help in Japanese too: CLI11's labels and default group names.
void JapaneseHelp(CLI::App& app) {
  auto f = app.get_formatter();
  for (const auto& [en, ja] : std::vector<std::pair<std::string, std::string>>{
           {"Usage", "使い方"}, {"OPTIONS", "オプション"}, {"SUBCOMMAND", "サブコマンド"}, {"SUBCOMMANDS", "サブコマンド"},
           {"REQUIRED", "必須"}, {"Positionals", "引数"}, {"TEXT", "文字列"}, {"INT", "整数"}, {"UINT", "整数"},
           {"FLOAT", "数"}, {"Env", "環境変数"}, {"Needs", "必要"}, {"Excludes", "同時に使えない"}})
    f->label(en, ja);
}

void NameSubcommandGroups(CLI::App& app) {
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    sub->group("サブコマンド");
    // A subcommand makes its help flags before it copies the option defaults.
    for (const char* flag : {"--help", "--help-all"})
      if (auto* opt = sub->get_option_no_throw(flag)) opt->group("オプション");
    NameSubcommandGroups(*sub);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mamori（守り）: 情報セキュリティポリシーを動かす仕組み", "mamori"};
  app.require_subcommand(1);
  JapaneseHelp(app);
  // Set before subcommands are added: they copy the parent's option defaults and help flag.
  app.option_defaults()->group("オプション");
  app.set_help_flag("-h,--help", "このヘルプを表示して終了");
  app.set_help_all_flag("--help-all", "すべてのサブコマンドのヘルプを表示");
  app.set_version_flag("--version", std::string("mamori ") + MAMORI_VERSION, "バージョンを表示して終了");
  mamori::cli::AddReikiCommand(app);
  mamori::cli::AddPackCommand(app);
  mamori::cli::AddRegistryCommands(app);
  mamori::cli::AddDecideCommand(app);
  mamori::cli::AddLedgerCommand(app);
  mamori::cli::AddCaseCommands(app);
  mamori::cli::AddComplianceCommands(app);
  mamori::cli::AddTrainingCommands(app);
  mamori::cli::AddAuditCommands(app);
  mamori::cli::AddParamCommands(app);
  mamori::cli::AddServeCommand(app);
  mamori::cli::AddAccountCommands(app);
  mamori::cli::AddReportCommand(app);
  NameSubcommandGroups(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) {
      const CLI::App* reached = Reached(app);
      std::cerr << "E-CLI-001: " << Japanese(e, app, reached) << "\n"
                << "使い方は `" << CommandPath(reached) << " --help` で確認できます。\n";
      return 2;
    }
    return app.exit(e);  // --help, --help-all, --version
  }
  return mamori::cli::ExitCode();
}
