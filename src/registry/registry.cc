// Import, export and role resolution over the registers.
#include "registry/registry.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace mamori::registry {
namespace {

using Json = nlohmann::json;

std::string Trim(std::string_view s) {
  auto sp = [](std::string_view v, std::size_t at) {
    return v[at] == ' ' || v[at] == '\t' || v[at] == '\r' || v[at] == '\n';
  };
  while (!s.empty() && (sp(s, 0) || s.substr(0, 3) == "\u3000")) s.remove_prefix(s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n' ? 1 : 3);
  while (!s.empty() && (sp(s, s.size() - 1) || (s.size() >= 3 && s.substr(s.size() - 3) == "\u3000")))
    s.remove_suffix(sp(s, s.size() - 1) ? 1 : 3);
  return std::string(s);
}

std::string NoSpaces(std::string s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ') continue;
    if (s.compare(i, 3, "\u3000") == 0) { i += 2; continue; }
    out += s[i];
  }
  return out;
}

using io::SplitList;

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

std::string Field(const Json& row, const std::string& key) {
  auto it = row.find(key);
  return it == row.end() ? "" : it->get<std::string>();
}


}  // namespace

Registry::Registry(store::Store& store, const policy::Pack& pack) : store_(store), pack_(pack), kinds_(Kinds(pack)) {}

std::string Registry::Normalize(const Column& c, const std::string& raw, std::string& error) const {
  std::string v = Trim(raw);
  if (v.empty()) return v;
  switch (c.type) {
    case ColType::kText:
    case ColType::kRef:
      return v;
    case ColType::kRefList:
      return Join(SplitList(v), ",");
    case ColType::kDate:
      if (auto d = io::ParseDate(v)) return *d;
      error = "日付として読めません。2026-04-01、2026/4/1、令和8年4月1日、R8.4.1 のいずれかで書いてください。";
      return "";
    case ColType::kBool:
      if (auto b = io::ParseBool(v)) return *b ? "true" : "false";
      error = "「はい」か「いいえ」（または ○/×、1/0）で書いてください。";
      return "";
    case ColType::kLevel:
      for (const auto& axis : pack_.classification.axes) {
        if (axis.id != c.axis) continue;
        std::vector<std::string> names;
        for (const auto& l : axis.levels) {
          if (v == l.id || NoSpaces(v) == NoSpaces(l.name)) return l.id;
          names.push_back(l.name);
        }
        error = "「" + v + "」は" + axis.name + "の分類にありません（使える値: " + Join(names, "、") + "）。";
      }
      return "";
    case ColType::kZone: {
      std::vector<std::string> names;
      for (const auto& z : pack_.zones) {
        if (v == z.id || v == z.name) return z.id;
        names.push_back(z.name);
      }
      error = "「" + v + "」はパックに定義されたネットワーク区分ではありません" +
              (names.empty() ? std::string("（このパックにはネットワーク区分がありません）。") : "（使える値: " + Join(names, "、") + "）。");
      return "";
    }
    case ColType::kFacets: {
      std::vector<std::string> ids;
      for (const auto& item : SplitList(v)) {
        std::string found;
        for (const auto& f : pack_.facets)
          if (item == f.id || item == f.name) found = f.id;
        if (found.empty()) {
          error = "「" + item + "」はパックに定義された情報の性質ではありません。";
          return "";
        }
        ids.push_back(found);
      }
      return Join(ids, ",");
    }
    case ColType::kRole: {
      std::vector<std::string> names;
      for (const auto& r : pack_.roles) {
        if (r.fill.kind != "designated") continue;
        if (v == r.id || v == r.name || (!r.short_name.empty() && v == r.short_name)) return r.id;
        names.push_back(r.name);
      }
      error = "「" + v + "」は指名で充てる役割ではありません" +
              (names.empty() ? std::string("（このパックの本文には指名で充てる役割がありません）。") : "（指名で充てる役割: " + Join(names, "、") + "）。");
      return "";
    }
  }
  return v;
}

std::string Registry::Display(const Column& c, const std::string& stored) const {
  if (stored.empty()) return stored;
  switch (c.type) {
    case ColType::kBool:
      return stored == "true" ? "はい" : "いいえ";
    case ColType::kLevel:
      for (const auto& axis : pack_.classification.axes)
        for (const auto& l : axis.levels)
          if (axis.id == c.axis && l.id == stored) return l.name;
      return stored;
    case ColType::kZone:
      for (const auto& z : pack_.zones)
        if (z.id == stored) return z.name;
      return stored;
    case ColType::kFacets: {
      std::vector<std::string> names;
      for (const auto& id : SplitList(stored)) {
        std::string name = id;
        for (const auto& f : pack_.facets)
          if (f.id == id) name = f.name;
        names.push_back(name);
      }
      return Join(names, "、");
    }
    case ColType::kRefList:
      return Join(SplitList(stored), "、");
    case ColType::kRole:
      for (const auto& r : pack_.roles)
        if (r.id == stored) return r.name;
      return stored;
    default:
      return stored;
  }
}

