// RFC 8785 canonical JSON against the RFC's own examples (§3.2.2, §3.2.3 and
// the Appendix B number table), plus the rejections the ledger relies on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "ledger/canonical.h"

namespace mamori::ledger {
namespace {

using nlohmann::json;

std::string FromBits(std::uint64_t bits) { return Canonical(json(std::bit_cast<double>(bits))); }

TEST(Canonical, Rfc8785PrimitivesExample) {
  // §3.2.2: the input as the RFC prints it, whitespace and escapes included.
  const json in = json::parse(R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })");
  EXPECT_EQ(Canonical(in),
            R"({"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],)"
            "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST(Canonical, Rfc8785SortingExample) {
  // §3.2.3: sorted by UTF-16 code units, so the emoji (a surrogate pair,
  // D83D DE00) precedes U+FB33 although its UTF-8 bytes sort after.
  const json in = json::parse(R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })");
  EXPECT_EQ(Canonical(in),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
            "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
            "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

TEST(Canonical, Utf16OrderForJapaneseNames) {
  // 𠮷 (U+20BB7, used in family names) is a surrogate pair, so it sorts before
  // the half-width ｱ (U+FF71) in UTF-16 but after it in UTF-8.
  const json in = {{"\xef\xbd\xb1", 5}, {"\xf0\xa0\xae\xb7", 4}, {"\xe4\xba\x9c", 3}, {"\xe3\x82\xa2", 2},
                   {"\xe3\x81\x82", 1}};
  EXPECT_EQ(Canonical(in), "{\"\xe3\x81\x82\":1,\"\xe3\x82\xa2\":2,\"\xe4\xba\x9c\":3,\"\xf0\xa0\xae\xb7\":4,"
                           "\"\xef\xbd\xb1\":5}");
  // Shorter name first when one is a prefix of the other; U+E000 after U+10000.
  EXPECT_EQ(Canonical(json{{"ab", 1}, {"a", 2}, {"\xee\x80\x80", 3}, {"\xf0\x90\x80\x80", 4}}),
            "{\"a\":2,\"ab\":1,\"\xf0\x90\x80\x80\":4,\"\xee\x80\x80\":3}");
}

TEST(Canonical, Rfc8785AppendixBNumbers) {
  EXPECT_EQ(FromBits(0x0000000000000000), "0");
  EXPECT_EQ(FromBits(0x8000000000000000), "0");  // minus zero
  EXPECT_EQ(FromBits(0x0000000000000001), "5e-324");
  EXPECT_EQ(FromBits(0x8000000000000001), "-5e-324");
  EXPECT_EQ(FromBits(0x7fefffffffffffff), "1.7976931348623157e+308");
  EXPECT_EQ(FromBits(0xffefffffffffffff), "-1.7976931348623157e+308");
  EXPECT_EQ(FromBits(0x4340000000000000), "9007199254740992");
  EXPECT_EQ(FromBits(0xc340000000000000), "-9007199254740992");
  EXPECT_EQ(FromBits(0x4430000000000000), "295147905179352830000");
  EXPECT_EQ(FromBits(0x44b52d02c7e14af5), "9.999999999999997e+22");
  EXPECT_EQ(FromBits(0x44b52d02c7e14af6), "1e+23");
  EXPECT_EQ(FromBits(0x44b52d02c7e14af7), "1.0000000000000001e+23");
  EXPECT_EQ(FromBits(0x444b1ae4d6e2ef4e), "999999999999999700000");
  EXPECT_EQ(FromBits(0x444b1ae4d6e2ef4f), "999999999999999900000");
  EXPECT_EQ(FromBits(0x444b1ae4d6e2ef50), "1e+21");
  EXPECT_EQ(FromBits(0x3eb0c6f7a0b5ed8c), "9.999999999999997e-7");
  EXPECT_EQ(FromBits(0x3eb0c6f7a0b5ed8d), "0.000001");
  EXPECT_EQ(FromBits(0x41b3de4355555553), "333333333.3333332");
  EXPECT_EQ(FromBits(0x41b3de4355555554), "333333333.33333325");
  EXPECT_EQ(FromBits(0x41b3de4355555555), "333333333.3333333");
  EXPECT_EQ(FromBits(0x41b3de4355555556), "333333333.3333334");
  EXPECT_EQ(FromBits(0x41b3de4355555557), "333333333.33333343");
  EXPECT_EQ(FromBits(0xbecbf647612f3696), "-0.0000033333333333333333");
  EXPECT_EQ(FromBits(0x43143ff3c1cb0959), "1424953923781206.2");
}

TEST(Canonical, NumberLayoutBoundaries) {
  EXPECT_EQ(Canonical(json(-0.0)), "0");
  EXPECT_EQ(Canonical(json(1e21)), "1e+21");
  EXPECT_EQ(Canonical(json(1e20)), "100000000000000000000");
  EXPECT_EQ(Canonical(json(1e-7)), "1e-7");
  EXPECT_EQ(Canonical(json(0.000001)), "0.000001");
  EXPECT_EQ(Canonical(json(1.5e-7)), "1.5e-7");
  EXPECT_EQ(Canonical(json(1.0)), "1");
  EXPECT_EQ(Canonical(json(100.0)), "100");
  EXPECT_EQ(Canonical(json(0.1)), "0.1");
  EXPECT_EQ(Canonical(json(-123.456)), "-123.456");
  EXPECT_EQ(Canonical(json(123456789012345680000.0)), "123456789012345680000");
  EXPECT_EQ(Canonical(json::parse("9007199254740992")), "9007199254740992");
  EXPECT_EQ(Canonical(json::parse("295147905179352830000")), "295147905179352830000");
}

TEST(Canonical, IntegersAsDecimal) {
  EXPECT_EQ(Canonical(json(0)), "0");
  EXPECT_EQ(Canonical(json(-1)), "-1");
  EXPECT_EQ(Canonical(json(std::numeric_limits<std::int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(Canonical(json(std::numeric_limits<std::uint64_t>::max())), "18446744073709551615");
  EXPECT_EQ(Canonical(json::parse("-0")), "0");
}

TEST(Canonical, ShortestDigitsRoundTrip) {
  // ECMAScript's digits are the shortest that read back as the same double.
  std::mt19937_64 rng(8785);
  for (int i = 0; i < 200000; ++i) {
    const double d = std::bit_cast<double>(rng());
    if (!std::isfinite(d)) continue;
    const std::string s = Canonical(json(d));
    ASSERT_EQ(std::strtod(s.c_str(), nullptr), d == 0 ? 0.0 : d) << s;
    ASSERT_EQ(s.find_first_of("E "), std::string::npos) << s;
  }
}

TEST(Canonical, NonFiniteRejected) {
  EXPECT_THROW(Canonical(json(std::numeric_limits<double>::quiet_NaN())), std::invalid_argument);
  EXPECT_THROW(Canonical(json(std::numeric_limits<double>::infinity())), std::invalid_argument);
  EXPECT_THROW(Canonical(json(-std::numeric_limits<double>::infinity())), std::invalid_argument);
  EXPECT_THROW(Canonical(json{{"a", {1, std::nan("")}}}), std::invalid_argument);
}

TEST(Canonical, StringEscaping) {
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
  controls += "\x7f/\xe2\x80\xa8";  // DEL, solidus, U+2028: all left as they are
  EXPECT_EQ(Canonical(json(controls)),
            R"("\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f)"
            R"(\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f)"
            "\x7f/\xe2\x80\xa8\"");
  EXPECT_EQ(Canonical(json("say \"hi\" \\ bye")), R"("say \"hi\" \\ bye")");
  EXPECT_EQ(Canonical(json{{"k\ney", "v"}}), R"({"k\ney":"v"})");
}

TEST(Canonical, JapaneseTextKeptRaw) {
  const json in = {{"\xe9\x83\xa8\xe7\xbd\xb2", "\xe7\xb7\x8f\xe5\x8b\x99\xe8\xaa\xb2"},  // 部署: 総務課
                   {"\xe5\x90\x8d\xe5\x89\x8d", "\xe5\xb1\xb1\xe7\x94\xb0\xe3\x80\x80\xe5\xa4\xaa\xe9\x83\x8e"}};
  EXPECT_EQ(Canonical(in), "{\"名前\":\"山田　太郎\",\"部署\":\"総務課\"}");
}

TEST(Canonical, InvalidUtf8Rejected) {
  for (const char* bad : {"\xff", "\x80", "a\xc3", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80",
                          "\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xe3\x81",
                          "\xe3\x81\x41"}) {
    EXPECT_THROW(Canonical(json(std::string(bad))), std::invalid_argument) << testing::PrintToString(bad);
    EXPECT_THROW(Canonical(json{{std::string(bad), 1}}), std::invalid_argument) << testing::PrintToString(bad);
    EXPECT_THROW(Canonical(json{{"x", {std::string(bad)}}}), std::invalid_argument);
  }
  // The extremes that are valid.
  EXPECT_EQ(Canonical(json("\xf4\x8f\xbf\xbf\xee\x80\x80\xed\x9f\xbf\xc2\x80")),
            "\"\xf4\x8f\xbf\xbf\xee\x80\x80\xed\x9f\xbf\xc2\x80\"");
}

// The string writer goes eight ASCII bytes at a time and takes a short cut
// for three-byte characters, so its edges fall at every offset within a word.
// nlohmann's strict dump() escapes strings exactly as RFC 8785 does (and
// rejects the same ill-formed UTF-8), which makes it an independent oracle.
TEST(Canonical, StringsAgreeWithAnIndependentWriterAtEveryOffset) {
  const std::vector<std::string> pieces = {
      "a", "Z", "~", " ", "\"", "\\", "\n", "\x01", "\x1f", "\x7f", "/", "\xc2\x80", "\xdf\xbf",  // ASCII, 2-byte
      "課", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf", "𠮷", "\xf4\x8f\xbf\xbf",   // 3, 4-byte
      "\x80", "\xff", "\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe3\x81", "\xf0\x9f"};
  std::mt19937 rng(8785);
  int valid = 0, invalid = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    for (int k = static_cast<int>(rng() % 24); k > 0; --k) {
      // Mostly plain ASCII, as real text is, so that whole words occur.
      s += rng() % 3 ? std::string(1, static_cast<char>('a' + rng() % 26)) : pieces[rng() % pieces.size()];
    }
    std::string expected;
    try {
      expected = json(s).dump();
    } catch (const json::type_error&) {
      ++invalid;
      EXPECT_THROW(Canonical(json(s)), std::invalid_argument) << testing::PrintToString(s);
      std::string out = "prefix";
      EXPECT_THROW(AppendCanonicalString(out, s), std::invalid_argument);
      EXPECT_EQ(out, "prefix") << "a rejected string must leave the output as it was";
      continue;
    }
    ++valid;
    EXPECT_EQ(Canonical(json(s)), expected) << testing::PrintToString(s);
    EXPECT_EQ(Canonical(json{{s, 1}}), "{" + expected + ":1}") << testing::PrintToString(s);
  }
  EXPECT_GT(valid, 5000);
  EXPECT_GT(invalid, 5000);
}

TEST(Canonical, NestedStructures) {
  const json in = json::parse(R"( { "b" : [ 1 , { "z" : null , "a" : [ ] } , [ [ ], { } ] ] , "a" : { } } )");
  EXPECT_EQ(Canonical(in), R"({"a":{},"b":[1,{"a":[],"z":null},[[],{}]]})");
  EXPECT_EQ(Canonical(json::array({3, 1, 2})), "[3,1,2]");
  EXPECT_EQ(Canonical(json(nullptr)), "null");
  EXPECT_EQ(Canonical(json(true)), "true");
  EXPECT_EQ(Canonical(json(false)), "false");
  EXPECT_EQ(Canonical(json("")), R"("")");
  EXPECT_EQ(Canonical(json::object()), "{}");
}

TEST(Canonical, BinaryHasNoJsonForm) {
  EXPECT_THROW(Canonical(json::binary({1, 2, 3})), std::invalid_argument);
}

// --- The fast path for rows and case states: only ever "yes" when it is canonical.

TEST(CanonicalJson, RowsAndStatesAsMamoriWritesThemAreCanonical) {
  for (const char* row : {R"({})", R"({"id":"U04","kind":"課","name":"住民課","parent":"U00"})",
                          R"({"a":"\"quoted\" and \\ back","b":"tab\there\nnewline","c":"\u001f\u0000"})",
                          R"({"a":1,"b":-20,"c":0,"d":null,"e":true,"f":false})",
                          R"({"a":{"b":"c"},"d":["x",[],{}],"名":"x","記録":{"確認した複数の人間":"000030 氏名"}})",
                          R"([1,"a",null])", R"("x")", "0", "true", "123456789012345678"}) {
    EXPECT_TRUE(IsCanonicalJson(row)) << row;
    EXPECT_EQ(Canonical(json::parse(row)), row);
  }
}

