// Table -> .xlsx with libxlsxwriter (Debian: libxlsxwriter-dev), a C library
// that writes only; it stays out of table_io.h so callers need not its headers.
#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "registry/io/table_io.h"
#include "registry/io/text.h"
#include "reiki/reiki.h"

namespace mamori::registry::io {
namespace {

using reiki::Error;

// Excel's own limits (the same numbers libxlsxwriter enforces).
constexpr std::size_t kMaxRows = 1048576;
constexpr std::size_t kMaxCols = 16384;
constexpr std::size_t kMaxCellChars = 32767;
// Column widths in Excel's units (about one half-width character each).
constexpr int kMinWidth = 8;
constexpr int kMaxWidth = 80;

std::string ColumnName(std::size_t col) {
  std::string name;
  for (std::size_t c = col + 1; c > 0; c = (c - 1) / 26) name.insert(name.begin(), char('A' + (c - 1) % 26));
  return name;
}

std::string Place(std::size_t row, std::size_t col) {
  return ColumnName(col) + std::to_string(row + 1);
}

bool IsDateColumn(const Table& t, std::size_t c) { return c < t.date_columns.size() && t.date_columns[c]; }

// "2026-04-01" -> a date cell. Only what the registers store (ISO, checked by
// ParseDate on import) and only from 1900 on, where Excel's serials start.
std::optional<lxw_datetime> IsoDate(const std::string& v) {
  if (v.size() != 10 || v[4] != '-' || v[7] != '-' || ParseDate(v) != v) return std::nullopt;
  lxw_datetime dt{};
  dt.year = std::stoi(v.substr(0, 4));
  dt.month = std::stoi(v.substr(5, 2));
  dt.day = std::stoi(v.substr(8, 2));
  if (dt.year < 1900) return std::nullopt;
  return dt;
}

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); text::Next(s, i)) ++n;
  return n;
}

// Excel refuses sheet names that are empty, longer than 31 characters, contain
// []:*?/\ or start or end with an apostrophe; a name is made valid rather than
// refused, since the caller usually builds it from a register's title.
std::string SheetName(std::string_view wanted) {
  std::string out;
  std::size_t count = 0;
  for (std::size_t i = 0; i < wanted.size() && count < 31;) {
    char32_t c = text::Next(wanted, i);
    if (c < 0x20 || c == U'[' || c == U']' || c == U':' || c == U'*' || c == U'?' || c == U'/' ||
        c == U'\\' || c == 0xFFFD) {
      c = U'_';
    }
    text::Append(out, c);
    ++count;
  }
  while (!out.empty() && out.front() == '\'') out.erase(out.begin());
  while (!out.empty() && out.back() == '\'') out.pop_back();
  if (out.empty() || out == "History") out = "Sheet1";  // "History" is reserved by Excel
  return out;
}

// The width a column needs: its widest line (cells may hold line breaks).
int ContentWidth(std::string_view cell) {
  int widest = 0;
  std::size_t start = 0;
  for (;;) {
    std::size_t nl = cell.find('\n', start);
    widest = std::max(widest, text::DisplayWidth(cell.substr(start, nl == std::string_view::npos ? nl : nl - start)));
    if (nl == std::string_view::npos) return widest;
    start = nl + 1;
  }
}

// Excel stores a control character as _xHHHH_ and so reads any literal
// "_x0041_" as "A"; it protects a literal by escaping its underscore
// (_x005F_x0041_). libxlsxwriter 1.1.4 escapes control characters but not the
// underscore, so do that here, or such text would not read back as written.
std::string ProtectUnderscores(const std::string& s) {
  if (s.find("_x") == std::string::npos) return s;
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && hex(s[i + 2]) && hex(s[i + 3]) && hex(s[i + 4]) &&
        hex(s[i + 5]) && s[i + 6] == '_') {
      out += "_x005F";
    }
    out += s[i];
  }
  return out;
}

[[noreturn]] void WriteFailed(const std::string& path, const std::string& why) {
  throw Error("E-XLSX-005", "Excel ファイル「" + path + "」を書き出せません（" + why + "）。");
}

}  // namespace

