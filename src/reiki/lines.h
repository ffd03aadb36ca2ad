// Line classification: what a single input line could be, judged on its own.
// The tree builder (parser.cc) then decides, with context, whether a candidate
// label really starts a unit or is a wrapped continuation that only looks like one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mamori::reiki {

enum class LineKind {
  kBlank,
  kHeading,     // 第N編/章/節/款/目 title [（第A条—第B条）]
  kArticle,     // 第N条[のM] text  |  第N text (no-条 form)
  kParagraph,   // N text (a candidate: only the expected next number is taken)
  kLabel,       // (1) / 一 / ア / (ア) / a / ① text (a candidate)
  kCaption,     // （目的）
  kSuppl,       // 附則 / 付 則 [(…)]
  kAppendix,    // 別表（第6関係） title
  kTocStart,    // 目次
  kTableRow,    // has a TAB
  kTableRule,   // ----\t------ (markdown separator under a header)
  kText,
};

// Numbering series of item and sub-item labels.
enum class Series {
  kNone,
  kParenDigit,     // (1) （１）
  kKanji,          // 一 二 … (号 in national laws)
  kKatakana,       // ア イ … or イ ロ ハ …
  kParenKatakana,  // (ア) （イ）
  kLatin,          // a b c
  kParenLatin,     // (a)
  kCircled,        // ① ②
  kParenKanji,     // (一) （二）
};

struct Line {
  int no = 0;                 // 1-based
  std::string_view raw;       // the line as written
  std::string body;           // raw minus indentation, markdown bullets and stray **
  LineKind kind = LineKind::kBlank;
  // Labels and headings:
  int rank = 0;               // heading: 0 編, 1 章, 2 節, 3 款, 4 目
  std::vector<int> num;       // {31, 2}
  std::string num_text;       // as written: "第31条の2", "(1)", "ア"
  Series series = Series::kNone;
  char32_t label_char = 0;    // kana / latin / circled label character
  std::string rest;           // the text after the label, or heading title, caption content
  std::string range;          // heading: the 目次 range "第1条—第10条", if any
};

// Splits text into lines and classifies each. `no_jo_articles` lets 第N<space>
// (without 条) count as an article: only for texts that never write 第N条 so.
std::vector<Line> ClassifyLines(std::string_view text, bool no_jo_articles);

// Position of a label character in its series (1-based); 0 when not in it,
// and the character at a position (0 when out of range).
int KatakanaIndex(char32_t c, bool iroha);
char32_t KatakanaAt(int index, bool iroha);
int CircledIndex(char32_t c);
// ASCII or full-width digit, or a kanji numeral character (一…九, 〇, 十, 百, 千).
bool IsNumeralChar(char32_t c);

// Text repair on a whole joined sentence: closes up spaced capitals (C I S O ->
// CISO, L GWAN -> LGWAN) and removes HTML tags left by a web-page conversion.
std::string RepairText(std::string_view s);
// For table cells: also drops ASCII spaces a PDF put between two wide characters.
std::string RepairCell(std::string_view s);

}  // namespace mamori::reiki
