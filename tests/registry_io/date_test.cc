// ParseDate and ParseBool: what staff type, era boundaries, impossible dates.
#include <gtest/gtest.h>

#include "registry/io/table_io.h"

namespace mamori::registry::io {
namespace {

struct DateCase {
  const char* input;
  const char* want;  // nullptr: refused
};

void PrintTo(const DateCase& c, std::ostream* os) { *os << c.input; }

class ParseDateTest : public testing::TestWithParam<DateCase> {};

TEST_P(ParseDateTest, Parses) {
  const DateCase& c = GetParam();
  std::optional<std::string> got = ParseDate(c.input);
  if (c.want == nullptr) {
    EXPECT_FALSE(got.has_value()) << "accepted as " << *got;
  } else {
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, c.want);
  }
}

INSTANTIATE_TEST_SUITE_P(Good, ParseDateTest, testing::Values(
    DateCase{"2026-04-01", "2026-04-01"},
    DateCase{"2026/4/1", "2026-04-01"},
    DateCase{"2026/04/01", "2026-04-01"},
    DateCase{"2026.4.1", "2026-04-01"},
    DateCase{"2026年4月1日", "2026-04-01"},
    DateCase{"２０２６／４／１", "2026-04-01"},
    DateCase{"  2026-04-01\t", "2026-04-01"},
    DateCase{"\xE3\x80\x80" "2026/4/1" "\xE3\x80\x80", "2026-04-01"},
    DateCase{"2024-02-29", "2024-02-29"},
    DateCase{"2000-02-29", "2000-02-29"},
    DateCase{"令和8年4月1日", "2026-04-01"},
    DateCase{"令和８年４月１日", "2026-04-01"},
    DateCase{"令和 8年 4月 1日", "2026-04-01"},
    DateCase{"令和　８年　４月　１日", "2026-04-01"},
    DateCase{"令和元年5月1日", "2019-05-01"},
    DateCase{"令和1年5月1日", "2019-05-01"},
    DateCase{"平成31年4月30日", "2019-04-30"},
    DateCase{"平成元年1月8日", "1989-01-08"},
    DateCase{"昭和64年1月7日", "1989-01-07"},
    DateCase{"昭和元年12月25日", "1926-12-25"},
    DateCase{"大正15年12月25日", "1926-12-25"},
    DateCase{"明治45年7月30日", "1912-07-30"},
    DateCase{"R8.4.1", "2026-04-01"},
    DateCase{"R8/4/1", "2026-04-01"},
    DateCase{"r8-04-01", "2026-04-01"},
    DateCase{"Ｒ８．４．１", "2026-04-01"},
    DateCase{"H31.4.30", "2019-04-30"},
    DateCase{"S64.1.7", "1989-01-07"},
    DateCase{"H1.1.8", "1989-01-08"},
    DateCase{"R1.5.1", "2019-05-01"}));

INSTANTIATE_TEST_SUITE_P(Bad, ParseDateTest, testing::Values(
    DateCase{"", nullptr},
    DateCase{"   ", nullptr},
    DateCase{"2026-02-30", nullptr},     // no such day
    DateCase{"2025-02-29", nullptr},     // not a leap year
    DateCase{"1900-02-29", nullptr},     // centuries are not leap years (Excel's bug)
    DateCase{"2026-13-01", nullptr},
    DateCase{"2026-00-10", nullptr},
    DateCase{"2026-04-31", nullptr},
    DateCase{"2026/4-1", nullptr},       // mixed separators
    DateCase{"26/4/1", nullptr},         // two-digit year: which century?
    DateCase{"4/1/2026", nullptr},       // month first is not Japanese usage
    DateCase{"2026-04-01 10:00", nullptr},
    DateCase{"2026-04", nullptr},
    DateCase{"20260401", nullptr},
    DateCase{"平成31年5月1日", nullptr},  // 平成 ended 2019-04-30
    DateCase{"H31.5.1", nullptr},
    DateCase{"令和元年4月30日", nullptr}, // 令和 began 2019-05-01
    DateCase{"昭和64年1月8日", nullptr},  // 平成 began 1989-01-08
    DateCase{"平成元年1月7日", nullptr},
    DateCase{"令和0年5月1日", nullptr},
    DateCase{"令和8年2月30日", nullptr},
    DateCase{"明治5年12月2日", nullptr},  // lunar calendar
    DateCase{"令和8年4月", nullptr},
    DateCase{"令和八年四月一日", nullptr}, // kanji numerals are not read
    DateCase{"X8.4.1", nullptr},
    DateCase{"R8.4.1日", nullptr},
    DateCase{"2026-04-01x", nullptr},
    DateCase{"明日", nullptr},
    DateCase{"46113", nullptr}));        // an Excel serial: ReadXlsx converts those

TEST(ParseBool, Yes) {
  for (const char* s : {"はい", "有", "有り", "あり", "○", "〇", "◯", "true", "TRUE", "True", "yes", "YES", "y",
                        "1", "１", "ＴＲＵＥ", " はい ", "\xE3\x80\x80○"}) {
    EXPECT_EQ(ParseBool(s), std::optional<bool>(true)) << s;
  }
}

TEST(ParseBool, No) {
  for (const char* s : {"いいえ", "無", "無し", "なし", "×", "✕", "false", "FALSE", "no", "No", "n", "0", "０",
                        " 0 "}) {
    EXPECT_EQ(ParseBool(s), std::optional<bool>(false)) << s;
  }
}

TEST(ParseBool, NeitherIsNullopt) {
  for (const char* s : {"", " ", "\xE3\x80\x80", "2", "-", "不明", "yes!", "10", "ok", "はいいえ"}) {
    EXPECT_EQ(ParseBool(s), std::nullopt) << s;
  }
}

}  // namespace
}  // namespace mamori::registry::io
