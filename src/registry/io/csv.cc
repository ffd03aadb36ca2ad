// CSV as Excel reads and writes it, and the file-level dispatch (ReadTable).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "registry/io/table_io.h"
#include "reiki/reiki.h"
#include "registry/io/text.h"

namespace mamori::registry::io {
namespace {

using reiki::Error;

// Registers are small, but a whole-municipality asset list exported with every
// column can reach tens of MB; beyond this it is almost surely the wrong file.
constexpr std::size_t kMaxCsvBytes = 64u << 20;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

Error EmptyCsv() {
  return Error("E-CSV-001",
               "CSV ファイルが空です（見出し行がありません）。"
               "1行目に列名（見出し）、2行目以降にデータを入れて保存し直してください。");
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Recognises files that are not CSV before reiki::Decode calls them "binary",
// so that the message can say what the file is and how to save it instead.
void RejectKnownBinary(std::string_view bytes) {
  if (StartsWith(bytes, "PK\x03\x04")) {
    throw Error("E-CSV-003",
                "このファイルは CSV ではなく Excel ブック（.xlsx）です。"
                "拡張子を .xlsx にして読み込むか、Excel の「名前を付けて保存」で"
                "「CSV UTF-8 (コンマ区切り)」を選んで保存し直してください。");
  }
  if (StartsWith(bytes, "\xD0\xCF\x11\xE0")) {
    throw Error("E-CSV-003",
                "このファイルは CSV ではなく古い Excel 形式（.xls）か、パスワード付きのブックです。"
                "Excel で開き、「CSV UTF-8 (コンマ区切り)」で保存し直してください。");
  }
  if (StartsWith(bytes, "\xFF\xFE") || StartsWith(bytes, "\xFE\xFF")) {
    throw Error("E-CSV-004",
                "UTF-16 のファイル（Excel の「Unicode テキスト」）は読み込めません。"
                "Excel の「名前を付けて保存」で「CSV UTF-8 (コンマ区切り)」を選んで保存し直してください。");
  }
}

// reiki::Decode speaks of 例規; re-issue its errors in terms of a CSV.
reiki::Decoded DecodeCsv(std::string_view bytes) {
  if (bytes.size() > kMaxCsvBytes) {
    throw Error("E-CSV-005", "CSV ファイルが大きすぎます（" + std::to_string(bytes.size() >> 20) +
                                 " MiB、上限 " + std::to_string(kMaxCsvBytes >> 20) +
                                 " MiB）。台帳を分けて保存し直してください。");
  }
  RejectKnownBinary(bytes);
  std::string_view body = bytes;
  if (StartsWith(body, kBom)) body.remove_prefix(kBom.size());
  // Checked here, not left to Decode: a file holding only a BOM (what Excel
  // saves for an empty sheet) would otherwise be reported as undecodable.
  if (text::Trim(body).empty()) throw EmptyCsv();
  reiki::ParseOptions options;
  options.max_bytes = kMaxCsvBytes;
  try {
    return reiki::Decode(bytes, options);
  } catch (const Error& e) {
    if (e.code() == "E-REIKI-001") throw EmptyCsv();
    if (e.code() == "E-REIKI-002") {
      throw Error("E-CSV-003",
                  "テキストファイルではありません（バイナリデータを含みます）。"
                  "Excel で開き、「CSV UTF-8 (コンマ区切り)」で保存し直してください。");
    }
    if (e.code() == "E-REIKI-003") {
      throw Error("E-CSV-004",
                  "文字コードを判別できません（UTF-8 でも CP932/Shift_JIS でもありません）。"
                  "Excel の「名前を付けて保存」で「CSV UTF-8 (コンマ区切り)」を選んで保存し直してください。");
    }
    throw;
  }
}

bool AllEmpty(const std::vector<std::string>& fields) {
  return std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return f.empty(); });
}

// CSV injection (OWASP): a cell that begins with = + - @, a tab or a CR is
// taken by Excel for a formula (=HYPERLINK(...) runs when the file is
// opened). WriteCsv puts a ' before such a cell — and before one that already
// begins with ', so that the mark is never ambiguous — and ReadCsv takes it
// off again, so that mamori's own files round-trip exactly.
bool Dangerous(std::string_view f) {
  return !f.empty() && (f[0] == '=' || f[0] == '+' || f[0] == '-' || f[0] == '@' || f[0] == '\t' || f[0] == '\r' || f[0] == '\'');
}

std::string Neutralised(const std::string& f) { return Dangerous(f) ? "'" + f : f; }

std::string Restored(std::string f) {
  if (f.size() >= 2 && f[0] == '\'' && Dangerous(std::string_view(f).substr(1))) f.erase(0, 1);
  return f;
}

bool NeedsQuotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

Table ReadCsv(std::string_view bytes) {
  reiki::Decoded decoded = DecodeCsv(bytes);
  const std::string& s = decoded.text;  // Decode has folded CRLF and CR to LF
  Table table;
  table.encoding = decoded.encoding;

  bool have_header = false;
  auto emit = [&](std::vector<std::string>&& fields, int line) {
    // A zero-length line parses as one empty field: skipped like ",,,".
    if (AllEmpty(fields)) return;
    if (!have_header) {
      table.header = std::move(fields);
      table.header_line = line;
      have_header = true;
    } else {
      table.rows.push_back(std::move(fields));
      table.row_lines.push_back(line);
    }
  };

  std::vector<std::string> fields;
  std::string field;
  int line = 1;
  int record_line = 1;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    // At the start of a field.
    if (s[i] == '"') {
      const int open_line = line;
      ++i;
      for (;;) {
        if (i >= n) {
          throw Error("E-CSV-002",
                      "第" + std::to_string(open_line) + "行の" + std::to_string(fields.size() + 1) +
                          "番目の項目で「\"」が閉じられていません（ファイルの終わりまで対応する「\"」がありません）。"
                          "項目の中の「\"」は「\"\"」と2つ重ね、項目全体を「\"」で囲んでください。",
                      open_line);
        }
        char c = s[i++];
        if (c == '"') {
          if (i < n && s[i] == '"') {
            field += '"';
            ++i;
          } else {
            break;
          }
        } else {
          if (c == '\n') ++line;
          field += c;
        }
      }
      // Text after the closing quote ("渡辺 "三郎"): Excel would join it up
      // ("渡辺 三郎\"") and store a name nobody typed. Refused, with the place.
      if (i < n && s[i] != ',' && s[i] != '\n') {
        throw Error("E-CSV-006",
                    "第" + std::to_string(line) + "行の" + std::to_string(fields.size() + 1) +
                        "番目の項目で、「\"」で囲んだ値の途中に「\"」があります。値の中の「\"」は「\"\"」と2つ重ねて書いてください"
                        "（Excel で開いて保存し直すと直ります）。",
                    line);
      }
    } else {
      while (i < n && s[i] != ',' && s[i] != '\n') field += s[i++];
    }
    fields.push_back(Restored(std::move(field)));
    field.clear();
    if (i < n && s[i] == ',') {
      ++i;
      if (i == n) fields.emplace_back();  // "a,b," at the very end: a last empty field
      continue;
    }
    // End of record: a newline or the end of the text.
    emit(std::move(fields), record_line);
    fields.clear();
    if (i < n) {
      ++i;  // the '\n'
      ++line;
    }
    record_line = line;
  }
  if (!fields.empty()) emit(std::move(fields), record_line);
  if (!have_header) throw EmptyCsv();
  return table;
}