namespace {
// Characters, as staff count them (and as Excel limits them), not bytes.
std::size_t Utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
}  // namespace

namespace {
bool HasKnownColumn(const Kind& kind, const std::vector<std::string>& row) {
  for (const auto& cell : row) {
    const std::string name = Trim(cell);
    for (const auto& c : kind.columns)
      if (!name.empty() && (name == c.ja || name == c.key)) return true;
  }
  return false;
}
}  // namespace

std::string FindHeader(const Kind& kind, Table& table) {
  if (HasKnownColumn(kind, table.header)) return "";
  const std::size_t limit = std::min(table.rows.size(), kHeaderSearchRows - 1);
  for (std::size_t r = 0; r < limit; ++r) {
    if (!HasKnownColumn(kind, table.rows[r])) continue;
    const bool lines = table.row_lines.size() == table.rows.size();
    const int first = table.header_line > 0 ? table.header_line : 1;
    const int at = lines ? table.row_lines[r] : first + static_cast<int>(r) + 1;
    table.header = std::move(table.rows[r]);
    table.rows.erase(table.rows.begin(), table.rows.begin() + static_cast<std::ptrdiff_t>(r) + 1);
    if (lines) table.row_lines.erase(table.row_lines.begin(), table.row_lines.begin() + static_cast<std::ptrdiff_t>(r) + 1);
    table.header_line = at;
    return std::to_string(at) + " 行目を見出しとして読みました（" +
           (at - 1 == first ? std::to_string(first) : std::to_string(first) + "〜" + std::to_string(at - 1)) +
           " 行目は表題・注記として読み飛ばしました）。";
  }
  return "";
}