TEST(CanonicalJson, AnythingElseIsNotTakenAsIs) {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  for (const std::string& t : std::vector<std::string>{R"({"b":"1","a":"2"})",          // unsorted
                              R"({"a":{"c":"1","b":"2"}})",    // unsorted, nested
                              R"({"a":"1","a":"2"})",          // duplicate
                              R"({ "a":"1"})", R"({"a": "1"})", R"([1, 2])",  // whitespace
                              R"({"a":"\u001F"})",             // upper-case hex
                              R"({"a":"\u0008"})",             // has a short form: \b
                              R"({"a":"\u0041"})",             // needs no escape
                              R"({"a":"\/"})",                 // not an RFC 8785 escape
                              R"({"a\n":"x"})",                // a name with an escape: left to the slow path
                              R"({"𠮷":"x","ｱ":"y"})",          // canonical (UTF-16 order), but a supplementary character
                                                               // in a name is left to the slow path
                              R"({"a":1.5})", R"({"a":1e3})", R"({"a":1E3})", R"({"a":-0})", R"({"a":01})", R"({"a":+1})",
                              R"({"a":-})", R"({"a":1234567890123456789})",  // beyond what is known to print back
                              R"({"a":tru})", R"({"a":nul})", R"({"a":truex})", R"([1,])", R"([,1])", R"([)", R"(])",
                              R"({"a":"x"} )", R"({"a":"x"}{)", R"({"a":"x",})", R"({"a":"x")", R"({"a")", R"({)", "",
                              R"({"a"})", R"({"a":})", R"({:"a"})", R"({1:"a"})", deep,
                              "{\"a\":\"\x01\"}",              // raw control character
                              "{\"a\":\"\xff\"}",              // invalid UTF-8
                              "{\"a\":\"\xe3\x81\"}"})         // truncated UTF-8
    EXPECT_FALSE(IsCanonicalJson(t)) << t;
}

