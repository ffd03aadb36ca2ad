// 年度 as staff write them. Written by hand: no date library knows 和暦
// year names (令和元年度), and the forms are few.
#include <charconv>
#include <cstdio>

#include "compliance/compliance.h"

namespace mamori::compliance {
namespace {

[[noreturn]] void Unreadable(const std::string& text) {
  throw store::Error("E-COMP-001", "年度「" + text + "」を読めません（例: 2026、2026年度、令和8年度、R8）。年度は4月1日に始まります。");
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

std::string FiscalYear::Wareki() const {
  // A 年度 is named for the era of its first day's year as towns write it:
  // 2019 is 令和元年度 (the era began on 1 May 2019, but the 年度 is called so).
  if (year >= 2019) return year == 2019 ? "令和元年度" : "令和" + std::to_string(year - 2018) + "年度";
  if (year >= 1989) return year == 1989 ? "平成元年度" : "平成" + std::to_string(year - 1988) + "年度";
  return std::to_string(year) + "年度";
}

FiscalYear ParseFiscalYear(const std::string& text) {
  std::string s = registry::io::FoldWidth(text);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  std::string_view v(s);
  if (v.size() >= 6 && v.substr(v.size() - 6) == "年度") v.remove_suffix(6);
  else if (v.size() >= 3 && v.substr(v.size() - 3) == "年") v.remove_suffix(3);
  int base = 0;  // the Gregorian year of the era's 1年, minus one
  if (StartsWith(v, "令和")) base = 2018, v.remove_prefix(6);
  else if (StartsWith(v, "平成")) base = 1988, v.remove_prefix(6);
  else if (StartsWith(v, "R") || StartsWith(v, "r")) base = 2018, v.remove_prefix(1);
  else if (StartsWith(v, "H") || StartsWith(v, "h")) base = 1988, v.remove_prefix(1);
  int n = 0;
  if (base && v == "元") n = 1;
  else {
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size() || v.empty()) Unreadable(text);
  }
  int year = base ? base + n : n;
  // 平成 ran to 平成31年 (its 年度 31 is 2019); 令和 from 1.
  if (base && (n < 1 || (base == 1988 && n > 31) || n > 200)) Unreadable(text);
  if (year < 1989 || year > 2200) Unreadable(text);
  FiscalYear fy;
  fy.year = year;
  fy.start = std::to_string(year) + "-04-01";
  fy.end = std::to_string(year + 1) + "-03-31";
  return fy;
}

FiscalYear FiscalYearOf(const std::string& date) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%d-%d-%d", &y, &m, &d) != 3) Unreadable(date);
  FiscalYear fy;
  fy.year = m >= 4 ? y : y - 1;
  fy.start = std::to_string(fy.year) + "-04-01";
  fy.end = std::to_string(fy.year + 1) + "-03-31";
  return fy;
}

std::string CycleName(const std::string& cycle) {
  if (cycle == "fiscal_year") return "毎年度";
  if (cycle == "periodic") return "定期的に";
  if (cycle == "as_needed") return "必要に応じ";
  if (cycle == "on_event") return "事象発生時";
  if (cycle == "continuous") return "常時";
  return cycle;
}

}  // namespace mamori::compliance