std::string WriteCsv(const Table& table, bool bom) {
  std::string out;
  if (bom) out += kBom;
  auto write_row = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += ',';
      const std::string f = Neutralised(row[c]);
      if (NeedsQuotes(f)) {
        out += '"';
        for (char ch : f) {
          if (ch == '"') out += '"';
          out += ch;
        }
        out += '"';
      } else {
        out += f;
      }
    }
    out += "\r\n";
  };
  write_row(table.header);
  for (const auto& row : table.rows) write_row(row);
  return out;
}

bool IsWorkbook(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, sizeof magic);
  std::string_view head(magic, static_cast<std::size_t>(in.gcount()));
  std::string ext;
  if (auto dot = path.find_last_of('.'); dot != std::string::npos && path.find('/', dot) == std::string::npos) {
    ext = path.substr(dot);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  }
  // A workbook renamed to .csv is still a workbook.
  return ext == ".xlsx" || ext == ".xlsm" || head == "PK\x03\x04";
}

Table ReadTable(const std::string& path) {
  if (std::string why = reiki::FileProblem(path); !why.empty()) throw Error("E-TABLE-001", "ファイル「" + path + "」" + why + "。");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("E-TABLE-001", "ファイル「" + path + "」を開けません（" + std::strerror(errno) +
                                   "）。ファイル名と場所を確かめてください。");
  }
  if (IsWorkbook(path)) return ReadXlsx(path);

  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) {
    throw Error("E-TABLE-001", "ファイル「" + path + "」を読み込めません。ファイル名と場所を確かめてください。");
  }
  if (static_cast<std::size_t>(size) > kMaxCsvBytes) {
    throw Error("E-CSV-005", "CSV ファイル「" + path + "」が大きすぎます（" +
                                 std::to_string(static_cast<std::size_t>(size) >> 20) + " MiB、上限 " +
                                 std::to_string(kMaxCsvBytes >> 20) + " MiB）。台帳を分けて保存し直してください。");
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  in.read(bytes.data(), size);
  if (in.gcount() != size) {
    throw Error("E-TABLE-001", "ファイル「" + path + "」を最後まで読み込めません。ファイルが壊れていないか確かめてください。");
  }
  return ReadCsv(bytes);
}

}  // namespace mamori::registry::io
