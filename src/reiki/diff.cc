// 改正 diff: which articles, paragraphs, items and sub-items were added, removed
// or changed between two versions of a regulation.
//
// Nodes are matched by id. Ids depend only on the numbers written in the text,
// so the same clause keeps its id across versions; matching is done over the
// whole tree (not per parent) so that an article moved into a renumbered
// chapter is still recognised as the same article.
//
// Citations are computed here from the node's ancestors on purpose, so that the
// diff does not depend on cite.cc (which resolves references the other way).
#include <cstddef>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "reiki/reiki.h"

namespace mamori::reiki {
namespace {


// Kinds whose content is compared. The preamble (title, 制定文, 改正 history)
// and the 目次 are left out: a 改正 always rewrites the 改正 history lines and
// the 目次 only mirrors the body, so reporting them would be noise.
bool IsDiffable(NodeKind k) {
  switch (k) {
    case NodeKind::kArticle:
    case NodeKind::kParagraph:
    case NodeKind::kItem:
    case NodeKind::kSubitem:
    case NodeKind::kTable:
    case NodeKind::kSupplProvision:
    case NodeKind::kAppendix:
      return true;
    default:
      return IsHeadingKind(k);
  }
}

// "第" N suffix ("の" M)*: 第31条の2, 第3号の2, 第2章の2. The branch number
// follows the unit word.
std::string Numbered(const std::vector<int>& num, std::string_view suffix) {
  std::string s = "第" + std::to_string(num.at(0)) + std::string(suffix);
  for (std::size_t i = 1; i < num.size(); ++i) s += "の" + std::to_string(num[i]);
  return s;
}

std::string StripSpaces(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == ' ' || s[i] == '\t') {
      ++i;
    } else if (s.substr(i, 3) == "\xE3\x80\x80") {  // U+3000 ideographic space
      i += 3;
    } else {
      out += s[i++];
    }
  }
  return out;
}

std::string_view HeadingSuffix(NodeKind k) {
  switch (k) {
    case NodeKind::kPart: return "編";
    case NodeKind::kChapter: return "章";
    case NodeKind::kSection: return "節";
    case NodeKind::kSubsection: return "款";
    case NodeKind::kDivision: return "目";
    default: return "";
  }
}

std::string RowText(const std::vector<Cell>& row) {
  std::string s;
  for (std::size_t c = 0; c < row.size(); ++c) s += (c ? "\t" : "") + row[c].text;
  return s;
}

std::string TableText(const Table& t) {
  std::string s;
  for (std::size_t r = 0; r < t.rows.size(); ++r) s += (r ? "\n" : "") + RowText(t.rows[r]);
  return s;
}

// For a changed table, only the rows between the common leading and trailing
// rows are shown: one amended cell should not print the whole 別表 twice.
std::pair<std::string, std::string> TableChangedRows(const Table& a, const Table& b) {
  std::size_t head = 0;
  while (head < a.rows.size() && head < b.rows.size() &&
         RowText(a.rows[head]) == RowText(b.rows[head])) {
    ++head;
  }
  std::size_t tail = 0;
  while (tail < a.rows.size() - head && tail < b.rows.size() - head &&
         RowText(a.rows[a.rows.size() - 1 - tail]) == RowText(b.rows[b.rows.size() - 1 - tail])) {
    ++tail;
  }
  auto join = [](const Table& t, std::size_t from, std::size_t to) {
    std::string s;
    for (std::size_t r = from; r < to; ++r) s += (r > from ? "\n" : "") + RowText(t.rows[r]);
    return s;
  };
  return {join(a, head, a.rows.size() - tail), join(b, head, b.rows.size() - tail)};
}

// An article's caption only counts where it is written; an inherited one
// (法令の共通見出し) changes with its owner and would otherwise be reported twice.
std::string OwnCaption(const Node& n) { return n.caption_inherited ? "" : n.caption; }

// The content a node is compared on: its own text, not its children's, so that
// a change is reported at the finest level only.
std::string OwnContent(const Node& n) {
  switch (n.kind) {
    case NodeKind::kArticle: {
      std::string cap = OwnCaption(n);
      std::string s = cap.empty() ? "" : "（" + cap + "）";
      if (!n.text.empty()) s += (s.empty() ? "" : "\n") + n.text;
      return s;
    }
    case NodeKind::kTable:
      return n.table ? TableText(*n.table) : n.text;
    case NodeKind::kSupplProvision:
    case NodeKind::kAppendix: {
      std::string s = n.title;
      if (!n.text.empty()) s += (s.empty() ? "" : "\n") + n.text;
      return s;
    }
    default:
      if (IsHeadingKind(n.kind)) return n.title;
      return n.text;
  }
}

