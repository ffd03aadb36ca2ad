// `mamori duties` and `mamori duty done`: the 年度's duties and their
// completions. --as names the person the operator records for (the CLI is
// the operator's tool; the server will authenticate the person instead).
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/guard.h"
#include "cli/listing_output.h"
#include "compliance/compliance.h"
#include "output/output.h"
#include "registry/binding.h"
#include "registry/io/table_io.h"

namespace mamori::cli {
namespace {

using compliance::Join;
using compliance::Refs;

using Json = nlohmann::json;
namespace compliance = mamori::compliance;

std::string g_cdb = DefaultDb();
std::string g_cactor = std::getenv("USER") ? std::getenv("USER") : "mamori";

std::string DateOf(const std::string& s, const char* option) {
  if (s.empty()) return "";
  if (auto d = registry::io::ParseDate(s)) return *d;
  throw store::Error("E-COMP-005", std::string(option) + " の日付「" + s + "」を読めません（例: 2026-04-01、令和8年4月1日、R8.4.1）。");
}

Json HolderJson(const registry::Holder& h) {
  return {{"person", h.person_id}, {"name", h.person_name}, {"post", h.post_name}, {"acting", h.acting}};
}

Json DutyJson(const compliance::DutyStatus& d) {
  Json scopes = Json::array();
  for (const auto& s : d.scopes) {
    Json holders = Json::array();
    for (const auto& h : s.holders) holders.push_back(HolderJson(h));
    Json x = {{"id", s.id}, {"name", s.name}, {"holders", holders}, {"done", s.done}, {"status", compliance::ScopeStatusName(d, s)}};
    if (!s.vacancy.empty()) x["vacancy"] = s.vacancy;
    scopes.push_back(std::move(x));
  }
  Json j = {{"id", d.duty->id},          {"name", d.duty->name},      {"role", d.duty->role},
            {"role_name", d.role_name},  {"cycle", d.duty->cycle},    {"cycle_name", compliance::CycleName(d.duty->cycle)},
            {"due", d.due.empty() ? Json(nullptr) : Json(d.due)},     {"status", d.status},
            {"status_name", d.StatusName()}, {"scope_kind", d.scope_kind}, {"scopes", scopes},
            {"cite", Refs(d.duty->cite)}};
  if (!d.duty->event.empty()) j["event"] = d.duty->event;
  if (d.interval) {
    j["interval"] = {{"parameter", d.interval->id},
                     {"name", d.interval->name},
                     {"value", d.interval->value ? Json(*d.interval->value) : Json(nullptr)},
                     {"owner", d.interval->owner},
                     {"owner_name", d.interval_owner}};
  }
  return j;
}

// One duty in the text listing: what, who, when due, whether done.
void PrintDuty(std::ostream& out, const compliance::DutyStatus& d) {
  out << "■ " << d.duty->name << "（" << d.duty->id << "）\n";
  out << "    周期: " << compliance::CycleName(d.duty->cycle);
  if (!d.duty->event.empty()) out << "（" << d.duty->event << "）";
  out << "　根拠: " << Join(Refs(d.duty->cite), "、") << "\n";
  if (d.duty->cycle == "fiscal_year") out << "    期限: " << d.due << "（年度末）\n";
  if (d.duty->cycle == "periodic") {
    if (!d.interval) out << "    間隔: 未設定\n";
    else if (!d.interval->value)
      out << "    間隔: 未設定（" << d.interval->name << "、定める者: " << d.interval_owner << "）— 期限は示せません\n";
    else out << "    間隔: " << *d.interval->value << "　次の期限: " << d.due << "\n";
  }
  out << "    状態: " << d.StatusName() << "\n";
  const bool scoped = !d.scope_kind.empty();
  std::size_t done = 0, vacant = 0;
  for (const auto& s : d.scopes) done += !s.done.empty(), vacant += s.holders.empty();
  out << "    " << d.role_name;
  if (scoped) out << "（" << (d.scope_kind == "unit" ? "組織" : "情報システム") << "ごと: " << d.scopes.size() << "、実施 " << done << "、空席 " << vacant << "）";
  out << ":\n";
  for (const auto& s : d.scopes) {
    std::vector<std::string> who;
    for (const auto& h : s.holders) who.push_back(h.person_id + " " + h.person_name + "（" + h.post_name + (h.acting ? "・代理" : "") + "）");
    out << "      " << (scoped ? s.name + ": " : "") << (who.empty() ? "（" + s.vacancy + "）" : Join(who, "、"));
    if (scoped || !s.done.empty()) out << " — " << compliance::ScopeStatusName(d, s);
    for (const auto& r : s.done) out << "　" << r.value("on", "") << " " << r.value("by_name", "") << "（" << r.value("id", "") << "）";
    out << "\n";
  }
}

}  // namespace

void AddComplianceCommands(CLI::App& app) {
  std::string& db = g_cdb;
  {
    auto* cmd = app.add_subcommand("duties", "年度の務め: 役割と在任者、周期、期限、状態、根拠条文");
    static std::string fy_text, as_of, only;
    static ListingOutput o;
    cmd->add_option("--fy", fy_text, "年度（2026、令和8年度、R8）")->required();
    cmd->add_option("--as-of", as_of, "在任者と状態を見る日（既定: 今日。年度の外なら年度の末日・初日）");
    cmd->add_option("--cycle", only, "周期で絞る: fiscal_year | periodic | as_needed | on_event | continuous")
        ->check(CLI::IsMember({"fiscal_year", "periodic", "as_needed", "on_event", "continuous"}));
    o.Add(cmd);
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        const compliance::FiscalYear fy = compliance::ParseFiscalYear(fy_text);
        std::optional<output::AtomicFile> file;
        o.Open(file, db, "務め.xlsx");
        auto b = registry::Open(db);
        // Holders on the day asked, or today clipped into the 年度; the
        // status as of that day, or today (an ended 年度 is late today).
        std::string date = DateOf(as_of, "--as-of"), now = date;
        if (date.empty()) {
          now = store::NowJst().substr(0, 10);
          date = fy.Contains(now) ? now : now > fy.end ? fy.end : fy.start;
        }
        compliance::Duties duties(*b.store, b.pack);
        auto list = duties.List(fy, date, now);
        if (!only.empty()) std::erase_if(list, [](const compliance::DutyStatus& d) { return d.duty->cycle != only; });
        std::ostringstream text;
        if (o.format == "json") {
          Json arr = Json::array();
          for (const auto& d : list) arr.push_back(DutyJson(d));
          text << Json{{"fy", fy.year}, {"fy_name", fy.Wareki()}, {"start", fy.start}, {"end", fy.end}, {"as_of", date}, {"status_on", now}, {"duties", arr}}.dump(2) << "\n";
        } else if (o.format == "text") {
          std::size_t counts[4] = {0, 0, 0, 0};
          for (const auto& d : list)
            counts[d.status == "done" ? 0 : d.status == "open" ? 1 : d.status == "overdue" ? 2 : 3]++;
          text << b.pack.name << " " << fy.Wareki() << "（" << fy.start << "〜" << fy.end << "）の務め " << list.size() << " 件、在任者は " << date
               << " 時点。実施済み " << counts[0] << "、未実施 " << counts[1] << "、期限超過 " << counts[2] << "、記録なし " << counts[3] << "\n";
          for (const char* cycle : {"fiscal_year", "periodic", "as_needed", "on_event", "continuous"}) {
            bool header = false;
            for (const auto& d : list) {
              if (d.duty->cycle != cycle) continue;
              if (!header) text << "\n【" << compliance::CycleName(cycle) << "】\n", header = true;
              PrintDuty(text, d);
            }
          }
        }
        if (o.format == "xlsx") {
          registry::io::WriteXlsx(file->temp_path(), fy.Wareki() + "の務め", compliance::DutyTable(list));
        } else if (file) {
          file->stream() << text.str();
        } else {
          std::cout << text.str();
        }
        if (file) {
          file->Commit();
          std::cerr << list.size() << " 件の務めを " << o.out << " に書き出しました。\n";
        }
      });
    });
  }
  {
    auto* cmd = app.add_subcommand("check", "台帳の点検: パックの [[checks]] を台帳に当て、根拠条文ごとに問題のある行を示す");
    static std::string as_of;
    static ListingOutput o;
    cmd->add_option("--as-of", as_of, "点検する日（既定: 今日）");
    o.Add(cmd);
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        std::optional<output::AtomicFile> file;
        o.Open(file, db, "点検.xlsx");
        auto b = registry::Open(db);
        const std::string date = as_of.empty() ? store::NowJst().substr(0, 10) : DateOf(as_of, "--as-of");
        if (b.pack.checks.empty())
          throw store::Error("E-COMP-008", "パック（" + b.pack.name + "）に点検（[[checks]]）がありません。本文が台帳の点検を定めていれば、パックに [[checks]] を加えてください（docs/pack-format.md）。");
        const auto results = compliance::RunChecks(*b.store, b.pack, date);
        std::size_t total = 0;
        for (const auto& r : results) total += r.findings.size();
        std::ostringstream text;
        if (o.format == "json") {
          Json arr = Json::array();
          for (const auto& r : results) {
            Json findings = Json::array();
            for (const auto& f : r.findings)
              findings.push_back({{"register", f.kind}, {"register_name", f.kind_name}, {"row", f.row}, {"detail", f.detail}});
            arr.push_back({{"id", r.check->id}, {"kind", r.check->kind}, {"name", r.name}, {"cite", Refs(r.check->cite)}, {"findings", findings}});
          }
          text << Json{{"as_of", date}, {"findings", total}, {"checks", arr}}.dump(2) << "\n";
        } else if (o.format == "text") {
          text << b.pack.name << " の台帳の点検（" << date << " 時点）: 点検 " << results.size() << " 件、指摘 " << total << " 件\n";
          for (const auto& r : results) {
            text << "\n■ " << r.name << "（" << r.check->id << "、" << Join(Refs(r.check->cite), "、") << "）: "
                 << (r.findings.empty() ? std::string("指摘なし") : std::to_string(r.findings.size()) + " 件") << "\n";
            for (const auto& f : r.findings) text << "    " << f.kind_name << " " << f.row << ": " << f.detail << "\n";
          }
        }
        if (o.format == "xlsx") registry::io::WriteXlsx(file->temp_path(), "台帳の点検", compliance::CheckTable(results));
        else if (file) file->stream() << text.str();
        else std::cout << text.str();
        if (file) {
          file->Commit();
          std::cerr << "指摘 " << total << " 件を " << o.out << " に書き出しました。\n";
        }
        // As ledger verify: a script can tell a clean town from one with findings.
        if (total > 0) SetExitCode(1);
      });
    });
  }
  {
    auto* inspect = app.add_subcommand("inspect", "自己点検: 回答者ごとの票（xlsx）の書き出し、記入した票の取り込み、進み具合と改善策");
    inspect->require_subcommand(1);
    {
      auto* cmd = inspect->add_subcommand("export", "回答者（役割と組織・システム）ごとに自己点検票を xlsx で書き出す");
      static std::string fy_text, dir, as_of;
      static bool force = false;
      cmd->add_option("--fy", fy_text, "年度（2026、令和8年度、R8）")->required();
      cmd->add_option("--out,-o", dir, "票を書き出すフォルダ（なければ作る）")->required();
      cmd->add_option("--as-of", as_of, "回答者を決める日（既定: 今日）");
      cmd->add_flag("--force", force, "既にある票を置き換える");
      cmd->add_option("--db", db, "データベースのファイル");
      cmd->callback([] {
        Guard([] {
          const compliance::FiscalYear fy = compliance::ParseFiscalYear(fy_text);
          const std::string date = as_of.empty() ? store::NowJst().substr(0, 10) : DateOf(as_of, "--as-of");
          auto b = registry::Open(db);
          const auto forms = compliance::InspectionForms(*b.store, b.pack, fy, date);
          if (forms.empty())
            throw store::Error("E-COMP-020", "パック（" + b.pack.name + "）に自己点検の項目（[[checklist]]）がないか、答える役割に在任する者がいません。");
          std::error_code ec;
          std::filesystem::create_directories(dir, ec);
          if (ec) throw store::Error("E-COMP-020", "フォルダ「" + dir + "」を作れません: " + ec.message() + "。");
          for (const auto& f : forms) {
            const std::string path = (std::filesystem::path(dir) / f.file_name).string();
            output::AtomicFile file(path, output::Options{force, output::StoreFiles(db)});
            registry::io::WriteXlsxBook(file.temp_path(), {f.sheet});
            file.Commit();
          }
          std::cout << fy.Wareki() << " の自己点検票 " << forms.size() << " 件を " << dir << " に書き出しました（回答者は " << date << " 時点）。\n";
        });
      });
    }
    {
      auto* cmd = inspect->add_subcommand("import", "記入した自己点検票を取り込む（1つでも誤りがあれば何も取り込まない）");
      static std::vector<std::string> files;
      static std::string as_of;
      static bool dry_run = false;
      cmd->add_option("FILE", files, "記入した票（xlsx、いくつでも）")->required();
      cmd->add_option("--as-of", as_of, "回答者を確かめる日（既定: 今日）");
      cmd->add_flag("--dry-run", dry_run, "確かめるだけで取り込まない");
      cmd->add_option("--db", db, "データベースのファイル");
      cmd->callback([] {
        Guard([] {
          const std::string date = as_of.empty() ? store::NowJst().substr(0, 10) : DateOf(as_of, "--as-of");
          auto b = registry::Open(db);
          // Every file checked before any is written: a town imports a folder of forms at once.
          std::vector<std::pair<std::string, registry::io::Table>> tables;
          std::vector<std::string> errors;
          for (const auto& f : files) {
            auto t = registry::io::ReadXlsx(f);
            auto check = compliance::ImportInspection(*b.store, b.pack, t, f, g_cactor, "", date, true);
            for (const auto& e : check.errors) errors.push_back(f + ": " + std::to_string(e.row) + "行目「" + e.column + "」: " + e.reason);
            tables.emplace_back(f, std::move(t));
          }
          if (!errors.empty()) {
            for (const auto& e : errors) std::cerr << "E-COMP-021: " << e << "\n";
            throw store::Error("E-COMP-022", std::to_string(errors.size()) + " か所の誤りがあるため、何も取り込んでいません。票を直してやり直してください。");
          }
          int answered = 0, unchanged = 0;
          for (const auto& [f, t] : tables) {
            auto r = compliance::ImportInspection(*b.store, b.pack, t, f, g_cactor, "", date, dry_run);
            answered += r.answered;
            unchanged += r.unchanged;
          }
          std::cout << (dry_run ? "確かめました（取り込んでいません）: " : "取り込みました: ") << files.size() << " 件の票、回答 " << answered
                    << " 件" << (unchanged ? "（変わらない回答 " + std::to_string(unchanged) + " 件）" : "") << "。\n";
        });
      });
    }
    {
      auto* cmd = inspect->add_subcommand("status", "自己点検の進み具合（回答者ごと）と、いいえの項目の改善策");
      static std::string fy_text, as_of;
      static ListingOutput o;
      cmd->add_option("--fy", fy_text, "年度（2026、令和8年度、R8）")->required();
      cmd->add_option("--as-of", as_of, "回答者を決める日（既定: 今日）");
      o.Add(cmd);
      cmd->add_option("--db", db, "データベースのファイル");
      cmd->callback([] {
        Guard([] {
          const compliance::FiscalYear fy = compliance::ParseFiscalYear(fy_text);
          const std::string date = as_of.empty() ? store::NowJst().substr(0, 10) : DateOf(as_of, "--as-of");
          std::optional<output::AtomicFile> file;
          o.Open(file, db, "自己点検.xlsx");
          auto b = registry::Open(db);
          const auto progress = compliance::Progress(*b.store, b.pack, fy, date);
          const auto table = compliance::ProgressTable(progress), measures = compliance::MeasuresTable(progress);
          std::ostringstream text;
          if (o.format == "json") {
            Json arr = Json::array();
            for (std::size_t i = 0; i < progress.size(); ++i) {
              const auto& p = progress[i];
              Json m = Json::array();
              for (const auto& x : p.measures) m.push_back({{"item", x.item->id}, {"text", x.item->text}, {"note", x.note}, {"measure", x.measure}});
              arr.push_back({{"role", p.respondent.role->id}, {"role_name", p.respondent.role->name}, {"scope", p.respondent.scope.id},
                             {"scope_name", p.respondent.scope.name}, {"answered", p.answered}, {"total", p.total}, {"yes", p.yes},
                             {"no", p.no}, {"not_applicable", p.na}, {"measures", m}});
            }
            text << Json{{"fy", fy.year}, {"respondents", arr}}.dump(2) << "\n";
          } else if (o.format == "text") {
            int answered = 0, total = 0;
            for (const auto& p : progress) answered += p.answered, total += p.total;
            text << fy.Wareki() << " の自己点検: 回答者 " << progress.size() << "、回答 " << answered << " / " << total << " 項目\n";
            for (const auto& r : table.rows)
              text << "  " << r[0] << (r[1].empty() ? "" : "・" + r[1]) << "（" << r[2] << "）: " << r[3] << " / " << r[4] << "（はい " << r[5]
                   << "、いいえ " << r[6] << "、該当なし " << r[7] << "）\n";
            text << "改善策（いいえの項目 " << measures.rows.size() << " 件）:\n";
            for (const auto& r : measures.rows)
              text << "  " << r[0] << (r[1].empty() ? "" : "・" + r[1]) << " " << r[2] << "（" << r[4] << "）: " << r[3] << " → " << r[6] << "\n";
          }
          if (o.format == "xlsx") {
            registry::io::Sheet a{"進み具合", table}, m{"改善策", measures};
            registry::io::WriteXlsxBook(file->temp_path(), {a, m});
          } else if (file) {
            file->stream() << text.str();
          } else {
            std::cout << text.str();
          }
          if (file) file->Commit();
        });
      });
    }
  }
  {
    auto* duty = app.add_subcommand("duty", "務めの実施を記録する");
    duty->require_subcommand(1);
    auto* cmd = duty->add_subcommand("done", "務めの実施を、その証拠とともに証跡に記録する（務めの役割にある人だけ）");
    static std::string id, as, date, scope, format = "text";
    static std::vector<std::string> evidence;
    cmd->add_option("ID", id, "務めの id（`mamori duties` の括弧内）")->required();
    cmd->add_option("--as", as, "実施した人の職員番号（その日に務めの役割にあること）")->required();
    cmd->add_option("--evidence,-e", evidence, "証拠（繰り返し可）: note:内容、file:パス（SHA-256 を記録）、sha256:16進数、case:案件番号");
    cmd->add_option("--date", date, "実施した日（既定: 今日）");
    cmd->add_option("--scope", scope, "役割を複数の組織・システムについて持つとき、どれについての実施か");
    cmd->add_option("--format,-f", format, "text | json")->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        compliance::Duties::Done d;
        d.duty = id;
        d.as = as;
        d.date = DateOf(date, "--date");
        d.scope = scope;
        for (const auto& e : evidence) d.evidence.push_back(compliance::ParseEvidence(e));
        d.actor = g_cactor;
        auto b = registry::Open(db);
        compliance::Duties duties(*b.store, b.pack);
        Json row = duties.Record(d);
        if (format == "json") {
          std::cout << row.dump(2) << "\n";
          return;
        }
        std::cout << "務め「" << row.value("duty_name", "") << "」の実施を記録しました（" << row.value("id", "") << "）: " << row.value("on", "")
                  << " " << row.value("by", "") << " " << row.value("by_name", "") << "（" << row.value("post", "")
                  << (row.value("acting", false) ? "・代理" : "") << "）" << (row.value("scope_name", "").empty() ? "" : "、" + row.value("scope_name", ""))
                  << "。証拠 " << row["evidence"].size() << " 件。\n";
      });
    });
  }
}

}  // namespace mamori::cli
