// `mamori init | import | export | show | who` and `mamori pack apply`: the
// registers, from the command line.
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "ledger/ledger.h"
#include "output/output.h"
#include "cli/guard.h"
#include "cli/pack_path.h"
#include "registry/binding.h"
#include "registry/registry.h"
#include "registry/sample.h"

namespace mamori::cli {
namespace {

// An open store with its pack and registers, for one command. Not movable:
// the Registry refers into the Bound it sits beside.
struct Session {
  registry::Bound b;
  registry::Registry reg;
  explicit Session(const std::string& db) : b(registry::Open(db)), reg(*b.store, b.pack) {}
};

namespace fs = std::filesystem;

std::string Trim(std::string s) {
  const auto sp = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && sp(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && sp(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

const registry::Kind& KindOrThrow(const registry::Registry& reg, const std::string& name) {
  if (const auto* k = registry::FindKind(reg.kinds(), name)) return *k;
  std::string names;
  for (const auto& k : reg.kinds()) names += (names.empty() ? "" : "、") + k.ja + "(" + k.id + ")";
  throw store::Error("E-REG-011", "台帳「" + name + "」はありません（台帳: " + names + "）。");
}

std::optional<std::string> DateOption(const std::string& s, const char* option) {
  if (s.empty()) return std::nullopt;
  if (auto d = registry::io::ParseDate(s)) return *d;
  throw store::Error("E-REG-012", std::string(option) + " の日付「" + s + "」を読めません（例: 2026-04-01、2026/4/1、令和8年4月1日、R8.4.1）。");
}

// --as-of and --recorded-as-of, the same two questions on every command that
// shows registers (registry.h, AsOf).
struct WhenOptions {
  std::string as_of, recorded_as_of;
  void Add(CLI::App* cmd) {
    cmd->add_option("--as-of", as_of, "この日に効力のあった行（開始日〜終了日がこの日を含む行）を示す");
    cmd->add_option("--recorded-as-of", recorded_as_of, "この日の終わりまでに記録されていた台帳を示す（その後の変更の前）");
  }
  registry::AsOf Parse() const {
    return {DateOption(as_of, "--as-of"), DateOption(recorded_as_of, "--recorded-as-of")};
  }
  std::string Describe() const {
    std::string d;
    if (!as_of.empty()) d += as_of + " に効力のあった行";
    if (!recorded_as_of.empty()) d += (d.empty() ? "" : "、") + recorded_as_of + " までの記録";
    return d;
  }
};

// "2026-04-01" -> the start of that day in JST, for --at.
std::string AtOf(const std::string& s) {
  if (s.empty()) return "";
  auto d = registry::io::ParseDate(s);
  if (!d) throw store::Error("E-REG-012", "--at の日付「" + s + "」を読めません（例: 2026-04-01）。");
  return *d + "T09:00:00+09:00";
}

void PrintTable(const registry::Table& t) {
  std::string line;
  for (std::size_t i = 0; i < t.header.size(); ++i) line += (i ? "\t" : "") + t.header[i];
  std::cout << line << "\n";
  for (const auto& row : t.rows) {
    line.clear();
    for (std::size_t i = 0; i < row.size(); ++i) line += (i ? "\t" : "") + row[i];
    std::cout << line << "\n";
  }
}

}  // namespace

std::string DefaultDb() {
  const char* env = std::getenv("MAMORI_DB");
  return env ? env : "mamori.db";
}

namespace {
// Demonstration values for the parameters the server enforces, each set by
// a holder of its owner role today and recorded as a demo value: the text
// gives no number and a real town sets its own (`mamori param set`).
void SetDemoParameters(registry::Bound& b) {
  static const std::map<std::string, std::string> kDemo = {{"login_attempts", "5"}, {"idle_timeout", "15"}, {"password_length", "12"}};
  registry::Registry reg(*b.store, b.pack);
  for (const auto& p : b.pack.parameters) {
    if (p.enforced.empty() || p.value) continue;
    std::string by;
    const auto own = registry::OwnerSystem(*b.store, b.pack, p);
    const bool per_system = own.has_value();
    const std::string self = own.value_or("");
    for (const auto& row : b.store->List("people")) {
      for (const auto& h : reg.RolesHeld(row.id, store::NowJst().substr(0, 10)))
        if (h.role == p.owner && (!per_system || h.scope == self)) by = row.id;
      if (!by.empty()) break;
    }
    if (by.empty()) {
      std::cerr << "W-PARAM-001: 「" << p.name << "」の定める者（" << p.owner << "）が今日いないため、デモ用の値を定めませんでした。\n";
      continue;
    }
    registry::ParameterSet set{p.id, kDemo.at(p.enforced), by, "", "デモ用の値（mamori sample --demo-parameters）", true, "sample", ""};
    nlohmann::json row;
    try {
      row = registry::SetParameter(*b.store, b.pack, set);
    } catch (const store::Error& e) {
      std::cerr << "W-PARAM-001: 「" << p.name << "」のデモ用の値を定めませんでした: " << e.code() << ": " << e.what() << "\n";
      continue;
    }
    std::cout << "デモ用の値: " << p.name << " = " << row.value("value", "") << "（" << row.value("by", "") << " "
              << row.value("by_name", "") << " が定めたと記録）\n";
  }
}
}  // namespace

void AddRegistryCommands(CLI::App& app) {
  static std::string db = DefaultDb();
  static std::string actor = std::getenv("USER") ? std::getenv("USER") : "mamori";
  {
    auto* cmd = app.add_subcommand("init", "パックに結び付いた台帳のデータベースを作る");
    static std::string pack;
    cmd->add_option("--pack", pack, "パックのフォルダ（例: packs/yasuda）")->required();
    cmd->add_option("--db", db, "作るデータベースのファイル（既定: $MAMORI_DB または mamori.db）");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Init(db, ResolvePackDir(pack), actor);
        std::cout << db << " を作成しました（パック " << b.pack.id << "、"
                  << *b.store->GetMeta("pack_hash") << "）。\n";
      });
    });
  }
  {
    auto* pack_cmd = app.get_subcommand("pack");  // AddPackCommand ran first
    auto* cmd = pack_cmd->add_subcommand("apply", "データベースが使うパックを新しい版に切り替え、その記録を残す");
    static std::string dir;
    cmd->add_option("DIR", dir, "新しい版のパックのフォルダ")->required();
    static bool force = false;
    static std::string reason;
    cmd->add_flag("--force", force, "別の団体のパックへ切り替える（--reason が必要）");
    cmd->add_option("--reason", reason, "切り替えの理由（証跡に残す。改正の内容など）");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        if (force && reason.find_first_not_of(" \t") == std::string::npos)
          throw store::Error("E-CLI-001", "--force には --reason \"理由\" が必要です（理由は証跡に残ります）。");
        nlohmann::json impact;
        std::string hash = registry::ApplyPack(db, ResolvePackDir(dir), actor, force ? reason : "", reason, &impact);
        if (hash.empty()) {
          std::cout << "パックは登録済みの版と同じです。変更はありません。\n";
          return;
        }
        std::cout << "パックを切り替えました（" << hash << "）。\n";
        // The impact list the committee's evaluation reads (安田町 第142条), recorded with the switch.
        if (!impact.value("compared", false)) {
          std::cout << "  影響: " << impact.value("why", "") << "\n";
        } else {
          std::cout << "  本文が変わった条項: " << impact["changed"].size() << " 件、引用されなくなった条項: " << impact["dropped"].size() << " 件\n";
          for (const auto& c : impact["changed"]) {
            std::string owners;
            for (const auto& o : c["bindings"]) owners += (owners.empty() ? "" : "、") + o.get<std::string>();
            std::cout << "    " << c.value("ref", "") << ": " << owners << "\n";
          }
          for (const auto& r : impact["dropped"]) std::cout << "    " << r.get<std::string>() << "（引用されなくなった）\n";
        }
        std::cout << "  前の版で開かれ、まだ終わっていない案件: " << impact["open_cases"].size() << " 件";
        std::string ids;
        std::size_t shown = 0;
        for (const auto& c : impact["open_cases"])
          if (shown < 10) ids += (shown++ ? "、" : "") + c.get<std::string>();
        std::cout << (ids.empty() ? "" : "（" + ids + (impact["open_cases"].size() > shown ? " ほか" : "") + "）") << "\n";
      });
    });
  }
  {
    auto* cmd = app.add_subcommand("import",
                                   "台帳を CSV / xlsx から取り込む（1行でも誤りがあれば何も取り込まない）。"
                                   "台帳名とファイル、またはブック（各シートが台帳）や台帳名のついた CSV をいくつでも");
    static std::vector<std::string> args, sheets;
    static std::string at;
    static bool dry_run = false, replace = false, yes = false;
    cmd->add_option("ARGS", args, "台帳 ファイル（例: 職員 職員.csv）、またはファイルだけ（台帳.xlsx、組織.csv 職.csv …）")->required();
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->add_option("--sheet", sheets, "ブックのうち読むシート（いくつでも。台帳名を指定したときは、その台帳として読むシート）");
    cmd->add_flag("--dry-run", dry_run, "取り込まずに、何が変わるかだけを示す");
    cmd->add_flag("--replace", replace, "ファイルにない行を台帳から削除する（削除する行を示し、--yes があるときだけ削除する）");
    cmd->add_flag("--yes", yes, "--replace で削除する行があっても取り込む");
    cmd->add_option("--actor", actor, "記録する実施者（既定: ログイン名）");
    cmd->add_option("--at", at, "記録する日付（過去の台帳を登録し直す場合）");
    cmd->callback([] {
      Guard([] {
        Session session(db);
        auto& reg = session.reg;
        // What to read: "KIND FILE" as before, or files that name their
        // registers — a workbook's sheets by their names, a CSV by its own.
        std::vector<registry::SourceTable> tables;
        const bool legacy = args.size() == 2 && registry::FindKind(reg.kinds(), args[0]) && !fs::is_regular_file(args[0]);
        std::set<std::string> wanted(sheets.begin(), sheets.end()), found;
        if (!sheets.empty() && std::none_of(args.begin(), args.end(), [](const std::string& f) { return registry::io::IsWorkbook(f); }))
          throw store::Error("E-REG-028", "--sheet は Excel ブック（.xlsx）を取り込むときに使います。CSV にはシートがありません。");
        if (legacy) {
          const auto& kind = KindOrThrow(reg, args[0]);
          const std::string& file = args[1];
          if (!registry::io::IsWorkbook(file)) {
            tables.push_back({file, &kind, registry::io::ReadTable(file)});
          } else {
            // A workbook named for one register: the sheet --sheet names, else
            // the sheet named for the register, else its only sheet. Never
            // silently the first of several.
            auto book = registry::io::ReadXlsxSheets(file);
            std::vector<std::string> names;
            for (const auto& sh : book)
              if (!sh.table.header.empty()) names.push_back(sh.name);
            if (sheets.size() > 1)
              throw store::Error("E-REG-028", "台帳を名指したときは --sheet をひとつだけ指定してください（" + kind.ja + "として読むシート）。");
            registry::io::Sheet* pick = nullptr;
            for (auto& sh : book) {
              if (sheets.empty() ? Trim(sh.name) == kind.ja || Trim(sh.name) == kind.id : sh.name == sheets[0]) pick = &sh;
            }
            if (!pick && sheets.empty() && names.size() == 1)
              for (auto& sh : book)
                if (sh.name == names[0]) pick = &sh;
            if (!pick || pick->table.header.empty()) {
              std::string list;
              for (const auto& n : names) list += "「" + n + "」";
              throw store::Error("E-REG-028", sheets.empty()
                  ? file + " には「" + kind.ja + "」という名前のシートがなく、シートが複数あります（" + list + "）。読むシートを --sheet で指定してください（例: --sheet " + (names.empty() ? kind.ja : names[0]) + "）。"
                  : file + " にシート「" + sheets[0] + "」" + (pick ? "はありますが空です" : "はありません") + "（データのあるシート: " + (list.empty() ? "なし" : list) + "）。");
            }
            tables.push_back({file + " のシート「" + pick->name + "」", &kind, std::move(pick->table)});
            found.insert(pick->name);
          }
        } else {
          for (const auto& file : args) {
            if (!fs::exists(file) && registry::FindKind(reg.kinds(), file))
              throw store::Error("E-REG-023", "「" + file + "」は台帳の名前です。台帳を名指すときは、ファイルをひとつだけ続けてください（例: mamori import 職員 職員.csv）。");
            if (std::string why = reiki::FileProblem(file); !why.empty())
              throw store::Error("E-TABLE-001", "ファイル「" + file + "」" + why + "。");
            if (registry::io::IsWorkbook(file)) {
              std::vector<std::string> ignored;
              for (auto& sheet : registry::io::ReadXlsxSheets(file)) {
                if (!wanted.empty() && !wanted.count(sheet.name)) continue;
                found.insert(sheet.name);
                const auto* k = registry::FindKind(reg.kinds(), Trim(sheet.name));
                if (!k || sheet.table.header.empty()) {
                  if (!wanted.empty())
                    throw store::Error("E-REG-028", "シート「" + sheet.name + "」は" + (k ? "空です" : "台帳の名前ではありません") +
                                                        "。シート名を台帳の名前（例: 職員）にするか、`mamori import 職員 " + file + " --sheet " +
                                                        sheet.name + "` のように台帳を名指してください。");
                  ignored.push_back(sheet.name);
                  continue;
                }
                tables.push_back({file + " のシート「" + sheet.name + "」", k, std::move(sheet.table)});
              }
              if (!ignored.empty()) {
                std::cerr << "お知らせ: " << file << " のシート";
                for (const auto& n : ignored) std::cerr << "「" << n << "」";
                std::cerr << "は、台帳の名前ではないか空のため読みませんでした。\n";
              }
              continue;
            }
            const std::string stem = fs::path(file).stem().string();
            const auto* k = registry::FindKind(reg.kinds(), stem);
            if (!k) {
              std::string names;
              for (const auto& kk : reg.kinds()) names += (names.empty() ? "" : "、") + kk.ja;
              throw store::Error("E-REG-023", "CSV「" + file + "」の台帳が分かりません。ファイル名を台帳の名前にするか（例: 組織.csv）、"
                                                  "`mamori import 台帳名 " + file + "` としてください（台帳: " + names + "）。");
            }
            tables.push_back({file, k, registry::io::ReadTable(file)});
          }
        }
        for (const auto& w : wanted)
          if (!found.count(w)) throw store::Error("E-REG-028", "--sheet のシート「" + w + "」がブックにありません。シート名を確かめてください（大文字・小文字、全角・半角も区別します）。");
        if (tables.empty())
          throw store::Error("E-REG-023", "取り込める台帳がありません。ブックのシート名を台帳の名前（例: 組織、職員）にしてください。");
        registry::ImportOptions o;
        o.dry_run = dry_run;
        o.replace = replace;
        o.actor = actor;
        o.at = AtOf(at);
        // --replace deletes; first say what, and delete only when told --yes.
        if (replace && !dry_run && !yes) {
          registry::ImportOptions trial = o;
          trial.dry_run = true;
          auto preview = reg.ImportAll(tables, trial);
          long long removing = 0, errors = 0;
          for (const auto& r : preview) {
            removing += r.summary.removed;
            errors += static_cast<long long>(r.summary.errors.size());
          }
          if (removing > 0 && errors == 0) {
            for (const auto& r : preview) {
              if (r.summary.removed_ids.empty()) continue;
              std::cerr << r.kind->ja << "（" << r.source << "）から削除する行 " << r.summary.removed << " 件:";
              for (std::size_t i = 0; i < r.summary.removed_ids.size() && i < 20; ++i) std::cerr << " " << r.summary.removed_ids[i];
              if (r.summary.removed_ids.size() > 20) std::cerr << " …ほか " << r.summary.removed_ids.size() - 20 << " 件";
              std::cerr << "\n";
            }
            std::cerr << "E-REG-024: --replace はファイルにない " << removing
                      << " 行を削除します。何も変更していません。よければ --yes を付けてもう一度実行してください。\n";
            SetExitCode(2);
            return;
          }
        }
        auto results = reg.ImportAll(std::move(tables), o);
        std::size_t errors = 0;
        for (const auto& r : results)
          for (const auto& n : r.summary.notices) std::cerr << "お知らせ: " << r.source << ": " << n << "\n";
        for (const auto& r : results)
          for (const auto& e : r.summary.errors) {
            std::cerr << "E-REG-020: " << r.source << ": " << (e.row > 0 ? std::to_string(e.row) + "行目" : std::string())
                      << "「" << e.column << "」: " << e.reason << "\n";
            ++errors;
          }
        if (errors) {
          std::cerr << "E-REG-021: " << errors << " 件の誤りがあるため、何も取り込んでいません。上の行を直して、もう一度取り込んでください。\n";
          SetExitCode(2);
          return;
        }
        // A dry run names the rows; twenty of each is enough to recognise a mistake.
        auto list = [](const char* what, const std::vector<std::string>& ids) {
          if (ids.empty()) return;
          std::cout << "  " << what << ":";
          for (std::size_t i = 0; i < ids.size() && i < 20; ++i) std::cout << " " << ids[i];
          if (ids.size() > 20) std::cout << " …ほか " << ids.size() - 20 << " 件";
          std::cout << "\n";
        };
        for (const auto& r : results) {
          const auto& sum = r.summary;
          std::cout << (dry_run ? "（試行のみ・変更なし）" : "") << r.kind->ja << ": 追加 " << sum.added << "、変更 " << sum.changed
                    << "、変更なし " << sum.unchanged;
          if (replace) std::cout << "、削除 " << sum.removed;
          if (results.size() > 1) std::cout << "（" << r.source << "）";
          std::cout << "\n";
          if (dry_run) {
            list("追加", sum.added_ids);
            list("変更", sum.changed_ids);
            list("削除", sum.removed_ids);
          }
        }
      });
    });
  }
  {
    auto* cmd = app.add_subcommand("export", "台帳を CSV（Excel 向け UTF-8 BOM 付き）または xlsx で書き出す");
    static std::string kind, format = "csv", out;
    static WhenOptions when;
    static bool force = false, all = false;
    cmd->add_option("KIND", kind, "台帳（例: 情報資産 または assets）");
    cmd->add_flag("--all", all, "すべての台帳を1つのブックに（シートごとに台帳、--format xlsx）");
    cmd->add_flag("--force", force, "既にあるファイルを置き換える（データベースと鍵は置き換えない）");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->add_option("--format,-f", format, "csv | xlsx")->check(CLI::IsMember({"csv", "xlsx"}));
    cmd->add_option("--out,-o", out, "出力ファイル（csv は省略時に標準出力、xlsx は必須）");
    when.Add(cmd);
    cmd->callback([] {
      Guard([] {
        if (format == "xlsx" && out.empty()) throw store::Error("E-REG-013", "xlsx は --out でファイル名を指定してください。");
        const registry::AsOf at_date = when.Parse();  // a bad date costs nothing either
        if (all == !kind.empty())
          throw store::Error("E-REG-013", "書き出す台帳を指定するか（例: mamori export 職員）、--all ですべての台帳を書き出してください。");
        if (all && format != "xlsx")
          throw store::Error("E-REG-013", "--all は1つのブックに書き出します。--format xlsx と --out 台帳.xlsx を指定してください。");
        // The target is checked before the store is read: a refused --out costs nothing.
        std::optional<output::AtomicFile> file;
        if (!out.empty()) file.emplace(out, output::Options{force, output::StoreFiles(db)});
        Session session(db);
        auto& reg = session.reg;
        if (all) {
          // Every register, a sheet each under its Japanese name, in the order
          // a first setup imports them; `mamori import` reads it back whole.
          std::vector<registry::io::Sheet> sheets;
          std::size_t rows = 0;
          for (const auto& k : reg.kinds()) {
            sheets.push_back({k.ja, reg.Export(k, at_date)});
            rows += sheets.back().table.rows.size();
          }
          registry::io::WriteXlsxBook(file->temp_path(), sheets);
          file->Commit();
          std::cerr << "台帳 " << sheets.size() << " 種類（" << rows << " 行）を " << out << " に書き出しました。\n";
          return;
        }
        const auto& k = KindOrThrow(reg, kind);
        auto t = reg.Export(k, at_date);
        if (!file) {
          std::cout << registry::io::WriteCsv(t);
        } else {
          if (format == "xlsx") registry::io::WriteXlsx(file->temp_path(), k.ja, t);
          else file->stream() << registry::io::WriteCsv(t);
          file->Commit();
        }
        if (!out.empty()) std::cerr << k.ja << " " << t.rows.size() << " 行を " << out << " に書き出しました。\n";
      });
    });
  }
  {
    auto* cmd = app.add_subcommand("template",
                                   "台帳のテンプレート（xlsx）を書き出す: 台帳ごとのシートと見出し、列ごとの注記・選べる値・記入例");
    static std::string out, pack;
    static bool force = false;
    cmd->add_option("--out,-o", out, "出力ファイル（例: 台帳テンプレート.xlsx）")->required();
    cmd->add_option("--pack", pack, "選べる値（分類・ゾーンなど）を取るパック（省略時は --db のデータベースのパック）");
    cmd->add_option("--db", db, "データベースのファイル（--pack を省略したとき）");
    cmd->add_flag("--force", force, "既にあるファイルを置き換える");
    cmd->callback([] {
      Guard([] {
        output::AtomicFile file(out, output::Options{force, output::StoreFiles(db)});
        std::optional<Session> session;
        policy::Pack loaded;
        if (pack.empty()) {
          if (!fs::exists(db))
            throw store::Error("E-REG-029", "データベース「" + db + "」がありません。パックを --pack で指定してください（例: mamori template --pack yasuda --out 台帳テンプレート.xlsx）。");
          session.emplace(db);
        } else {
          loaded = registry::LoadClean(ResolvePackDir(pack));
        }
        const policy::Pack& p = session ? session->b.pack : loaded;
        auto book = registry::TemplateBook(registry::Kinds(p), p);
        registry::io::WriteXlsxBook(file.temp_path(), book);
        file.Commit();
        std::cerr << "台帳 " << book.size() - 2 << " 種類のテンプレートを " << out << " に書き出しました（記入方法はシート「はじめに」「記入方法」）。\n";
      });
    });
  }
  {
    auto* cmd = app.add_subcommand("show", "台帳を表示する（ID を指定すると1行とその変更履歴）");
    static std::string kind, id;
    static WhenOptions when;
    cmd->add_option("KIND", kind, "台帳（例: 職員）")->required();
    cmd->add_option("ID", id, "行の ID（省略時は全行）");
    cmd->add_option("--db", db, "データベースのファイル");
    when.Add(cmd);
    cmd->callback([] {
      Guard([] {
        Session session(db);
        auto& b = session.b;
        auto& reg = session.reg;
        const auto& k = KindOrThrow(reg, kind);
        auto t = reg.Export(k, when.Parse());
        if (id.empty()) {
          PrintTable(t);
          return;
        }
        for (const auto& row : t.rows) {
          if (row[0] != id) continue;
          for (std::size_t i = 0; i < row.size(); ++i) std::cout << t.header[i] << ": " << row[i] << "\n";
          std::cout << "変更履歴:\n";
          // `at` is what the change was dated (import --at may set it); the
          // time it was really recorded is the signed time of its head.
          for (const auto& h : b.store->History(k.id, id)) {
            std::cout << "  " << h.at << " " << h.actor << " " << h.command << " "
                      << (!h.change.before ? "追加" : !h.change.after ? "削除" : "変更");
            if (h.log_seq >= 0)
              if (auto head = b.ledger->RecordedBy(static_cast<std::uint64_t>(h.log_seq)))
                if (ledger::SignedTime(*head).substr(0, 19) != h.at.substr(0, 19))
                  std::cout << "（記録: " << ledger::SignedTime(*head) << "、証跡 #" << h.log_seq << "）";
            std::cout << "\n";
          }
          return;
        }
        throw store::Error("E-REG-014", k.ja + "の台帳に「" + id + "」はありません" + (when.Describe().empty() ? "" : "（" + when.Describe() + "）") + "。");
      });
    });
  }
  {
    auto* cmd = app.add_subcommand("self", "mamori 自身を、情報システムの台帳のどのシステムとするか指定する（その管理者が mamori serve の値を定める）");
    static std::string system, reason;
    cmd->add_option("SYSTEM", system, "システムコード（情報システムの台帳）")->required();
    cmd->add_option("--reason", reason, "既に指定したシステムから変える理由（証跡に残る）");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(db);
        const auto row = registry::SetSelfSystem(*b.store, system, actor, reason);
        std::cout << "mamori 自身の情報システムを " << row.value("system", "") << "（" << row.value("name", "") << "）としました。\n";
      });
    });
  }
  {
    auto* cmd = app.add_subcommand("sample", "生成した架空の町（約20課・300人、資産・システム・媒体・アカウント）を台帳に取り込む");
    static long people = 300, assets = 1200;
    static bool demo_parameters = false;
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->add_option("--people", people, "職員数（既定 300）");
    cmd->add_option("--assets", assets, "情報資産の数（既定 1200）");
    cmd->add_flag("--demo-parameters", demo_parameters,
                  "デモと試験のためだけに、mamori serve が守らせる未設定のパラメータを、定める者がデモ用の値として定めたと記録する");
    cmd->callback([] {
      Guard([] {
        Session session(db);
        auto& b = session.b;
        auto& reg = session.reg;
        registry::ImportOptions o;
        o.actor = "sample";
        o.command = "sample";
        o.own_transaction = false;  // the whole town or nothing
        store::Transaction tx(*b.store);
        // Fictional people must never mix into a real town: a store that
        // holds registers takes the sample only if the sample made it.
        if (!b.store->GetMeta("sample_town")) {
          for (const auto& k : reg.kinds())
            if (b.store->Count(k.id) > 0)
              throw store::Error("E-REG-027", "このデータベースには既に台帳（" + k.ja + " " + std::to_string(b.store->Count(k.id)) +
                                                  " 行など）があります。架空の町を混ぜないよう、見本は取り込みません。見本は新しいデータベースで試してください"
                                                  "（mamori init --pack DIR --db 見本.db）。");
          b.store->SetMeta("sample_town", "1");
        }
        for (const auto& t : registry::SampleTown(b.pack, {people, assets})) {
          const auto& k = KindOrThrow(reg, t.kind);
          auto sum = reg.Import(k, t.table, o);
          if (!sum.errors.empty()) {
            for (const auto& e : sum.errors)
              std::cerr << "E-REG-020: " << k.ja << ": " << e.row << "行目「" << e.column << "」: " << e.reason << "\n";
            throw store::Error("E-REG-022", "見本データを取り込めませんでした（" + k.ja + "）。");
          }
          std::cout << k.ja << ": 追加 " << sum.added << "、変更 " << sum.changed << "\n";
        }
        tx.Commit();
        // The sample lists mamori among its systems (S09): it is the one whose administrator sets the server's values.
        if (b.store->Get("systems", "S09") && registry::SelfSystem(*b.store).empty()) registry::SetSelfSystem(*b.store, "S09", "sample");
        if (demo_parameters) SetDemoParameters(b);
      });
    });
  }
  {
    auto* cmd = app.add_subcommand("status", "データベースの要約: 結び付いたパックと各台帳の件数");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        Session session(db);
        auto& b = session.b;
        auto& reg = session.reg;
        std::cout << db << ": パック " << b.pack.id << "（" << b.pack.regulation.title << "、"
                  << b.store->GetMeta("pack_hash")->substr(0, 12) << "…、切り替え記録 "
                  << b.store->Count("pack_versions") << " 件）\n";
        for (const auto& k : reg.kinds()) std::cout << "  " << k.ja << ": " << b.store->Count(k.id) << " 件\n";
      });
    });
  }
  {
    auto* cmd = app.add_subcommand("who", "ある日にその役割に就いていた人を、パックの充て方と台帳から答える");
    static std::string role, unit, system, format = "text", out;
    static WhenOptions when;
    static bool all_units = false, force = false;
    cmd->add_option("ROLE", role, "役割（例: 情報セキュリティ責任者、CISO）")->required();
    cmd->add_option("--unit", unit, "組織（課等の長が充てられる役割で）");
    cmd->add_flag("--all-units", all_units, "すべての組織について答える（例: 持出しを承認する各課の長の一覧）");
    cmd->add_option("--system", system, "情報システム（情報システム管理者で）");
    when.Add(cmd);
    cmd->add_option("--format,-f", format, "text | csv | xlsx（--all-units で）")->check(CLI::IsMember({"text", "csv", "xlsx"}));
    cmd->add_option("--out,-o", out, "出力ファイル（xlsx は必須）");
    cmd->add_flag("--force", force, "既にあるファイルを置き換える");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        if (all_units && !unit.empty())
          throw store::Error("E-REG-015", "--unit と --all-units はどちらか一方を指定してください。");
        if (format == "xlsx" && out.empty()) throw store::Error("E-REG-013", "xlsx は --out でファイル名を指定してください。");
        std::optional<output::AtomicFile> file;
        if (!out.empty()) file.emplace(out, output::Options{force, output::StoreFiles(db)});
        Session session(db);
        auto& reg = session.reg;
        const registry::AsOf w = when.Parse();
        const std::string date = w.in_effect ? *w.in_effect : store::NowJst().substr(0, 10);
        if (all_units) {
          // The list a town pins on the wall: each unit and who holds the
          // role for it that day (acting holders marked), a unit with nobody
          // shown as 空席 rather than left out.
          registry::Table t;
          t.header = {"組織コード", "組織", "職", "職員番号", "氏名", "開始日", "終了日", "代理"};
          t.date_columns = {false, false, false, false, false, true, true, false};
          std::string role_name;
          for (const auto& row : session.b.store->List("units", w.recorded)) {
            const auto data = nlohmann::json::parse(row.data);
            const std::string name = data.value("name", "");
            auto a = reg.Who(role, row.id, system, date, w.recorded);
            role_name = a.role_name + "（" + a.how + "）";
            if (a.holders.empty()) t.rows.push_back({row.id, name, "（空席）", "", "", "", "", ""});
            for (const auto& h : a.holders)
              t.rows.push_back({row.id, name, h.post_name, h.person_id, h.person_name, h.from, h.to, h.acting ? "はい" : ""});
          }
          if (format == "text") {
            std::ostringstream text;
            text << role_name << " " << date << " 時点（すべての組織" << (w.recorded ? "、" + *w.recorded + " までの記録" : "") << "）:\n";
            for (const auto& r : t.rows)
              text << "  " << r[0] << " " << r[1] << ": " << (r[3].empty() ? r[2] : r[3] + " " + r[4] + "（" + r[2] + (r[7].empty() ? "" : "・代理") + "）") << "\n";
            if (file) file->stream() << text.str();
            else std::cout << text.str();
          } else if (format == "csv") {
            if (file) file->stream() << registry::io::WriteCsv(t);
            else std::cout << registry::io::WriteCsv(t);
          } else {
            registry::io::WriteXlsx(file->temp_path(), "在任一覧", t);
          }
          if (file) {
            file->Commit();
            std::cerr << t.rows.size() << " 行を " << out << " に書き出しました。\n";
          }
          return;
        }
        auto a = reg.Who(role, unit, system, date, w.recorded);
        std::cout << a.role_name << "（" << a.how << "）" << (unit.empty() ? "" : " " + unit) << " " << date << " 時点"
                  << (w.recorded ? "（" + *w.recorded + " までの記録）" : "") << ":\n";
        for (const auto& h : a.holders) {
          std::cout << "  " << h.person_id << " " << h.person_name << "（" << h.post_name << (h.acting ? "・代理" : "")
                    << "、" << h.from << "〜" << h.to << "）\n";
        }
        if (!a.note.empty()) std::cout << "  " << a.note << "\n";
      });
    });
  }
}

}  // namespace mamori::cli
