// CSV and .xlsx codecs: round trips, what Excel and staff actually produce, and
// the errors staff see.
#include <gtest/gtest.h>
#include <iconv.h>
#include <minizip/unzip.h>
#include <minizip/zip.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "registry/io/table_io.h"
#include "reiki/reiki.h"
#include "common/cp932.h"

namespace mamori::registry::io {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("mamori_table_io_" + std::to_string(getpid()) + "_" + info->test_suite_name() + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~TempDir() { fs::remove_all(dir_); }
  std::string operator/(const std::string& name) const { return (dir_ / name).string(); }
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

using mamori::test_util::ToCp932;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string ReadZipEntry(const std::string& path, const std::string& name) {
  unzFile zf = unzOpen64(path.c_str());
  if (zf == nullptr) return "";
  std::string out;
  if (unzLocateFile(zf, name.c_str(), 1) == UNZ_OK && unzOpenCurrentFile(zf) == UNZ_OK) {
    char buf[4096];
    for (int n; (n = unzReadCurrentFile(zf, buf, sizeof buf)) > 0;) out.append(buf, n);
    unzCloseCurrentFile(zf);
  }
  unzClose(zf);
  return out;
}

void WriteZip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries) {
  zipFile zf = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  ASSERT_NE(zf, nullptr);
  for (const auto& [name, data] : entries) {
    zip_fileinfo info{};
    ASSERT_EQ(zipOpenNewFileInZip(zf, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                                  Z_DEFAULT_COMPRESSION),
              ZIP_OK);
    ASSERT_EQ(zipWriteInFileInZip(zf, data.data(), static_cast<unsigned>(data.size())), ZIP_OK);
    zipCloseFileInZip(zf);
  }
  zipClose(zf, nullptr);
}

template <typename F>
reiki::Error ErrorOf(F&& f) {
  try {
    f();
  } catch (const reiki::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no reiki::Error thrown";
  return reiki::Error("", "");
}

// A register with everything that breaks naive CSV and spreadsheet code.
Table Awkward() {
  Table t;
  t.header = {"職員番号", "氏名", "所属", "備考", "持出し可"};
  t.rows = {
      {"00123", "山田 太郎", "総務課,情報政策係", "He said \"hi\"", "はい"},
      {"00045", "髙橋　①子", "", "1行目\n2行目\n3行目", "×"},
      {"1E5", " 前後に空白 ", "=SUM(A1:A2)", "<b>&amp;</b> 'quoted'", ""},
      {"0", "", "", "", "いいえ"},
  };
  return t;
}

// ---- CSV --------------------------------------------------------------------

TEST(Csv, RoundTripKeepsEveryField) {
  const Table t = Awkward();
  const std::string csv = WriteCsv(t);
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  Table back = ReadCsv(csv);
  EXPECT_EQ(back.encoding, "UTF-8 (BOM)");
  EXPECT_EQ(back.header, t.header);
  EXPECT_EQ(back.rows, t.rows);
  // Row 2 holds a field of three lines, so row 3 starts on line 6.
  EXPECT_EQ(back.header_line, 1);
  EXPECT_EQ(back.row_lines, (std::vector<int>{2, 3, 6, 7}));
}

TEST(Csv, WritesCrlfAndQuotesOnlyWhenNeeded) {
  Table t;
  t.header = {"a", "b"};
  t.rows = {{"x,y", "plain"}, {"say \"hi\"", "two\nlines"}, {"00123", ""}};
  EXPECT_EQ(WriteCsv(t, false),
            "a,b\r\n"
            "\"x,y\",plain\r\n"
            "\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
            "00123,\r\n");
}

// The one thing a round trip loses, by design: rows with nothing in them.
TEST(Csv, AllEmptyRowsAreDroppedOnReading) {
  Table t;
  t.header = {"備考", "所属"};
  t.rows = {{"a", "b"}, {"", ""}, {""}, {}, {"c", ""}};
  Table back = ReadCsv(WriteCsv(t));
  EXPECT_EQ(back.rows, (std::vector<std::vector<std::string>>{{"a", "b"}, {"c", ""}}));
  EXPECT_EQ(back.row_lines, (std::vector<int>{2, 6}));
}

TEST(Csv, ReadsLfWithoutBom) {
  Table t = ReadCsv("id,name\n1,総務課\n2,\"企画課\"\n");
  EXPECT_EQ(t.encoding, "UTF-8");
  EXPECT_EQ(t.header, (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(t.rows, (std::vector<std::vector<std::string>>{{"1", "総務課"}, {"2", "企画課"}}));
}

TEST(Csv, BomIsNotPartOfTheFirstHeader) {
  Table t = ReadCsv("\xEF\xBB\xBF職員番号,氏名\r\n00123,山田\r\n");
  EXPECT_EQ(t.header[0], "職員番号");
  EXPECT_EQ(t.rows[0][0], "00123");
}

TEST(Csv, DecodesCp932AsExcelSavesIt) {
  const std::string utf8 = "職員番号,氏名,備考\r\n00123,髙橋①子,\"表示、ソフト\"\r\n";
  const std::string sjis = ToCp932(utf8);
  ASSERT_NE(sjis, utf8);
  Table t = ReadCsv(sjis);
  EXPECT_EQ(t.encoding, "CP932");
  EXPECT_EQ(t.header, (std::vector<std::string>{"職員番号", "氏名", "備考"}));
  EXPECT_EQ(t.rows, (std::vector<std::vector<std::string>>{{"00123", "髙橋①子", "表示、ソフト"}}));
}

TEST(Csv, RaggedRowsAreKeptAsTheyAre) {
  Table t = ReadCsv("a,b,c\n1,2\n1,2,3,4\n1,2,3\n");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(t.rows[2].size(), 3u);
}

TEST(Csv, BlankAndEmptyRowsAreSkippedButLinesStillCount) {
  Table t = ReadCsv("\n,,\nh1,h2\n\n1,2\n,\n3,4\r\n\r\n\r\n");
  EXPECT_EQ(t.header_line, 3);
  EXPECT_EQ(t.rows, (std::vector<std::vector<std::string>>{{"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(t.row_lines, (std::vector<int>{5, 7}));
}

TEST(Csv, TrailingCommaMeansATrailingEmptyField) {
  Table t = ReadCsv("a,b,c\n1,2,");
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"1", "2", ""}));
}

// A quote inside an unquoted value is a character (5"インチ), as in Excel.
// Text after the quote that closes a quoted value is not: Excel would join it
// up into a value nobody typed ("渡辺 "三郎" -> 渡辺 三郎"), so it is refused.
TEST(Csv, AQuoteInsideAnUnquotedValueIsKeptButStrayTextAfterAClosingQuoteIsAnError) {
  Table t = ReadCsv("a,b\n5\"インチ,ok\n");
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"5\"インチ", "ok"}));
  auto e = ErrorOf([] { ReadCsv("職員番号,氏名\n000001,\"渡辺 \"三郎\"\n"); });
  EXPECT_EQ(e.code(), "E-CSV-006");
  EXPECT_NE(std::string(e.what()).find("第2行の2番目"), std::string::npos) << e.what();
  // The same in CP932, as a town's file would be.
  auto cp = ErrorOf([] { ReadCsv("id,name\n1,\"\x93\x6e\x95\xd3 \"\x8e\x4f\x98\x59\"\n"); });
  EXPECT_EQ(cp.code(), "E-CSV-006");
}

// Cells Excel would run as formulas are written with a leading ' and read
// back as they were (OWASP CSV injection).
TEST(Csv, FormulaCellsAreNeutralisedOnWriteAndRestoredOnRead) {
  Table t;
  t.header = {"id", "name"};
  t.rows = {{"1", "=HYPERLINK(\"http://evil.example\",\"押して\")"},
            {"2", "+81-3"},
            {"3", "-1"},
            {"4", "@SUM(A1)"},
            {"5", "\t=1+1"},
            {"6", "'=already marked"},
            {"7", "'plain apostrophe"},
            {"8", "普通の値"}};
  const std::string csv = WriteCsv(t, false);
  EXPECT_NE(csv.find("1,\"'=HYPERLINK("), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\n2,'+81-3\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\n4,'@SUM(A1)\r\n"), std::string::npos) << csv;
  EXPECT_EQ(csv.find(",=HYPERLINK"), std::string::npos) << csv;
  Table back = ReadCsv(csv);
  EXPECT_EQ(back.rows, t.rows);
}

TEST(Csv, UnterminatedQuoteNamesTheLineItOpened) {
  auto e = ErrorOf([] { ReadCsv("a,b\n1,2\n3,\"oops\n4,5\n6,7\n"); });
  EXPECT_EQ(e.code(), "E-CSV-002");
  EXPECT_EQ(e.line(), 3);
  EXPECT_NE(std::string(e.what()).find("第3行の2番目の項目"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("\"\""), std::string::npos) << "the message should say how to fix it";
}

TEST(Csv, EmptyFilesAreE_CSV_001) {
  for (std::string bytes : {std::string(""), std::string("\xEF\xBB\xBF"), std::string("\r\n\r\n"),
                            std::string(" \n"), std::string(",,,\r\n,,\r\n"), std::string("\xEF\xBB\xBF\r\n")}) {
    EXPECT_EQ(ErrorOf([&] { ReadCsv(bytes); }).code(), "E-CSV-001") << testing::PrintToString(bytes);
  }
}

TEST(Csv, WorkbooksAndUtf16AreNamedForWhatTheyAre) {
  auto xlsx = ErrorOf([] { ReadCsv(std::string("PK\x03\x04rest", 8)); });
  EXPECT_EQ(xlsx.code(), "E-CSV-003");
  EXPECT_NE(std::string(xlsx.what()).find(".xlsx"), std::string::npos);
  EXPECT_EQ(ErrorOf([] { ReadCsv(std::string("\xFF\xFE" "a\0,\0b\0", 8)); }).code(), "E-CSV-004");
  EXPECT_EQ(ErrorOf([] { ReadCsv(std::string("a,b\n\0\0\0", 7)); }).code(), "E-CSV-003");
}

TEST(Csv, ReadTableDispatchesOnExtensionAndContent) {
  TempDir dir;
  const Table t = Awkward();
  WriteFile(dir / "staff.csv", WriteCsv(t));
  EXPECT_EQ(ReadTable(dir / "staff.csv").rows, t.rows);
  WriteXlsx(dir / "staff.xlsx", "職員", t);
  EXPECT_EQ(ReadTable(dir / "staff.xlsx").rows, t.rows);
  // A workbook renamed to .csv is still read as a workbook.
  fs::copy_file(dir / "staff.xlsx", dir / "renamed.csv");
  Table renamed = ReadTable(dir / "renamed.csv");
  EXPECT_EQ(renamed.encoding, "xlsx");
  EXPECT_EQ(renamed.rows, t.rows);
  EXPECT_EQ(ErrorOf([&] { ReadTable(dir / "missing.csv"); }).code(), "E-TABLE-001");
}

// ---- xlsx -------------------------------------------------------------------

TEST(Xlsx, RoundTripOfAThousandRows) {
  TempDir dir;
  Table t;
  t.header = {"職員番号", "氏名", "所属", "備考", "端末番号"};
  for (int i = 0; i < 1000; ++i) {
    char id[8];
    std::snprintf(id, sizeof id, "%05d", i);
    t.rows.push_back({id, "職員" + std::to_string(i) + "号", i % 7 == 0 ? "" : "情報政策課",
                      i % 3 == 0 ? "" : "備考 " + std::to_string(i) + "\n二行目",
                      i % 5 == 0 ? "" : "PC-" + std::to_string(i * 37 % 1000)});
  }
  // The awkward cases in the middle.
  for (auto& row : Awkward().rows) t.rows.insert(t.rows.begin() + 500, row);
  const std::string path = dir / "staff.xlsx";
  WriteXlsx(path, "職員台帳", t);
  EXPECT_FALSE(fs::exists(path + ".part"));
  Table back = ReadXlsx(path);
  EXPECT_EQ(back.encoding, "xlsx");
  EXPECT_EQ(back.header, t.header);
  ASSERT_EQ(back.rows.size(), t.rows.size());
  for (std::size_t r = 0; r < t.rows.size(); ++r) EXPECT_EQ(back.rows[r], t.rows[r]) << "row " << r;
  EXPECT_EQ(back.header_line, 1);
  EXPECT_EQ(back.row_lines.front(), 2);
  EXPECT_EQ(back.row_lines.back(), 1 + static_cast<int>(t.rows.size()));
}

TEST(Xlsx, ControlCharactersAndUnderscoreEscapesRoundTrip) {
  TempDir dir;
  Table t;
  t.header = {"a"};
  t.rows = {{"tab\there"}, {"bell\x07" "end"}, {"_x0041_ literal"}};
  WriteXlsx(dir / "c.xlsx", "s", t);
  EXPECT_EQ(ReadXlsx(dir / "c.xlsx").rows, t.rows);
}

TEST(Xlsx, ShortRowsArePaddedToTheHeader) {
  TempDir dir;
  Table t;
  t.header = {"a", "b", "c"};
  t.rows = {{"1"}, {"", "", "3"}, {"1", "2", "3", "4"}};
  WriteXlsx(dir / "p.xlsx", "s", t);
  EXPECT_EQ(ReadXlsx(dir / "p.xlsx").rows,
            (std::vector<std::vector<std::string>>{{"1", "", ""}, {"", "", "3"}, {"1", "2", "3", "4"}}));
}

double ColumnWidth(const std::string& sheet_xml, int col) {
  std::regex re("<col min=\"" + std::to_string(col) + "\" max=\"" + std::to_string(col) +
                "\" width=\"([0-9.]+)\"");
  std::smatch m;
  if (!std::regex_search(sheet_xml, m, re)) return -1;
  return std::stod(m[1]);
}

TEST(Xlsx, ColumnsFitTheirContentCountingFullWidthAsTwo) {
  TempDir dir;
  Table t;
  t.header = {"ID", "件名", "code"};
  t.rows = {{"1", "情報セキュリティ対策基準に基づく持出し申請", "ABCDEFGHIJKLMNOPQRSTUVWX"},
            {"2", "短い", "x"}};
  const std::string path = dir / "w.xlsx";
  WriteXlsx(path, "台帳", t);
  const std::string sheet = ReadZipEntry(path, "xl/worksheets/sheet1.xml");
  ASSERT_FALSE(sheet.empty());
  const double id = ColumnWidth(sheet, 1), subject = ColumnWidth(sheet, 2), code = ColumnWidth(sheet, 3);
  ASSERT_GT(id, 0) << sheet.substr(0, 2000);
  EXPECT_GT(subject, id);
  // 21 full-width characters need about as much room as 42 half-width ones.
  EXPECT_GT(subject, 40);
  EXPECT_GT(subject, code);
  EXPECT_GT(code, 24);
  // Header frozen, bold, filterable; every column formatted as text.
  EXPECT_NE(sheet.find("ySplit=\"1\""), std::string::npos);
  EXPECT_NE(sheet.find("<autoFilter ref=\"A1:C3\""), std::string::npos);
  EXPECT_NE(ReadZipEntry(path, "xl/styles.xml").find("<b/>"), std::string::npos);
  EXPECT_NE(ReadZipEntry(path, "xl/styles.xml").find("formatCode=\"@\""), std::string::npos);
  // Cells are strings (shared strings), never numbers: 00123 cannot lose its zeros.
  EXPECT_EQ(sheet.find("t=\"n\""), std::string::npos);
  EXPECT_NE(ReadZipEntry(path, "xl/workbook.xml").find("name=\"台帳\""), std::string::npos);
}

TEST(Xlsx, SheetNamesAreMadeValidForExcel) {
  TempDir dir;
  Table t;
  t.header = {"a"};
  WriteXlsx(dir / "n.xlsx", "令和8年度/持出し[申請]:一覧?*とても長いシート名の例です（その2）", t);
  const std::string book = ReadZipEntry(dir / "n.xlsx", "xl/workbook.xml");
  // 31 characters at most, []:*?/ replaced.
  EXPECT_NE(book.find("name=\"令和8年度_持出し_申請__一覧__とても長いシート名の例です\""), std::string::npos) << book;
  WriteXlsx(dir / "e.xlsx", "", t);
  EXPECT_NE(ReadZipEntry(dir / "e.xlsx", "xl/workbook.xml").find("name=\"Sheet1\""), std::string::npos);
}

TEST(Xlsx, WriteErrorsNameThePlaceAndLeaveNothingBehind) {
  TempDir dir;
  Table t;
  t.header = {"a", "b"};
  t.rows = {{"ok", std::string(40000, 'x')}};
  auto e = ErrorOf([&] { WriteXlsx(dir / "big.xlsx", "s", t); });
  EXPECT_EQ(e.code(), "E-XLSX-005");
  EXPECT_NE(std::string(e.what()).find("B2"), std::string::npos) << e.what();
  EXPECT_TRUE(fs::is_empty(dir.path()));
  t.rows = {{"ok"}};
  EXPECT_EQ(ErrorOf([&] { WriteXlsx(dir / "no/such/dir/x.xlsx", "s", t); }).code(), "E-XLSX-005");
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

// A workbook shaped the way Excel itself writes one, not libxlsxwriter: the
// register is the first sheet but stored as sheet2.xml, strings carry furigana
// and rich-text runs, numbers and dates are numbers, some cells lack r="".
TEST(Xlsx, ReadsWhatExcelWrites) {
  TempDir dir;
  const std::string path = dir / "excel.xlsx";
  WriteZip(path, {
      {"[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>"},
      {"xl/workbook.xml",
       "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
       "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
       "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
       "<workbookPr defaultThemeVersion=\"166925\"/><sheets>"
       "<sheet name=\"台帳\" sheetId=\"2\" r:id=\"rId2\"/><sheet name=\"説明\" sheetId=\"1\" r:id=\"rId1\"/>"
       "</sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
       "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
       "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
       "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
       "</Relationships>"},
      {"xl/worksheets/sheet1.xml",
       "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>wrong sheet</t></is></c></row>"
       "</sheetData></worksheet>"},
      {"xl/sharedStrings.xml",
       "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"5\" uniqueCount=\"5\">"
       "<si><t>職員番号</t></si>"
       "<si><t>氏名</t><rPh sb=\"0\" eb=\"2\"><t>シメイ</t></rPh><phoneticPr fontId=\"1\"/></si>"
       "<si><r><rPr><b/></rPr><t>山田</t></r><r><t xml:space=\"preserve\"> 太郎</t></r>"
       "<rPh sb=\"0\" eb=\"2\"><t>ヤマダ</t></rPh></si>"
       "<si><t>A&amp;B &lt;課&gt;</t></si>"
       "<si><t>交付日</t></si>"
       "</sst>"},
      {"xl/styles.xml",
       "<styleSheet><numFmts count=\"1\"><numFmt numFmtId=\"176\" formatCode=\"[$-ja-JP]ggge&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/></numFmts>"
       "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
       "<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
       "<xf numFmtId=\"176\" applyNumberFormat=\"1\"/><xf numFmtId=\"49\"/></cellXfs></styleSheet>"},
      {"xl/worksheets/sheet2.xml",
       "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
       "<x:row r=\"2\"><x:c r=\"B2\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"C2\" t=\"s\"><x:v>1</x:v></x:c>"
       "<x:c r=\"D2\" t=\"s\"><x:v>4</x:v></x:c><x:c r=\"E2\" s=\"3\"/></x:row>"
       "<x:row r=\"3\"><x:c r=\"B3\" s=\"3\" t=\"s\"><x:v>2</x:v></x:c><x:c t=\"inlineStr\"><x:is><x:t>00123</x:t></x:is></x:c>"
       "<x:c s=\"1\"><x:v>46113</x:v></x:c></x:row>"
       "<x:row r=\"4\"><x:c r=\"B4\"><x:v>0.10000000000000001</x:v></x:c><x:c r=\"C4\" t=\"s\"><x:v>3</x:v></x:c>"
       "<x:c r=\"D4\" s=\"2\"><x:v>43586</x:v></x:c><x:c r=\"F4\" t=\"b\"><x:v>1</x:v></x:c></x:row>"
       "<x:row r=\"5\"><x:c r=\"B5\" s=\"1\"/></x:row>"
       "<x:row r=\"7\"><x:c r=\"B7\" t=\"str\"><x:f>A1&amp;\"x\"</x:f><x:v>計算結果</x:v></x:c>"
       "<x:c r=\"C7\" t=\"e\"><x:v>#N/A</x:v></x:c><x:c r=\"D7\" s=\"1\"><x:v>46113.5</x:v></x:c></x:row>"
       "</x:sheetData></x:worksheet>"},
  });
  Table t = ReadXlsx(path);
  EXPECT_EQ(t.header_line, 2);
  // Column A is empty throughout, so every row starts with "".
  EXPECT_EQ(t.header, (std::vector<std::string>{"", "職員番号", "氏名", "交付日"}));
  EXPECT_EQ(t.rows, (std::vector<std::vector<std::string>>{
                        {"", "山田 太郎", "00123", "2026-04-01"},
                        {"", "0.1", "A&B <課>", "2019-05-01", "", "TRUE"},
                        {"", "計算結果", "#N/A", "2026-04-01 12:00"},
                    }));
  EXPECT_EQ(t.row_lines, (std::vector<int>{3, 4, 7}));
}

TEST(Xlsx, ErrorsSayWhatTheFileIs) {
  TempDir dir;
  WriteFile(dir / "text.xlsx", "職員番号,氏名\n");
  EXPECT_EQ(ErrorOf([&] { ReadXlsx(dir / "text.xlsx"); }).code(), "E-XLSX-001");
  WriteFile(dir / "old.xls", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(512, '\0'));
  auto old = ErrorOf([&] { ReadXlsx(dir / "old.xls"); });
  EXPECT_EQ(old.code(), "E-XLSX-001");
  EXPECT_NE(std::string(old.what()).find("パスワード"), std::string::npos);
  EXPECT_EQ(ErrorOf([&] { ReadXlsx(dir / "none.xlsx"); }).code(), "E-TABLE-001");

  WriteZip(dir / "nosheet.xlsx", {{"xl/workbook.xml", "<workbook/>"}});
  EXPECT_EQ(ErrorOf([&] { ReadXlsx(dir / "nosheet.xlsx"); }).code(), "E-XLSX-002");
  WriteZip(dir / "empty.xlsx", {{"xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>"}});
  EXPECT_EQ(ErrorOf([&] { ReadXlsx(dir / "empty.xlsx"); }).code(), "E-XLSX-004");
  WriteZip(dir / "badsst.xlsx", {{"xl/worksheets/sheet1.xml",
                                  "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>"
                                  "</sheetData></worksheet>"}});
  EXPECT_EQ(ErrorOf([&] { ReadXlsx(dir / "badsst.xlsx"); }).code(), "E-XLSX-003");
  WriteZip(dir / "badref.xlsx", {{"xl/worksheets/sheet1.xml",
                                  "<worksheet><sheetData><row r=\"1\"><c r=\"ZZZZ1\" t=\"inlineStr\"><is><t>x</t></is></c>"
                                  "</row></sheetData></worksheet>"}});
  EXPECT_EQ(ErrorOf([&] { ReadXlsx(dir / "badref.xlsx"); }).code(), "E-XLSX-003");
  WriteZip(dir / "cut.xlsx", {{"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row r=\"1\"><c r=\"A1\""}});
  EXPECT_EQ(ErrorOf([&] { ReadXlsx(dir / "cut.xlsx"); }).code(), "E-XLSX-003");
}

// Found by mutating sheets under ASan: a stray </c>, or a <row> inside an open
// <c>, once wrote a cell at column -1.
TEST(Xlsx, OddNestingNeitherCrashesNorMisplacesCells) {
  TempDir dir;
  WriteZip(dir / "odd.xlsx", {{"xl/worksheets/sheet1.xml",
                               "<worksheet><sheetData><row r=\"1\"></c><c t=\"inlineStr\"><is><t>h</t></is></c></row>"
                               "<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><row r=\"3\"/><is><t>v</t></is></c></row>"
                               "</sheetData></worksheet>"}});
  Table t = ReadXlsx(dir / "odd.xlsx");
  EXPECT_EQ(t.header, (std::vector<std::string>{"h"}));
  EXPECT_EQ(t.rows, (std::vector<std::vector<std::string>>{{"", "v"}}));
  EXPECT_EQ(t.row_lines, (std::vector<int>{2}));
}

}  // namespace
}  // namespace mamori::registry::io
