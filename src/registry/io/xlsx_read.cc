// .xlsx -> Table, by hand. Debian 12 packages no library that reads .xlsx from
// C or C++ (libxlsxwriter only writes; OpenXLSX, xlnt and FreeXL's xlsx support
// are not packaged), and the part we need is small: an .xlsx is a zip (read with
// minizip, Debian libminizip-dev) of XML, and a register is one sheet of
// strings. So this reads exactly what Excel and libxlsxwriter write:
//   xl/workbook.xml + xl/_rels/workbook.xml.rels  which part is the first sheet
//   xl/sharedStrings.xml                           <si> strings, rich text runs,
//                                                  without furigana (<rPh>)
//   xl/styles.xml                                  which cells are dates
//   xl/worksheets/sheetN.xml                       <row>/<c r="C12" t="..">
// and nothing else: no formulas are evaluated (their cached value is read), no
// merged cells are spread, hidden rows are read like any other.
// The XML reader below is a minimal tokenizer, not a validating parser; XML that
// is not well-formed enough to tokenize is reported as E-XLSX-003.
#include <minizip/unzip.h>

#include <filesystem>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>

#include "registry/io/table_io.h"
#include "registry/io/text.h"
#include "reiki/reiki.h"

namespace mamori::registry::io {
namespace {

using reiki::Error;

// A zip bomb guard: the biggest sheet Excel can hold compresses tenfold or more,
// and a register is far below this.
constexpr std::uint64_t kMaxPartBytes = 512ull << 20;
// Cells after padding rows to the header's width: about 2 GB of std::string.
constexpr std::uint64_t kMaxCells = 64ull << 20;
constexpr int kMaxRow = 1048576;
constexpr int kMaxCol = 16384;

Error Broken(const std::string& path, const std::string& part, const std::string& what) {
  return Error("E-XLSX-003", "Excel ファイル「" + path + "」の " + part + " が壊れています（" + what +
                                 "）。Excel で開いて保存し直すか、CSV UTF-8 で保存して読み込んでください。");
}

// ---- zip --------------------------------------------------------------------

class Zip {
 public:
  explicit Zip(const std::string& path) : path_(path), zf_(unzOpen64(path.c_str())) {
    if (zf_ != nullptr) return;
    if (std::string why = reiki::FileProblem(path); !why.empty()) throw Error("E-TABLE-001", "ファイル「" + path + "」" + why + "。");
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) == 0 && !ec) {
      throw Error("E-XLSX-001", "「" + path + "」は 0 バイトの空のファイルです。Excel で保存し直したブック（.xlsx）を指定してください。");
    }
    char magic[4] = {};
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      throw Error("E-TABLE-001", "ファイル「" + path + "」を開けません。ファイル名と場所を確かめてください。");
    }
    in.read(magic, 4);
    if (std::string_view(magic, 4) == "\xD0\xCF\x11\xE0") {
      throw Error("E-XLSX-001", "「" + path + "」は古い Excel 形式（.xls）か、パスワード付きのブックです。"
                                "Excel で開き、パスワードを外して「Excel ブック (*.xlsx)」で保存し直してください。");
    }
    throw Error("E-XLSX-001", "「" + path + "」は Excel ブック（.xlsx）ではありません。"
                              "CSV なら拡張子を .csv にし、Excel なら「Excel ブック (*.xlsx)」で保存し直してください。");
  }
  ~Zip() { unzClose(zf_); }
  Zip(const Zip&) = delete;
  Zip& operator=(const Zip&) = delete;

  // The part's bytes, or nullopt when the zip has no such part. Part names in
  // an .xlsx are case-insensitive (OPC), hence case-insensitive lookup.
  std::optional<std::string> Read(const std::string& name) {
    if (unzLocateFile(zf_, name.c_str(), 2) != UNZ_OK) return std::nullopt;
    unz_file_info64 info{};
    if (unzGetCurrentFileInfo64(zf_, &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK) {
      throw Broken(path_, name, "zip の目録を読めません");
    }
    if (info.uncompressed_size > kMaxPartBytes) TooLarge(name);
    if (unzOpenCurrentFile(zf_) != UNZ_OK) throw Broken(path_, name, "zip の項目を開けません");
    std::string out;
    out.reserve(static_cast<std::size_t>(info.uncompressed_size));
    char buf[1 << 16];
    for (;;) {
      int n = unzReadCurrentFile(zf_, buf, sizeof buf);
      if (n < 0) {
        unzCloseCurrentFile(zf_);
        throw Broken(path_, name, "展開できません");
      }
      if (n == 0) break;
      out.append(buf, static_cast<std::size_t>(n));
      if (out.size() > kMaxPartBytes) {  // the directory may lie about sizes
        unzCloseCurrentFile(zf_);
        TooLarge(name);
      }
    }
    if (unzCloseCurrentFile(zf_) != UNZ_OK) throw Broken(path_, name, "CRC が一致しません");
    return out;
  }

 private:
  [[noreturn]] void TooLarge(const std::string& name) {
    throw Error("E-XLSX-006", "Excel ファイル「" + path_ + "」の " + name +
                                  " が大きすぎて読み込めません。台帳を分けるか、CSV UTF-8 で保存して読み込んでください。");
  }
  std::string path_;
  unzFile zf_;
};