void WriteXlsx(const std::string& path, const std::string& sheet_name, const Table& table) {
  WriteXlsxBook(path, {{sheet_name, table}});
}

void WriteXlsxBook(const std::string& path, const std::vector<Sheet>& sheets) {
  // Check Excel's limits first, so that the message can name the sheet and cell.
  std::vector<std::vector<int>> all_widths;
  for (const Sheet& sheet : sheets) {
    const Table& table = sheet.table;
    const std::string where = sheets.size() > 1 ? "シート「" + sheet.name + "」の" : "";
    std::size_t cols = table.header.size();
    for (const auto& row : table.rows) cols = std::max(cols, row.size());
    if (table.rows.size() + 1 > kMaxRows) {
      WriteFailed(path, where + std::to_string(table.rows.size()) + " 行は Excel の上限 " + std::to_string(kMaxRows - 1) +
                            " 行を超えています。CSV で書き出すか、台帳を分けてください");
    }
    if (cols > kMaxCols) {
      WriteFailed(path, where + std::to_string(cols) + " 列は Excel の上限 " + std::to_string(kMaxCols) + " 列を超えています");
    }
    std::vector<int> widths(cols, 0);
    auto measure = [&](const std::vector<std::string>& row, std::size_t r) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (row[c].size() > kMaxCellChars && CodePoints(row[c]) > kMaxCellChars) {
          WriteFailed(path, where + "セル " + Place(r, c) + " の文字数が Excel の上限 " + std::to_string(kMaxCellChars) +
                                " 文字を超えています。CSV で書き出してください");
        }
        widths[c] = std::max(widths[c], ContentWidth(row[c]));
      }
    };
    measure(table.header, 0);
    for (std::size_t r = 0; r < table.rows.size(); ++r) measure(table.rows[r], r + 1);
    all_widths.push_back(std::move(widths));
  }
  // Checked here so the message names the folder (libxlsxwriter would only
  // fail at the end, printing its own English to stderr).
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec)) {
    WriteFailed(path, "保存先のフォルダ「" + dir.string() + "」がありません。フォルダを作るか、保存先を変えてください");
  }
  // Written beside the target and renamed, so a reader never sees half a file
  // and a failed export leaves the previous one in place.
  const std::string tmp = path + ".part";
  lxw_workbook_options options = {};
  options.constant_memory = LXW_FALSE;  // shared strings: smaller files for repetitive registers
  lxw_workbook* wb = workbook_new_opt(tmp.c_str(), &options);
  if (wb == nullptr) WriteFailed(path, "作業ファイルを作れません。保存先のフォルダと空き容量を確かめてください");
  // workbook_close both writes and frees; on an early throw it still must run.
  struct Closer {
    lxw_workbook* wb;
    const std::string& tmp;
    bool closed = false;
    ~Closer() {
      if (closed) return;
      workbook_close(wb);
      std::remove(tmp.c_str());
    }
  } closer{wb, tmp};
  // "@" (text) on every column: what staff type later also stays a string.
  lxw_format* text_fmt = workbook_add_format(wb);
  format_set_num_format(text_fmt, "@");
  lxw_format* wrap_fmt = workbook_add_format(wb);
  format_set_num_format(wrap_fmt, "@");
  format_set_text_wrap(wrap_fmt);  // cells with line breaks show them
  // Japanese Excel's own short date; any format with y/d reads back as a date.
  lxw_format* date_fmt = workbook_add_format(wb);
  format_set_num_format(date_fmt, "yyyy/m/d");
  lxw_format* header_fmt = workbook_add_format(wb);
  format_set_num_format(header_fmt, "@");
  format_set_bold(header_fmt);
  for (std::size_t k = 0; k < sheets.size(); ++k) {
    const Table& table = sheets[k].table;
    const std::vector<int>& widths = all_widths[k];
    const std::size_t cols = widths.size();
    lxw_worksheet* ws = workbook_add_worksheet(wb, SheetName(sheets[k].name).c_str());
    if (ws == nullptr) WriteFailed(path, "シート名「" + sheets[k].name + "」を使えません（同じ名前のシートが2つあるなど）");
    for (std::size_t c = 0; c < cols; ++c) {
      double width = std::clamp(widths[c] + 2, kMinWidth, kMaxWidth);
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width,
                           IsDateColumn(table, c) ? date_fmt : text_fmt);
    }
    auto write_row = [&](const std::vector<std::string>& row, std::size_t r, lxw_format* fmt) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (row[c].empty()) continue;  // an empty cell is simply absent
        lxw_format* f = fmt ? fmt : (row[c].find('\n') != std::string::npos ? wrap_fmt : text_fmt);
        if (!fmt && IsDateColumn(table, c)) {
          if (auto dt = IsoDate(row[c])) {
            lxw_error err = worksheet_write_datetime(ws, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c), &*dt, date_fmt);
            if (err != LXW_NO_ERROR) WriteFailed(path, "セル " + Place(r, c) + ": " + lxw_strerror(err));
            continue;
          }
        }
        lxw_error err = worksheet_write_string(ws, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c),
                                               ProtectUnderscores(row[c]).c_str(), f);
        if (err != LXW_NO_ERROR) WriteFailed(path, "セル " + Place(r, c) + ": " + lxw_strerror(err));
      }
    };
    write_row(table.header, 0, header_fmt);
    const Sheet& sheet = sheets[k];
    for (std::size_t c = 0; c < sheet.notes.size() && c < cols; ++c) {
      if (sheet.notes[c].empty()) continue;
      lxw_comment_options opt = {};
      opt.width = 360;
      opt.height = 160;
      opt.author = const_cast<char*>("mamori");
      if (worksheet_write_comment_opt(ws, 0, static_cast<lxw_col_t>(c), sheet.notes[c].c_str(), &opt) != LXW_NO_ERROR)
        WriteFailed(path, "セル " + Place(0, c) + " の注記を書けません");
    }
    for (std::size_t c = 0; c < sheet.choices.size() && c < cols; ++c) {
      // Excel keeps 255 characters of a list with its commas; libxlsxwriter
      // 1.1 copies the list into a buffer of that many bytes (and overruns it
      // with multi-byte text), so the limit is counted in bytes.
      std::size_t bytes = 0;
      for (const auto& v : sheet.choices[c]) bytes += v.size() + 1;
      if (sheet.choices[c].empty() || bytes > 255) continue;
      std::vector<char*> list;
      for (const auto& v : sheet.choices[c]) list.push_back(const_cast<char*>(v.c_str()));
      list.push_back(nullptr);
      lxw_data_validation dv = {};
      dv.validate = LXW_VALIDATION_TYPE_LIST;
      dv.value_list = list.data();
      dv.error_type = LXW_VALIDATION_ERROR_TYPE_INFORMATION;  // suggest, never refuse
      dv.ignore_blank = LXW_VALIDATION_ON;
      worksheet_data_validation_range(ws, 1, static_cast<lxw_col_t>(c), static_cast<lxw_row_t>(kMaxRows - 1),
                                      static_cast<lxw_col_t>(c), &dv);
    }
    for (std::size_t r = 0; r < table.rows.size(); ++r) write_row(table.rows[r], r + 1, nullptr);

    if (cols > 0) {
      worksheet_freeze_panes(ws, 1, 0);
      worksheet_autofilter(ws, 0, 0, static_cast<lxw_row_t>(table.rows.size()), static_cast<lxw_col_t>(cols - 1));
      // Strings that look like numbers (00123) are meant; hide Excel's green triangles.
      std::string range = "A1:" + Place(table.rows.size(), cols - 1);
      worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, range.c_str());
    }
  }

  closer.closed = true;
  lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) {
    std::remove(tmp.c_str());
    WriteFailed(path, std::string(lxw_strerror(err)) + "。保存先のフォルダに書き込めるか確かめてください");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    WriteFailed(path, "保存先に置けません。同じ名前のファイルが開かれていないか確かめてください");
  }
}

}  // namespace mamori::registry::io
