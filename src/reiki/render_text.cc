// Plain-text views of a Regulation: the full text with labels, the outline
// printed by the demo, and the counts the acceptance tests check.
#include <sstream>

#include "reiki/reiki.h"

namespace mamori::reiki {
namespace {


void Indent(std::string& out, int n) { out.append(static_cast<std::size_t>(n) * 2, ' '); }

void Render(const Node& n, bool faithful, int indent, std::string& out) {
  switch (n.kind) {
    case NodeKind::kRoot:
      break;
    case NodeKind::kPreamble:
      if (!n.text.empty()) out += n.text + "\n\n";
      break;
    case NodeKind::kToc:
      out += "目次\n";
      break;
    case NodeKind::kTocEntry:
      Indent(out, n.depth < 0 ? 0 : n.depth);
      out += n.num_text.empty() ? n.title : n.num_text + " " + n.title;
      if (!n.text.empty()) out += "（" + n.text + "）";
      out += "\n";
      break;
    case NodeKind::kArticle:
      out += "\n";
      if (!n.caption.empty() && (!n.caption_inherited || !faithful))
        out += (n.caption_raw.empty() ? "（" + n.caption + "）" : n.caption_raw) + "\n";
      break;
    case NodeKind::kParagraph: {
      const bool first = !n.num.empty() && n.num[0] == 1 && n.num_text.empty();
      out += first ? "" : n.num_text + " ";
      out += n.text + "\n";
      break;
    }
    case NodeKind::kItem:
    case NodeKind::kSubitem:
      Indent(out, indent);
      out += n.num_text + " " + n.text + "\n";
      break;
    case NodeKind::kTable:
      // Faithful output keeps rows as written: a row a page break split is
      // joined in the cells, which would reorder the input's characters.
      if (faithful) {
        out += n.raw + "\n";
        break;
      }
      for (const auto& row : n.table->rows) {
        Indent(out, indent);
        for (std::size_t k = 0; k < row.size(); ++k) {
          if (k) out += '\t';
          std::string cell = row[k].text;
          for (char& c : cell) if (c == '\n') c = ' ';
          out += cell;
        }
        out += "\n";
      }
      break;
    case NodeKind::kSupplProvision:
    case NodeKind::kAppendix:
      out += "\n" + n.num_text + (n.kind == NodeKind::kAppendix ? n.title : "") + "\n";
      if (!n.text.empty()) out += n.text + "\n";
      break;
    default:
      if (IsHeadingKind(n.kind)) out += "\n" + n.num_text + " " + n.title + "\n";
      if (!n.text.empty()) out += n.text + "\n";
      break;
  }
  int child_indent = (n.kind == NodeKind::kItem || n.kind == NodeKind::kSubitem) ? indent + 1 : indent;
  if (n.kind == NodeKind::kParagraph) child_indent = 1;
  for (std::size_t k = 0; k < n.children.size(); ++k) {
    const Node& c = n.children[k];
    // The article line carries the label and the first paragraph together.
    if (n.kind == NodeKind::kArticle && k == 0 && c.kind == NodeKind::kParagraph) {
      out += n.num_text + " ";
      std::string body;
      Render(c, faithful, child_indent, body);
      out += body;
      continue;
    }
    Render(c, faithful, child_indent, out);
  }
}

void Tally(const Node& n, Counts& c) {
  switch (n.kind) {
    case NodeKind::kPart: ++c.parts; break;
    case NodeKind::kChapter: ++c.chapters; break;
    case NodeKind::kSection: ++c.sections; break;
    case NodeKind::kSubsection: ++c.subsections; break;
    case NodeKind::kArticle:
      ++c.articles;
      if (n.num.size() > 1) ++c.branch_articles;
      if (!n.caption.empty()) ++c.captions;
      if (n.caption_inherited) ++c.inherited_captions;
      break;
    case NodeKind::kParagraph: ++c.paragraphs; break;
    case NodeKind::kItem: ++c.items; break;
    case NodeKind::kSubitem: ++c.subitems; break;
    case NodeKind::kTable:
      ++c.tables;
      c.table_rows += static_cast<int>(n.table->rows.size()) - (n.table->has_header ? 1 : 0);
      break;
    case NodeKind::kSupplProvision: ++c.suppl_provisions; break;
    case NodeKind::kAppendix: ++c.appendices; break;
    default: break;
  }
  // The 目次 is not the body, and 附則 articles are numbered apart from the
  // main provision: counts are of the 本則, as a 例規 index would give them.
  if (n.kind == NodeKind::kToc || n.kind == NodeKind::kSupplProvision) return;
  for (const Node& ch : n.children) Tally(ch, c);
}

void OutlineOf(const Node& n, int depth, std::string& out) {
  // Articles outside any heading (texts without 章) are summarised as one run.
  std::vector<const Node*> loose;
  for (const Node& c : n.children)
    if (c.kind == NodeKind::kArticle) loose.push_back(&c);
  if (!loose.empty() && (n.kind == NodeKind::kRoot || n.kind == NodeKind::kSupplProvision)) {
    Indent(out, depth);
    out += n.kind == NodeKind::kRoot ? "本則 " : "";
    out += loose.front()->num_text;
    if (loose.size() > 1) out += "—" + loose.back()->num_text;
    out += "（" + std::to_string(loose.size()) + "条）\n";
  }
  for (const Node& c : n.children) {
    if (IsHeadingKind(c.kind)) {
      int count = 0;
      std::string first_label, last_label;
      std::vector<const Node*> stack{&c};
      while (!stack.empty()) {
        const Node* x = stack.back();
        stack.pop_back();
        if (x->kind == NodeKind::kArticle) {
          if (!count++) first_label = x->num_text;
          last_label = x->num_text;
          continue;
        }
        for (auto it = x->children.rbegin(); it != x->children.rend(); ++it) stack.push_back(&*it);
      }
      Indent(out, depth);
      out += c.num_text + " " + c.title;
      if (count) out += "（" + first_label + (count > 1 ? "—" + last_label : "") + "、" + std::to_string(count) + "条）";
      out += "\n";
      OutlineOf(c, depth + 1, out);
    } else if (c.kind == NodeKind::kSupplProvision) {
      Indent(out, depth);
      out += c.num_text;
      // A 附則 without an amendment label is known by its first sentence
      // (この基準は、平成14年12月27日から施行する。).
      if (c.title.empty() && !c.text.empty()) out += " " + c.text.substr(0, c.text.find('\n'));
      out += "\n";
      OutlineOf(c, depth + 1, out);
    } else if (c.kind == NodeKind::kAppendix) {
      Indent(out, depth);
      out += c.num_text + c.title + "\n";
    }
  }
}

}  // namespace

bool IsHeadingKind(NodeKind k) {
  return k == NodeKind::kPart || k == NodeKind::kChapter || k == NodeKind::kSection ||
         k == NodeKind::kSubsection || k == NodeKind::kDivision;
}

std::string_view KindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kRoot: return "root";
    case NodeKind::kPreamble: return "preamble";
    case NodeKind::kToc: return "toc";
    case NodeKind::kTocEntry: return "toc_entry";
    case NodeKind::kPart: return "part";
    case NodeKind::kChapter: return "chapter";
    case NodeKind::kSection: return "section";
    case NodeKind::kSubsection: return "subsection";
    case NodeKind::kDivision: return "division";
    case NodeKind::kArticle: return "article";
    case NodeKind::kParagraph: return "paragraph";
    case NodeKind::kItem: return "item";
    case NodeKind::kSubitem: return "subitem";
    case NodeKind::kTable: return "table";
    case NodeKind::kSupplProvision: return "suppl_provision";
    case NodeKind::kAppendix: return "appendix";
  }
  return "unknown";
}

