// registry: the registers (台帳) the policy requires, kept in the store and
// validated against the pack.
//
// Every register is described as data (Kind: its columns, their Japanese
// headers and types), so one importer, exporter and viewer serve all of them,
// and the classification columns come from the pack's own axes.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "policy/policy.h"
#include "registry/io/table_io.h"
#include "store/store.h"

namespace mamori::registry {

enum class ColType {
  kText,
  kDate,    // stored ISO; read as 2026-04-01, 2026/4/1, 令和8年4月1日, R8.4.1
  kBool,    // stored "true"/"false"; read as はい/いいえ, ○/×, 1/0 …
  kRef,     // the id of a row of `ref_kind`
  kRefList, // ids of rows of `ref_kind`, separated by 、 or ,
  kLevel,   // a level of the pack's axis `axis` (id or name)
  kZone,    // a zone of the pack (id or name)
  kFacets,  // facets of the pack (ids or names), separated by 、 or ,
  kRole,    // a role of the pack that the text fills by designation (id or name)
};

// Limits on what an import accepts, each refused with the row and column:
// an id is a code (職員番号, 資産番号), and a cell holds what an Excel cell
// holds (32,767 characters), so that every register can go back to Excel.
inline constexpr std::size_t kMaxIdChars = 64;
inline constexpr std::size_t kMaxCellChars = 32767;

struct Column {
  std::string key;  // JSON key and English header
  std::string ja;   // Japanese header
  ColType type = ColType::kText;
  bool required = false;
  std::string ref_kind;  // for kRef / kRefList
  std::string axis;      // for kLevel
  // Computed on export and ignored on import: a medium's highest level over the
  // assets it holds (the rule of 安田町 第24条第3項), never typed in by hand.
  bool derived = false;
};

struct Kind {
  std::string id;  // "assets"
  std::string ja;  // 情報資産
  std::vector<Column> columns;  // columns[0] is the row id
  // The columns that bound when a row is in effect (職員 開始日〜終了日, 在任
  // 開始日〜終了日), by key; empty for a register whose rows have no period.
  std::string valid_from, valid_to;
};

// Which state of a register to show. The two dates are different questions
// and every command asks them the same way:
//  * in_effect (--as-of): the rows in effect on that day, by their own
//    開始日〜終了日 (both inclusive, as `who` reads 在任); a register without
//    a period shows all its rows.
//  * recorded (--recorded-as-of): the register as recorded by the end of that
//    day (JST), before anything changed later: what mamori knew then.
// Both may be given: what was recorded by then about that day.
struct AsOf {
  std::optional<std::string> in_effect;  // ISO date
  std::optional<std::string> recorded;   // ISO date
};

// The registers, with classification columns for `pack`'s axes.
std::vector<Kind> Kinds(const policy::Pack& pack);
// By id ("assets") or Japanese name (情報資産); nullptr when unknown.
const Kind* FindKind(const std::vector<Kind>& kinds, const std::string& name);

using io::Table;  // header, rows, row_lines (the spreadsheet row of each row)

struct RowError {
  int row = 0;
  std::string column;  // Japanese header
  std::string reason;  // Japanese
};

struct ImportOptions {
  bool dry_run = false;
  bool replace = false;  // rows absent from the file are removed
  std::string actor = "mamori";
  std::string at;        // JST timestamp; empty: now
  std::string command = "import";
  // false: the caller holds the transaction (a command made of several imports).
  bool own_transaction = true;
  // Ids that other tables of the same command bring, by register: a
  // reference to one of them is resolved (組織 → 長の職 → 組織 in one book).
  const std::unordered_map<std::string, std::unordered_set<std::string>>* incoming = nullptr;
  // Fill the summary's id lists even when not a dry run.
  bool list_ids = false;
};


struct ImportSummary {
  int added = 0, changed = 0, unchanged = 0, removed = 0;
  // The ids concerned, in file order, for --dry-run to show (all of them).
  std::vector<std::string> added_ids, changed_ids, removed_ids;
  std::vector<RowError> errors;  // non-empty: nothing was written
  // What was read differently from a plain table, in Japanese: title rows
  // skipped above the header, columns the register does not have (備考).
  std::vector<std::string> notices;
};

// Towns put a title (「職員台帳」), a date or notes above the header. The
// header is the first row, among the first kHeaderSearchRows, that names one
// of `kind`'s columns; the rows above it are dropped from `table` and said in
// the returned notice ("" when row 1 is the header). When no row names a
// column the table is left as it is, for the importer to report.
inline constexpr std::size_t kHeaderSearchRows = 20;
std::string FindHeader(const Kind& kind, Table& table);

// One table of a multi-table import: where it came from (for messages: a
// sheet of a workbook, or a CSV file), which register, and its cells.
struct SourceTable {
  std::string source;
  const Kind* kind = nullptr;
  Table table;
};

struct SourceSummary {
  std::string source;
  const Kind* kind = nullptr;
  ImportSummary summary;
};

struct Holder {
  std::string person_id, person_name, post_id, post_name, from, to;
  bool acting = false;
};

struct WhoAnswer {
  std::string role_name;
  std::string how;               // how the role is filled, in Japanese
  std::vector<Holder> holders;   // empty with a reason in `note` when nobody
  std::string note;
};

// The workbook `mamori template` writes (template.cc): a sheet 「はじめに」,
// a guide 「記入方法」 with every column of every register (required, format,
// the values the pack allows, an example), then one sheet per register with
// its header, a note on each header cell and dropdowns for the pack's values.
// The two guide sheets are not registers, so `mamori import` reads past them.
std::vector<io::Sheet> TemplateBook(const std::vector<Kind>& kinds, const policy::Pack& pack);

class Registry {
 public:
  Registry(store::Store& store, const policy::Pack& pack);

