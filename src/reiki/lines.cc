#include "reiki/lines.h"

#include <cctype>
#include <optional>

#include "reiki/reiki.h"
#include "reiki/utf8.h"

namespace mamori::reiki {
namespace {

constexpr std::u32string_view kAiueo =
    U"アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヰヱヲン";
constexpr std::u32string_view kIroha =
    U"イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス";

bool IsLabelSep(char32_t c) { return c == U' ' || c == U'\u3000'; }

// Reads a numeral at s[i..], returning its value and advancing i past it.
std::optional<int> ReadNumeral(std::string_view s, std::size_t& i) {
  std::size_t start = i, j = i;
  while (j < s.size()) {
    std::size_t k = j;
    if (!IsNumeralChar(utf8::Next(s, k))) break;
    j = k;
  }
  if (j == start) return std::nullopt;
  auto v = ParseNumeral(s.substr(start, j - start));
  if (v) i = j;
  return v;
}

bool StartsWith(std::string_view s, std::string_view p, std::size_t at = 0) {
  return s.size() >= at + p.size() && s.compare(at, p.size(), p) == 0;
}

// After a label: one separator (space) is consumed; the rest is the text.
// `need_sep` labels (bare digits, kana, latin) must be followed by a space or
// end the line, or they are ordinary words.
bool TakeRest(std::string_view s, std::size_t i, bool need_sep, std::string& rest) {
  if (i >= s.size()) { rest.clear(); return true; }
  std::size_t k = i;
  char32_t c = utf8::Next(s, k);
  if (IsLabelSep(c)) {
    rest = std::string(utf8::TrimSpaces(s.substr(k)));
    return true;
  }
  if (need_sep) return false;
  rest = std::string(s.substr(i));
  return true;
}

// 第N(編|章|節|款|目)[のM] title
bool MatchHeading(const std::string& b, Line& line) {
  if (!StartsWith(b, "第")) return false;
  std::size_t i = 3;
  auto n = ReadNumeral(b, i);
  if (!n) return false;
  static const char* kUnits[] = {"編", "章", "節", "款", "目"};
  int rank = -1;
  for (int r = 0; r < 5; ++r) {
    if (StartsWith(b, kUnits[r], i)) { rank = r; i += 3; break; }
  }
  if (rank < 0) return false;
  std::vector<int> num{*n};
  while (StartsWith(b, "の", i)) {
    std::size_t k = i + 3;
    auto m = ReadNumeral(b, k);
    if (!m) break;
    num.push_back(*m);
    i = k;
  }
  std::size_t label_end = i;
  std::string rest;
  if (!TakeRest(b, i, true, rest)) return false;
  // A title never ends a sentence; "第2章の規定により…。" is prose.
  if (rest.find("。") != std::string::npos) return false;
  line.kind = LineKind::kHeading;
  line.rank = rank;
  line.num = num;
  line.num_text = b.substr(0, label_end);
  // 目次 lines carry the article range in full-width parentheses at the end.
  std::size_t open = rest.rfind("（");
  if (open != std::string::npos && StartsWith(rest, "（第", open) && rest.size() >= 3 &&
      rest.compare(rest.size() - 3, 3, "）") == 0) {
    line.range = rest.substr(open + 3, rest.size() - open - 6);
    rest = rest.substr(0, open);
  }
  line.rest = std::string(utf8::TrimSpaces(rest));
  return true;
}

// 第N条[のM]…[**] text, or 第N text when the text never uses 条.
bool MatchArticle(const std::string& b, bool no_jo, Line& line) {
  if (!StartsWith(b, "第")) return false;
  std::size_t i = 3;
  auto n = ReadNumeral(b, i);
  if (!n) return false;
  std::vector<int> num{*n};
  if (StartsWith(b, "条", i)) {
    i += 3;
  } else if (!no_jo) {
    return false;
  }
  while (StartsWith(b, "の", i)) {
    std::size_t k = i + 3;
    auto m = ReadNumeral(b, k);
    if (!m) return false;  // 第5条の規定に…: a cross-reference, not a heading
    num.push_back(*m);
    i = k;
  }
  std::size_t label_end = i;
  if (StartsWith(b, "**", i)) i += 2;  // stray closing bold from a web page
  std::string rest;
  if (!TakeRest(b, i, true, rest)) return false;
  line.kind = LineKind::kArticle;
  line.num = num;
  line.num_text = b.substr(0, label_end);
  line.rest = rest;
  return true;
}

bool MatchParagraph(const std::string& b, Line& line) {
  std::size_t i = 0;
  std::size_t start = 0;
  while (i < b.size()) {
    std::size_t k = i;
    char32_t c = utf8::FoldWidth(utf8::Next(b, k));
    if (c < U'0' || c > U'9') break;
    i = k;
  }
  if (i == start || i > 9) return false;
  std::string rest;
  if (!TakeRest(b, i, true, rest) || rest.empty()) return false;
  line.kind = LineKind::kParagraph;
  line.num = {*ParseNumeral(std::string_view(b).substr(0, i))};
  line.num_text = b.substr(0, i);
  line.rest = rest;
  return true;
}

bool IsOpenParen(char32_t c) { return c == U'(' || c == U'（'; }
bool IsCloseParen(char32_t c) { return c == U')' || c == U'）'; }

bool MatchLabel(const std::string& b, Line& line) {
  std::size_t i = 0;
  char32_t c = utf8::Next(b, i);
  Series series = Series::kNone;
  char32_t label = 0;
  std::vector<int> num;
  bool need_sep = true;
  if (IsOpenParen(c)) {
    std::size_t k = i;
    if (auto n = ReadNumeral(b, k)) {
      bool kanji = !utf8::IsDigit(utf8::First(std::string_view(b).substr(i)));
      series = kanji ? Series::kParenKanji : Series::kParenDigit;
      num = {*n};
      i = k;
    } else {
      char32_t d = utf8::Next(b, k);
      if (KatakanaIndex(d, false)) series = Series::kParenKatakana;
      else if (d >= U'a' && d <= U'z') series = Series::kParenLatin;
      else return false;
      label = d;
      i = k;
    }
    if (i >= b.size() || !IsCloseParen(utf8::Next(b, i))) return false;
    need_sep = false;  // （1）インターネット… occurs without a space
  } else if (CircledIndex(c)) {
    series = Series::kCircled;
    label = c;
    num = {CircledIndex(c)};
    need_sep = false;
  } else if (KatakanaIndex(c, false)) {
    series = Series::kKatakana;
    label = c;
  } else if (c >= U'a' && c <= U'z') {
    series = Series::kLatin;
    label = c;
  } else if (IsNumeralChar(c) && !utf8::IsDigit(c)) {
    std::size_t k = 0;
    auto n = ReadNumeral(b, k);
    if (!n) return false;
    series = Series::kKanji;
    num = {*n};
    i = k;
  } else {
    return false;
  }
  std::string rest;
  if (!TakeRest(b, i, need_sep, rest)) return false;
  line.kind = LineKind::kLabel;
  line.series = series;
  line.label_char = label;
  line.num = num;
  line.num_text = b.substr(0, i);
  line.rest = rest;
  return true;
}

// （目的） on a line of its own. "(1)" or "(ア)" alone is a label, not a caption.
bool MatchCaption(const std::string& b, Line& line) {
  std::size_t i = 0;
  if (b.empty() || !IsOpenParen(utf8::Next(b, i))) return false;
  std::size_t end = b.size();
  char32_t last = utf8::Prev(b, end);
  if (!IsCloseParen(last)) return false;
  std::string_view inner = std::string_view(b).substr(i, end - i);
  if (utf8::Length(inner) < 2 || ParseNumeral(inner)) return false;
  for (std::size_t k = 0; k < inner.size();) {
    char32_t c = utf8::Next(inner, k);
    if (IsOpenParen(c) || IsCloseParen(c) || c == U'。') return false;
  }
  line.kind = LineKind::kCaption;
  line.rest = std::string(inner);
  return true;
}

bool MatchSuppl(const std::string& b, Line& line) {
  std::size_t i = 0;
  if (!(StartsWith(b, "附") || StartsWith(b, "付"))) return false;
  i = 3;
  while (i < b.size() && (b[i] == ' ' || StartsWith(b, "\u3000", i))) i += b[i] == ' ' ? 1 : 3;
  if (!StartsWith(b, "則", i)) return false;
  i += 3;
  std::string_view rest = utf8::TrimSpaces(std::string_view(b).substr(i));
  if (!rest.empty()) {
    std::size_t k = 0;
    std::size_t end = rest.size();
    if (!IsOpenParen(utf8::Next(rest, k)) || !IsCloseParen(utf8::Prev(rest, end))) {
      if (rest != "抄") return false;
    } else {
      rest = rest.substr(k, end - k);
    }
  }
  line.kind = LineKind::kSuppl;
  line.num_text = b.substr(0, i);
  line.rest = std::string(rest);
  return true;
}

// 別表 / 別記 / 様式 headings: "別表（第6関係） 委員会の組織", "様式第1号（第3条関係）".
bool MatchAppendix(const std::string& b, Line& line) {
  if (!(StartsWith(b, "別表") || StartsWith(b, "別記") || StartsWith(b, "様式")) ||
      b.find("。") != std::string::npos)
    return false;
  std::size_t i = 6;
  std::vector<int> num;
  if (StartsWith(b, "第", i)) {
    std::size_t k = i + 3;
    auto n = ReadNumeral(b, k);
    if (!n) return false;
    num = {*n};
    i = k;
    if (StartsWith(b, "号", i)) i += 3;  // 様式第1号
  }
  std::string_view rest = utf8::TrimSpaces(std::string_view(b).substr(i));
  // 別表に掲げる… is prose; a heading is bare or carries （…関係）.
  if (!rest.empty() && !IsOpenParen(utf8::First(rest))) {
    std::size_t k = i;
    if (k < b.size() && !IsLabelSep(utf8::Next(b, k))) return false;
  }
  line.kind = LineKind::kAppendix;
  line.num = num;
  line.num_text = b.substr(0, i);
  line.rest = std::string(rest);
  return true;
}

// The element names a converted 例規 page carries (lists, tables, inline styling).
bool IsHtmlTag(const std::u32string& cps, std::size_t at) {
  if (at < cps.size() && cps[at] == U'/') ++at;
  std::string name;
  while (at < cps.size() && cps[at] < 0x80 && std::isalnum(static_cast<int>(cps[at])))
    name += static_cast<char>(std::tolower(static_cast<int>(cps[at++])));
  if (at < cps.size() && cps[at] != U'>' && cps[at] != U' ' && cps[at] != U'/') return false;
  static constexpr std::string_view kNames[] = {
      "ul", "ol", "li", "br", "p", "span", "div", "table", "tr", "td", "th", "tbody", "thead",
      "b", "i", "u", "em", "strong", "font", "a", "sup", "sub", "hr", "dl", "dt", "dd"};
  for (auto n : kNames)
    if (name == n) return true;
  return false;
}

bool IsTableRule(std::string_view s) {
  bool dash = false;
  for (char c : s) {
    if (c == '-' || c == ':') dash = true;
    else if (c != '\t' && c != ' ' && c != '|') return false;
  }
  return dash;
}

// Removes indentation, a markdown bullet ("- ", "* ") and stray "**" markers.
std::string CleanBody(std::string_view raw) {
  std::string_view s = utf8::TrimSpaces(raw);
  for (int k = 0; k < 2; ++k) {
    if ((StartsWith(s, "- ") || StartsWith(s, "* ") || StartsWith(s, "-\u3000"))) {
      s.remove_prefix(s[1] == ' ' ? 2 : 4);
      s = utf8::TrimSpaces(s);
    }
  }
  if (s.find("**") == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '*' && i + 1 < s.size() && s[i + 1] == '*') { ++i; continue; }
    out += s[i];
  }
  return out;
}

}  // namespace

