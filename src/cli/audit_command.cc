// `mamori audit`: the audit as the text sets it (plan, findings, the CISO's
// instructions and the units' answers, closure, working papers, the report).
// --as names the person the operator records for, as `mamori duty done`.
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
#include "registry/binding.h"
#include "registry/io/table_io.h"

namespace mamori::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
namespace compliance = mamori::compliance;
using compliance::Join;

std::string g_adb = DefaultDb();
const std::string g_aactor = std::getenv("USER") ? std::getenv("USER") : "mamori";

// A store with its pack and text, for one command.
struct AuditSession {
  registry::Bound b;
  reiki::Regulation reg;
  compliance::Audits audits;
  AuditSession()
      : b(registry::Open(g_adb)),
        reg(reiki::ParseFile((fs::path(b.pack.dir) / b.pack.regulation.file).string())),
        audits(*b.store, b.pack, reg, g_aactor) {}
};

std::vector<compliance::Evidence> EvidenceOf(const std::vector<std::string>& texts) {
  std::vector<compliance::Evidence> out;
  for (const auto& e : texts) out.push_back(compliance::ParseEvidence(e));
  return out;
}

// What each command says it did: the row in JSON, or one Japanese line.
void Print(const Json& row, bool json, const std::string& line) {
  if (json)
    std::cout << row.dump(2) << "\n";
  else
    std::cout << line << "\n";
}

struct Common {
  std::string as, date;
  bool json = false;
  void Add(CLI::App* cmd, const std::string& who) {
    cmd->add_option("--as", as, who)->required();
    cmd->add_option("--date", date, "行った日（既定: 今日）");
    cmd->add_flag("--json", json, "記録した行を JSON で出力する");
    cmd->add_option("--db", g_adb, "データベースのファイル");
  }
};

}  // namespace