  const std::vector<Kind>& kinds() const { return kinds_; }

  // All or nothing: every row is validated first; only a clean file is applied,
  // in one transaction.
  ImportSummary Import(const Kind& kind, const Table& table, const ImportOptions& options);

  // Several registers at once (the sheets of one workbook, several CSV
  // files), all or nothing in one transaction: applied in the registers'
  // dependency order, each table's references resolved against the store and
  // against the ids every other table brings. A register given twice is an
  // error. With options.dry_run the whole import runs and is rolled back, so
  // what would change is exact. Returns one summary per table, in the order
  // applied; any errors in any of them: nothing was written.
  std::vector<SourceSummary> ImportAll(std::vector<SourceTable> tables, const ImportOptions& options);

  // Japanese headers; values as the importer reads them back (round trip).
  // `owner_units`, when given: only the rows whose 所管 (owner_unit) is one of
  // them — what a 情報セキュリティ責任者 sees of the assets (安田町 第20条第1項).
  Table Export(const Kind& kind, const AsOf& when = {}, const std::unordered_set<std::string>* owner_units = nullptr);

  // Who holds `role` (pack id, name or short name) on `date` (ISO), by the
  // registers as they are, or as recorded by the end of `recorded`.
  WhoAnswer Who(const std::string& role, const std::string& unit, const std::string& system,
                const std::string& date, const std::optional<std::string>& recorded = std::nullopt);

  // The roles `person` holds on `date`, each with where it applies: a unit
  // id (unit_head; unit_post: the post's unit and the units under it that
  // have no such post of their own, as Who walks up), a system id
  // (system_admin), or "" (post, designated, committee: the whole body).
  // Who() read the other way round, for a person's inbox.
  struct HeldRole {
    std::string role, scope;
    bool acting = false;
  };
  std::vector<HeldRole> RolesHeld(const std::string& person, const std::string& date);

  // Whether `person` holds `role` on `date` in any unit or system: what a
  // designation (指名) checks of the one who designates.
  bool HoldsRole(const std::string& person, const policy::Role& role, const std::string& date);

 private:
  // Why a designation row cannot stand, or "" (its designator must hold the
  // designating role on its start date).
  std::string DesignationProblem(const std::string& role_id, const std::string& by, const std::string& from);

  std::string Normalize(const Column& c, const std::string& raw, std::string& error) const;
  std::string Display(const Column& c, const std::string& stored) const;

  store::Store& store_;
  const policy::Pack& pack_;
  std::vector<Kind> kinds_;
};

// --- Parameters (`mamori param`): the values a text leaves to their owners.
struct ParameterSet {
  std::string id, value, as, date, reason;  // date: the day set ("" = today)
  bool demo = false;                        // `sample --demo-parameters`: recorded as a demo value
  std::string actor, at;                    // the operator; the JST timestamp ("" = now)
};
// Records the value as a row of "parameter_values" (the row, as stored; the
// row already there when the value is the same). E-PARAM-001 no such
// parameter, 002 the pack gives the value, 003 `as` does not hold the owner
// role that day, 004 a value that does not read as the parameter's unit,
// 005 a date that is not one or is to come. Nothing is written on an error.
nlohmann::json SetParameter(store::Store& store, const policy::Pack& pack, const ParameterSet& set);
// Lays the values set in the store over the pack's parameters (value and
// set_by); a value the pack itself gives stands.
void ApplyParameterValues(store::Store& store, policy::Pack& pack);

// mamori itself as an 情報システム of the registers (`mamori self`): the
// system whose 情報システム管理者 sets the values the server enforces. A row
// of "installation" (id "self_system"), so naming it is evidence too.
// E-PARAM-006 when `system` is not in the 情報システム register; E-PARAM-007
// when another is named already and no `reason` is given.
nlohmann::json SetSelfSystem(store::Store& store, const std::string& system, const std::string& actor,
                             const std::string& reason = "");
// The system named, or "" when none is.
std::string SelfSystem(store::Store& store);
// Whose 情報システム管理者 sets `param`: nullopt when any holder of its owner
// role may (the role is not per system, or the value is not mamori's own);
// otherwise mamori's system ("" while none is named). The values the server
// enforces on itself and the ledger's retention are mamori's (第85条 and
// 第65条 are per system), so all who set, check or demo them ask here.
std::optional<std::string> OwnerSystem(store::Store& store, const policy::Pack& pack, const policy::Parameter& param);

}  // namespace mamori::registry