int KatakanaIndex(char32_t c, bool iroha) {
  auto series = iroha ? kIroha : kAiueo;
  auto pos = series.find(c);
  return pos == std::u32string_view::npos ? 0 : static_cast<int>(pos) + 1;
}

bool IsNumeralChar(char32_t c) {
  c = utf8::FoldWidth(c);
  if (c >= U'0' && c <= U'9') return true;
  switch (c) {
    case U'〇': case U'一': case U'二': case U'三': case U'四': case U'五':
    case U'六': case U'七': case U'八': case U'九': case U'十': case U'百': case U'千':
      return true;
    default:
      return false;
  }
}

char32_t KatakanaAt(int index, bool iroha) {
  auto series = iroha ? kIroha : kAiueo;
  return index >= 1 && index <= static_cast<int>(series.size()) ? series[index - 1] : 0;
}

int CircledIndex(char32_t c) {
  if (c >= U'①' && c <= U'⑳') return static_cast<int>(c - U'①') + 1;
  if (c >= U'㉑' && c <= U'㉟') return static_cast<int>(c - U'㉑') + 21;
  return 0;
}

std::vector<Line> ClassifyLines(std::string_view text, bool no_jo_articles) {
  std::vector<Line> lines;
  std::size_t pos = 0;
  int no = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    Line line;
    line.no = ++no;
    line.raw = text.substr(pos, nl - pos);
    if (line.raw.find('\t') != std::string_view::npos &&
        !utf8::TrimSpaces(line.raw).empty()) {
      line.body = std::string(line.raw);
      line.kind = IsTableRule(line.raw) ? LineKind::kTableRule : LineKind::kTableRow;
    } else {
      line.body = CleanBody(line.raw);
      const std::string& b = line.body;
      if (b.empty()) line.kind = LineKind::kBlank;
      else if (b == "目次" || b == "目 次" || b == "目\u3000次") line.kind = LineKind::kTocStart;
      else if (MatchHeading(b, line)) {}
      else if (MatchArticle(b, no_jo_articles, line)) {}
      else if (MatchCaption(b, line)) {}
      else if (MatchSuppl(b, line)) {}
      else if (MatchAppendix(b, line)) {}
      else if (MatchParagraph(b, line)) {}
      else if (MatchLabel(b, line)) {}
      else {
        line.kind = LineKind::kText;
        line.rest = b;
      }
      if (line.kind == LineKind::kTableRow) {}
    }
    lines.push_back(std::move(line));
    if (nl == text.size()) break;
    pos = nl + 1;
  }
  return lines;
}