// Random values of every shape a row or a state takes, printed as the store
// keeps them (nlohmann's dump): the shortcut agrees with the slow path.
json RandomValue(std::mt19937& rng, int depth) {
  static const std::vector<std::string> pieces = {"a", "Z", "0", "\"", "\\", "\n", "\t", "\x01", "\x1f", "/", "課", "𠮷", "ｱ", " "};
  auto text = [&] {
    std::string v;
    for (int k = static_cast<int>(rng() % 6); k > 0; --k) v += pieces[rng() % pieces.size()];
    return v;
  };
  switch (depth > 3 ? rng() % 5 : rng() % 8) {
    case 0: return text();
    case 1: return static_cast<std::int64_t>(rng()) - (1ll << 31);
    case 2: return nullptr;
    case 3: return rng() % 2 == 0;
    case 4: return static_cast<double>(rng() % 1000) / 8;  // a fraction: never canonical as is
    case 5:
    case 6: {
      json o = json::object();
      for (int m = static_cast<int>(rng() % 4); m > 0; --m) o[rng() % 3 == 0 ? text() : std::string(1, static_cast<char>('a' + rng() % 6))] = RandomValue(rng, depth + 1);
      return o;
    }
    default: {
      json a = json::array();
      for (int m = static_cast<int>(rng() % 4); m > 0; --m) a.push_back(RandomValue(rng, depth + 1));
      return a;
    }
  }
}