// ---- XML --------------------------------------------------------------------

void AppendEntity(std::string& out, std::string_view ent) {
  if (ent == "lt") out += '<';
  else if (ent == "gt") out += '>';
  else if (ent == "amp") out += '&';
  else if (ent == "quot") out += '"';
  else if (ent == "apos") out += '\'';
  else if (ent.size() > 1 && ent[0] == '#') {
    bool hex = ent[1] == 'x' || ent[1] == 'X';
    std::string_view digits = ent.substr(hex ? 2 : 1);
    unsigned long cp = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
    if (ec == std::errc() && p == digits.data() + digits.size() && cp > 0 && cp <= 0x10FFFF) {
      text::Append(out, static_cast<char32_t>(cp));
    } else {
      out += '&';
      out += ent;
      out += ';';
    }
  } else {
    out += '&';
    out += ent;
    out += ';';
  }
}

std::string Unescape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '&') {
      std::size_t semi = raw.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        AppendEntity(out, raw.substr(i + 1, semi - i - 1));
        i = semi;
        continue;
      }
    }
    out += raw[i];
  }
  return out;
}

// Excel writes characters XML cannot hold (control characters) as _xHHHH_, and
// a literal "_x" sequence as _x005F_x...; undone in string values only.
std::string UnescapeOoxml(std::string_view s) {
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && hex(s[i + 2]) && hex(s[i + 3]) && hex(s[i + 4]) &&
        hex(s[i + 5]) && s[i + 6] == '_') {
      unsigned cp = 0;
      std::from_chars(s.data() + i + 2, s.data() + i + 6, cp, 16);
      text::Append(out, static_cast<char32_t>(cp));
      i += 6;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct XmlEvent {
  enum Kind { kStart, kEnd, kText, kEof } kind = kEof;
  std::string_view name;   // local name: <x:c> and <c> are both "c"
  std::string_view attrs;  // raw attribute text of a start tag
  std::string text;        // entity-decoded text
};

class XmlReader {
 public:
  XmlReader(std::string_view doc, const std::string& path, const std::string& part)
      : s_(doc), path_(path), part_(part) {}

  XmlEvent Next() {
    XmlEvent ev;
    if (pending_end_) {
      pending_end_ = false;
      ev.kind = XmlEvent::kEnd;
      ev.name = pending_name_;
      return ev;
    }
    if (i_ >= s_.size()) return ev;
    if (s_[i_] != '<') {
      std::size_t lt = s_.find('<', i_);
      if (lt == std::string_view::npos) lt = s_.size();
      ev.kind = XmlEvent::kText;
      ev.text = Unescape(s_.substr(i_, lt - i_));
      i_ = lt;
      return ev;
    }
    if (s_.compare(i_, 9, "<![CDATA[") == 0) {
      std::size_t end = Find("]]>", i_ + 9);
      ev.kind = XmlEvent::kText;
      ev.text = std::string(s_.substr(i_ + 9, end - i_ - 9));
      i_ = end + 3;
      return ev;
    }
    if (s_.compare(i_, 4, "<!--") == 0) {
      i_ = Find("-->", i_ + 4) + 3;
      return Next();
    }
    if (s_.compare(i_, 2, "<?") == 0 || s_.compare(i_, 2, "<!") == 0) {
      i_ = Find(">", i_) + 1;  // declarations; no DTD is ever expanded
      return Next();
    }
    std::size_t gt = TagEnd(i_ + 1);
    std::string_view tag = s_.substr(i_ + 1, gt - i_ - 1);
    i_ = gt + 1;
    if (!tag.empty() && tag[0] == '/') {
      ev.kind = XmlEvent::kEnd;
      ev.name = LocalName(text::Trim(tag.substr(1)));
      return ev;
    }
    bool self_closing = !tag.empty() && tag.back() == '/';
    if (self_closing) tag.remove_suffix(1);
    std::size_t name_end = tag.find_first_of(" \t\r\n");
    if (name_end == std::string_view::npos) name_end = tag.size();
    ev.kind = XmlEvent::kStart;
    ev.name = LocalName(tag.substr(0, name_end));
    ev.attrs = tag.substr(name_end);
    if (ev.name.empty()) throw Broken(path_, part_, "名前のないタグ");
    if (self_closing) {
      pending_end_ = true;
      pending_name_ = ev.name;
    }
    return ev;
  }

  // An attribute by local name (r:id -> "id"); namespace declarations ignored.
  static std::optional<std::string> Attr(std::string_view attrs, std::string_view want) {
    std::size_t i = 0;
    while (i < attrs.size()) {
      while (i < attrs.size() && std::isspace(static_cast<unsigned char>(attrs[i]))) ++i;
      std::size_t eq = attrs.find('=', i);
      if (eq == std::string_view::npos) return std::nullopt;
      std::string_view name = text::Trim(attrs.substr(i, eq - i));
      std::size_t q = eq + 1;
      while (q < attrs.size() && std::isspace(static_cast<unsigned char>(attrs[q]))) ++q;
      if (q >= attrs.size() || (attrs[q] != '"' && attrs[q] != '\'')) return std::nullopt;
      std::size_t close = attrs.find(attrs[q], q + 1);
      if (close == std::string_view::npos) return std::nullopt;
      bool is_ns = name == "xmlns" || name.substr(0, 6) == "xmlns:";
      if (!is_ns && LocalName(name) == want) return Unescape(attrs.substr(q + 1, close - q - 1));
      i = close + 1;
    }
    return std::nullopt;
  }

 private:
  static std::string_view LocalName(std::string_view name) {
    std::size_t colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
  }
  std::size_t Find(std::string_view what, std::size_t from) {
    std::size_t at = s_.find(what, from);
    if (at == std::string_view::npos) throw Broken(path_, part_, "XML が途中で終わっています");
    return at;
  }
  // The '>' closing a tag, skipping any inside quoted attribute values.
  std::size_t TagEnd(std::size_t from) {
    char quote = 0;
    for (std::size_t j = from; j < s_.size(); ++j) {
      char c = s_[j];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return j;
      }
    }
    throw Broken(path_, part_, "XML が途中で終わっています");
  }

  std::string_view s_;
  std::size_t i_ = 0;
  bool pending_end_ = false;
  std::string_view pending_name_;
  std::string path_, part_;
};