std::string ToText(const Regulation& reg, bool faithful) {
  std::string out;
  Render(reg.root, faithful, 0, out);
  return out;
}

Counts Count(const Regulation& reg) {
  Counts c;
  Tally(reg.root, c);
  return c;
}

std::string Outline(const Regulation& reg) {
  std::string out = reg.title.empty() ? "（題名なし）\n" : reg.title + "\n";
  if (!reg.law_num.empty()) out += "  " + reg.law_num + "\n";
  OutlineOf(reg.root, 1, out);
  Counts c = Count(reg);
  std::ostringstream s;
  s << "  件数: ";
  if (c.parts) s << c.parts << "編 ";
  if (c.chapters) s << c.chapters << "章 ";
  if (c.sections) s << c.sections << "節 ";
  if (c.subsections) s << c.subsections << "款 ";
  s << c.articles << "条";
  if (c.branch_articles) s << "（うち枝番 " << c.branch_articles << "）";
  s << " " << c.paragraphs << "項 " << c.items << "号 " << c.subitems << "細目";
  if (c.tables) s << " 表" << c.tables << "（" << c.table_rows << "行）";
  if (c.suppl_provisions) s << " 附則" << c.suppl_provisions;
  if (c.appendices) s << " 別表" << c.appendices;
  s << "\n";
  int toc_ok = 0;
  for (const auto& t : reg.toc_checks) toc_ok += t.ok;
  if (!reg.toc_checks.empty())
    s << "  目次照合: " << toc_ok << "/" << reg.toc_checks.size() << " 件一致\n";
  return out + s.str();
}

}  // namespace mamori::reiki