// One node with the chain of its ancestors (root first, node last).
struct Entry {
  const Node* node;
  std::vector<const Node*> path;
};

struct Index {
  std::vector<Entry> order;                      // diffable nodes, document order
  std::unordered_map<std::string, std::size_t> by_key;
  std::vector<std::string> keys;                 // parallel to order
  std::unordered_map<const Node*, std::size_t> pos;  // node -> index in order
};

// Flattens the diffable part of the tree in document order. Keys are ids; an id
// seen twice (a malformed text numbering two articles alike) gets "#n" so that
// the n-th occurrences are matched with each other instead of being lost.
Index BuildIndex(const Regulation& reg) {
  Index idx;
  std::map<std::string, int> seen;
  std::vector<const Node*> path;
  std::function<void(const Node&)> walk = [&](const Node& n) {
    if (n.kind == NodeKind::kPreamble || n.kind == NodeKind::kToc) return;
    path.push_back(&n);
    if (IsDiffable(n.kind)) {
      std::string key = n.id;
      if (key.empty()) {
        // Unnumbered nodes without an id: fall back to the parent's key and kind.
        key = (path.size() >= 2 ? path[path.size() - 2]->id : "") + "/" +
              std::string(KindName(n.kind));
      }
      int count = ++seen[key];
      if (count > 1) key += "#" + std::to_string(count);
      idx.by_key.emplace(key, idx.order.size());
      idx.keys.push_back(key);
      idx.pos.emplace(&n, idx.order.size());
      idx.order.push_back(Entry{&n, path});
    }
    for (const Node& c : n.children) walk(c);
    path.pop_back();
  };
  walk(reg.root);
  return idx;
}

int CountKind(const Node& n, NodeKind k) {
  int c = 0;
  for (const Node& ch : n.children) c += ch.kind == k;
  return c;
}

std::string ArticleCitation(const Node& a) {
  if (a.num.empty()) return StripSpaces(a.num_text.empty() ? a.id : a.num_text);
  // 花巻市 numbers its articles 第9 without 条; keep whichever form is written.
  bool jo = a.num_text.find("条") != std::string::npos || a.num_text.empty();
  return Numbered(a.num, jo ? "条" : "");
}

std::string SupplCitation(const Node& s) {
  // Amending 附則 are told apart by their 改正 label (令和2年3月31日訓令第3号).
  return s.title.empty() ? "附則" : "附則（" + s.title + "）";
}

// The conventional citation: 第27条第2項, 第2条第3号, 第9第3号イ, 附則第2項.
std::string CitationOf(const std::vector<const Node*>& path) {
  std::string cite;
  std::string headings;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const Node& n = *path[i];
    bool last = i + 1 == path.size();
    switch (n.kind) {
      case NodeKind::kPart:
      case NodeKind::kChapter:
      case NodeKind::kSection:
      case NodeKind::kSubsection:
      case NodeKind::kDivision:
        // Headings only name the node when the node is a heading itself;
        // articles are cited without their chapter.
        headings += n.num.empty() ? StripSpaces(n.num_text)
                                  : Numbered(n.num, HeadingSuffix(n.kind));
        if (last) cite = headings;
        break;
      case NodeKind::kSupplProvision:
        cite = SupplCitation(n);
        break;
      case NodeKind::kAppendix:
        cite = StripSpaces(n.num_text.empty() ? n.title : n.num_text);
        if (cite.empty()) cite = "別表";
        break;
      case NodeKind::kArticle:
        cite += ArticleCitation(n);
        break;
      case NodeKind::kParagraph: {
        // What lies under a single-paragraph article is cited without 第1項
        // (第2条第3号, 第19条の表). The paragraph itself keeps 第1項 so that it
        // is not confused with a change of the article's caption, which is
        // cited as the bare article.
        bool to_item = !last;
        const Node* parent = i ? path[i - 1] : nullptr;
        int paragraphs = parent ? CountKind(*parent, NodeKind::kParagraph) : 0;
        if (!(to_item && paragraphs == 1 && parent->kind == NodeKind::kArticle)) {
          cite += n.num.empty() ? std::string("第1項") : Numbered(n.num, "項");
        }
        break;
      }
      case NodeKind::kItem:
        cite += n.num.empty() ? StripSpaces(n.num_text) : Numbered(n.num, "号");
        break;
      case NodeKind::kSubitem:
        cite += StripSpaces(n.num_text);
        break;
      case NodeKind::kTable: {
        const Node* parent = i ? path[i - 1] : nullptr;
        if (parent && parent->kind == NodeKind::kAppendix &&
            CountKind(*parent, NodeKind::kTable) == 1) {
          break;  // the appendix is the table: 別表, not 別表の表
        }
        int tables = parent ? CountKind(*parent, NodeKind::kTable) : 1;
        cite += "の表";
        if (tables > 1 && !n.num.empty()) cite += std::to_string(n.num.back());
        else if (tables > 1) {
          int pos = 0;
          for (const Node& s : parent->children) {
            if (s.kind == NodeKind::kTable) ++pos;
            if (&s == &n) break;
          }
          cite += std::to_string(pos);
        }
        break;
      }
      default:
        break;
    }
  }
  if (cite.empty()) cite = path.empty() ? "" : path.back()->id;
  return cite;
}

