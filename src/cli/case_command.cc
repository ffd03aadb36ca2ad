// `mamori apply`, `mamori case …`, `mamori exception …`, `mamori incident …`:
// the policy's procedures from the command line. The CLI is the operator's
// tool: --as names the person it acts for, and that is what is recorded
// (the server will authenticate the person instead).
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <list>
#include <sstream>

#include "cases/cases.h"
#include "cli/commands.h"
#include "cli/guard.h"
#include "output/output.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "registry/binding.h"
#include "registry/io/table_io.h"

namespace mamori::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// A store with its pack, text and cases, for one command.
struct CaseSession {
  registry::Bound b;
  reiki::Regulation reg;
  cases::Cases cases;
  explicit CaseSession(const std::string& db, const std::string& actor)
      : b(registry::Open(db)),
        reg(reiki::ParseFile((fs::path(b.pack.dir) / b.pack.regulation.file).string())),
        cases(*b.store, b.pack, reg, actor) {}
};

std::string DateOf(const std::string& s, const char* option) {
  if (s.empty()) return "";
  if (auto d = registry::io::ParseDate(s)) return *d;
  throw store::Error("E-CASE-008", std::string(option) + " の日付「" + s + "」を読めません（例: 2026-04-01、令和8年4月1日）。");
}

std::string ReadRequest(const std::string& input) {
  std::stringstream ss;
  if (input.empty() || input == "-") {
    ss << std::cin.rdbuf();
  } else {
    if (std::string why = reiki::FileProblem(input); !why.empty())
      throw store::Error("E-DEC-003", "要求のファイル「" + input + "」" + why + "。");
    std::ifstream in(input, std::ios::binary);
    ss << in.rdbuf();
  }
  return ss.str();
}

// "項目=値" pairs -> {項目: 値}; a pair without "=" is an error naming it.
Json Records(const std::vector<std::string>& pairs) {
  Json out = Json::object();
  for (const auto& p : pairs) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      throw store::Error("E-CASE-012", "--record「" + p + "」は「項目=値」の形で書いてください（例: --record 持ち込んだ日時=2026-12-03 17:00）。");
    out[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return out;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ",") {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  return out;
}

void Print(const cases::Outcome& o, const std::string& format) {
  if (format == "json") {
    Json j = {{"case", o.case_id.empty() ? Json() : Json(o.case_id)}, {"message", o.message}};
    if (!o.case_id.empty()) j["state"] = o.state.data;
    std::cout << j.dump() << "\n";
  } else {
    std::cout << o.message << "\n";
  }
}

std::string Today() { return store::NowJst().substr(0, 10); }

// The options every case command shares (CLI11 binds to them for the app's life).
std::string g_db = DefaultDb();
std::string g_actor = std::getenv("USER") ? std::getenv("USER") : "mamori";
std::string g_format = "text";

// One event on a case's waiting step, under a name: `case approve`, and
// the names staff use for the same (`exception permit`, `incident step`).
// `expect`: what the waiting step must be (incident assess | instruct | close).
void AddStepCommand(CLI::App* parent, const char* name, const char* help, cases::Cases::Verb verb,
                    const char* expect = "") {
  auto* cmd = parent->add_subcommand(name, help);
  struct Opts {
    std::string id, as, at, reason, next, present;
    std::vector<std::string> records;
  };
  // Lives as long as the app (CLI11 keeps pointers into it); a list keeps
  // each command's options where they are as more are added.
  static std::list<Opts> all;
  Opts* o = &all.emplace_back();
  cmd->add_option("ID", o->id, "案件の番号")->required();
  cmd->add_option("--as", o->as, "進める人の職員番号")->required();
  cmd->add_option("--at", o->at, "日付（既定: 今日）");
  if (verb == cases::Cases::Verb::kNote) cmd->add_option("--text", o->reason, "メモの内容")->required();
  else cmd->add_option("--reason", o->reason, "理由");
  cmd->add_option("--record", o->records, "記録する項目=値（いくつでも）");
  cmd->add_option("--next", o->next, "次の段が選べるとき、その段の id（end で終わり）");
  cmd->add_option("--present", o->present, "委員会の段で、出席した委員の職員番号（カンマ区切り）");
  cmd->add_option("--db", g_db, "データベースのファイル");
  cmd->add_option("--format,-f", g_format, "text | json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([o, verb, expect] {
    Guard([o, verb, expect] {
      CaseSession s(g_db, g_actor);
      cases::Cases::Act act;
      act.verb = verb;
      act.as = o->as;
      act.date = DateOf(o->at, "--at");
      act.reason = o->reason;
      act.records = Records(o->records);
      act.next = o->next;
      act.present = SplitComma(o->present);
      act.expect = expect;
      Print(s.cases.Do(o->id, act), g_format);
    });
  });
}

}  // namespace