ImportSummary Registry::Import(const Kind& kind, const Table& table, const ImportOptions& options) {
  ImportSummary sum;
  auto error = [&](int row, const std::string& column, const std::string& reason) {
    sum.errors.push_back({row, column, reason});
  };

  // 1. Headers: Japanese or English, each column once, required ones present.
  // A column the register does not have (備考, a town's own notes) is read
  // past with a notice: staff keep such columns, and refusing the file for
  // them would teach them to delete their notes.
  Table located;
  const Table* in = &table;
  if (!HasKnownColumn(kind, table.header)) {
    located = table;
    if (std::string n = FindHeader(kind, located); !n.empty()) sum.notices.push_back(n);
    in = &located;
  }
  const Table& t = *in;
  std::vector<int> column_of(t.header.size(), -1);
  std::vector<bool> seen(kind.columns.size(), false);
  std::vector<std::string> ignored;
  for (std::size_t h = 0; h < t.header.size(); ++h) {
    std::string name = Trim(t.header[h]);
    if (name.empty()) continue;
    for (std::size_t c = 0; c < kind.columns.size(); ++c) {
      if (name == kind.columns[c].ja || name == kind.columns[c].key) {
        if (seen[c]) error(t.header_line > 0 ? t.header_line : 1, name, "同じ列が2回あります。1つにまとめてください。");
        seen[c] = true;
        column_of[h] = static_cast<int>(c);
      }
    }
    if (column_of[h] < 0) ignored.push_back("「" + name + "」");
  }
  std::vector<std::string> names;
  for (const auto& col : kind.columns)
    if (!col.derived) names.push_back(col.ja);
  if (std::none_of(seen.begin(), seen.end(), [](bool b) { return b; })) {
    error(1, "（見出し）",
          "見出しの行が見つかりません。先頭の " + std::to_string(kHeaderSearchRows) + " 行のどれにも" + kind.ja +
              "の列名がありません（" + kind.ja + "の列: " + Join(names, "、") + "）。");
    return sum;
  }
  if (!ignored.empty())
    sum.notices.push_back("列" + Join(ignored, "") + "は" + kind.ja + "の台帳にない列のため、読み飛ばしました（" + kind.ja +
                          "の列: " + Join(names, "、") + "）。");
  for (std::size_t c = 0; c < kind.columns.size(); ++c)
    if (kind.columns[c].required && !seen[c]) error(t.header_line > 0 ? t.header_line : 1, kind.columns[c].ja, "必須の列がありません。");
  if (!sum.errors.empty()) return sum;

  // 2. Rows: every cell validated, every reference checked; errors collected.
  std::unordered_map<std::string, std::unordered_set<std::string>> ids;  // kind -> ids in the store
  auto known = [&](const std::string& k) -> const std::unordered_set<std::string>& {
    auto it = ids.find(k);
    if (it == ids.end()) {
      auto& set = ids[k];
      for (const auto& r : store_.List(k)) set.insert(r.id);
      return set;
    }
    return it->second;
  };
  std::unordered_map<std::string, int> in_file;  // id -> row number
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& cells = t.rows[r];
    std::string id = cells.empty() || column_of.empty() ? "" : Trim(cells[0]);
    for (std::size_t h = 0; h < cells.size() && h < column_of.size(); ++h)
      if (column_of[h] == 0) id = Trim(cells[h]);
    int row = r < t.row_lines.size() ? t.row_lines[r] : static_cast<int>(r) + 2;
    if (!id.empty()) {
      auto [it, fresh] = in_file.emplace(id, row);
      if (!fresh) error(row, kind.columns[0].ja, "「" + id + "」は " + std::to_string(it->second) + " 行目にもあります。");
    }
  }
  std::vector<std::pair<std::string, std::string>> parsed;  // (id, json)
  parsed.reserve(t.rows.size());
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& cells = t.rows[r];
    int row = r < t.row_lines.size() ? t.row_lines[r] : static_cast<int>(r) + 2;
    bool blank = true;
    for (const auto& c : cells) blank &= Trim(c).empty();
    if (blank) continue;
    if (cells.size() > t.header.size()) {
      for (std::size_t h = t.header.size(); h < cells.size(); ++h)
        if (!Trim(cells[h]).empty()) {
          error(row, "（" + std::to_string(h + 1) + "列目）", "見出しのない列に値があります。列がずれていないか確認してください。");
          break;
        }
    }
    Json obj = Json::object();
    std::string id;
    for (std::size_t h = 0; h < column_of.size(); ++h) {
      if (column_of[h] < 0) continue;
      const Column& col = kind.columns[column_of[h]];
      if (col.derived) continue;  // recomputed on export, whatever the file says
      std::string raw = h < cells.size() ? cells[h] : "";
      std::string why;
      // Bounded before anything else reads the value: an id becomes a key in
      // the store, the ledger and every message; a cell longer than Excel
      // holds could never be exported back to the workbook it came from.
      const std::size_t chars = Utf8Length(raw), limit = column_of[h] == 0 ? kMaxIdChars : kMaxCellChars;
      if (chars > limit) {
        error(row, col.ja, std::string(column_of[h] == 0 ? "ID" : "値") + "が長すぎます（" + std::to_string(chars) + " 文字、上限 " +
                               std::to_string(limit) + " 文字）。" + (column_of[h] == 0 ? "台帳の番号・コードを入れてください。" : "Excel の1つのセルに入る長さまでにしてください。"));
        continue;
      }
      std::string v = Normalize(col, raw, why);
      if (!why.empty()) {
        error(row, col.ja, why);
        continue;
      }
      if (v.empty()) {
        if (col.required) error(row, col.ja, "必須の項目が空です。");
        continue;
      }
      if (col.type == ColType::kRef || col.type == ColType::kRefList) {
        for (const auto& ref : SplitList(v)) {
          bool ok = known(col.ref_kind).count(ref) || (col.ref_kind == kind.id && in_file.count(ref)) ||
                    (options.incoming && options.incoming->count(col.ref_kind) &&
                     options.incoming->at(col.ref_kind).count(ref));
          if (!ok) {
            const Kind* target = FindKind(kinds_, col.ref_kind);
            error(row, col.ja,
                  "「" + ref + "」は" + (target ? target->ja : col.ref_kind) + "の台帳にありません。先に" +
                      (target ? target->ja : col.ref_kind) + "を取り込んでください。");
          }
        }
      }
      if (column_of[h] == 0) id = v;
      obj[col.key] = v;
    }
    if (kind.id == "designations" && obj.contains("role") && obj.contains("designated_by") && obj.contains("from")) {
      if (std::string why = DesignationProblem(obj["role"], obj["designated_by"], obj["from"]); !why.empty())
        error(row, "指名者", why);
    }
    if (!id.empty()) parsed.emplace_back(id, obj.dump());
  }
  if (!sum.errors.empty()) return sum;

  // 3. Apply, all in one transaction, through the store's one write path. The
  // rows are compared under the write lock: another writer that committed
  // while this file was being checked is seen, not overwritten unseen.
  std::optional<store::Transaction> tx;
  if (options.own_transaction && !options.dry_run) tx.emplace(store_);
  std::unordered_map<std::string, std::string> current;
  for (auto& r : store_.List(kind.id)) current.emplace(std::move(r.id), std::move(r.data));
  // Excel drops leading zeros when it re-saves a CSV (000001 -> 1): such a
  // file would add every person again under a new number. A new all-digit id
  // that is a registered one without its zeros is refused, with the fix.
  {
    auto digits = [](const std::string& v) {
      return !v.empty() && std::all_of(v.begin(), v.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
    };
    auto unzeroed = [](const std::string& v) {
      const std::size_t nz = v.find_first_not_of('0');
      return nz == std::string::npos ? std::string("0") : v.substr(nz);
    };
    std::unordered_map<std::string, std::string> zero_padded;  // "1" -> "000001"
    for (const auto& [id, data] : current)
      if (id.size() > 1 && id[0] == '0' && digits(id)) zero_padded.emplace(unzeroed(id), id);
    for (const auto& [id, data] : parsed) {
      if (zero_padded.empty() || current.count(id) || !digits(id)) continue;
      auto z = zero_padded.find(unzeroed(id));
      if (z == zero_padded.end() || z->second == id) continue;
      error(in_file.count(id) ? in_file[id] : 0, kind.columns[0].ja,
            "「" + id + "」は、登録済みの「" + z->second + "」の先頭の 0 が落ちたものに見えます（Excel で CSV を開いて保存すると 0 が消えます）。"
            "xlsx で書き出して編集するか、列の書式を文字列にして「" + z->second + "」と書いてください。");
    }
    if (!sum.errors.empty()) return sum;
  }
  std::vector<store::Change> changes;
  for (auto& [id, data] : parsed) {
    auto it = current.find(id);
    if (it == current.end()) {
      ++sum.added;
      if (options.dry_run || options.list_ids) sum.added_ids.push_back(id);
      changes.push_back({kind.id, id, std::nullopt, data});
    } else if (it->second == data) {
      ++sum.unchanged;
    } else {
      ++sum.changed;
      if (options.dry_run || options.list_ids) sum.changed_ids.push_back(id);
      changes.push_back({kind.id, id, it->second, data});
    }
  }
  if (options.replace) {
    // A file with no data rows would empty the register: never what was meant.
    if (parsed.empty()) {
      sum.errors.push_back({0, kind.columns[0].ja,
                            "E-REG-025: データ行がありません。--replace でこのファイルを取り込むと" + kind.ja +
                                "の台帳が空になるため、取り込みません（見出しだけのファイル、途中で切れたファイルでないか確かめてください）。"});
      return sum;
    }
    std::unordered_set<std::string> removing;
    for (const auto& [id, data] : current)
      if (!in_file.count(id)) removing.insert(id);
    // A row another register still refers to is not deleted (a 職の在任
    // naming a person who is gone would show a holder without a name).
    if (!removing.empty()) {
      for (const Kind& other : kinds_) {
        for (const Column& c : other.columns) {
          if (c.ref_kind != kind.id || (c.type != ColType::kRef && c.type != ColType::kRefList)) continue;
          for (const auto& row : store_.List(other.id)) {
            if (other.id == kind.id && removing.count(row.id)) continue;
            const std::string v = Field(Json::parse(row.data), c.key);
            for (const auto& ref : SplitList(v))
              if (removing.count(ref))
                sum.errors.push_back({0, kind.columns[0].ja,
                                      "E-REG-026: 「" + ref + "」は" + other.ja + "「" + row.id + "」の「" + c.ja +
                                          "」から参照されているため、削除できません。先にその行を直すか削除してください。"});
          }
        }
      }
      if (!sum.errors.empty()) return sum;
    }
    for (const auto& [id, data] : current) {
      if (!removing.count(id)) continue;
      ++sum.removed;
      if (options.dry_run || options.list_ids) sum.removed_ids.push_back(id);
      changes.push_back({kind.id, id, data, std::nullopt});
    }
  }
  if (options.dry_run || changes.empty()) return sum;
  // For the crash test only: stop mid-transaction so that a test can kill us.
  long stall_after = -1;
  std::string stall_file;
  if (const char* s = std::getenv("MAMORI_TEST_STALL_AFTER")) stall_after = std::atol(s);
  if (const char* f = std::getenv("MAMORI_TEST_STALL_FILE")) stall_file = f;
  const std::string at = options.at.empty() ? store::NowJst() : options.at;
  long applied = 0;
  for (const auto& c : changes) {
    store_.Apply(c, options.actor, at, options.command);
    if (++applied == stall_after) {
      std::ofstream(stall_file) << applied;
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
  if (tx) tx->Commit();
  return sum;
}

std::vector<SourceSummary> Registry::ImportAll(std::vector<SourceTable> tables, const ImportOptions& options) {
  std::vector<SourceSummary> out;
  auto order = [&](const Kind* k) {
    for (std::size_t i = 0; i < kinds_.size(); ++i)
      if (kinds_[i].id == k->id) return i;
    return kinds_.size();
  };
  std::stable_sort(tables.begin(), tables.end(),
                   [&](const SourceTable& a, const SourceTable& b) { return order(a.kind) < order(b.kind); });
  // Headers found first (title rows dropped), so that the ids each table
  // brings are read from the same rows the importer will read.
  std::vector<std::string> located(tables.size());
  for (std::size_t i = 0; i < tables.size(); ++i) located[i] = FindHeader(*tables[i].kind, tables[i].table);
  auto noted = [&](std::size_t i, ImportSummary s) {
    if (!located[i].empty()) s.notices.insert(s.notices.begin(), located[i]);
    return s;
  };
  // The ids each table brings, read from its id column as the importer will.
  std::unordered_map<std::string, std::unordered_set<std::string>> incoming;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const SourceTable& t = tables[i];
    if (i > 0 && tables[i - 1].kind->id == t.kind->id) {
      SourceSummary s{t.source, t.kind, {}};
      s.summary.errors.push_back({0, t.kind->ja, t.kind->ja + "の台帳が「" + tables[i - 1].source + "」と「" + t.source +
                                                     "」の2か所にあります。どちらか一方にまとめてください。"});
      out.push_back(std::move(s));
      continue;
    }
    const Column& id = t.kind->columns[0];
    for (std::size_t h = 0; h < t.table.header.size(); ++h) {
      const std::string name = Trim(t.table.header[h]);
      if (name != id.ja && name != id.key) continue;
      auto& set = incoming[t.kind->id];
      for (const auto& row : t.table.rows)
        if (h < row.size() && !Trim(row[h]).empty()) set.insert(Trim(row[h]));
    }
  }
  for (const auto& s : out)
    if (!s.summary.errors.empty()) return out;
  // One table tried alone needs no write: no lock, no key (a copy of the
  // store without its key can still be asked what a file would change).
  if (tables.size() == 1 && options.dry_run) {
    ImportOptions one = options;
    one.incoming = &incoming;
    out.push_back({tables[0].source, tables[0].kind, noted(0, Import(*tables[0].kind, tables[0].table, one))});
    return out;
  }
  // One transaction for all; a dry run is the real thing, rolled back, so
  // that a later table is checked against what the earlier ones would write.
  store::Transaction tx(store_);
  ImportOptions each = options;
  each.own_transaction = false;
  each.dry_run = false;
  each.list_ids = options.dry_run || options.list_ids;
  each.incoming = &incoming;
  bool failed = false;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const SourceTable& t = tables[i];
    SourceSummary s{t.source, t.kind, noted(i, Import(*t.kind, t.table, each))};
    failed |= !s.summary.errors.empty();
    out.push_back(std::move(s));
  }
  if (!failed && !options.dry_run) tx.Commit();
  return out;
}

