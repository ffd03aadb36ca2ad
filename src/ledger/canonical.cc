// RFC 8785 by hand: Debian packages no JCS library for C++, and nlohmann's own
// dump() differs from JCS in ways that change the bytes we hash: it orders
// members by UTF-8 bytes rather than UTF-16 code units, and it prints doubles
// in its own layout (1.0 as "1.0", 1e20 as "1e+20") rather than ECMAScript's
// ("1", "100000000000000000000").
#include "ledger/canonical.h"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace mamori::ledger {
namespace {

using nlohmann::json;

// Length of the well-formed UTF-8 sequence at s[i] (Unicode Table 3-7: no
// overlong forms, no surrogates, nothing above U+10FFFF), or 0 if there is none.
inline std::size_t SequenceLength(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t j) { return static_cast<unsigned char>(s[j]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t j = 2; j < len; ++j)
    if (byte(i + j) < 0x80 || byte(i + j) > 0xBF) return 0;
  return len;
}

void RequireUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = SequenceLength(s, i);
    if (n == 0) throw std::invalid_argument("canonical JSON: string is not valid UTF-8");
    i += n;
  }
}

// Decodes the (already validated) sequence at s[i] and advances i.
char32_t NextCodePoint(std::string_view s, std::size_t& i) {
  const std::size_t n = SequenceLength(s, i);
  char32_t cp = static_cast<unsigned char>(s[i]);
  if (n > 1) cp &= 0xFF >> (n + 1);
  for (std::size_t j = 1; j < n; ++j) cp = cp << 6 | (static_cast<unsigned char>(s[i + j]) & 0x3F);
  i += n;
  return cp;
}

// UTF-16 code unit order differs from code point (= UTF-8 byte) order only in
// that a supplementary character's lead surrogate (D800-DBFF) sorts before
// U+E000-U+FFFF. Lifting that block above U+10FFFF gives the UTF-16 order
// without converting the names.
std::uint32_t Utf16Weight(char32_t cp) { return cp >= 0xE000 && cp <= 0xFFFF ? cp + 0x110000 : cp; }

bool Utf16Less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    // Equal bytes up to a character boundary are equal characters.
    if (a[i] == b[j] && static_cast<unsigned char>(a[i]) < 0x80) {
      ++i;
      ++j;
      continue;
    }
    const std::uint32_t wa = Utf16Weight(NextCodePoint(a, i));
    const std::uint32_t wb = Utf16Weight(NextCodePoint(b, j));
    if (wa != wb) return wa < wb;
  }
  return a.size() - i < b.size() - j;
}

// Whether all eight bytes of `w` are printable ASCII other than '"' and '\\',
// i.e. copied as they are. Word-at-a-time tests (the "has less than" and
// "has zero byte" idioms) are exact for "any byte", which is all this asks.
inline bool Plain8(std::uint64_t w) {
  constexpr std::uint64_t k01 = 0x0101010101010101ull, k80 = 0x8080808080808080ull;
  const auto has_zero = [&](std::uint64_t x) { return (x - k01) & ~x & k80; };
  const std::uint64_t below_space = (w - k01 * 0x20) & ~w & k80;
  return ((w & k80) | below_space | has_zero(w ^ (k01 * '"')) | has_zero(w ^ (k01 * '\\'))) == 0;
}

// Whether no byte of `w` needs an escape (a control character, '"', '\\');
// bytes from 0x80 count as plain, for text already known to be UTF-8.
inline bool Unescaped8(std::uint64_t w) {
  constexpr std::uint64_t k01 = 0x0101010101010101ull, k80 = 0x8080808080808080ull;
  const auto has_zero = [&](std::uint64_t x) { return (x - k01) & ~x & k80; };
  const std::uint64_t below_space = (w - k01 * 0x20) & ~w & k80;
  return (below_space | has_zero(w ^ (k01 * '"')) | has_zero(w ^ (k01 * '\\'))) == 0;
}