void AddAuditCommands(CLI::App& app) {
  auto* audit = app.add_subcommand("audit", "監査（監査実施計画、指摘事項、指示と回答、監査調書、報告）");
  audit->require_subcommand(1);
  {
    auto* cmd = audit->add_subcommand("plan", "監査実施計画を記録し、本文が求めるときは承認の案件を開く（監査統括責任者）");
    static Common c;
    static std::string title;
    static std::vector<std::string> units, auditors, evidence;
    c.Add(cmd, "立案する人の職員番号（その日に監査統括責任者であること）");
    cmd->add_option("--unit,-u", units, "監査の対象の課等（組織コードか名称、繰り返し可）")->required();
    cmd->add_option("--auditor", auditors, "監査を行う者の職員番号（繰り返し可。被監査部門から独立していること）")->required();
    cmd->add_option("--title", title, "計画の名称（既定: 令和N年度 情報セキュリティ監査）");
    cmd->add_option("--evidence,-e", evidence, "計画書など: file:パス、sha256:16進数、note:内容");
    cmd->callback([] {
      Guard([] {
        AuditSession s;
        Json row = s.audits.OpenPlan({c.as, c.date, title, units, auditors, EvidenceOf(evidence)});
        std::string line = "監査実施計画「" + row.value("title", "") + "」を記録しました（" + row.value("id", "") + "）: 対象 " +
                           std::to_string(row["units"].size()) + " 課等、監査を行う者 " + std::to_string(row["auditors"].size()) + " 人。";
        if (row.contains("case"))
          line += "承認の案件 " + row.value("case", "") + " を開きました。承認の後に指摘事項を記録できます（`mamori case show " +
                  row.value("case", "") + "`）。";
        Print(row, c.json, line);
      });
    });
  }
  {
    auto* cmd = audit->add_subcommand("finding", "指摘事項を課等と条項、重要度とともに記録する（監査を行う者）");
    static Common c;
    static std::string id, unit, article, severity, text;
    static std::vector<std::string> evidence;
    cmd->add_option("AUDIT", id, "監査の番号（例: 2026-01）")->required();
    c.Add(cmd, "記録する人の職員番号（計画の監査を行う者）");
    cmd->add_option("--unit,-u", unit, "指摘の課等")->required();
    cmd->add_option("--article", article, "指摘の根拠の条項（例: 第46条第4項）")->required();
    cmd->add_option("--severity", severity, "重要度: 重大 | 中 | 軽微")->required();
    cmd->add_option("--text", text, "指摘の内容")->required();
    cmd->add_option("--evidence,-e", evidence, "監査証拠: file:パス、sha256:16進数、note:内容、case:案件番号");
    cmd->callback([] {
      Guard([] {
        AuditSession s;
        Json row = s.audits.AddFinding({id, c.as, c.date, unit, article, severity, text, EvidenceOf(evidence)});
        Print(row, c.json, "指摘事項 " + row.value("id", "") + " を記録しました: " + row.value("unit_name", "") + "、" +
                               row.value("article", "") + "、重要度 " + row.value("severity", "") + "。");
      });
    });
  }
  {
    auto* cmd = audit->add_subcommand("instruct", "指摘事項への対処を所管の責任者に指示し、他の課等にも確認させる（CISO）");
    static Common c;
    static std::string id, text;
    static std::vector<std::string> also;
    cmd->add_option("FINDING", id, "指摘番号（例: 2026-01/001）")->required();
    c.Add(cmd, "指示する人の職員番号");
    cmd->add_option("--text", text, "指示の内容")->required();
    cmd->add_option("--also", also, "同種の課題の有無を確認させる課等（繰り返し可）");
    cmd->callback([] {
      Guard([] {
        AuditSession s;
        Json row = s.audits.Instruct({id, c.as, c.date, text, also});
        std::vector<std::string> to;
        for (const auto& i : row["instructions"])
          to.push_back(i.value("unit_name", "") + "（" + i.value("kind", "") + "、" +
                       (i.value("to", "").empty() ? "在任者なし: " + i.value("vacancy", "") : i.value("to", "")) + "）");
        Print(row, c.json, "指摘事項 " + id + " の指示を記録しました: " + Join(to, "、") + "。");
      });
    });
  }
  {
    auto* cmd = audit->add_subcommand("respond", "指示を受けた課等の対処又は確認の結果を記録する（その課等の責任者）");
    static Common c;
    static std::string id, unit, text;
    static std::vector<std::string> evidence;
    cmd->add_option("FINDING", id, "指摘番号")->required();
    c.Add(cmd, "回答する人の職員番号（その日にその課等の責任者であること）");
    cmd->add_option("--unit,-u", unit, "回答する課等（複数の課等の責任者のとき）");
    cmd->add_option("--text", text, "講じた対処、又は同種の課題の有無")->required();
    cmd->add_option("--evidence,-e", evidence, "証拠");
    cmd->callback([] {
      Guard([] {
        AuditSession s;
        Json row = s.audits.Respond({id, c.as, c.date, unit, text, EvidenceOf(evidence)});
        Print(row, c.json, "指摘事項 " + id + " への回答を記録しました（" + row["responses"].back().value("unit_name", "") + "）。状態: " +
                               compliance::FindingStatusName(row.value("status", "")) + "。");
      });
    });
  }
  {
    auto* cmd = audit->add_subcommand("close", "フォローアップを確かめ、指摘事項を完了する（監査統括責任者）");
    static Common c;
    static std::string id, text;
    cmd->add_option("FINDING", id, "指摘番号")->required();
    c.Add(cmd, "完了する人の職員番号");
    cmd->add_option("--text", text, "フォローアップで確かめたこと")->required();
    cmd->callback([] {
      Guard([] {
        AuditSession s;
        Json row = s.audits.Close(id, c.as, c.date, text);
        Print(row, c.json, "指摘事項 " + id + " を完了しました。");
      });
    });
  }
  {
    auto* cmd = audit->add_subcommand("paper", "監査証拠・監査調書をハッシュで証跡に残す");
    static Common c;
    static std::string id;
    static std::vector<std::string> evidence;
    cmd->add_option("AUDIT", id, "監査の番号")->required();
    c.Add(cmd, "記録する人の職員番号（監査統括責任者か監査を行う者）");
    cmd->add_option("--evidence,-e", evidence, "file:パス か sha256:16進数（繰り返し可）")->required();
    cmd->callback([] {
      Guard([] {
        AuditSession s;
        Json row = s.audits.AddPaper(id, c.as, c.date, EvidenceOf(evidence));
        std::vector<std::string> what;
        for (const auto& e : row["evidence"]) what.push_back(e.value("name", "") + (e.value("name", "").empty() ? "" : " ") + e.value("value", "").substr(0, 16) + "…");
        Print(row, c.json, "監査調書 " + row.value("id", "") + " を記録しました: " + Join(what, "、") + "。");
      });
    });
  }
  {
    auto* cmd = audit->add_subcommand("report", "監査結果の報告を記録する（監査統括責任者）");
    static Common c;
    static std::string id, text;
    cmd->add_option("AUDIT", id, "監査の番号")->required();
    c.Add(cmd, "報告する人の職員番号");
    cmd->add_option("--text", text, "報告の要旨");
    cmd->callback([] {
      Guard([] {
        AuditSession s;
        Json row = s.audits.Report(id, c.as, c.date, text);
        const Json& r = row["reported"];
        Print(row, c.json, "監査「" + id + "」の結果を " + r.value("to_name", "") + " に報告したことを記録しました（" + r.value("on", "") +
                               "、指摘事項 " + std::to_string(r.value("findings", 0)) + " 件）。");
      });
    });
  }
  {
    auto* cmd = audit->add_subcommand("status", "年度の監査と指摘事項の状態");
    static std::string fy_text;
    static ListingOutput o;
    cmd->add_option("--fy", fy_text, "年度（例: 2026、令和8年度）")->required();
    o.Add(cmd);
    cmd->add_option("--db", g_adb, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        const compliance::FiscalYear fy = compliance::ParseFiscalYear(fy_text);
        std::optional<output::AtomicFile> file;
        o.Open(file, g_adb, "監査.xlsx");
        AuditSession s;
        const auto views = s.audits.List(fy);
        const registry::io::Table table = compliance::FindingsTable(views);
        std::ostringstream text;
        if (o.format == "json") {
          Json arr = Json::array();
          for (const auto& v : views)
            arr.push_back({{"audit", v.audit}, {"plan_status", v.plan_status}, {"findings", v.findings}, {"papers", v.papers}});
          text << Json{{"fy", fy.year}, {"audits", arr}}.dump(2) << "\n";
        } else if (o.format == "text") {
          text << fy.Wareki() << " の監査: " << views.size() << " 件\n";
          for (const auto& v : views) {
            const Json& a = v.audit;
            text << "■ " << a.value("title", "") << "（" << a.value("id", "") << "）計画: " << compliance::PlanStatusName(v.plan_status)
                 << (a.contains("case") ? "（案件 " + a.value("case", "") + "）" : "") << "　監査調書 " << v.papers.size() << " 件"
                 << (a.contains("reported") ? "　報告: " + a["reported"].value("on", "") : "　報告: 未") << "\n";
            for (const auto& f : v.findings)
              text << "    " << f.value("id", "") << " " << f.value("unit_name", "") << " " << f.value("article", "") << " ["
                   << f.value("severity", "") << "] " << compliance::FindingStatusName(f.value("status", "")) << ": "
                   << f.value("text", "") << "\n";
          }
        }
        if (o.format == "xlsx") {
          registry::io::WriteXlsxBook(file->temp_path(), {{"指摘事項", table}});
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

}  // namespace mamori::cli