Table Registry::Export(const Kind& kind, const AsOf& when, const std::unordered_set<std::string>* owner_units) {
  const std::optional<std::string>& as_of = when.recorded;
  Table t;
  for (const auto& c : kind.columns) {
    t.header.push_back(c.ja);
    t.date_columns.push_back(c.type == ColType::kDate);
  }
  // Levels of the assets a medium may hold, for its derived highest level.
  bool derived = false;
  for (const auto& c : kind.columns) derived |= c.derived;
  std::unordered_map<std::string, Json> assets;
  if (derived)
    for (const auto& a : store_.List("assets", as_of)) assets.emplace(a.id, Json::parse(a.data));
  auto rank = [&](const std::string& axis, const std::string& level) {
    for (const auto& ax : pack_.classification.axes)
      for (const auto& l : ax.levels)
        if (ax.id == axis && l.id == level) return l.rank;
    return -1;
  };
  int line = 1;
  for (const auto& row : store_.List(kind.id, as_of)) {
    Json obj = Json::parse(row.data);
    if (owner_units && !owner_units->count(Field(obj, "owner_unit"))) continue;
    if (when.in_effect && !kind.valid_from.empty() &&
        !store::InForce(Field(obj, kind.valid_from), Field(obj, kind.valid_to), *when.in_effect))
      continue;
    for (const auto& c : kind.columns) {
      if (!c.derived) continue;
      std::string best;
      for (const auto& id : SplitList(Field(obj, "contents"))) {
        auto it = assets.find(id);
        if (it == assets.end()) continue;
        std::string level = Field(it->second, c.axis);
        if (!level.empty() && (best.empty() || rank(c.axis, level) > rank(c.axis, best))) best = level;
      }
      if (!best.empty()) obj[c.key] = best;
    }
    std::vector<std::string> cells;
    for (const auto& c : kind.columns) cells.push_back(Display(c, Field(obj, c.key)));
    t.rows.push_back(std::move(cells));
    t.row_lines.push_back(++line);
  }
  return t;
}

