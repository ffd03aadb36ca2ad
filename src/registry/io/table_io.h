// registry/io: reads and writes the tables that registers (台帳) are imported
// from and exported to. Municipal staff keep their registers in Excel, so the
// two formats are CSV (as Excel writes it, UTF-8 or CP932) and .xlsx.
//
// This module only moves cells; it knows nothing about what a column means.
// The importer that maps columns to fields reports ragged rows, unknown headers
// and bad values; ParseDate / ParseBool are here because every importer needs
// them and they must agree across registers.
//
// Rules both readers follow, so that a register reads the same whichever way it
// was saved:
//  * The first row that has any non-empty cell is the header.
//  * Rows whose cells are all empty are skipped (Excel leaves ",,," rows behind
//    when contents are deleted). A row with fewer or more cells than the header
//    is kept as is: the importer reports it, naming `row_lines`.
//  * Cells are returned as written, untrimmed; no type is guessed.
//
// Errors are reiki::Error with a stable code and a Japanese message that names
// the place and the fix:
//   E-CSV-001  empty file (no header row)
//   E-CSV-002  a quoted field is never closed (names the line it opened on)
//   E-CSV-003  not a text file (binary; an Excel workbook saved as .csv, ...)
//   E-CSV-004  encoding not UTF-8 or CP932 (UTF-16 "Unicode テキスト" included)
//   E-CSV-005  file too large
//   E-CSV-006  text after the quote that closes a quoted field ("渡辺 "三郎")
//   E-TABLE-001  the file cannot be opened or read
//   E-XLSX-001 not a readable .xlsx (not a zip, old .xls, password-protected)
//   E-XLSX-002 a part the workbook needs is missing (no worksheet)
//   E-XLSX-003 broken content (malformed XML, bad shared string index)
//   E-XLSX-004 the first sheet is empty
//   E-XLSX-005 cannot write the .xlsx (path not writable, beyond Excel limits)
//   E-XLSX-006 the workbook is too large to read
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mamori::registry::io {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // For messages: where each row starts in the source, 1-based. For CSV the
  // physical line (a quoted field may span lines); for .xlsx the Excel row
  // number. Same size as `rows`. Tables built by hand may leave it empty.
  std::vector<int> row_lines;
  int header_line = 0;    // where the header is, in the same terms
  std::string encoding;   // "UTF-8", "UTF-8 (BOM)", "CP932", "xlsx"
  // For WriteXlsx only: columns whose cells are ISO dates (YYYY-MM-DD), which
  // it writes as Excel date cells so that staff can sort and filter by date.
  // Indexed by column; shorter than the header means "not a date".
  std::vector<bool> date_columns{};
};

// CSV bytes -> Table. UTF-8 with or without BOM, or CP932; RFC 4180 quoting
// (commas, "" and line breaks inside quotes); CRLF or LF. Lenient where Excel
// is: a quote inside an unquoted field is kept as a character; but text after
// the quote that closes a quoted field is E-CSV-006, since Excel would join it
// into a value nobody typed. A cell that WriteCsv marked with a leading '
// (see below) has the mark taken off.
Table ReadCsv(std::string_view bytes);

// Reads a file: .xlsx / .xlsm (or any file that starts like a zip) -> ReadXlsx,
// anything else -> ReadCsv.
Table ReadTable(const std::string& path);
// Whether ReadTable would read `path` as a workbook (by its name or its bytes).
bool IsWorkbook(const std::string& path);

// Table -> CSV. UTF-8 with BOM by default, because Excel in Japan reads a CSV
// without BOM as CP932 and garbles it. Fields are quoted only when needed; lines
// end with CRLF as Excel writes them. Note that Excel drops leading zeros (00123)
// and evaluates cells starting with "=" when it opens a CSV; WriteXlsx has
// neither problem, so prefer it for files staff will edit. Against the latter
// (CSV injection, OWASP) a cell beginning with = + - @, a tab, a CR or ' is
// written with a ' in front, which ReadCsv removes again.
std::string WriteCsv(const Table& table, bool bom = true);