// True when RepairText would change nothing: no tag, no list bullet after a
// space, no capital-space-capital, no outer whitespace. Nearly every line of a
// regulation is like this, and the byte scan is far cheaper than the repair.
bool NeedsRepair(std::string_view s) {
  if (s.empty()) return false;
  auto outer_space = [](char c) { return c == ' ' || c == '\t'; };
  if (outer_space(s.front()) || outer_space(s.back())) return true;
  if (s.substr(0, 3) == "\u3000" || (s.size() >= 3 && s.substr(s.size() - 3) == "\u3000")) return true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<') return true;
    if (c == ' ' && i + 1 < s.size()) {
      if (s.compare(i + 1, 3, "・") == 0) return true;
      if (i > 0 && s[i - 1] >= 'A' && s[i - 1] <= 'Z' && s[i + 1] >= 'A' && s[i + 1] <= 'Z') return true;
    }
  }
  return false;
}

std::string RepairText(std::string_view s) {
  if (!NeedsRepair(s)) return std::string(s);
  std::u32string cps;
  cps.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) cps.push_back(utf8::Next(s, i));
  std::string out;
  out.reserve(s.size());
  auto is_alpha = [](char32_t c) { return (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z'); };
  for (std::size_t i = 0; i < cps.size(); ++i) {
    char32_t c = cps[i];
    // HTML tag left by a web-page conversion: <ul style="…"> or </li>. Only the
    // names of HTML elements count, so that "x<y" or "<C>" in prose survives.
    if (c == U'<' && i + 1 < cps.size() && (is_alpha(cps[i + 1]) || cps[i + 1] == U'/')) {
      std::size_t j = i + 1;
      while (j < cps.size() && cps[j] != U'>' && cps[j] != U'<' && cps[j] != U'\n') ++j;
      if (j < cps.size() && cps[j] == U'>' && IsHtmlTag(cps, i + 1)) {
        i = j;
        while (i + 1 < cps.size() && cps[i + 1] == U' ') ++i;
        continue;
      }
    }
    // A space between a lone capital and another capital was put there by a
    // letter-spaced PDF: "C I S O", "L GWAN", "A I".
    if (c == U' ' && i > 0 && i + 1 < cps.size() && utf8::IsAsciiUpper(cps[i - 1]) &&
        utf8::IsAsciiUpper(cps[i + 1])) {
      bool lone_before = i < 2 || !is_alpha(cps[i - 2]);
      bool lone_after = i + 2 >= cps.size() || !is_alpha(cps[i + 2]);
      if (lone_before || lone_after) continue;
    }
    utf8::Append(out, c);
  }
  // Bullets of an HTML list become lines of their own.
  std::string result;
  result.reserve(out.size());
  std::string_view v = out;
  for (std::size_t i = 0; i < v.size();) {
    if (StartsWith(v, " ・", i)) {
      while (!result.empty() && result.back() == ' ') result.pop_back();
      if (!result.empty()) result += '\n';
      i += 1;
      continue;
    }
    result += v[i++];
  }
  return std::string(utf8::TrimSpaces(result));
}

std::string RepairCell(std::string_view s) {
  std::string repaired = RepairText(s);
  std::u32string cps;
  for (std::size_t i = 0; i < repaired.size();) cps.push_back(utf8::Next(repaired, i));
  std::string out;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    if (cps[i] == U' ' && i > 0 && i + 1 < cps.size() && utf8::IsWide(cps[i - 1]) &&
        utf8::IsWide(cps[i + 1])) {
      continue;
    }
    utf8::Append(out, cps[i]);
  }
  return out;
}

}  // namespace mamori::reiki