WhoAnswer Registry::Who(const std::string& role, const std::string& unit, const std::string& system,
                        const std::string& date, const std::optional<std::string>& recorded) {
  const policy::Role* r = nullptr;
  for (const auto& x : pack_.roles)
    if (x.id == role || x.name == role || (!x.short_name.empty() && x.short_name == role)) r = &x;
  if (!r) {
    std::vector<std::string> names;
    for (const auto& x : pack_.roles) names.push_back(x.name);
    throw store::Error("E-REG-010", "役割「" + role + "」はパックにありません（パックの役割: " + Join(names, "、") + "）。");
  }
  WhoAnswer a;
  a.role_name = r->name;

  // Names of the holders only, looked up as they are met: a town of 100,000
  // people has a few hundred holders, and reading every 職員 row for each
  // question made `who --all-units`, the duties and the checks O(units x people).
  struct Names {
    store::Store& store;
    const std::optional<std::string>& recorded;
    std::unordered_map<std::string, std::string> seen;
    const std::string& operator[](const std::string& id) {
      auto it = seen.find(id);
      if (it != seen.end()) return it->second;
      const auto row = store.Get("people", id, recorded);
      return seen.emplace(id, row ? Field(Json::parse(*row), "name") : "").first->second;
    }
  } person_name{store_, recorded, {}};
  std::unordered_map<std::string, Json> posts;
  for (const auto& p : store_.List("posts", recorded)) posts[p.id] = Json::parse(p.data);
  auto holders_of = [&](const std::string& post_id) {
    std::vector<Holder> out;
    for (const auto& h : store_.List("post_holders", recorded)) {
      Json j = Json::parse(h.data);
      if (Field(j, "post") != post_id) continue;
      std::string from = Field(j, "from"), to = Field(j, "to");
      if (!store::InForce(from, to, date)) continue;
      Holder x;
      x.person_id = Field(j, "person");
      x.person_name = person_name[x.person_id];
      x.post_id = post_id;
      x.post_name = posts.count(post_id) ? Field(posts[post_id], "name") : post_id;
      x.from = from;
      x.to = to;
      x.acting = Field(j, "acting") == "true";
      out.push_back(std::move(x));
    }
    return out;
  };
  auto find_row = [&](const std::string& kind, const std::string& key) -> std::optional<std::pair<std::string, Json>> {
    for (const auto& row : store_.List(kind, recorded)) {
      Json j = Json::parse(row.data);
      if (row.id == key || Field(j, "name") == key) return std::make_pair(row.id, j);
    }
    return std::nullopt;
  };

  const policy::RoleFill& f = r->fill;
  if (f.kind == "post") {
    a.how = f.post + "をもって充てる";
    for (const auto& [id, p] : posts)
      if (Field(p, "name") == f.post) {
        auto h = holders_of(id);
        a.holders.insert(a.holders.end(), h.begin(), h.end());
      }
  } else if (f.kind == "unit_post") {
    std::string titles;
    for (const auto& t : f.titles) titles += (titles.empty() ? "" : "・") + t;
    a.how = "各" + f.unit_kind + "の" + titles;
    // A question that cannot be answered is an error, not an empty answer:
    // a script reading exit 0 would take it for 空席.
    if (unit.empty())
      throw store::Error("E-REG-015", r->name + "は組織ごとに充てられます。--unit で組織（例: 税務課）を指定してください。その組織か上位の組織の" +
                                          titles + "を答えます。");
    auto row = find_row("units", unit);
    if (!row) throw store::Error("E-REG-016", "「" + unit + "」は組織の台帳にありません（組織コードか名称で指定してください）。");
    // The unit, then the units above it: the 税務課 has no 次長, its 部 does.
    std::string at = row->first;
    for (int hops = 0; !at.empty() && hops < 16 && a.holders.empty(); ++hops) {
      for (const auto& [id, p] : posts) {
        if (Field(p, "unit") != at) continue;
        if (f.HasTitle(Field(p, "name"))) {
          auto h = holders_of(id);
          a.holders.insert(a.holders.end(), h.begin(), h.end());
        }
      }
      auto up = find_row("units", at);
      at = up ? Field(up->second, "parent") : "";
    }
    if (a.holders.empty()) a.note = "「" + unit + "」とその上位の組織に、" + date + " 時点で在任する" + titles + "がいません。";
    return a;
  } else if (f.kind == "unit_head" || f.kind == "system_admin") {
    const bool is_unit = f.kind == "unit_head";
    const std::string& key = is_unit ? unit : system;
    a.how = is_unit ? "各" + f.unit_kind + "の長" : "各情報システムの管理者";
    if (key.empty())
      throw store::Error("E-REG-015", r->name + (is_unit ? "は組織ごとに充てられます。--unit で組織（例: 税務課）を指定してください。"
                                                         : "は情報システムごとに充てられます。--system で情報システムを指定してください。"));
    auto row = find_row(is_unit ? "units" : "systems", key);
    if (!row)
      throw store::Error("E-REG-016", "「" + key + "」は" + (is_unit ? "組織" : "情報システム") + "の台帳にありません（コードか名称で指定してください）。");
    std::string post = Field(row->second, is_unit ? "head_post" : "admin_post");
    if (post.empty()) {
      a.note = "「" + key + "」の" + (is_unit ? "長の職" : "情報システム管理者の職") + "が台帳に登録されていません。";
      return a;
    }
    a.holders = holders_of(post);
  } else if (f.kind == "committee") {
    a.how = "合議体";
    for (const auto& c : store_.List("committees", recorded)) {
      Json cj = Json::parse(c.data);
      if (Field(cj, "role") != r->id && Field(cj, "name") != r->name) continue;
      for (const auto& m : store_.List("committee_members", recorded)) {
        Json j = Json::parse(m.data);
        if (Field(j, "committee") != c.id) continue;
        std::string from = Field(j, "from"), to = Field(j, "to");
        if (!store::InForce(from, to, date)) continue;
        Holder x;
        x.person_id = Field(j, "person");
        x.person_name = person_name[x.person_id];
        x.post_name = Field(j, "position");
        x.from = from;
        x.to = to;
        a.holders.push_back(std::move(x));
      }
    }
  } else if (f.kind == "designated") {
    const policy::Role* by = nullptr;
    for (const auto& x : pack_.roles)
      if (x.id == f.by) by = &x;
    a.how = (by ? by->name : f.by) + "による指名";
    for (const auto& d : store_.List("designations", recorded)) {
      Json j = Json::parse(d.data);
      if (Field(j, "role") != r->id) continue;
      std::string from = Field(j, "from"), to = Field(j, "to");
      if (!store::InForce(from, to, date)) continue;
      Holder x;
      x.person_id = Field(j, "person");
      x.person_name = person_name[x.person_id];
      const std::string designator = Field(j, "designated_by");
      x.post_name = "指名（" + designator + " " + person_name[designator] + "、" + d.id +
                    (Field(j, "cite").empty() ? "" : "、" + Field(j, "cite")) + "）";
      x.from = from;
      x.to = to;
      a.holders.push_back(std::move(x));
    }
    if (a.holders.empty())
      a.note = date + " 時点で有効な指名がありません。指名の台帳（mamori import 指名 …）に記録してください。";
  } else {
    a.how = f.kind == "external" ? "外部機関（" + f.body + "）" : "本文に定めなし";
    a.note = "この役割は台帳の職から決まりません（" + a.how + "）。";
    return a;
  }
  if (a.holders.empty() && a.note.empty()) a.note = date + " 時点で在任者がいません（空席）。";
  return a;
}

