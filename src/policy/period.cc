// Periods as parameter values state them, and the date arithmetic that turns a
// retention period into a cut-off. Written by hand: the values are short
// Japanese phrases ("5年", "６か月") that no date library reads.
#include <algorithm>
#include <charconv>
#include <cstdio>

#include "policy/policy.h"

namespace mamori::policy {
namespace {

// Full-width digits (U+FF10..U+FF19, EF BC 90..99 in UTF-8) become ASCII.
std::string Narrow(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBC &&
        static_cast<unsigned char>(s[i + 2]) >= 0x90 && static_cast<unsigned char>(s[i + 2]) <= 0x99) {
      out += static_cast<char>('0' + (static_cast<unsigned char>(s[i + 2]) - 0x90));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool Leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysIn(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && Leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<Period> ParsePeriod(std::string_view text) {
  std::string s = Narrow(text);
  int n = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), n);
  if (r.ec != std::errc() || r.ptr == s.data() || n <= 0 || n > 1000) return std::nullopt;
  std::string_view unit(r.ptr, static_cast<std::size_t>(s.data() + s.size() - r.ptr));
  Period p;
  if (unit == "年" || unit == "年間") p.years = n;
  else if (unit == "か月" || unit == "ヶ月" || unit == "ヵ月" || unit == "箇月" || unit == "カ月" || unit == "ケ月" ||
           unit == "か月間" || unit == "ヶ月間")
    p.months = n;
  else if (unit == "日" || unit == "日間") p.days = n;
  else return std::nullopt;
  return p;
}

std::string DateBefore(const std::string& date, const Period& p) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return date;
  int months = y * 12 + (m - 1) - (p.years * 12 + p.months);
  y = months / 12;
  m = months % 12 + 1;
  d = std::min(d, DaysIn(y, m));
  for (int k = 0; k < p.days; ++k) {
    if (--d == 0) {
      if (--m == 0) {
        m = 12;
        --y;
      }
      d = DaysIn(y, m);
    }
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string DateAfter(const std::string& date, const Period& p) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return date;
  int months = y * 12 + (m - 1) + (p.years * 12 + p.months);
  y = months / 12;
  m = months % 12 + 1;
  d = std::min(d, DaysIn(y, m));
  for (int k = 0; k < p.days; ++k) {
    if (++d > DaysIn(y, m)) {
      d = 1;
      if (++m == 13) {
        m = 1;
        ++y;
      }
    }
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::optional<Period> PeriodOf(const Parameter& p) {
  if (!p.value) return std::nullopt;
  if (auto v = ParsePeriod(*p.value)) return v;
  return ParsePeriod(*p.value + p.unit);  // value = "5", unit = "年"
}

std::optional<Period> EvidenceRetention(const Pack& pack) {
  if (!pack.evidence.present) return std::nullopt;
  for (const auto& x : pack.parameters)
    if (x.id == pack.evidence.retention) return PeriodOf(x);
  return std::nullopt;
}

}  // namespace mamori::policy
