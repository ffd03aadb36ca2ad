// 研修: the 年度's attendance at training (研修受講) against what the pack's
// text requires (安田町 第51条第2項・第3項・第5項). Read-only: the figures are
// computed from the registers each time, so they never drift from them.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

#include "compliance/compliance.h"
#include "compliance/row_text.h"

namespace mamori::compliance {
namespace {

using internal::Field;

const policy::Duty* DutyOf(const policy::Pack& pack, const char* id) {
  for (const auto& d : pack.duties)
    if (d.id == id) return &d;
  return nullptr;
}

// The pack's staff category that makes a person of the 職員 register one of
// the 職員等, or nullptr: the reading of engine/compile.cc (see compliance.h),
// kept to its terms so that training and decisions agree on who is staff.
const policy::PersonCategory* StaffCategory(const policy::Pack& pack, const std::string& category,
                                            const std::string& unit_name) {
  // The engine gives a person every category below; any staff one puts them
  // in scope. Which one is named: the 区分's own, else the body's 職員等,
  // else the one of their unit.
  const policy::PersonCategory *named = nullptr, *body = nullptr, *of_unit = nullptr;
  bool non_staff = false;
  for (const auto& pc : pack.person_categories) {
    const bool says = !category.empty() && (category == pc.id || category == pc.name ||
                                            std::find(pc.includes.begin(), pc.includes.end(), category) != pc.includes.end());
    if (says && !pc.staff) non_staff = true;
    if (!pc.staff) continue;
    if (says && (pc.unit.empty() || pc.unit == unit_name) && !named) named = &pc;
    if (pc.unit.empty() && !body) body = &pc;
    if (!pc.unit.empty() && pc.unit == unit_name && !of_unit) of_unit = &pc;
  }
  if (named) return named;
  if (body && !non_staff) return body;
  return of_unit;
}

std::string UnitLabel(const std::string& id, const std::string& name) {
  return id.empty() ? "（所属なし）" : name + "（" + id + "）";
}

std::string Rate(const TrainingUnit& u) {
  const auto r = AttendanceRate(u);
  if (!r) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", *r);
  return buf;
}

registry::io::Table PeopleTable(const std::vector<const Trainee*>& people) {
  registry::io::Table t;
  t.header = {"組織コード", "組織", "職員番号", "氏名", "区分", "職員等の区分", "開始日", "終了日"};
  t.date_columns = {false, false, false, false, false, false, true, true};
  for (const Trainee* p : people)
    t.rows.push_back({p->unit, p->unit.empty() ? "（所属なし）" : p->unit_name, p->id, p->name, p->category, p->staff_category,
                      p->start, p->end});
  return t;
}

registry::io::Table UnitTable(const std::vector<const TrainingUnit*>& units, bool new_staff) {
  registry::io::Table t;
  t.header = {"組織コード", "組織", "対象", "受講", "未受講", "受講率"};
  if (new_staff) t.header.insert(t.header.end(), {"新規採用", "新規採用の研修なし"});
  for (const TrainingUnit* u : units) {
    std::vector<std::string> row = {u->id, u->id.empty() && u->name.empty() ? "（所属なし）" : u->name, std::to_string(u->in_scope),
                                    std::to_string(u->attended), std::to_string(u->not_attended), Rate(*u)};
    if (new_staff) row.insert(row.end(), {std::to_string(u->new_staff), std::to_string(u->new_staff_untrained)});
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::vector<const Trainee*> Unattended(const TrainingYear& y, const std::string& unit) {
  std::vector<const Trainee*> out;
  for (const auto& p : y.people)
    if (p.attended.empty() && (unit.empty() || p.unit == unit)) out.push_back(&p);
  return out;
}

std::vector<const Trainee*> Untrained(const TrainingYear& y, const std::string& unit) {
  std::vector<const Trainee*> out;
  for (const auto& p : y.people)
    if (p.new_staff && p.new_staff_training.empty() && (unit.empty() || p.unit == unit)) out.push_back(&p);
  return out;
}

}  // namespace

std::optional<double> AttendanceRate(const TrainingUnit& u) {
  if (u.in_scope == 0) return std::nullopt;
  return std::round(1000.0 * u.attended / u.in_scope) / 10.0;
}

std::string FindUnit(store::Store& store, const std::string& text) {
  const std::string want = registry::io::TrimCell(registry::io::FoldWidth(text));
  std::vector<std::string> names, near;
  for (const auto& row : store.List("units")) {
    const std::string name = Field(Json::parse(row.data), "name");
    if (row.id == want || name == want) return row.id;
    names.push_back(UnitLabel(row.id, name));
    // 「税務」 for 税務課: the unit whose name holds what was typed.
    if (!want.empty() && name.find(want) != std::string::npos) near.push_back(names.back());
  }
  throw store::Error("E-COMP-010", "組織「" + text + "」は組織の台帳にありません。" +
                                       (near.empty() ? std::string() : "近いもの: " + Join(near, "、") + "。") +
                                       "組織コードか名称で指定してください: " +
                                       (names.empty() ? std::string("（組織の台帳が空です）") : Join(names, "、")) + "。");
}

TrainingYear Training(store::Store& store, const policy::Pack& pack, const FiscalYear& fy) {
  if (std::none_of(pack.person_categories.begin(), pack.person_categories.end(),
                   [](const policy::PersonCategory& c) { return c.staff; }))
    throw store::Error("E-COMP-011", "パック（" + pack.name +
                                         "）に職員等の区分（[[person_categories]] の staff = true）がないため、研修の対象者を決められません。"
                                         "本文が定める職員等を、パックの [[person_categories]] に staff = true として加えてください（docs/pack-format.md）。");
  TrainingYear y;
  y.fy = fy;
  y.yearly = DutyOf(pack, kTrainingYearlyDuty);
  y.new_staff_duty = DutyOf(pack, kTrainingNewStaffDuty);
  y.report = DutyOf(pack, kTrainingReportDuty);

  std::vector<std::pair<std::string, std::string>> units;  // id, name, in the register's order
  std::unordered_map<std::string, std::string> unit_names;
  for (const auto& row : store.List("units")) {
    const std::string name = Field(Json::parse(row.data), "name");
    units.emplace_back(row.id, name);
    unit_names.emplace(row.id, name);
  }

  // The 職員等 in force on some day of the 年度.
  std::unordered_map<std::string, std::size_t> index;
  for (const auto& row : store.List("people")) {
    const Json j = Json::parse(row.data);
    Trainee p;
    p.id = row.id;
    p.name = Field(j, "name");
    p.unit = Field(j, "unit");
    p.start = Field(j, "start");
    p.end = Field(j, "end");
    if ((!p.start.empty() && p.start > fy.end) || (!p.end.empty() && p.end < fy.start)) continue;
    if (auto it = unit_names.find(p.unit); it != unit_names.end()) p.unit_name = it->second;
    p.category = registry::io::TrimCell(Field(j, "category"));
    const policy::PersonCategory* staff = StaffCategory(pack, p.category, p.unit_name);
    if (!staff) continue;
    p.staff_category = staff->name;
    p.new_staff = !p.start.empty() && fy.Contains(p.start);
    index.emplace(p.id, y.people.size());
    y.people.push_back(std::move(p));
  }

  // Attendances, oldest first so that each person's ids come by date.
  std::vector<Json> rows;
  for (const auto& row : store.List("training_attendance")) {
    Json j = Json::parse(row.data);
    j["id"] = row.id;
    rows.push_back(std::move(j));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) { return Field(a, "date") < Field(b, "date"); });
  // course -> date -> people; and the order courses were first held in.
  std::map<std::string, std::map<std::string, std::set<std::string>>> held;
  for (const auto& j : rows) {
    const std::string date = Field(j, "date"), person = Field(j, "person");
    auto it = index.find(person);
    if (it != index.end() && registry::io::TrimCell(Field(j, "category")) == kNewStaffCategory)
      y.people[it->second].new_staff_training.push_back(Field(j, "id"));
    if (!fy.Contains(date)) continue;
    if (it == index.end()) {
      ++y.others;
      continue;
    }
    y.people[it->second].attended.push_back(Field(j, "id"));
    held[registry::io::TrimCell(Field(j, "course"))][date].insert(person);
  }
  for (const auto& [name, days] : held) {
    TrainingCourse c;
    c.name = name;
    std::set<std::string> everyone;
    for (const auto& [date, who] : days) {
      c.sessions.emplace_back(date, static_cast<int>(who.size()));
      everyone.insert(who.begin(), who.end());
    }
    c.attendees = static_cast<int>(everyone.size());
    y.courses.push_back(std::move(c));
  }
  std::stable_sort(y.courses.begin(), y.courses.end(), [](const TrainingCourse& a, const TrainingCourse& b) {
    return a.sessions.front().first < b.sessions.front().first;
  });

  // Per unit, in the register's order; people with no (known) 所属 last.
  std::unordered_map<std::string, std::size_t> order;
  for (std::size_t i = 0; i < units.size(); ++i) order.emplace(units[i].first, i);
  auto rank = [&](const Trainee& p) {
    auto it = order.find(p.unit);
    return it == order.end() ? units.size() : it->second;
  };
  std::stable_sort(y.people.begin(), y.people.end(), [&](const Trainee& a, const Trainee& b) {
    const auto ra = rank(a), rb = rank(b);
    return ra != rb ? ra < rb : a.id < b.id;
  });
  auto count = [&](TrainingUnit& u, const Trainee& p) {
    ++u.in_scope;
    ++(p.attended.empty() ? u.not_attended : u.attended);
    if (p.new_staff) {
      ++u.new_staff;
      u.new_staff_untrained += p.new_staff_training.empty();
    }
  };
  for (const auto& p : y.people) {
    // Sorted by unit, so a new id starts a new unit; the ids of the register
    // are never empty, so "" (no 所属) is a group of its own, the last.
    const std::string id = order.count(p.unit) ? p.unit : "";
    if (y.units.empty() || y.units.back().id != id) {
      TrainingUnit u;
      u.id = id;
      if (!id.empty()) u.name = p.unit_name;
      y.units.push_back(std::move(u));
    }
    count(y.units.back(), p);
    count(y.total, p);
  }
  return y;
}

std::vector<registry::io::Sheet> UnattendedBook(const TrainingYear& y, const std::string& unit) {
  std::vector<registry::io::Sheet> book;
  book.push_back({"未受講", PeopleTable(Unattended(y, unit))});
  std::vector<const TrainingUnit*> units;
  for (const auto& u : y.units)
    if (unit.empty() || u.id == unit) units.push_back(&u);
  if (unit.empty()) units.push_back(&y.total);
  const bool new_staff = y.new_staff_duty != nullptr;
  auto counts = UnitTable(units, new_staff);
  if (unit.empty()) counts.rows.back()[1] = "合計";
  book.push_back({"組織ごと", std::move(counts)});
  if (new_staff) book.push_back({"新規採用", PeopleTable(Untrained(y, unit))});
  return book;
}

std::vector<registry::io::Sheet> TrainingReportBook(const TrainingYear& y) {
  std::vector<registry::io::Sheet> book;
  registry::io::Table courses;
  courses.header = {"研修名", "日付", "受講者数"};
  courses.date_columns = {false, true, false};
  for (const auto& c : y.courses) {
    for (const auto& [date, n] : c.sessions) courses.rows.push_back({c.name, date, std::to_string(n)});
    if (c.sessions.size() > 1) courses.rows.push_back({c.name, "計（重複なし）", std::to_string(c.attendees)});
  }
  book.push_back({"研修ごと", std::move(courses)});
  std::vector<const TrainingUnit*> units;
  for (const auto& u : y.units) units.push_back(&u);
  units.push_back(&y.total);
  auto counts = UnitTable(units, y.new_staff_duty != nullptr);
  counts.rows.back()[1] = "合計";
  book.push_back({"組織ごと", std::move(counts)});
  book.push_back({"未受講", PeopleTable(Unattended(y, ""))});
  if (y.new_staff_duty) book.push_back({"新規採用", PeopleTable(Untrained(y, ""))});
  return book;
}

}  // namespace mamori::compliance