// ---- parts ------------------------------------------------------------------

// "C12" -> {row 12, col 2 (0-based)}; nullopt if not a cell reference.
std::optional<std::pair<int, int>> CellRef(std::string_view ref) {
  std::size_t i = 0;
  int col = 0;
  while (i < ref.size() && ((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z')) && i < 3) {
    col = col * 26 + (std::toupper(static_cast<unsigned char>(ref[i])) - 'A' + 1);
    ++i;
  }
  int row = 0;
  auto [p, ec] = std::from_chars(ref.data() + i, ref.data() + ref.size(), row);
  if (i == 0 || ec != std::errc() || p != ref.data() + ref.size() || row < 1 || row > kMaxRow || col > kMaxCol) {
    return std::nullopt;
  }
  return std::make_pair(row, col - 1);
}

struct Workbook {
  std::string sheet = "xl/worksheets/sheet1.xml";  // the first
  std::vector<std::pair<std::string, std::string>> sheets;  // (name, part), in the workbook's order
  std::string shared_strings = "xl/sharedStrings.xml";
  std::string styles = "xl/styles.xml";
  bool date1904 = false;
};

// Relationship targets are relative to xl/ unless absolute ("/xl/...").
std::string PartName(const std::string& target) {
  return target.starts_with('/') ? target.substr(1) : "xl/" + target;
}

Workbook ReadWorkbook(Zip& zip, const std::string& path) {
  Workbook wb;
  auto book = zip.Read("xl/workbook.xml");
  if (!book) return wb;  // not what Excel writes, but sheet1 may still be there
  std::string first_sheet_rid;
  std::vector<std::pair<std::string, std::string>> named;  // (name, relationship id)
  XmlReader xml(*book, path, "xl/workbook.xml");
  for (XmlEvent ev = xml.Next(); ev.kind != XmlEvent::kEof; ev = xml.Next()) {
    if (ev.kind != XmlEvent::kStart) continue;
    if (ev.name == "workbookPr") {
      auto v = XmlReader::Attr(ev.attrs, "date1904");
      wb.date1904 = v && (*v == "1" || *v == "true");
    } else if (ev.name == "sheet") {
      const std::string rid = XmlReader::Attr(ev.attrs, "id").value_or("");
      if (first_sheet_rid.empty()) first_sheet_rid = rid;
      named.emplace_back(XmlReader::Attr(ev.attrs, "name").value_or(""), rid);
    }
  }
  auto rels = zip.Read("xl/_rels/workbook.xml.rels");
  if (!rels) {
    if (!named.empty()) wb.sheets.emplace_back(named.front().first, wb.sheet);
    return wb;
  }
  std::map<std::string, std::string> target_of;
  XmlReader rx(*rels, path, "xl/_rels/workbook.xml.rels");
  for (XmlEvent ev = rx.Next(); ev.kind != XmlEvent::kEof; ev = rx.Next()) {
    if (ev.kind != XmlEvent::kStart || ev.name != "Relationship") continue;
    std::string id = XmlReader::Attr(ev.attrs, "Id").value_or("");
    std::string type = XmlReader::Attr(ev.attrs, "Type").value_or("");
    std::string target = XmlReader::Attr(ev.attrs, "Target").value_or("");
    if (target.empty()) continue;
    if (!first_sheet_rid.empty() && id == first_sheet_rid) wb.sheet = PartName(target);
    if (type.ends_with("/sharedStrings")) wb.shared_strings = PartName(target);
    if (type.ends_with("/styles")) wb.styles = PartName(target);
    target_of[id] = PartName(target);
  }
  for (const auto& [name, rid] : named)
    if (auto it = target_of.find(rid); it != target_of.end()) wb.sheets.emplace_back(name, it->second);
  return wb;
}

// The text of <si> items: the <t> of the string or of its rich-text runs (<r>),
// but not of phonetic runs (<rPh>), which Excel adds to Japanese text it was
// typed with an IME (furigana) and does not display.
std::vector<std::string> ReadSharedStrings(std::string_view doc, const std::string& path, const std::string& part) {
  std::vector<std::string> strings;
  XmlReader xml(doc, path, part);
  int in_rph = 0;
  bool in_t = false;
  std::string cur;
  for (XmlEvent ev = xml.Next(); ev.kind != XmlEvent::kEof; ev = xml.Next()) {
    if (ev.kind == XmlEvent::kStart) {
      if (ev.name == "si") cur.clear();
      else if (ev.name == "rPh") ++in_rph;
      else if (ev.name == "t") in_t = true;
    } else if (ev.kind == XmlEvent::kEnd) {
      if (ev.name == "si") strings.push_back(UnescapeOoxml(cur));
      else if (ev.name == "rPh") --in_rph;
      else if (ev.name == "t") in_t = false;
    } else if (in_t && in_rph == 0) {
      cur += ev.text;
    }
  }
  return strings;
}

bool IsDateFormatCode(std::string_view code) {
  // Quoted literals ("年"), [locale/colour] sections and \-escapes say nothing.
  bool quoted = false, bracket = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (quoted) {
      if (c == '"') quoted = false;
    } else if (bracket) {
      if (c == ']') bracket = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '[') {
      bracket = true;
    } else if (c == '\\') {
      ++i;
    } else if (c == 'y' || c == 'Y' || c == 'd' || c == 'D') {
      return true;
    }
  }
  return false;
}

bool IsDateFormatId(int id) {
  // Built-in formats: 14-17 and 22 everywhere; 27-31, 34-36 and 50-58 are the
  // Japanese-locale date formats (ge.m.d, ggge年m月d日, yyyy年m月d日, ...).
  return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) ||
         (id >= 50 && id <= 58);
}

