// report: what the 情報セキュリティ委員会 reads — the 年度's report gathered
// from the registers, the duties, the cases and the checks, and laid out as
// an A4 PDF (cairo + pango, a CJK font from Debian) or an Excel book.
//
// Invariants:
//  * A report only reads: it is made inside one read transaction, so every
//    section is of the same state of the store, and it names that state —
//    the ledger's latest signed tree head (size, root hash, time) is printed
//    on the cover, so a paper copy witnesses the log (docs/ledger.md).
//  * Nothing is summarised away that the committee must see: a table breaks
//    across pages with its header repeated, never truncated; what mamori
//    does not keep yet is said in the section, not left out.
//  * The output file is written atomically (output::AtomicFile): a failed
//    layout leaves no half file and never overwrites the store or its key.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "policy/policy.h"
#include "registry/io/table_io.h"
#include "store/store.h"

namespace mamori::ledger {
class Ledger;
}

namespace mamori::report {

struct Section {
  std::string title;                    // 1. 年度の務め
  std::vector<std::string> paragraphs;  // before the table
  registry::io::Table table;            // may be empty
  std::vector<double> widths;           // relative column widths (empty: equal)
  // Further tables after the first, each with its caption (a sheet of its
  // own in the xlsx): the self-inspection's improvement measures.
  struct Extra {
    std::string caption;
    registry::io::Table table;
    std::vector<double> widths;
  };
  std::vector<Extra> more;
};

struct Document {
  std::string title;     // 令和8年度 情報セキュリティ年次報告
  std::string subtitle;  // 安田町 情報セキュリティ委員会
  std::vector<std::pair<std::string, std::string>> cover;  // 項目, 内容
  std::vector<Section> sections;
  std::string footer;  // printed at the foot of every page, with its number
};

struct Options {
  int fy = 0;            // the 年度 (2026 = 令和8年度)
  std::string as_of;     // ISO: holders and status as of this day
  std::string now;       // ISO: today (an ended 年度 is judged late today)
  std::string unit;      // one 課's report: its id ("" = the whole body)
};

// The committee's annual report (安田町 第135条・第140条・第142条 and each
// pack's equivalents): duties, training, self-inspection, audit, incidents,
// exceptions, checks. E-REP-001 for an unknown unit.
Document AnnualReport(store::Store& store, ledger::Ledger& ledger, const policy::Pack& pack, const Options& options);

// A4 portrait, page numbers "n / N", tables breaking across pages with the
// header repeated. E-REP-002 when the PDF cannot be made.
void WritePdf(const Document& doc, const std::string& path);
// One sheet for the cover and one per section with a table.
void WriteXlsx(const Document& doc, const std::string& path);

}  // namespace mamori::report