// The text of a whole subtree, one labelled line per node, for added and
// removed nodes: the reader should see what came or went, not just the label.
void SubtreeLines(const Node& n, const Node* parent, std::vector<std::string>& out) {
  std::string label;
  switch (n.kind) {
    case NodeKind::kArticle: {
      std::string cap = OwnCaption(n);
      if (!cap.empty()) out.push_back("（" + cap + "）");
      if (!n.text.empty()) out.push_back(n.num_text + " " + n.text);
      break;
    }
    case NodeKind::kParagraph: {
      // The first paragraph carries the article's number as its label.
      bool first = n.num_text.empty() && parent && parent->kind == NodeKind::kArticle &&
                   parent->text.empty();
      label = first ? parent->num_text : n.num_text;
      out.push_back(label.empty() ? n.text : label + " " + n.text);
      break;
    }
    case NodeKind::kItem:
    case NodeKind::kSubitem:
      out.push_back(n.num_text.empty() ? n.text : n.num_text + " " + n.text);
      break;
    case NodeKind::kTable:
      if (n.table) {
        for (const auto& row : n.table->rows) out.push_back(RowText(row));
      }
      break;
    case NodeKind::kSupplProvision:
      // The written label varies (附 則, 付則 (…)); print the conventional one.
      out.push_back(SupplCitation(n));
      if (!n.text.empty()) out.push_back(n.text);
      break;
    default: {
      std::string head = StripSpaces(n.num_text);
      if (!n.title.empty()) head += (head.empty() ? "" : " ") + n.title;
      if (!head.empty()) out.push_back(head);
      if (!n.text.empty()) out.push_back(n.text);
      break;
    }
  }
  for (const Node& c : n.children) SubtreeLines(c, &n, out);
}

std::string SubtreeText(const Node& n, const Node* parent) {
  std::vector<std::string> lines;
  SubtreeLines(n, parent, lines);
  std::string s;
  for (std::size_t i = 0; i < lines.size(); ++i) s += (i ? "\n" : "") + lines[i];
  return s;
}

const Node* ParentOf(const Entry& e) {
  return e.path.size() >= 2 ? e.path[e.path.size() - 2] : nullptr;
}

// Is `key` inside the subtree of an entry already reported as added/removed?
// Clause ids nest ("a31_4.p2" under "a31_4"), so descendants are skipped by
// walking the path; headings do not suppress their children because articles
// are matched globally and may have moved into a new chapter.
bool UnderReported(const Entry& e, const Index& idx,
                   const std::vector<bool>& reported) {
  for (std::size_t i = 0; i + 1 < e.path.size(); ++i) {
    const Node* anc = e.path[i];
    if (IsHeadingKind(anc->kind)) continue;
    auto it = idx.pos.find(anc);
    if (it != idx.pos.end() && reported[it->second]) return true;
  }
  return false;
}

}  // namespace