void AddCaseCommands(CLI::App& app) {
  // Names for the shared options; references bound to namespace-scope
  // objects, so the callbacks below use them without capturing.
  std::string& db = g_db;
  std::string& actor = g_actor;
  std::string& format = g_format;
  auto add_common = [](CLI::App* cmd) {
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->add_option("--format,-f", format, "text | json")->check(CLI::IsMember({"text", "json"}));
  };
  {
    auto* cmd = app.add_subcommand("apply", "申請する: 要求（decide の形式）を判定し、承認が要れば案件を開く");
    static std::string input, as, at;
    static bool record = false;
    cmd->add_option("REQUEST", input, "要求の JSON ファイル（省略または - で標準入力）");
    cmd->add_flag("--record", record, "許可（申請の要らない行為）だったとき、その判定を証跡に記録する");
    cmd->add_option("--as", as, "申請する人の職員番号")->required();
    cmd->add_option("--at", at, "申請の日付（既定: 今日）");
    add_common(cmd);
    cmd->callback([] {
      Guard([] {
        CaseSession s(db, actor);
        auto out = s.cases.Apply(ReadRequest(input), as, DateOf(at, "--at"));
        if (record && !out.permit.is_null()) {
          // As decide --record: the permit itself becomes evidence.
          store::Transaction tx(*s.b.store);
          const long long seq = s.b.ledger->Append("decision", out.permit, as, store::NowJst());
          tx.Commit();
          out.message += "（証跡 #" + std::to_string(seq) + " に記録しました）";
        }
        Print(out, format);
      });
    });
  }
  auto* kase = app.add_subcommand("case", "案件: 受信箱、一覧、表示、承認・却下・差戻し・記録、証明");
  kase->require_subcommand(1);
  {
    auto* cmd = kase->add_subcommand("inbox", "その人が今日進められる案件（古い順）");
    static std::string as, as_of;
    cmd->add_option("--as", as, "職員番号")->required();
    cmd->add_option("--as-of", as_of, "日付（既定: 今日）");
    add_common(cmd);
    cmd->callback([] {
      Guard([] {
        CaseSession s(db, actor);
        const std::string day = as_of.empty() ? Today() : DateOf(as_of, "--as-of");
        if (!s.b.store->Get("people", as))
          throw store::Error("E-CASE-004", "「" + as + "」は職員の台帳にありません。職員番号を確かめてください。");
        auto list = s.cases.Inbox(as, day);
        if (format == "json") {
          // The queue rows are canonical JSON objects already: joined, not re-made.
          std::cout << "[";
          for (std::size_t i = 0; i < list.size(); ++i) std::cout << (i ? "," : "") << list[i].json;
          std::cout << "]\n";
          return;
        }
        std::cout << as << " が " << day << " に進められる案件: " << list.size() << " 件\n";
        for (const auto& c : list)
          std::cout << "  " << c.case_id << " " << c.name << "（" << c.applicant << " " << c.applicant_name << "、"
                    << c.opened_at.substr(0, 16) << "）: " << c.step_name << "\n";
      });
    });
  }
  {
    auto* cmd = kase->add_subcommand("list", "案件の一覧（種類・状態・申請者・組織・開始日で絞る）");
    static cases::Cases::Filter f;
    cmd->add_option("--kind", f.kind, "application | exception | incident、または手順の id");
    cmd->add_option("--state", f.status, "open | returned | rejected | withdrawn | done（日本語でも）");
    cmd->add_option("--applicant", f.applicant, "申請者・報告者の職員番号");
    cmd->add_option("--unit", f.unit, "組織（コードまたは名称）");
    cmd->add_option("--from", f.from, "開始日がこの日以降");
    cmd->add_option("--to", f.to, "開始日がこの日以前");
    add_common(cmd);
    cmd->callback([] {
      Guard([] {
        CaseSession s(db, actor);
        cases::Cases::Filter g = f;
        g.from = DateOf(f.from, "--from");
        g.to = DateOf(f.to, "--to");
        auto list = s.cases.List(g);
        if (format == "json") {
          Json out = Json::array();
          for (const auto& c : list) out.push_back(c.data);
          std::cout << out.dump() << "\n";
          return;
        }
        for (const auto& c : list)
          std::cout << c.id() << "\t" << cases::StatusName(c.status()) << "\t" << c.data.value("name", "") << "\t"
                    << c.data.value("applicant", "") << " " << c.data.value("applicant_name", "") << "\t"
                    << c.data.value("unit_name", "") << "\t" << c.data.value("opened_at", "") << "\n";
        std::cerr << list.size() << " 件\n";
      });
    });
  }
  {
    auto* cmd = kase->add_subcommand("show", "案件の段・出来事・根拠条文（その日に進められる人つき）");
    static std::string id, as_of;
    cmd->add_option("ID", id, "案件の番号")->required();
    cmd->add_option("--as-of", as_of, "進められる人を答える日（既定: 今日）");
    add_common(cmd);
    cmd->callback([] {
      Guard([] {
        CaseSession s(db, actor);
        auto st = s.cases.Get(id);
        const std::string day = as_of.empty() ? Today() : DateOf(as_of, "--as-of");
        if (format == "json") {
          std::string why;
          Json actors = Json::array();
          for (const auto& w : s.cases.Actors(st, day, &why))
            actors.push_back({{"person", w.person}, {"name", w.name}, {"post", w.post}, {"acting", w.acting}});
          std::cout << Json{{"state", st.data}, {"events", s.cases.Events(id)}, {"actors", actors}, {"waiting_why", why}}.dump() << "\n";
          return;
        }
        std::cout << s.cases.Show(st, day);
      });
    });
  }
  // The verbs on a case: each one event, each by --as on --at.
  struct VerbDef {
    const char* name;
    const char* help;
    cases::Cases::Verb verb;
  };
  static const VerbDef verbs[] = {
      {"approve", "待っている承認の段を承認する（その日の在任者・代理者だけ）", cases::Cases::Verb::kApprove},
      {"record", "待っている記録の段を記録する（--record 項目=値）", cases::Cases::Verb::kRecord},
      {"confirm", "許可に付いた義務を確かめたと記録する（申請者）", cases::Cases::Verb::kConfirm},
      {"reject", "却下する（--reason が必要）", cases::Cases::Verb::kReject},
      {"return", "差し戻す（--reason が必要）", cases::Cases::Verb::kReturn},
      {"resubmit", "差し戻された案件を再申請する（申請者）", cases::Cases::Verb::kResubmit},
      {"withdraw", "取り下げる（申請者）", cases::Cases::Verb::kWithdraw},
      {"note", "メモを残す（--text）", cases::Cases::Verb::kNote},
  };
  for (const auto& v : verbs) AddStepCommand(kase, v.name, v.help, v.verb);
  {
    auto* cmd = kase->add_subcommand("proof", "案件の各出来事が証跡に含まれることの証明（監査人向け）");
    static std::string id;
    cmd->add_option("ID", id, "案件の番号")->required();
    add_common(cmd);
    cmd->callback([] {
      Guard([] {
        CaseSession s(db, actor);
        const Json proofs = cases::Proofs(s.cases, *s.b.store, *s.b.ledger, id);
        const bool all = proofs["verified"].get<bool>();
        if (format == "json") {
          std::cout << proofs.dump() << "\n";
        } else {
          std::cout << "案件 " << id << " の出来事 " << proofs["proofs"].size() << " 件の包含証明（大きさ " << proofs["size"]
                    << " の木、根 " << proofs["root"].get<std::string>() << "）:\n";
          for (const auto& p : proofs["proofs"])
            std::cout << "  #" << p["event"] << " " << p.value("type", "") << ": エントリ #" << p.value("entry", -1) << "、監査パス "
                      << (p.contains("path") ? p["path"].size() : 0) << " 個 — " << (p["verified"].get<bool>() ? "OK" : "NG") << "\n";
          std::cout << (all ? "OK: すべての出来事が証跡に含まれています。" : "NG: 含まれていない出来事があります。") << "\n";
        }
        if (!all) SetExitCode(1);
      });
    });
  }
  // Exceptions (例外措置) and incidents: cases opened by hand.
  auto* exc = app.add_subcommand("exception", "例外措置: 申請（--emergency で緊急時の事後報告）");
  exc->require_subcommand(1);
  {
    auto* cmd = exc->add_subcommand("apply", "例外措置を申請する（緊急時は講じたうえで --emergency）");
    static std::string as, departs, measure, reason, until, unit, at, workflow;
    static bool emergency = false;
    cmd->add_option("--as", as, "申請する人の職員番号")->required();
    cmd->add_option("--departs", departs, "遵守しない条項（例: 第46条第4項）")->required();
    cmd->add_option("--measure", measure, "代わりに講じる措置")->required();
    cmd->add_option("--reason", reason, "合理的な理由")->required();
    cmd->add_option("--until", until, "期間の終わり");
    cmd->add_option("--unit", unit, "組織（既定: 申請者の所属）");
    cmd->add_option("--at", at, "日付（既定: 今日）");
    cmd->add_option("--workflow", workflow, "手順の id（パックに例外措置の手順が複数あるとき）");
    cmd->add_flag("--emergency", emergency, "緊急時: 措置を講じたうえで事後に報告する");
    static std::string renews;
    cmd->add_option("--renews", renews, "期間の切れる例外措置を更新するとき、その案件の番号");
    add_common(cmd);
    cmd->callback([] {
      Guard([] {
        CaseSession s(db, actor);
        const std::string id = cases::ChooseWorkflow(s.b.pack, "exception", emergency, workflow);
        Json fields = {{"departs", departs}, {"measure", measure}, {"reason", reason}};
        if (!until.empty()) fields["until"] = DateOf(until, "--until");
        if (emergency) fields["emergency"] = "はい";
        if (!renews.empty()) fields["renews"] = renews;
        Print(s.cases.Open(id, as, fields, unit, DateOf(at, "--at")), format);
      });
    });
  }
  {
    auto* cmd = exc->add_subcommand("review", "例外措置の申請と審査結果の一覧（安田町 第121条）: 期間・経過日数・期間切れ・更新");
    static std::string as_of, out;
    static bool force = false;
    cmd->add_option("--as-of", as_of, "日付（既定: 今日）");
    cmd->add_option("--out,-o", out, "xlsx または csv のファイル（省略時は表で表示）");
    cmd->add_flag("--force", force, "既にあるファイルを置き換える");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        std::optional<output::AtomicFile> file;
        if (!out.empty()) file.emplace(out, output::Options{force, output::StoreFiles(db)});
        CaseSession s(db, actor);
        const std::string day = as_of.empty() ? Today() : DateOf(as_of, "--as-of");
        auto t = s.cases.ExceptionRegister(day);
        if (file) {
          if (registry::io::IsWorkbook(out)) registry::io::WriteXlsx(file->temp_path(), "例外措置", t);
          else file->stream() << registry::io::WriteCsv(t);
          file->Commit();
          std::cerr << "例外措置 " << t.rows.size() << " 件を " << out << " に書き出しました。\n";
          return;
        }
        std::cout << "例外措置 " << t.rows.size() << " 件（" << day << " 時点）:\n";
        for (const auto& r : t.rows)
          std::cout << "  " << r[0] << " " << r[2] << " " << r[3] << "（" << r[4] << "）" << r[5] << " を遵守せず: " << r[6]
                    << " — " << r[10] << "、" << r[15] << "、経過 " << r[14] << " 日" << (r[8].empty() ? "" : "、期間の終わり " + r[8])
                    << (r[11].empty() ? "" : "、" + r[11]) << "\n";
      });
    });
  }
  // The steps of an exception and an incident under the names staff use;
  // each is the same event as `mamori case record | approve | reject`.
  struct Alias {
    CLI::App* parent;
    const char* name;
    const char* help;
    cases::Cases::Verb verb;
    const char* expect = "";
  };
  auto* inc = app.add_subcommand("incident", "情報セキュリティインシデント: 報告と、その後の段");
  inc->require_subcommand(1);
  for (const Alias& a : {Alias{exc, "report", "緊急時の例外措置の事後報告を記録する（case record と同じ）", cases::Cases::Verb::kRecord},
                         Alias{exc, "permit", "例外措置を許可する（case approve と同じ、--record 審査結果=…）", cases::Cases::Verb::kApprove},
                         Alias{exc, "refuse", "例外措置を許可しない（case reject と同じ、--reason が必要）", cases::Cases::Verb::kReject},
                         Alias{inc, "step", "インシデントの待っている段を記録する（case record と同じ。評価・指示・報告など）", cases::Cases::Verb::kRecord},
                         Alias{inc, "assess", "待っている評価の段（インシデントであるか等）を記録する。評価の段でなければ何もしない", cases::Cases::Verb::kRecord, "assess"},
                         Alias{inc, "instruct", "待っている指示の段（応急措置・再発防止の指示等）を記録する。指示の段でなければ何もしない", cases::Cases::Verb::kRecord, "instruct"},
                         Alias{inc, "close", "待っている段を記録してインシデントを終える。その段から終われなければ何もしない", cases::Cases::Verb::kRecord, "close"}})
    AddStepCommand(a.parent, a.name, a.help, a.verb, a.expect);
  {
    auto* cmd = inc->add_subcommand("report", "インシデントを報告する（住民等からの報告を受けたときは --from-resident）");
    static std::string as, what, unit, at, workflow, system;
    static bool resident = false;
    cmd->add_option("--as", as, "報告する人（職員）の職員番号")->required();
    cmd->add_option("--what", what, "何が起きたか")->required();
    cmd->add_option("--unit", unit, "組織（既定: 報告者の所属）");
    cmd->add_option("--system", system, "関わる情報システム");
    cmd->add_option("--at", at, "日付（既定: 今日）");
    cmd->add_option("--workflow", workflow, "手順の id（パックにインシデントの手順が複数あるとき）");
    cmd->add_flag("--from-resident", resident, "住民等外部から報告を受けた");
    add_common(cmd);
    cmd->callback([] {
      Guard([] {
        CaseSession s(db, actor);
        const std::string id = cases::ChooseWorkflow(s.b.pack, "incident", false, workflow);
        Json fields = {{"what", what}};
        if (!system.empty()) fields["system"] = system;
        if (resident) fields["from_resident"] = "はい";
        Print(s.cases.Open(id, as, fields, unit, DateOf(at, "--at")), format);
      });
    });
  }
}

}  // namespace mamori::cli