// For each cell style index (the s="N" of a cell), whether it shows a date.
std::vector<bool> ReadDateStyles(std::string_view doc, const std::string& path, const std::string& part) {
  std::map<int, bool> custom;
  std::vector<bool> is_date;
  XmlReader xml(doc, path, part);
  bool in_cell_xfs = false;
  for (XmlEvent ev = xml.Next(); ev.kind != XmlEvent::kEof; ev = xml.Next()) {
    if (ev.kind == XmlEvent::kEnd && ev.name == "cellXfs") in_cell_xfs = false;
    if (ev.kind != XmlEvent::kStart) continue;
    if (ev.name == "numFmt") {
      int id = std::atoi(XmlReader::Attr(ev.attrs, "numFmtId").value_or("0").c_str());
      custom[id] = IsDateFormatCode(XmlReader::Attr(ev.attrs, "formatCode").value_or(""));
    } else if (ev.name == "cellXfs") {
      in_cell_xfs = true;
    } else if (ev.name == "xf" && in_cell_xfs) {
      int id = std::atoi(XmlReader::Attr(ev.attrs, "numFmtId").value_or("0").c_str());
      auto it = custom.find(id);
      is_date.push_back(it != custom.end() ? it->second : IsDateFormatId(id));
    }
  }
  return is_date;
}

// Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm).
void CivilFromDays(long long z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long yy = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}

// An Excel serial date as YYYY-MM-DD (with " HH:MM[:SS]" when it has a time).
std::optional<std::string> SerialToDate(double serial, bool date1904) {
  if (!(serial >= 1 && serial < 2958466)) return std::nullopt;  // up to 9999-12-31
  long long days = static_cast<long long>(std::floor(serial));
  long long secs = std::llround((serial - static_cast<double>(days)) * 86400.0);
  if (secs >= 86400) {
    ++days;
    secs -= 86400;
  }
  long long unix_days;
  if (date1904) {
    unix_days = days - 24107;  // 1904-01-01 is serial 0
  } else {
    if (days == 60) return std::nullopt;  // Excel's 1900-02-29, a day that never was
    unix_days = days - (days < 60 ? 25568 : 25569);
  }
  int y;
  unsigned m, d;
  CivilFromDays(unix_days, y, m, d);
  char buf[64];
  if (secs == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  } else if (secs % 60 == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld", y, m, d, secs / 3600, secs / 60 % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld", y, m, d, secs / 3600, secs / 60 % 60,
                  secs % 60);
  }
  return std::string(buf);
}

// A number as Excel displays it in a General cell: at most 15 significant
// digits, so 0.1 stored as 0.10000000000000001 reads back as 0.1.
std::string FormatNumber(const std::string& v) {
  double x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size()) return v;
  char buf[32];
  auto [end, ec2] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::general, 15);
  if (ec2 != std::errc()) return v;
  return std::string(buf, end);
}