TEST(CanonicalJson, AgreesWithCanonicalOnRandomValues) {
  std::mt19937 rng(20261203);
  int fast_count = 0;
  for (int n = 0; n < 5000; ++n) {
    const json v = RandomValue(rng, 0);
    const std::string text = v.dump();  // what the store keeps
    const bool fast = IsCanonicalJson(text);
    fast_count += fast;
    if (fast) {
      EXPECT_EQ(Canonical(json::parse(text)), text) << text;
    }
  }
  EXPECT_GT(fast_count, 2500);  // most are canonical as dumped, and are taken as is
}

TEST(CanonicalJson, FlatRegisterRowsAreAlwaysTakenAsIs) {
  std::mt19937 rng(20261122);
  const std::vector<std::string> pieces = {"a", "Z", "0", "\"", "\\", "\n", "\t", "\x01", "\x1f", "/", "課", "𠮷", "ｱ", " "};
  for (int n = 0; n < 3000; ++n) {
    json row = json::object();
    const int members = static_cast<int>(rng() % 5);
    for (int m = 0; m < members; ++m) {
      std::string name(1, static_cast<char>('a' + rng() % 6)), value;
      for (int k = static_cast<int>(rng() % 6); k > 0; --k) value += pieces[rng() % pieces.size()];
      row[name] = value;
    }
    const std::string text = row.dump();  // what the registry stores
    EXPECT_TRUE(IsCanonicalJson(text)) << text;  // nlohmann's dump of such a row is canonical
    EXPECT_EQ(Canonical(row), text);
  }
}

}  // namespace
}  // namespace mamori::ledger