std::vector<Registry::HeldRole> Registry::RolesHeld(const std::string& person, const std::string& date) {
  std::vector<HeldRole> out;
  // Posts held that day (acting or not), and which posts anyone holds that
  // day (a unit with its own 次長 takes its own, not the 部's).
  std::unordered_map<std::string, bool> mine;  // post -> acting
  std::unordered_set<std::string> filled;
  for (const auto& h : store_.List("post_holders")) {
    Json j = Json::parse(h.data);
    if (!store::InForce(Field(j, "from"), Field(j, "to"), date)) continue;
    filled.insert(Field(j, "post"));
    if (Field(j, "person") == person) mine[Field(j, "post")] = mine[Field(j, "post")] || Field(j, "acting") == "true";
  }
  std::unordered_map<std::string, Json> posts;
  for (const auto& p : store_.List("posts")) posts[p.id] = Json::parse(p.data);
  std::unordered_map<std::string, std::vector<std::string>> children;
  std::vector<std::pair<std::string, std::string>> heads;  // unit, head post
  for (const auto& u : store_.List("units")) {
    Json j = Json::parse(u.data);
    children[Field(j, "parent")].push_back(u.id);
    heads.emplace_back(u.id, Field(j, "head_post"));
  }
  for (const auto& r : pack_.roles) {
    const policy::RoleFill& f = r.fill;
    if (f.kind == "post") {
      for (const auto& [post, acting] : mine)
        if (posts.count(post) && Field(posts[post], "name") == f.post) out.push_back({r.id, "", acting});
    } else if (f.kind == "unit_head") {
      for (const auto& [unit, post] : heads)
        if (auto it = mine.find(post); !post.empty() && it != mine.end()) out.push_back({r.id, unit, it->second});
    } else if (f.kind == "unit_post") {
      // Does `unit` have a titled post of its own that someone holds that day?
      auto own = [&](const std::string& unit) {
        for (const auto& [id, p] : posts)
          if (Field(p, "unit") == unit && f.HasTitle(Field(p, "name")) && filled.count(id)) return true;
        return false;
      };
      for (const auto& [post, acting] : mine) {
        if (!posts.count(post) || !f.HasTitle(Field(posts[post], "name"))) continue;
        std::vector<std::string> todo = {Field(posts[post], "unit")};
        for (int guard = 0; !todo.empty() && guard < 100000; ++guard) {
          const std::string u = todo.back();
          todo.pop_back();
          out.push_back({r.id, u, acting});
          for (const auto& c : children[u])
            if (!own(c)) todo.push_back(c);
        }
      }
    } else if (f.kind == "system_admin") {
      for (const auto& s : store_.List("systems"))
        if (auto it = mine.find(Field(Json::parse(s.data), "admin_post")); it != mine.end()) out.push_back({r.id, s.id, it->second});
    } else if (f.kind == "committee" || f.kind == "designated") {
      if (HoldsRole(person, r, date)) out.push_back({r.id, "", false});
    }
  }
  return out;
}

