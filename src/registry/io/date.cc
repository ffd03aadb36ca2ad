// Dates and yes/no values as staff type them into Excel. Every importer calls
// these, so that a register does not accept 令和 dates while another refuses them.
#include <algorithm>
#include <array>
#include <cstdio>

#include "registry/io/table_io.h"
#include "registry/io/text.h"

namespace mamori::registry::io {
namespace {

struct Ymd {
  int y, m, d;
  auto operator<=>(const Ymd&) const = default;
};

struct Era {
  std::string_view kanji;
  char letter;      // the initial used in R8.4.1
  int base;         // Gregorian year of the era's year 0: 元年 = base + 1
  Ymd first, last;  // inclusive; the change-over day belongs to both eras
};

// Eras change on the day of accession, so 明治45年7月30日 and 大正元年7月30日 are
// the same day, as are 大正15年12月25日 and 昭和元年12月25日. 平成 and 令和 did not
// share a day (平成 ended 2019-04-30; 令和 began 2019-05-01).
constexpr std::array<Era, 5> kEras = {{
    // 明治 before 6年 counted days by the lunar calendar; those are refused.
    {"明治", 'M', 1867, {1873, 1, 1}, {1912, 7, 30}},
    {"大正", 'T', 1911, {1912, 7, 30}, {1926, 12, 25}},
    {"昭和", 'S', 1925, {1926, 12, 25}, {1989, 1, 7}},
    {"平成", 'H', 1988, {1989, 1, 8}, {2019, 4, 30}},
    {"令和", 'R', 2018, {2019, 5, 1}, {9999, 12, 31}},
}};

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool Valid(const Ymd& d) {
  return d.y >= 1000 && d.y <= 9999 && d.m >= 1 && d.m <= 12 && d.d >= 1 && d.d <= DaysIn(d.y, d.m);
}

std::string Iso(const Ymd& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.y, d.m, d.d);
  return buf;
}

// A left-to-right reader over the width-folded text.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;

  bool Eat(std::string_view lit) {
    if (s.substr(i, lit.size()) != lit) return false;
    i += lit.size();
    return true;
  }
  std::optional<int> Digits(std::size_t min_len, std::size_t max_len) {
    std::size_t j = i;
    int v = 0;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9' && j - i < max_len) v = v * 10 + (s[j++] - '0');
    if (j - i < min_len || (j < s.size() && s[j] >= '0' && s[j] <= '9')) return std::nullopt;
    i = j;
    return v;
  }
  bool AtEnd() const { return i == s.size(); }
};

// "4月1日" or "4.1" after the year, per the separator style.
std::optional<Ymd> MonthDayKanji(Cursor& c, int year) {
  auto m = c.Digits(1, 2);
  if (!m || !c.Eat("月")) return std::nullopt;
  auto d = c.Digits(1, 2);
  if (!d || !c.Eat("日") || !c.AtEnd()) return std::nullopt;
  return Ymd{year, *m, *d};
}

std::optional<Ymd> MonthDaySep(Cursor& c, int year) {
  if (c.AtEnd()) return std::nullopt;
  char sep = c.s[c.i];
  if (sep != '-' && sep != '/' && sep != '.') return std::nullopt;
  ++c.i;
  auto m = c.Digits(1, 2);
  if (!m || !c.Eat(std::string_view(&sep, 1))) return std::nullopt;
  auto d = c.Digits(1, 2);
  if (!d || !c.AtEnd()) return std::nullopt;
  return Ymd{year, *m, *d};
}

std::optional<std::string> FromEra(const Era& era, std::optional<Ymd> in_era) {
  if (!in_era || in_era->y < 1) return std::nullopt;
  Ymd d{era.base + in_era->y, in_era->m, in_era->d};
  if (!Valid(d) || d < era.first || d > era.last) return std::nullopt;
  return Iso(d);
}

std::string WithoutSpaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t') out += c;
  }
  return out;
}

}  // namespace

std::optional<std::string> ParseDate(std::string_view input) {
  // Full-width digits and ．／－ become ASCII; U+3000 becomes ' '.
  const std::string folded = text::FoldWidth(text::Trim(input));
  std::string_view t = text::Trim(folded);
  if (t.empty()) return std::nullopt;

  // 令和8年4月1日, 令和 ８年 ４月 １日, 令和元年5月1日.
  for (const Era& era : kEras) {
    if (t.substr(0, era.kanji.size()) != era.kanji) continue;
    const std::string compact = WithoutSpaces(t.substr(era.kanji.size()));
    Cursor c{compact};
    std::optional<int> year = c.Eat("元") ? std::optional<int>(1) : c.Digits(1, 2);
    if (!year || !c.Eat("年")) return std::nullopt;
    return FromEra(era, MonthDayKanji(c, *year));
  }

  // R8.4.1, r8/4/1, H31-4-30.
  if (std::isalpha(static_cast<unsigned char>(t[0]))) {
    char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
    auto era = std::find_if(kEras.begin(), kEras.end(), [&](const Era& e) { return e.letter == letter; });
    if (era == kEras.end()) return std::nullopt;
    Cursor c{t, 1};
    auto year = c.Digits(1, 2);
    if (!year) return std::nullopt;
    return FromEra(*era, MonthDaySep(c, *year));
  }

  // 2026-04-01, 2026/4/1, 2026.4.1, 2026年4月1日.
  const std::string compact = t.find("年") != std::string_view::npos ? WithoutSpaces(t) : std::string(t);
  Cursor c{compact};
  auto year = c.Digits(4, 4);
  if (!year) return std::nullopt;
  std::optional<Ymd> d = c.Eat("年") ? MonthDayKanji(c, *year) : MonthDaySep(c, *year);
  if (!d || !Valid(*d)) return std::nullopt;
  return Iso(*d);
}

std::optional<bool> ParseBool(std::string_view input) {
  std::string t(text::Trim(text::FoldWidth(text::Trim(input))));
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::string_view kTrue[] = {"はい", "有", "有り", "あり", "○", "〇", "◯",
                                               "true", "yes", "y", "1"};
  static constexpr std::string_view kFalse[] = {"いいえ", "無", "無し", "なし", "×", "✕", "false",
                                                "no", "n", "0"};
  for (std::string_view v : kTrue) {
    if (t == v) return true;
  }
  for (std::string_view v : kFalse) {
    if (t == v) return false;
  }
  return std::nullopt;
}

std::string FoldWidth(std::string_view s) { return text::FoldWidth(s); }

std::string TrimCell(std::string_view s) { return std::string(text::Trim(s)); }

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  std::size_t from = 0;
  auto flush = [&](std::size_t to) {
    if (auto t = text::Trim(s.substr(from, to - from)); !t.empty()) out.emplace_back(t);
  };
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t w = s[i] == ',' ? 1 : (s.compare(i, 3, "、") == 0 || s.compare(i, 3, "，") == 0) ? 3 : 0;
    if (!w) {
      ++i;
      continue;
    }
    flush(i);
    i += w;
    from = i;
  }
  flush(s.size());
  return out;
}

}  // namespace mamori::registry::io
