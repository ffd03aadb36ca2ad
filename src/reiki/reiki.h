// reiki: reads a Japanese regulation (例規) or law into an article tree.
//
// The public face of the module. Data flows one way:
//   bytes --decode--> UTF-8 text --parse--> Regulation --> json / xml / text,
//                                                 \-> cite(ref), diff(old, new)
//
// Invariants a Regulation keeps (tests hold the parser to them):
//  * Every input line belongs to exactly one node's `raw_lines`, and walking the
//    tree in document order visits those lines in input order: nothing is lost.
//  * `text` is the repaired reading (page-break joins, spaced letters closed up,
//    markdown bullets and HTML tags removed); `raw` is the input as written.
//  * Node ids are stable: they depend only on the numbers written in the text,
//    not on positions, so the same article keeps its id across 改正.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mamori::reiki {

enum class NodeKind {
  kRoot,         // the whole document
  kPreamble,     // everything before the body that is not title / number / TOC
  kToc,          // 目次 (kept apart from the body)
  kTocEntry,     // one line of the 目次
  kPart,         // 編
  kChapter,      // 章
  kSection,      // 節
  kSubsection,   // 款
  kDivision,     // 目
  kArticle,      // 条 (or 花巻市's 第N without 条)
  kParagraph,    // 項
  kItem,         // 号
  kSubitem,      // ア / (ア) / a / ① / イロハ ..., any depth (see `depth`)
  kTable,        // a tab-separated table
  kSupplProvision,  // 附則 / 付則
  kAppendix,     // 別表 and other 別記 / 様式
};

std::string_view KindName(NodeKind kind);  // "article", "paragraph", ...
bool IsHeadingKind(NodeKind kind);         // 編 / 章 / 節 / 款 / 目

// One cell of a table. `text` is what it means; `raw` is what was written.
struct Cell {
  std::string text;
  std::string raw;
  bool ditto = false;  // written as 〃: text is resolved from the row above
};

struct Table {
  std::vector<std::vector<Cell>> rows;  // rows[0] is the header row when present
  bool has_header = false;
};

struct Node {
  NodeKind kind = NodeKind::kRoot;
  std::string id;                 // stable: "a31_2.p2.i3.s1"
  std::string num_text;           // number as written: "第31条の2", "２", "（１）", "ア"
  std::vector<int> num;           // as integers: {31, 2}; empty when unnumbered
  std::string caption;            // 見出し without parentheses: "目的"
  bool caption_inherited = false; // taken from an earlier article (法令の共通見出し)
  std::string caption_raw;        // the caption line as written, if this node had one
  std::string title;              // heading title (章名), 別表 title, 附則 amendment label
  std::string text;               // repaired text of this node's own sentences
  std::string raw;                // raw lines of this node's own text, '\n'-joined
  std::vector<int> raw_lines;     // 1-based input lines that this node owns
  int depth = 0;                  // sub-item depth (1 = ア level); 0 otherwise
  int line_begin = 0;             // first input line of the node and its subtree
  int line_end = 0;               // last input line of the node and its subtree
  std::optional<Table> table;     // for kTable
  std::vector<Node> children;
};

// A range the 目次 gives for a unit, checked against what the body holds.
struct TocCheck {
  std::string unit;          // "第2章第3節第1款" as written in the 目次
  std::string toc_range;     // "第30条—第31条の3"
  std::string body_range;    // what the body actually holds; empty if unit absent
  bool ok = false;
};

struct EraDate {
  std::string text;          // as written: "令和8年4月1日"
  std::string iso;           // "2026-04-01"; empty if it could not be read
};

// Notices that are not errors: encoding decoded, text repaired, suspicious spots.
struct Notice {
  std::string code;          // stable: "I-REIKI-101"
  int line = 0;
  std::string message;       // Japanese
};

struct Regulation {
  std::string source_name;   // file name as given
  std::string encoding;      // "UTF-8", "UTF-8 (BOM)", "CP932"
  std::string title;
  std::string law_num;       // 令和8年訓令第1号, when the front matter gives one
  std::optional<EraDate> promulgated;          // 公布 / 決定 date in the front matter
  std::vector<std::string> amendments;         // 改正 lines in the front matter
  std::vector<EraDate> effective_dates;        // from 附則: "…から施行する"
  Node root;                 // kind kRoot; children: preamble?, toc?, body units, 附則, 別表
  std::vector<TocCheck> toc_checks;
  std::vector<Notice> notices;
  int line_count = 0;
};

