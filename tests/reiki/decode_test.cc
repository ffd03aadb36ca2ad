// Decoding: what Excel, PDF tools and e-Gov hand over, and what is not text.
#include <gtest/gtest.h>
#include <iconv.h>

#include "reiki/reiki.h"
#include "common/cp932.h"

namespace mamori::reiki {
namespace {

using mamori::test_util::ToCp932;

std::string ErrorCode(const std::string& bytes, ParseOptions options = {}) {
  try {
    Decode(bytes, options);
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

TEST(Decode, Utf8WithAndWithoutBomAndCrlf) {
  Decoded plain = Decode("第1条 本文。\r\n2 次。\r\n");
  EXPECT_EQ(plain.text, "第1条 本文。\n2 次。\n");
  EXPECT_EQ(plain.encoding, "UTF-8");
  Decoded bom = Decode("\xEF\xBB\xBF第1条 本文。");
  EXPECT_EQ(bom.text, "第1条 本文。");
  EXPECT_EQ(bom.encoding, "UTF-8 (BOM)");
}

TEST(Decode, Cp932IsDecodedAndSaidSo) {
  const std::string text = "第1条 情報セキュリティ責任者は、①ハシゴ高（髙）を含む。\n";
  std::string sjis = ToCp932(text);
  ASSERT_NE(sjis, text);
  Decoded d = Decode(sjis);
  EXPECT_EQ(d.encoding, "CP932");
  EXPECT_EQ(d.text, text);
  Regulation reg = Parse(d.text);
  EXPECT_EQ(reg.root.children.at(0).kind, NodeKind::kArticle);
}

TEST(Decode, BadInputsHaveStableCodes) {
  EXPECT_EQ(ErrorCode(""), "E-REIKI-001");
  EXPECT_EQ(ErrorCode(" \n\r\n\t\n"), "E-REIKI-001");
  EXPECT_EQ(ErrorCode("\u3000\u3000\n\u3000"), "E-REIKI-001");
  EXPECT_EQ(ErrorCode("\xEF\xBB\xBF"), "E-REIKI-001");  // a BOM and nothing else
  EXPECT_EQ(ErrorCode(std::string("PK\x03\x04\0\0\x08\0", 8) + "data"), "E-REIKI-002");
  EXPECT_EQ(ErrorCode("\xFF\xFE\xFD\xFF text \xFF"), "E-REIKI-003");
  ParseOptions small;
  small.max_bytes = 16;
  EXPECT_EQ(ErrorCode(std::string(17, 'a'), small), "E-REIKI-005");
}

TEST(Decode, MessagesAreJapaneseAndSayTheFix) {
  try {
    Decode("");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ファイルが空です"), std::string::npos);
  }
  try {
    ParseOptions o;
    o.max_bytes = 4;
    Decode("12345", o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("上限"), std::string::npos);
  }
}

TEST(Numerals, ArabicFullWidthAndKanji) {
  EXPECT_EQ(ParseNumeral("31"), 31);
  EXPECT_EQ(ParseNumeral("３１"), 31);
  EXPECT_EQ(ParseNumeral("十"), 10);
  EXPECT_EQ(ParseNumeral("十二"), 12);
  EXPECT_EQ(ParseNumeral("三十一"), 31);
  EXPECT_EQ(ParseNumeral("百三十"), 130);
  EXPECT_EQ(ParseNumeral("千二百五"), 1205);
  EXPECT_EQ(ParseNumeral("一〇一"), 101);
  EXPECT_EQ(ParseNumeral("二三十"), std::nullopt);
  EXPECT_EQ(ParseNumeral("abc"), std::nullopt);
  EXPECT_EQ(ParseNumeral(""), std::nullopt);
  EXPECT_EQ(ParseNumeral("3a"), std::nullopt);
}

TEST(Numerals, KanjiRoundTrip) {
  EXPECT_EQ(ToKanjiNumeral(130), "百三十");
  EXPECT_EQ(ToKanjiNumeral(31), "三十一");
  EXPECT_EQ(ToKanjiNumeral(10), "十");
  EXPECT_EQ(ToKanjiNumeral(1200), "千二百");
  for (int n = 1; n < 2000; ++n) EXPECT_EQ(ParseNumeral(ToKanjiNumeral(n)), n) << n;
}

}  // namespace
}  // namespace mamori::reiki