// Writes an .xlsx with one sheet: bold, frozen, filterable header row; column
// widths that fit the content (full-width characters count 2); every cell a
// string, and every column formatted as text ("@"), so that 職員番号 00123
// keeps its zeros even when staff type new rows — except the date_columns,
// whose ISO dates are date cells shown as 2026/4/1 (ReadXlsx reads them back
// as 2026-04-01; a value that is no ISO date stays a string). The file is written to a
// temporary name and renamed, so a failure never leaves half a file at `path`.
// `sheet_name` is made valid for Excel (31 characters, no []:*?/\).
void WriteXlsx(const std::string& path, const std::string& sheet_name, const Table& table);

// One sheet of a workbook: its name as Excel shows it, and its table. A
// template (`mamori template`) also carries, per header column, a note shown
// as the header cell's comment and the values a dropdown offers (Excel keeps
// at most 255 characters of them; a longer list is left to the note). The
// dropdown only suggests: a value typed otherwise (an id instead of a name)
// is the importer's to judge.
struct Sheet {
  std::string name;
  Table table;
  std::vector<std::string> notes{};                 // by column; "" for none
  std::vector<std::vector<std::string>> choices{};  // by column; empty for none
};
// Several sheets in one workbook, in order, each written as WriteXlsx writes
// its one. Two sheets whose names Excel would take as the same are refused.
void WriteXlsxBook(const std::string& path, const std::vector<Sheet>& sheets);

// Reads the first sheet of an .xlsx as Excel shows it: shared and inline
// strings, numbers (15 significant digits, as Excel displays them), booleans as
// TRUE / FALSE, and date-formatted numbers as "YYYY-MM-DD". Rows are padded
// with "" to the header's width (a sheet has no notion of a missing cell).
Table ReadXlsx(const std::string& path);

// Every sheet of an .xlsx, in the workbook's order, read as ReadXlsx reads the
// first; a sheet with no cell at all comes back with an empty header.
std::vector<Sheet> ReadXlsxSheets(const std::string& path);

// A date as staff write it -> "YYYY-MM-DD", or nullopt. Accepts
//   2026-04-01, 2026/4/1, 2026.4.1, 2026年4月1日 (one separator throughout),
//   令和8年4月1日, 令和元年5月1日, 平成31年4月30日 (spaces between parts allowed),
//   R8.4.1, R8/4/1, R8-4-1, H31.4.30, S64.1.7 (M T S H R, either case),
// in full- or half-width characters, surrounded by any whitespace. The
// calendar is checked (2026-02-30 is refused) and so is the era: a date must
// fall inside its era, so 平成31年5月1日 and 昭和64年1月8日 are refused even
// though some systems roll them over. 明治 dates before 明治6年 (1873, when
// Japan adopted the Gregorian calendar) are refused: they are lunar dates.
std::optional<std::string> ParseDate(std::string_view s);

// はい/いいえ, 有/無, あり/なし, ○/〇/◯ / ×/✕, true/false, yes/no, 1/0
// (any case, full- or half-width, trimmed) -> bool; empty or anything else ->
// nullopt.
std::optional<bool> ParseBool(std::string_view s);

// Full-width ASCII (！..～) folded to ASCII and U+3000 to a space: what staff
// type into a code field. For every module that matches typed input to ids.
std::string FoldWidth(std::string_view s);

// A cell as typed, without the spaces, tabs, line ends and full-width
// spaces (U+3000) around it.
std::string TrimCell(std::string_view s);

// A cell listing several values: "a、b, c" -> {"a", "b", "c"} (、 ， and ,
// between them; each trimmed; empty ones dropped). Excel users write lists
// both ways; every register column and check that reads a list reads it so.
std::vector<std::string> SplitList(std::string_view s);

}  // namespace mamori::registry::io