std::vector<Change> Diff(const Regulation& old_reg, const Regulation& new_reg) {
  Index oi = BuildIndex(old_reg);
  Index ni = BuildIndex(new_reg);

  // Added / changed, keyed by position in the new document.
  std::vector<std::vector<Change>> at_new(ni.order.size());
  std::vector<bool> added(ni.order.size(), false);
  for (std::size_t i = 0; i < ni.order.size(); ++i) {
    const Entry& e = ni.order[i];
    auto it = oi.by_key.find(ni.keys[i]);
    if (it == oi.by_key.end()) {
      added[i] = true;
      if (!IsHeadingKind(e.node->kind) && UnderReported(e, ni, added)) continue;
      at_new[i].push_back(Change{ChangeKind::kAdded, e.node->kind, CitationOf(e.path), "",
                                 IsHeadingKind(e.node->kind) ? OwnContent(*e.node)
                                                         : SubtreeText(*e.node, ParentOf(e))});
      continue;
    }
    const Entry& o = oi.order[it->second];
    std::string before = OwnContent(*o.node), after = OwnContent(*e.node);
    if (before != after) {
      if (e.node->kind == NodeKind::kTable && o.node->table && e.node->table) {
        std::tie(before, after) = TableChangedRows(*o.node->table, *e.node->table);
      }
      at_new[i].push_back(
          Change{ChangeKind::kChanged, e.node->kind, CitationOf(e.path), before, after});
    }
  }

  // Removed nodes are placed after the nearest node before them (in the old
  // document) that still exists in the new one; -1 means before everything.
  std::map<long, std::vector<Change>> removed_after;
  std::vector<bool> removed(oi.order.size(), false);
  long anchor = -1;
  for (std::size_t i = 0; i < oi.order.size(); ++i) {
    const Entry& e = oi.order[i];
    auto it = ni.by_key.find(oi.keys[i]);
    if (it != ni.by_key.end()) {
      anchor = static_cast<long>(it->second);
      continue;
    }
    removed[i] = true;
    if (!IsHeadingKind(e.node->kind) && UnderReported(e, oi, removed)) continue;
    removed_after[anchor].push_back(Change{
        ChangeKind::kRemoved, e.node->kind, CitationOf(e.path),
        IsHeadingKind(e.node->kind) ? OwnContent(*e.node) : SubtreeText(*e.node, ParentOf(e)), ""});
  }

  std::vector<Change> out;
  auto flush_removed = [&](long pos) {
    auto it = removed_after.find(pos);
    if (it == removed_after.end()) return;
    for (auto& c : it->second) out.push_back(std::move(c));
  };
  flush_removed(-1);
  for (std::size_t i = 0; i < ni.order.size(); ++i) {
    for (auto& c : at_new[i]) out.push_back(std::move(c));
    flush_removed(static_cast<long>(i));
  }
  return out;
}

namespace {

// "  - 旧: " is 8 columns wide in a terminal; continuation lines line up under it.
void AppendBlock(std::string& out, std::string_view prefix, const std::string& text) {
  std::istringstream in(text);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    out += first ? std::string(prefix) : std::string("        ");
    out += line;
    out += '\n';
    first = false;
  }
  if (first) {  // empty text: still show that the side is empty
    out += std::string(prefix);
    out += '\n';
  }
}

std::string_view KindWord(ChangeKind k) {
  switch (k) {
    case ChangeKind::kAdded: return "added";
    case ChangeKind::kRemoved: return "removed";
    case ChangeKind::kChanged: return "changed";
  }
  return "changed";
}

}  // namespace

std::string DiffToText(const std::vector<Change>& changes) {
  if (changes.empty()) return "差分はありません。\n";
  std::string out;
  int added = 0, removed = 0, changed = 0;
  for (const Change& c : changes) {
    switch (c.kind) {
      case ChangeKind::kAdded:
        ++added;
        out += "追加 " + c.citation + "\n";
        AppendBlock(out, "  + 新: ", c.new_text);
        break;
      case ChangeKind::kRemoved:
        ++removed;
        out += "削除 " + c.citation + "\n";
        AppendBlock(out, "  - 旧: ", c.old_text);
        break;
      case ChangeKind::kChanged:
        ++changed;
        out += "変更 " + c.citation + "\n";
        AppendBlock(out, "  - 旧: ", c.old_text);
        AppendBlock(out, "  + 新: ", c.new_text);
        break;
    }
  }
  out += "追加 " + std::to_string(added) + " 件、削除 " + std::to_string(removed) +
         " 件、変更 " + std::to_string(changed) + " 件\n";
  return out;
}

std::string DiffToJson(const std::vector<Change>& changes) {
  // ordered_json keeps the documented field order for people reading the output.
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const Change& c : changes) {
    arr.push_back({{"kind", std::string(KindWord(c.kind))},
                   {"node_kind", std::string(KindName(c.node_kind))},
                   {"citation", c.citation},
                   {"old_text", c.old_text},
                   {"new_text", c.new_text}});
  }
  // Replace rather than throw on a stray invalid byte: a diff is still useful.
  return arr.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace mamori::reiki