// A designated role is held through its designation rows only; that each row
// was made by a holder of the designating role was checked when it was
// recorded, so chains (the CISO designates the 監査統括責任者, who designates
// auditors) need no recursion here.
bool Registry::HoldsRole(const std::string& person, const policy::Role& role, const std::string& date) {
  auto holds_post = [&](const std::string& post_id) {
    for (const auto& h : store_.List("post_holders")) {
      Json j = Json::parse(h.data);
      if (Field(j, "post") != post_id || Field(j, "person") != person) continue;
      std::string from = Field(j, "from"), to = Field(j, "to");
      if (store::InForce(from, to, date)) return true;
    }
    return false;
  };
  const policy::RoleFill& f = role.fill;
  if (f.kind == "post") {
    for (const auto& p : store_.List("posts"))
      if (Field(Json::parse(p.data), "name") == f.post && holds_post(p.id)) return true;
  } else if (f.kind == "unit_post") {
    for (const auto& p : store_.List("posts"))
      if (f.HasTitle(Field(Json::parse(p.data), "name")) && holds_post(p.id)) return true;
  } else if (f.kind == "unit_head" || f.kind == "system_admin") {
    const bool unit = f.kind == "unit_head";
    for (const auto& row : store_.List(unit ? "units" : "systems")) {
      std::string post = Field(Json::parse(row.data), unit ? "head_post" : "admin_post");
      if (!post.empty() && holds_post(post)) return true;
    }
  } else if (f.kind == "committee") {
    for (const auto& c : store_.List("committees")) {
      Json cj = Json::parse(c.data);
      if (Field(cj, "role") != role.id && Field(cj, "name") != role.name) continue;
      for (const auto& m : store_.List("committee_members")) {
        Json j = Json::parse(m.data);
        if (Field(j, "committee") != c.id || Field(j, "person") != person) continue;
        std::string from = Field(j, "from"), to = Field(j, "to");
        if (store::InForce(from, to, date)) return true;
      }
    }
  } else if (f.kind == "designated") {
    for (const auto& d : store_.List("designations")) {
      Json j = Json::parse(d.data);
      if (Field(j, "role") != role.id || Field(j, "person") != person) continue;
      std::string from = Field(j, "from"), to = Field(j, "to");
      if (store::InForce(from, to, date)) return true;
    }
  }
  return false;
}

std::string Registry::DesignationProblem(const std::string& role_id, const std::string& by, const std::string& from) {
  const policy::Role* role = nullptr;
  for (const auto& r : pack_.roles)
    if (r.id == role_id) role = &r;
  if (!role) return "";  // reported on the 役割 column already
  const policy::Role* designating = nullptr;
  for (const auto& r : pack_.roles)
    if (r.id == role->fill.by) designating = &r;
  if (!designating)
    return role->name + "を指名する役割（" + role->fill.by + "）がパックにありません。パックを直してください。";
  if (HoldsRole(by, *designating, from)) return "";
  return "「" + by + "」は " + from + " に" + designating->name + "ではありません。" + role->name + "は" + designating->name +
         "が指名します（" + (role->cite.empty() ? std::string("パックの役割") : role->cite.front().ref) +
         "）。指名者か開始日を確かめてください（mamori who " + designating->name + " --as-of " + from + "）。";
}

}  // namespace mamori::registry
