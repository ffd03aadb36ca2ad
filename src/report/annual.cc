// The committee's annual report, gathered from what mamori keeps: the
// duties of the 年度 and their records, the incidents and exceptions of the
// 年度, and the checks over the registers — each with its articles.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "cases/cases.h"
#include "compliance/compliance.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "registry/binding.h"
#include "report/report.h"

namespace mamori::report {
namespace {

using compliance::Join;
using compliance::Refs;

using Json = nlohmann::json;

std::string Field(const Json& j, const std::string& key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// A case's opening record (fields of an exception or incident); a state
// without one reads as empty rather than tripping nlohmann's const [].
const Json& Fields(const cases::State& s) {
  static const Json kNone = Json::object();
  auto it = s.data.find("fields");
  return it != s.data.end() && it->is_object() ? *it : kNone;
}

// 2026-04-01 -> 令和8年4月1日, as staff write dates on paper.
std::string WarekiDate(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(iso.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return iso;
  std::string era;
  int n = 0;
  if (iso >= "2019-05-01") era = "令和", n = y - 2018;
  else if (iso >= "1989-01-08") era = "平成", n = y - 1988;
  else return iso;
  return era + (n == 1 ? std::string("元") : std::to_string(n)) + "年" + std::to_string(m) + "月" + std::to_string(d) + "日";
}

Section Duties(const std::vector<compliance::DutyStatus>& duties, const std::string& unit) {
  Section s;
  s.title = "年度の務め";
  std::map<std::string, int> counts;
  for (const auto& d : duties) counts[d.StatusName()]++;
  s.paragraphs.push_back("規程が求める務め " + std::to_string(duties.size()) + " 件の状況です（実施済み " + std::to_string(counts["実施済み"]) +
                         "、未実施 " + std::to_string(counts["未実施"]) + "、期限超過 " + std::to_string(counts["期限超過"]) + "、記録なし " +
                         std::to_string(counts["記録なし"]) + "）。定期的にの務めの間隔は本文に定めがなく、定める者が設定するまで未設定です。");
  // One row per duty: a role held per unit or system is summed up (how many
  // have done it, and which have not), the committee reads the body's state;
  // a 課's own report shows that 課's row.
  s.table.header = {"務め", "周期", "役割", "期限", "状態", "実施", "根拠"};
  s.widths = {3.0, 0.9, 1.5, 1.5, 0.9, 2.4, 1.1};
  for (const auto& d : duties) {
    std::string due = d.due;
    if (d.duty->cycle == "periodic" && d.due.empty())
      due = "未設定（定める者: " + (d.interval_owner.empty() ? std::string("—") : d.interval_owner) + "）";
    std::string done, status = d.StatusName();
    if (d.scope_kind.empty() || !unit.empty()) {
      for (const auto& sc : d.scopes) {
        if (!unit.empty() && sc.id != unit) continue;
        status = compliance::ScopeStatusName(d, sc);
        std::vector<std::string> on;
        for (const auto& r : sc.done) on.push_back(Field(r, "on") + " " + Field(r, "by_name"));
        done = Join(on, "、");
      }
    } else {
      std::size_t n = 0, held = 0;
      std::vector<std::string> behind;
      for (const auto& sc : d.scopes) {
        held += !sc.holders.empty();
        if (!sc.done.empty()) ++n;
        else if (!sc.holders.empty()) behind.push_back(sc.name);
      }
      done = std::to_string(n) + " / " + std::to_string(held) + (d.scope_kind == "unit" ? " 組織" : " システム");
      if (!behind.empty() && n > 0)
        done += "（未: " + Join(std::vector<std::string>(behind.begin(), behind.begin() + std::min<std::size_t>(behind.size(), 6)), "、") +
                (behind.size() > 6 ? " ほか " + std::to_string(behind.size() - 6) : "") + "）";
    }
    s.table.rows.push_back({d.duty->name, compliance::CycleName(d.duty->cycle), d.role_name, due, status, done,
                            Join(Refs(d.duty->cite), "、")});
  }
  return s;
}

}  // namespace

Document AnnualReport(store::Store& store, ledger::Ledger& ledger, const policy::Pack& pack, const Options& o) {
  Document doc;
  const compliance::FiscalYear fy = compliance::ParseFiscalYear(std::to_string(o.fy));
  store.Read([&] {
    // The unit by code or name, read once: its code filters, its name titles.
    std::string unit_id, unit_name;
    if (!o.unit.empty()) {
      for (const auto& row : store.List("units")) {
        const Json j = Json::parse(row.data);
        if (row.id == o.unit || Field(j, "name") == o.unit) unit_id = row.id, unit_name = Field(j, "name");
      }
      if (unit_id.empty())
        throw store::Error("E-REP-001", "組織「" + o.unit + "」は組織の台帳にありません。組織コードか名称（例: 税務課）を確かめてください。");
    }

    doc.title = fy.Wareki() + " 情報セキュリティ" + (unit_name.empty() ? "年次報告" : "報告（" + unit_name + "）");
    doc.subtitle = (pack.org_name.empty() ? pack.name : pack.org_name) + "　情報セキュリティ委員会 資料";
    doc.cover.push_back({"団体", pack.org_name.empty() ? pack.name : pack.org_name});
    doc.cover.push_back({"年度", fy.Wareki() + "（" + WarekiDate(fy.start) + "〜" + WarekiDate(fy.end) + "）"});
    if (!unit_name.empty()) doc.cover.push_back({"組織", unit_name + "（" + unit_id + "）"});
    doc.cover.push_back({"作成日", WarekiDate(o.now) + "（在任者は " + WarekiDate(o.as_of) + " 時点）"});
    doc.cover.push_back({"規程", pack.regulation.title + (pack.regulation.number.empty() ? "" : "（" + pack.regulation.number + "）") +
                                     (pack.regulation.effective.empty() ? "" : "、施行 " + pack.regulation.effective)});
    doc.cover.push_back({"ポリシーパック", pack.name});
    doc.cover.push_back({"パックの SHA-256", registry::HashPack(pack)});
    if (auto head = ledger.Head()) {
      doc.cover.push_back({"証跡の署名付きツリーヘッド", "大きさ " + std::to_string(head->size) + " 件、署名 " + head->at});
      doc.cover.push_back({"証跡の根（root hash）", ledger::Hex(head->root)});
    } else {
      doc.cover.push_back({"証跡の署名付きツリーヘッド", "まだありません"});
    }
    doc.footer = doc.title + "　" + (pack.org_name.empty() ? pack.name : pack.org_name);

    // 1. Duties.
    compliance::Duties duties(store, pack);
    auto list = duties.List(fy, o.as_of, o.now);
    if (!unit_id.empty())
      std::erase_if(list, [](const compliance::DutyStatus& d) { return d.scope_kind != "unit"; });
    Section s1 = Duties(list, unit_id);
    s1.title = "1. " + s1.title;
    doc.sections.push_back(std::move(s1));

    // 2–4. Training, self-inspection, audit: the duties the text sets for them.
    auto by_cycle_section = [&](const std::string& title, const std::vector<std::string>& words, const std::string& missing) {
      Section s;
      s.title = title;
      s.table.header = {"務め", "役割", "状態", "実施日・記録", "根拠"};
      s.widths = {3.4, 1.8, 1.0, 2.6, 1.2};
      for (const auto& d : list) {
        if (std::none_of(words.begin(), words.end(), [&](const std::string& w) { return d.duty->name.find(w) != std::string::npos; }))
          continue;
        for (const auto& sc : d.scopes) {
          if (!unit_id.empty() && sc.id != unit_id) continue;
          std::vector<std::string> done;
          for (const auto& r : sc.done) done.push_back(Field(r, "on") + " " + Field(r, "by_name") + "（" + Field(r, "id") + "）");
          s.table.rows.push_back({d.duty->name + (sc.name.empty() ? "" : "（" + sc.name + "）"), d.role_name,
                                  compliance::ScopeStatusName(d, sc), Join(done, "、"), Join(Refs(d.duty->cite), "、")});
        }
      }
      if (s.table.rows.empty()) s.paragraphs.push_back("この規程に該当する務めはありません。");
      if (!missing.empty()) s.paragraphs.push_back(missing);
      doc.sections.push_back(std::move(s));
    };
    // 2. Training: the attendance register against the 職員等 of the 年度.
    {
      Section s;
      s.title = "2. 研修";
      try {
        const compliance::TrainingYear y = compliance::Training(store, pack, fy);
        const compliance::TrainingUnit& all = y.total;
        auto rate = [](const compliance::TrainingUnit& u) {
          auto r = compliance::AttendanceRate(u);
          return r ? std::to_string(static_cast<int>(*r)) + "." + std::to_string(static_cast<int>(*r * 10) % 10) + "%" : std::string("—");
        };
        s.paragraphs.push_back("研修の対象となる職員等 " + std::to_string(all.in_scope) + " 人のうち、" + fy.Wareki() + "に受講した者 " +
                               std::to_string(all.attended) + " 人、受講していない者 " + std::to_string(all.not_attended) + " 人（受講率 " +
                               rate(all) + "）。" +
                               (y.yearly ? "根拠: " + Join(Refs(y.yearly->cite), "、") + "。" : std::string()));
        for (const auto& c : y.courses) {
          std::vector<std::string> days;
          for (const auto& [d, n] : c.sessions) days.push_back(d + "（" + std::to_string(n) + " 人）");
          s.paragraphs.push_back("研修「" + c.name + "」: " + Join(days, "、") + "、受講者 " + std::to_string(c.attendees) + " 人。");
        }
        if (y.new_staff_duty)
          s.paragraphs.push_back("新規採用の職員等 " + std::to_string(all.new_staff) + " 人のうち、新規採用の研修を受けていない者 " +
                                 std::to_string(all.new_staff_untrained) + " 人（" + Join(Refs(y.new_staff_duty->cite), "、") + "）。");
        s.table.header = {"組織", "対象", "受講", "未受講", "受講率"};
        s.widths = {3.0, 1.0, 1.0, 1.0, 1.0};
        for (const auto& u : y.units) {
          if (!unit_id.empty() && u.id != unit_id) continue;
          s.table.rows.push_back({u.name.empty() ? "（所属なし）" : u.name, std::to_string(u.in_scope), std::to_string(u.attended),
                                  std::to_string(u.not_attended), rate(u)});
        }
      } catch (const store::Error& e) {
        s.paragraphs.push_back(std::string("研修の受講は数えられません: ") + e.what());
      }
      doc.sections.push_back(std::move(s));
    }
    // 3. Self-inspection: the answers of each respondent, and every いいえ's measure.
    {
      Section s;
      s.title = "3. 自己点検";
      const auto progress = compliance::Progress(store, pack, fy, o.as_of);
      std::vector<compliance::InspectionProgress> mine;
      for (const auto& p : progress)
        if (unit_id.empty() || p.respondent.scope.id == unit_id) mine.push_back(p);
      int answered = 0, total = 0, no = 0;
      for (const auto& p : mine) answered += p.answered, total += p.total, no += p.no;
      s.paragraphs.push_back("回答者 " + std::to_string(mine.size()) + "、回答 " + std::to_string(answered) + " / " + std::to_string(total) +
                             " 項目、「いいえ」 " + std::to_string(no) + " 項目（改善策は下の表）。");
      s.table = compliance::ProgressTable(mine);
      s.widths = {2.0, 1.8, 2.2, 0.9, 0.9, 0.7, 0.7, 0.9};
      s.more.push_back({"改善策（「いいえ」の項目）", compliance::MeasuresTable(mine), {1.5, 1.3, 1.4, 3.0, 1.0, 1.2, 2.2}});
      doc.sections.push_back(std::move(s));
    }
    by_cycle_section("4. 監査", {"監査"}, "");
    {
      // The audits of the 年度 (`mamori audit`): each plan with its approval,
      // the results report, and every finding through to its closure.
      Section& s = doc.sections.back();
      auto audits = compliance::AuditsOf(store, fy);
      if (!unit_id.empty())  // one 課's report: the audits of that 課, or that told it to check
        std::erase_if(audits, [&](const compliance::AuditView& v) {
          bool ours = false;
          for (const auto& u : v.audit["units"]) ours |= Field(u, "id") == unit_id;
          for (const auto& f : v.findings)
            for (const auto& i : f["instructions"]) ours |= Field(i, "unit") == unit_id;
          return !ours;
        });
      if (audits.empty())
        s.paragraphs.push_back(fy.Wareki() + "の監査実施計画・指摘事項の記録（mamori audit）はありません。");
      for (const auto& v : audits) {
        const Json& a = v.audit;
        std::vector<std::string> units, auditors;
        for (const auto& u : a["units"]) units.push_back(Field(u, "name"));
        for (const auto& x : a["auditors"]) auditors.push_back(Field(x, "name") + "（" + Field(x, "unit_name") + "）");
        std::string line = "監査「" + Field(a, "title") + "」（" + Field(a, "id") + "）: 監査実施計画 " + compliance::PlanStatusName(v.plan_status) +
                           (Field(a, "case").empty() ? "" : "（案件 " + Field(a, "case") + "）") + "、対象 " + Join(units, "・") +
                           "、監査を行う者 " + Join(auditors, "・") + "、指摘事項 " + std::to_string(v.findings.size()) + " 件、監査調書 " +
                           std::to_string(v.papers.size()) + " 件（ハッシュを証跡に記録）。";
        if (a.contains("reported"))
          line += "結果の報告: " + Field(a["reported"], "on") + " " + Field(a["reported"], "to_name") + "（" +
                  Join(a["reported"].value("cite", std::vector<std::string>{}), "、") + "）。";
        else
          line += "結果の報告: 未。";
        s.paragraphs.push_back(line);
      }
      if (!audits.empty())
        s.more.push_back({"指摘事項と対処", compliance::FindingsTable(audits, unit_id), {1.3, 1.6, 1.1, 1.1, 0.8, 2.2, 0.8, 1.8, 2.0, 1.4}});
    }

    // 5–6. Incidents and exceptions of the 年度.
    std::vector<cases::State> incidents, exceptions;
    std::set<std::string> renewed;
    for (const auto& row : store.List("cases")) {
      cases::State st{Json::parse(row.data)};
      const std::string kind = st.data.value("kind", ""), on = st.data.value("opened_on", "");
      if (!unit_id.empty() && st.data.value("unit", "") != unit_id) continue;
      if (kind == "exception" && !Field(Fields(st), "renews").empty()) renewed.insert(Field(Fields(st), "renews"));
      if (!fy.Contains(on)) continue;
      if (kind == "incident") incidents.push_back(std::move(st));
      else if (kind == "exception") exceptions.push_back(std::move(st));
    }
    Section s5;
    s5.title = "5. 情報セキュリティインシデント";
    s5.paragraphs.push_back(fy.Wareki() + "に報告されたインシデント " + std::to_string(incidents.size()) + " 件。");
    s5.table.header = {"案件", "報告日", "報告者", "組織", "内容", "状態"};
    s5.widths = {1.3, 1.1, 1.4, 1.2, 3.4, 1.0};
    for (const auto& st : incidents)
      s5.table.rows.push_back({st.id(), st.data.value("opened_on", ""), st.data.value("applicant_name", ""), st.data.value("unit_name", ""),
                               Field(Fields(st), "what").empty() ? st.data.value("name", "") : Field(Fields(st), "what"),
                               cases::StatusName(st.status())});
    doc.sections.push_back(std::move(s5));
    Section s6;
    s6.title = "6. 例外措置";
    s6.paragraphs.push_back(fy.Wareki() + "に申請された例外措置 " + std::to_string(exceptions.size()) + " 件。期間は " + WarekiDate(o.now) + " 時点。");
    s6.table.header = {"案件", "申請日", "申請者", "遵守しない条項", "代わりの措置", "期間の終わり", "期間"};
    s6.widths = {1.3, 1.1, 1.3, 1.4, 2.6, 1.2, 1.2};
    for (const auto& st : exceptions)
      s6.table.rows.push_back({st.id(), st.data.value("opened_on", ""), st.data.value("applicant_name", ""), Field(Fields(st), "departs"),
                               Field(Fields(st), "measure"), Field(Fields(st), "until"),
                               cases::ExceptionPeriod(st, o.now, renewed.count(st.id()) > 0)});
    doc.sections.push_back(std::move(s6));

    // 7. Checks over the registers.
    Section s7;
    s7.title = "7. 台帳の点検";
    const auto results = compliance::RunChecks(store, pack, o.now);
    std::map<std::string, std::string> asset_unit, system_unit;
    if (!unit_id.empty()) {
      for (const auto& row : store.List("assets")) asset_unit[row.id] = Field(Json::parse(row.data), "owner_unit");
      for (const auto& row : store.List("systems")) system_unit[row.id] = Field(Json::parse(row.data), "unit");
    }
    auto ours = [&](const compliance::Finding& f) {
      if (unit_id.empty()) return true;
      if (f.kind == "units") return f.row == unit_id;
      if (f.kind == "assets") return asset_unit[f.row] == unit_id;
      if (f.kind == "systems") return system_unit[f.row] == unit_id;
      return false;
    };
    s7.table.header = {"点検", "根拠", "台帳・行", "指摘"};
    s7.widths = {1.8, 1.2, 1.5, 5.0};
    std::size_t total = 0;
    for (const auto& r : results) {
      std::size_t n = 0;
      for (const auto& f : r.findings) {
        if (!ours(f)) continue;
        ++n;
        s7.table.rows.push_back({r.name, Join(Refs(r.check->cite), "、"), f.kind_name + " " + f.row, f.detail});
      }
      if (n == 0) s7.table.rows.push_back({r.name, Join(Refs(r.check->cite), "、"), "", "指摘なし"});
      total += n;
    }
    s7.paragraphs.push_back(WarekiDate(o.now) + " の台帳に、パックの点検 " + std::to_string(results.size()) + " 件を当てた結果、指摘 " +
                            std::to_string(total) + " 件" + (unit_id.empty() ? "" : "（" + unit_name + "に関わるもの）") + "。");
    doc.sections.push_back(std::move(s7));

    // 8. The inputs of the committee's evaluation of the policy (安田町 第142条):
    // the sections above, the pack versions switched to in the 年度, and the
    // cases still open under an earlier version's text.
    if (unit_id.empty()) {
      Section s8;
      s8.title = "8. 情報セキュリティポリシーの評価の資料";
      std::vector<std::string> refs;
      for (const auto& d : pack.duties)
        if (d.name.find("評価") != std::string::npos && d.cycle == "fiscal_year")
          for (const auto& c : d.cite) refs.push_back(c.ref);
      s8.paragraphs.push_back("委員会の評価" + (refs.empty() ? std::string() : "（" + Join(refs, "、") + "）") +
                              "の資料は、監査（4）・自己点検（3）・インシデント（5）・例外措置（6）・務め（1）・点検（7）の結果と、下の規程の改正です。");
      s8.table.header = {"切り替え", "日時", "パック", "SHA-256", "理由"};
      s8.widths = {0.8, 1.6, 1.2, 4.2, 1.6};
      Section::Extra impact;
      impact.caption = "改正で本文が変わった条項と、それを引く規定";
      impact.table.header = {"切り替え", "条項", "変化", "引く規定"};
      impact.widths = {0.8, 1.4, 1.2, 5.6};
      std::vector<std::string> impact_notes;
      for (const auto& row : store.List("pack_versions")) {
        const auto history = store.History("pack_versions", row.id);
        const std::string at = history.empty() ? "" : history.front().at;
        if (at.size() < 10 || !fy.Contains(at.substr(0, 10))) continue;
        const Json j = Json::parse(row.data);
        s8.table.rows.push_back({row.id, at, Field(j, "pack"), Field(j, "hash"), Field(j, "reason")});
        // The impact recorded with the switch (registry::ApplyPack): each binding whose cited clause changed.
        if (!j.contains("impact")) continue;
        const Json& im = j["impact"];
        if (!im.value("compared", false)) {
          impact_notes.push_back("切り替え " + row.id + ": " + Field(im, "why"));
          continue;
        }
        for (const auto& c : im["changed"])
          impact.table.rows.push_back({row.id, Field(c, "ref"), "本文が変わった",
                                       Join(c.value("bindings", std::vector<std::string>{}), "、")});
        for (const auto& r : im["dropped"]) impact.table.rows.push_back({row.id, r.get<std::string>(), "引用されなくなった", ""});
      }
      const std::string current = registry::HashPack(pack);
      Section::Extra old_text;
      old_text.caption = "前の版のもとで開かれ、まだ終わっていない案件";
      old_text.table.header = {"案件", "開始日", "名称", "状態", "開始時のパック"};
      old_text.widths = {1.3, 1.1, 3.0, 1.0, 3.0};
      for (const auto& row : store.List("cases")) {
        const Json j = Json::parse(row.data);
        const std::string status = Field(j, "status");
        if ((status != "open" && status != "returned") || Field(j, "pack_hash") == current) continue;
        old_text.table.rows.push_back({row.id, Field(j, "opened_on"), Field(j, "name"), cases::StatusName(status), Field(j, "pack_hash")});
      }
      s8.paragraphs.push_back(fy.Wareki() + "にパックを切り替えた記録 " + std::to_string(s8.table.rows.size()) + " 件、前の版のもとで開かれて続いている案件 " +
                              std::to_string(old_text.table.rows.size()) + " 件（各案件は開始時の本文を保ちます）。改正で本文が変わった条項 " +
                              std::to_string(impact.table.rows.size()) + " 件と、それを引く規定は下の表のとおりです（切り替えの時に記録）。");
      for (const auto& n : impact_notes) s8.paragraphs.push_back(n);
      s8.more.push_back(std::move(impact));
      s8.more.push_back(std::move(old_text));
      doc.sections.push_back(std::move(s8));
    }
  });
  return doc;
}

}  // namespace mamori::report