struct Cells {
  std::map<int, std::vector<std::pair<int, std::string>>> rows;  // row -> (col, value), non-empty only
};

Cells ReadSheet(std::string_view doc, const std::string& path, const std::string& part,
                const std::vector<std::string>& shared, const std::vector<bool>& date_styles, bool date1904) {
  Cells cells;
  XmlReader xml(doc, path, part);
  int row = 0, col = -1;
  int cell_row = 1, cell_col = 0;  // where the open <c> goes, fixed at its start
  std::string type, value, inline_text;
  int style = 0;
  bool in_c = false, in_v = false, in_is = false, in_t = false;
  int in_rph = 0;
  for (XmlEvent ev = xml.Next(); ev.kind != XmlEvent::kEof; ev = xml.Next()) {
    if (ev.kind == XmlEvent::kText) {
      if (in_v) value += ev.text;
      else if (in_is && in_t && in_rph == 0) inline_text += ev.text;
      continue;
    }
    if (ev.kind == XmlEvent::kStart) {
      if (ev.name == "row") {
        auto r = XmlReader::Attr(ev.attrs, "r");
        int next = r ? std::atoi(r->c_str()) : row + 1;
        if (next < 1 || next > kMaxRow) throw Broken(path, part, "行番号「" + r.value_or("") + "」");
        row = next;
        col = -1;
      } else if (ev.name == "c") {
        if (auto r = XmlReader::Attr(ev.attrs, "r")) {
          auto ref = CellRef(*r);
          if (!ref) throw Broken(path, part, "セル番地「" + *r + "」");
          row = ref->first;
          col = ref->second;
        } else {
          ++col;
          if (row == 0) row = 1;
          if (col >= kMaxCol) throw Broken(path, part, "列が多すぎます");
        }
        in_c = true;
        cell_row = row;
        cell_col = col;
        type = XmlReader::Attr(ev.attrs, "t").value_or("n");
        style = std::atoi(XmlReader::Attr(ev.attrs, "s").value_or("0").c_str());
        value.clear();
        inline_text.clear();
      } else if (ev.name == "v") {
        in_v = true;
      } else if (ev.name == "is") {
        in_is = true;
      } else if (ev.name == "t") {
        in_t = true;
      } else if (ev.name == "rPh") {
        ++in_rph;
      }
      continue;
    }
    // kEnd
    if (ev.name == "v") {
      in_v = false;
    } else if (ev.name == "is") {
      in_is = false;
    } else if (ev.name == "t") {
      in_t = false;
    } else if (ev.name == "rPh") {
      --in_rph;
    } else if (ev.name == "c" && in_c) {
      in_c = false;  // a stray </c> (no cell open) is ignored
      std::string cell;
      if (type == "s") {
        if (value.empty()) continue;
        std::size_t idx = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), idx);
        if (ec != std::errc() || idx >= shared.size()) {
          throw Broken(path, part, "共有文字列の番号「" + value + "」");
        }
        cell = shared[idx];
      } else if (type == "inlineStr") {
        cell = UnescapeOoxml(inline_text);
      } else if (type == "b") {
        cell = value == "1" ? "TRUE" : value == "0" ? "FALSE" : value;
      } else if (type == "str" || type == "e") {
        cell = value;  // a formula's cached text, or an error such as #N/A
      } else if (type == "d") {
        cell = value.substr(0, value.find('T'));  // ISO 8601; the time part dropped
      } else if (!value.empty()) {
        bool is_date = style >= 0 && static_cast<std::size_t>(style) < date_styles.size() && date_styles[style];
        std::optional<std::string> date;
        if (is_date) {
          double serial = 0;
          auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), serial);
          if (ec == std::errc()) date = SerialToDate(serial, date1904);
        }
        cell = date ? *date : FormatNumber(value);
      }
      if (!cell.empty()) cells.rows[cell_row].emplace_back(cell_col, std::move(cell));
    }
  }
  return cells;
}

}  // namespace