// Entries are mostly Japanese text, and this loop was the largest part of an
// append's CPU after SQLite. So the text is first validated as UTF-8 by
// simdjson's SIMD validator (Unicode Table 3-7, as SequenceLength: no
// overlong forms, no surrogates, nothing above U+10FFFF), and then only the
// bytes that need an escape are looked for, eight at a time whatever the
// script; plain runs are copied whole. On invalid UTF-8 `out` is left as it was.
void WriteString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out += '"';
  const char* p = s.data();
  const std::size_t n = s.size();
  std::size_t run = 0;  // start of the pending run of bytes that need no escape
  std::size_t i = 0;
  // Most names and ids are short and ASCII: the validator is called only
  // from the first byte above 0x7F on (a character boundary, since all
  // before it were ASCII), once for the rest of the string.
  bool validated = false;
  while (i < n) {
    if (n - i >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (validated ? Unescaped8(w) : Plain8(w)) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(p[i]);
    if (c >= 0x80 && !validated) {
      if (!simdjson::validate_utf8(p + i, n - i)) {
        out.resize(start);
        throw std::invalid_argument("canonical JSON: string is not valid UTF-8");
      }
      validated = true;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(p + run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0x0F];
    }
    run = ++i;
  }
  out.append(p + run, n - run);
  out += '"';
}

// ECMAScript Number::toString (ECMA-262 §6.1.6.1.20), which RFC 8785 §3.2.2.3
// adopts: the shortest digits that round-trip, placed by the decimal exponent.
void WriteDouble(double x, std::string& out) {
  if (!std::isfinite(x)) throw std::invalid_argument("canonical JSON: NaN and infinity have no JSON form");
  if (x == 0) {  // -0 included
    out += '0';
    return;
  }
  if (x < 0) {
    out += '-';
    x = -x;
  }
  // to_chars without a precision gives the shortest round-trip digits, the
  // closest to x when several are that short, as ECMAScript requires.
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  const std::string_view sci(buf, res.ptr - buf);  // "d[.ddd]e±XX"
  const std::size_t e_at = sci.find('e');
  std::string digits(1, sci[0]);
  if (e_at > 1) digits.append(sci.substr(2, e_at - 2));
  int exp10 = 0;
  std::string_view exp_text = sci.substr(e_at + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp10);

  // ECMAScript's k and n: x = digits × 10^(n − k).
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(n - k, '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, n);
    out += '.';
    out.append(digits, n);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(-n, '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
}

template <typename Int>
void WriteInteger(Int v, std::string& out) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void Write(const json& v, std::string& out) {
  switch (v.type()) {
    case json::value_t::null: out += "null"; return;
    case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case json::value_t::number_integer: WriteInteger(v.get<std::int64_t>(), out); return;
    case json::value_t::number_unsigned: WriteInteger(v.get<std::uint64_t>(), out); return;
    case json::value_t::number_float: WriteDouble(v.get<double>(), out); return;
    case json::value_t::string: WriteString(v.get_ref<const std::string&>(), out); return;
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const json& e : v) {
        if (!first) out += ',';
        first = false;
        Write(e, out);
      }
      out += ']';
      return;
    }
    case json::value_t::object: {
      // nlohmann's object is a std::map, iterated in byte order, which for
      // UTF-8 is code point order. That differs from RFC 8785's UTF-16 order
      // only when a name holds a supplementary character (a four-byte
      // sequence, lead byte F0 or above). So members are written in map order,
      // and only if such a name turns up is that undone and the object
      // written again, sorted.
      const std::size_t start = out.size();
      bool first = true;
      const auto member = [&](std::string_view name, const json& value) {
        out += first ? '{' : ',';
        first = false;
        WriteString(name, out);
        out += ':';
        Write(value, out);
      };
      const auto byte_order = [&] {
        for (auto it = v.begin(); it != v.end(); ++it) {
          const std::string& name = it.key();
          if (std::any_of(name.begin(), name.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0xF0; }))
            return false;
          member(name, it.value());
        }
        return true;
      };
      if (!byte_order()) {
        out.resize(start);
        first = true;
        // Names are validated before the sort because the comparator decodes them.
        std::vector<std::pair<std::string_view, const json*>> members;
        members.reserve(v.size());
        for (auto it = v.begin(); it != v.end(); ++it) {
          RequireUtf8(it.key());
          members.emplace_back(it.key(), &it.value());
        }
        std::sort(members.begin(), members.end(),
                  [](const auto& a, const auto& b) { return Utf16Less(a.first, b.first); });
        for (const auto& [name, value] : members) member(name, *value);
      }
      if (first) out += '{';
      out += '}';
      return;
    }
    case json::value_t::binary:
    case json::value_t::discarded:
      break;
  }
  throw std::invalid_argument("canonical JSON: value has no JSON form");
}

}  // namespace

std::string Canonical(const nlohmann::json& value) {
  std::string out;
  out.reserve(256);  // most entries are a few hundred bytes to a kilobyte; saves the first regrowths
  Write(value, out);
  return out;
}