// Errors carry a stable code, a Japanese message and, when known, the line.
class Error : public std::runtime_error {
 public:
  Error(std::string code, std::string message, int line = 0)
      : std::runtime_error(message), code_(std::move(code)), line_(line) {}
  const std::string& code() const { return code_; }
  int line() const { return line_; }

 private:
  std::string code_;
  int line_;
};

// Why the file a user named cannot be read as one, as the end of a Japanese
// sentence about it ("がありません", "はフォルダです…"), or "" when it is a
// readable regular file. Every reader of a named file asks this first, so
// that a folder is never "too large" and a missing file never "empty".
std::string FileProblem(const std::string& path);

struct ParseOptions {
  // Inputs above this are refused (E-REIKI-005): the longest national law is
  // well under 2 MB of text, so a bigger file is almost surely not a regulation.
  std::size_t max_bytes = 4u << 20;
};

// Turns file bytes into UTF-8: strips a BOM, decodes CP932 (Shift_JIS) when the
// bytes are not UTF-8, folds CRLF. Throws Error for empty, binary or oversized input.
struct Decoded {
  std::string text;
  std::string encoding;
};
Decoded Decode(std::string_view bytes, const ParseOptions& options = {});
Error TooLarge(std::size_t size, std::size_t max_bytes);  // E-REIKI-005

// Parses decoded text. Throws Error when no article or numbered unit is found.
Regulation Parse(std::string_view utf8, std::string source_name = "",
                 const ParseOptions& options = {});

// Reads a file (any supported encoding) and parses it.
Regulation ParseFile(const std::string& path, const ParseOptions& options = {});

// --- output ---------------------------------------------------------------
std::string ToJson(const Regulation& reg, int indent = 2);
std::string ToXml(const Regulation& reg);  // e-Gov 法令標準XML (stdLaw.xsd)
// A readable rendering with labels. With `faithful`, tables are printed as
// written and inherited captions omitted, so that the output carries exactly the
// input's characters in the input's order (the nothing-lost test relies on it).
std::string ToText(const Regulation& reg, bool faithful = false);
// The outline (編章節款 headings, articles per unit) and counts, for the demo.
std::string Outline(const Regulation& reg);

// Units of the main provision (本則); 附則 are counted but not looked into.
struct Counts {
  int parts = 0, chapters = 0, sections = 0, subsections = 0, articles = 0;
  int branch_articles = 0, paragraphs = 0, items = 0, subitems = 0;
  int captions = 0, inherited_captions = 0, tables = 0, table_rows = 0;
  int suppl_provisions = 0, appendices = 0;
};
Counts Count(const Regulation& reg);

// --- citations ------------------------------------------------------------
// A reference such as 第27条第2項, 第2条第3号, 第31条の2第2項, 第9第3号イ,
// with full- or half-width digits or kanji numerals (第百三十条の二).
struct Reference {
  std::vector<int> article;   // {31, 2}
  int paragraph = 0;          // 0: not given
  int item = 0;               // 0: not given
  std::vector<int> subitems;  // イ -> {2} (position in its own series)
  bool suppl = false;         // 附則第N条
  bool appendix = false;      // 別表 / 別表第N
  int appendix_num = 0;       // N of 別表第N; 0 for a lone 別表
};
Reference ParseReference(std::string_view ref);  // throws Error E-CITE-001

// Finds the node a reference names. Throws Error E-CITE-002 naming the nearest
// existing clause when it does not exist.
const Node& Resolve(const Regulation& reg, const Reference& ref);
// The conventional citation of a node: "第27条第2項", "第9第3号イ".
std::string CitationOf(const Regulation& reg, const Node& node);
// The clause's full text with its children, as a reader expects to see it cited.
std::string CiteText(const Node& node);

// --- 改正 ------------------------------------------------------------------
enum class ChangeKind { kAdded, kRemoved, kChanged };
struct Change {
  ChangeKind kind;
  NodeKind node_kind;
  std::string citation;  // 第27条第2項
  std::string old_text;  // empty when added
  std::string new_text;  // empty when removed
};
std::vector<Change> Diff(const Regulation& old_reg, const Regulation& new_reg);
std::string DiffToText(const std::vector<Change>& changes);
std::string DiffToJson(const std::vector<Change>& changes);

// --- numerals -------------------------------------------------------------
// "31", "３１", "三十一", "百三十" -> value; nullopt if not a numeral.
std::optional<int> ParseNumeral(std::string_view s);
std::string ToKanjiNumeral(int n);  // 130 -> "百三十"

}  // namespace mamori::reiki