namespace {

// The cells of one sheet as a Table: the first row with a cell is the header.
Table ToTable(Cells& cells, const std::string& path) {
  auto to_row = [](std::vector<std::pair<int, std::string>>& cs, std::size_t width) {
    int last = 0;
    for (const auto& [c, v] : cs) last = std::max(last, c + 1);
    std::vector<std::string> out(std::max<std::size_t>(width, static_cast<std::size_t>(last)));
    for (auto& [c, v] : cs) out[static_cast<std::size_t>(c)] = std::move(v);
    return out;
  };
  Table table;
  table.encoding = "xlsx";
  if (cells.rows.empty()) return table;
  auto it = cells.rows.begin();
  table.header_line = it->first;
  table.header = to_row(it->second, 0);
  const std::size_t width = table.header.size();
  std::uint64_t total = width;
  for (++it; it != cells.rows.end(); ++it) {
    int last = 0;
    for (const auto& [c, v] : it->second) last = std::max(last, c + 1);
    total += std::max<std::uint64_t>(width, static_cast<std::uint64_t>(last));
    if (total > kMaxCells) {
      throw Error("E-XLSX-006", "Excel ファイル「" + path + "」のセルが多すぎて読み込めません。"
                                "台帳を分けるか、不要な行と列を削除して保存し直してください。");
    }
    table.rows.push_back(to_row(it->second, width));
    table.row_lines.push_back(it->first);
  }
  return table;
}

struct Book {
  Zip zip;
  Workbook wb;
  std::vector<std::string> shared;
  std::vector<bool> date_styles;
  explicit Book(const std::string& path) : zip(path), wb(ReadWorkbook(zip, path)) {
    if (auto sst = zip.Read(wb.shared_strings)) shared = ReadSharedStrings(*sst, path, wb.shared_strings);
    if (auto styles = zip.Read(wb.styles)) date_styles = ReadDateStyles(*styles, path, wb.styles);
  }
  std::optional<Table> Sheet(const std::string& part, const std::string& path) {
    auto doc = zip.Read(part);
    if (!doc) return std::nullopt;
    Cells cells = ReadSheet(*doc, path, part, shared, date_styles, wb.date1904);
    doc.reset();
    return ToTable(cells, path);
  }
};

}  // namespace

Table ReadXlsx(const std::string& path) {
  Book book(path);
  auto table = book.Sheet(book.wb.sheet, path);
  if (!table) {
    throw Error("E-XLSX-002", "Excel ファイル「" + path + "」にワークシート（" + book.wb.sheet +
                                  "）がありません。Excel で開いて保存し直してください。");
  }
  if (table->header.empty()) {
    throw Error("E-XLSX-004", "Excel ファイル「" + path + "」の最初のシートが空です（見出し行がありません）。"
                              "台帳のシートを先頭（いちばん左）に移して保存し直してください。");
  }
  return std::move(*table);
}

std::vector<Sheet> ReadXlsxSheets(const std::string& path) {
  Book book(path);
  std::vector<Sheet> out;
  auto sheets = book.wb.sheets;
  if (sheets.empty()) sheets.emplace_back("Sheet1", book.wb.sheet);
  for (const auto& [name, part] : sheets) {
    auto table = book.Sheet(part, path);
    if (!table) {
      throw Error("E-XLSX-002", "Excel ファイル「" + path + "」のシート「" + name + "」の中身（" + part +
                                    "）がありません。Excel で開いて保存し直してください。");
    }
    out.push_back({name, std::move(*table)});
  }
  return out;
}

}  // namespace mamori::registry::io