void AppendCanonicalString(std::string& out, std::string_view s) { WriteString(s, out); }
void AppendCanonicalNumber(std::string& out, double x) { WriteDouble(x, out); }
bool CanonicalNameLess(std::string_view a, std::string_view b) { return Utf16Less(a, b); }

// Hand-written, not a parser's: it must say "canonical" only for bytes that
// Canonical(parse(text)) reproduces exactly, and it runs on every row a
// change writes (a case's state is a few kilobytes, and parsing it only to
// print the same bytes cost more than the rest of the append).
bool IsCanonicalJson(std::string_view t) {
  if (!simdjson::validate_utf8(t.data(), t.size())) return false;
  std::size_t i = 0;
  auto at = [&](char c) { return i < t.size() && t[i] == c; };
  // A string from t[i] (at its opening quote) to just past its closing quote,
  // escaped exactly as WriteString escapes. `name`: a member name, kept free
  // of escapes and of supplementary characters (lead byte F0 or above), so
  // that its byte order is its UTF-16 order.
  auto string = [&](bool name) -> bool {
    if (!at('"')) return false;
    ++i;
    while (i < t.size()) {
      const auto c = static_cast<unsigned char>(t[i]);
      if (c == '"') {
        ++i;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (name || i + 1 >= t.size()) return false;
        const char e = t[i + 1];
        if (e == '"' || e == '\\' || e == 'b' || e == 't' || e == 'n' || e == 'f' || e == 'r') {
          i += 2;
          continue;
        }
        // \u00XX only for the control characters without a short form.
        static constexpr std::string_view kHex = "0123456789abcdef";
        if (e != 'u' || i + 5 >= t.size() || t[i + 2] != '0' || t[i + 3] != '0') return false;
        const std::size_t hi = kHex.find(t[i + 4]), lo = kHex.find(t[i + 5]);
        if (hi > 1 || lo == std::string_view::npos) return false;
        const unsigned v = static_cast<unsigned>(hi * 16 + lo);
        if (v == '\b' || v == '\t' || v == '\n' || v == '\f' || v == '\r') return false;
        i += 6;
        continue;
      }
      // The whole text is valid UTF-8 (checked first), so a byte from 0x80
      // is part of a character and needs nothing more.
      if (c >= 0x80 && name && c >= 0xF0) return false;
      if (t.size() - i >= 8) {
        std::uint64_t w;
        std::memcpy(&w, t.data() + i, 8);
        if (name ? Plain8(w) : Unescaped8(w)) {
          i += 8;
          continue;
        }
      }
      ++i;
    }
    return false;
  };
  // An integer as WriteInteger prints it: no sign on zero, no leading zero,
  // no fraction or exponent, and short enough to be an int64 whatever it is.
  auto integer = [&]() -> bool {
    const std::size_t start = i;
    if (at('-')) ++i;
    if (at('0')) {
      ++i;
      if (i - start == 2) return false;  // -0 reads as 0
    } else {
      if (i >= t.size() || t[i] < '1' || t[i] > '9') return false;
      while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    }
    if (i - start > 18) return false;
    return !(at('.') || at('e') || at('E'));
  };
  auto literal = [&](std::string_view word) {
    if (t.substr(i, word.size()) != word) return false;
    i += word.size();
    return true;
  };
  // Depth is bounded so that a hostile row cannot exhaust the stack; deeper
  // than any row mamori writes, it is "not known to be" and takes the slow path.
  // A recursive lambda through `self`, not std::function: this runs on every
  // recorded decision, and the indirect call per value showed in profiles.
  const auto value = [&](const auto& self, int depth) -> bool {
    if (depth > 32 || i >= t.size()) return false;
    switch (t[i]) {
      case '"': return string(false);
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      case '[':
        ++i;
        if (at(']')) return ++i, true;
        for (;;) {
          if (!self(self, depth + 1)) return false;
          if (at(']')) return ++i, true;
          if (!at(',')) return false;
          ++i;
        }
      case '{': {
        ++i;
        if (at('}')) return ++i, true;
        std::string_view previous;
        for (bool first = true;; first = false) {
          const std::size_t name_start = i;
          if (!string(true)) return false;
          const std::string_view member = t.substr(name_start + 1, i - name_start - 2);
          if (!first && !(previous < member)) return false;  // sorted, no duplicates
          previous = member;
          if (!at(':')) return false;
          ++i;
          if (!self(self, depth + 1)) return false;
          if (at('}')) return ++i, true;
          if (!at(',')) return false;
          ++i;
        }
      }
      default: return integer();
    }
  };
  return value(value, 0) && i == t.size();
}

}  // namespace mamori::ledger
