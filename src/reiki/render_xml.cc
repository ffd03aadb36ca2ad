// e-Gov 法令標準XML (stdLaw.xsd, version 3.0) view of a Regulation.
//
// The output is written by a small hand-made writer instead of an XML library:
// we only ever emit, never read or edit, so a DOM buys nothing, and escaping
// five characters plus dropping the control characters XML 1.0 forbids is all
// the correctness we need. Keeping it dependency-free also keeps the module's
// link line unchanged.
//
// The schema was written for national laws, which are more regular than
// municipal 例規. Where the parsed tree has a shape the schema forbids (a 款
// directly under a 章, articles after a 章, loose paragraphs beside articles),
// we insert a wrapper with Hide="true" and Num="0" rather than drop or rename
// anything: validators accept it and a reader can tell the wrapper is ours.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reiki/reiki.h"

namespace mamori::reiki {
namespace {

// ---- writer ---------------------------------------------------------------

std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 has no way to carry other C0 controls, not even escaped.
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += ch;
    }
  }
  return out;
}

using Attrs = std::vector<std::pair<std::string, std::string>>;

class XmlWriter {
 public:
  XmlWriter() { out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }

  void Open(std::string_view name, const Attrs& attrs = {}) {
    Indent();
    out_ += '<';
    out_ += name;
    WriteAttrs(attrs);
    out_ += ">\n";
    open_.emplace_back(name);
  }
  void Close() {
    std::string name = std::move(open_.back());
    open_.pop_back();
    Indent();
    out_ += "</" + name + ">\n";
  }
  // An element holding only text (or nothing).
  void Text(std::string_view name, std::string_view text, const Attrs& attrs = {}) {
    Indent();
    out_ += '<';
    out_ += name;
    WriteAttrs(attrs);
    if (text.empty()) {
      out_ += "/>\n";
      return;
    }
    out_ += '>';
    out_ += Escape(text);
    out_ += "</";
    out_ += name;
    out_ += ">\n";
  }
  std::string Finish() { return std::move(out_); }

 private:
  void Indent() { out_.append(open_.size() * 2, ' '); }
  void WriteAttrs(const Attrs& attrs) {
    for (const auto& [k, v] : attrs) out_ += ' ' + k + "=\"" + Escape(v) + '"';
  }
  std::string out_;
  std::vector<std::string> open_;
};

// ---- text helpers ---------------------------------------------------------

std::vector<std::string> Blocks(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view b = text.substr(start, nl - start);
    if (!b.empty()) out.emplace_back(b);
    start = nl + 1;
  }
  return out;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string_view Trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    else if (StartsWith(s, "\u3000")) s.remove_prefix(3);
    else break;
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    else if (s.size() >= 3 && s.substr(s.size() - 3) == "\u3000") s.remove_suffix(3);
    else break;
  }
  return s;
}

int CodePoints(std::string_view s) {
  int n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// "第2章" + "総則" -> "第2章　総則", the way e-Gov writes unit titles.
std::string Label(std::string_view num_text, std::string_view title) {
  std::string out(Trim(num_text));
  std::string_view t = Trim(title);
  if (!out.empty() && !t.empty()) out += "\u3000";
  out += t;
  return out;
}

std::string NumAttr(const std::vector<int>& num, std::string_view fallback = "0") {
  if (num.empty()) return std::string(fallback);
  std::string out;
  for (std::size_t i = 0; i < num.size(); ++i) {
    if (i) out += '_';
    out += std::to_string(num[i]);
  }
  return out;
}

// ---- Law attributes ---------------------------------------------------------

struct EraYear {
  std::string era;
  int year = 0;
  std::size_t end = 0;  // byte offset just past 年
};

std::optional<EraYear> ReadEraYear(std::string_view s) {
  static const std::pair<std::string_view, std::string_view> kEras[] = {
      {"明治", "Meiji"}, {"大正", "Taisho"}, {"昭和", "Showa"}, {"平成", "Heisei"}, {"令和", "Reiwa"}};
  for (const auto& [jp, en] : kEras) {
    std::size_t at = s.find(jp);
    if (at == std::string_view::npos) continue;
    std::size_t from = at + jp.size();
    std::size_t nen = s.find("年", from);
    if (nen == std::string_view::npos) continue;
    std::string_view digits = Trim(s.substr(from, nen - from));
    std::optional<int> y = digits == "元" ? std::optional<int>(1) : ParseNumeral(digits);
    if (!y || *y <= 0) continue;
    return EraYear{std::string(en), *y, nen + 3};
  }
  return std::nullopt;
}

struct LawAttrs {
  std::string era = "Reiwa";
  int year = 1;
  int num = 1;
  std::string type = "Misc";
  int month = 0, day = 0;
};

std::string LawTypeOf(std::string_view kind) {
  if (kind.find("法律") != std::string_view::npos) return "Act";
  if (kind.find("政令") != std::string_view::npos) return "CabinetOrder";
  if (kind.find("勅令") != std::string_view::npos) return "ImperialOrder";
  if (kind.find("省令") != std::string_view::npos || kind.find("府令") != std::string_view::npos)
    return "MinisterialOrdinance";
  if (kind.find("規則") != std::string_view::npos) return "Rule";
  return "Misc";  // 条例, 訓令, 告示, 規程, 要綱 ... have no class of their own
}

void ReadMonthDay(std::string_view s, std::size_t from, LawAttrs& a) {
  std::size_t gatsu = s.find("月", from);
  if (gatsu == std::string_view::npos) return;
  std::size_t nichi = s.find("日", gatsu);
  if (nichi == std::string_view::npos) return;
  auto m = ParseNumeral(Trim(s.substr(from, gatsu - from)));
  auto d = ParseNumeral(Trim(s.substr(gatsu + 3, nichi - gatsu - 3)));
  if (m && d && *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31) {
    a.month = *m;
    a.day = *d;
  }
}

// The schema makes Era, Year, Num and LawType mandatory even though many 例規
// texts never state their own number. We read them from 法令番号 when given,
// else the era and year from the 公布 / 決定 date or the first 施行 date, and
// keep Num="1" as a placeholder; LawNum's text then stays empty so that nobody
// mistakes the placeholder for a real number.
LawAttrs ReadLawAttrs(const Regulation& reg) {
  LawAttrs a;
  bool have_year = false;
  if (auto ey = ReadEraYear(reg.law_num)) {
    a.era = ey->era;
    a.year = ey->year;
    have_year = true;
    std::string_view rest = std::string_view(reg.law_num).substr(ey->end);
    std::size_t dai = rest.rfind("第");
    std::size_t go = rest.rfind("号");
    if (dai != std::string_view::npos && go != std::string_view::npos && go > dai) {
      if (auto n = ParseNumeral(Trim(rest.substr(dai + 3, go - dai - 3))); n && *n > 0) a.num = *n;
      std::string_view kind = rest.substr(0, dai);
      // "令和8年4月1日訓令第1号": the kind follows the date when one is given.
      if (std::size_t hi = kind.find("日"); hi != std::string_view::npos) {
        ReadMonthDay(rest, 0, a);
        kind = kind.substr(hi + 3);
      }
      a.type = LawTypeOf(kind);
    }
  }
  const EraDate* date = reg.promulgated ? &*reg.promulgated
                        : reg.effective_dates.empty() ? nullptr
                                                      : &reg.effective_dates.front();
  if (date) {
    if (auto ey = ReadEraYear(date->text)) {
      if (!have_year) {
        a.era = ey->era;
        a.year = ey->year;
      }
      if (reg.promulgated && a.month == 0 && (!have_year || (a.era == ey->era && a.year == ey->year)))
        ReadMonthDay(date->text, ey->end, a);
    }
  }
  return a;
}

// ---- structure --------------------------------------------------------------

// 0 MainProvision, 1 編, 2 章, 3 節, 4 款, 5 目; -1 for everything else.
int UnitLevel(NodeKind k) {
  switch (k) {
    case NodeKind::kPart: return 1;
    case NodeKind::kChapter: return 2;
    case NodeKind::kSection: return 3;
    case NodeKind::kSubsection: return 4;
    case NodeKind::kDivision: return 5;
    default: return -1;
  }
}

constexpr std::string_view kUnitName[] = {"", "Part", "Chapter", "Section", "Subsection", "Division"};

using Nodes = std::vector<const Node*>;

class Renderer {
 public:
  explicit Renderer(const Regulation& reg) : reg_(reg) {}

  std::string Run() {
    LawAttrs a = ReadLawAttrs(reg_);
    Attrs law{{"Era", a.era}, {"Year", std::to_string(a.year)}, {"Num", std::to_string(a.num)}};
    if (a.month) {
      law.emplace_back("PromulgateMonth", std::to_string(a.month));
      law.emplace_back("PromulgateDay", std::to_string(a.day));
    }
    law.emplace_back("LawType", a.type);
    law.emplace_back("Lang", "ja");
    w_.Open("Law", law);
    w_.Text("LawNum", reg_.law_num);
    w_.Open("LawBody");
    w_.Text("LawTitle", reg_.title);

    Nodes preamble, body, after;
    const Node* toc = nullptr;
    for (const Node& c : reg_.root.children) {
      switch (c.kind) {
        case NodeKind::kPreamble: preamble.push_back(&c); break;
        case NodeKind::kToc: toc = &c; break;
        case NodeKind::kSupplProvision:
        case NodeKind::kAppendix: after.push_back(&c); break;
        default: body.push_back(&c);
      }
    }
    if (toc) Toc(*toc);
    Preamble(preamble);
    w_.Open("MainProvision");
    MainProvision(body);
    w_.Close();
    for (const Node* n : after) {
      if (n->kind == NodeKind::kSupplProvision) SupplProvision(*n);
      else Appendix(*n);
    }
    w_.Close();
    w_.Close();
    return w_.Finish();
  }

 private:
  // -- TOC --

  struct TocUnit {
    const Node* entry;
    int level;
    std::vector<TocUnit> kids;
  };

  void Toc(const Node& toc) {
    std::vector<TocUnit> top;
    std::vector<std::vector<TocUnit>*> stack;  // parallel to open levels
    std::vector<int> levels;
    const Node* suppl = nullptr;
    Nodes appendix_labels;
    for (const Node& e : toc.children) {
      if (e.kind != NodeKind::kTocEntry) continue;
      if (e.depth < 0 || e.num.empty()) {
        // Lines without a unit number: 附則 and 別表 have a TOC place; other
        // stray lines (notes, page numbers) have none and are left out.
        std::string_view t = e.title.empty() ? std::string_view(e.num_text) : std::string_view(e.title);
        if (t.find("附") != std::string_view::npos || t.find("付則") != std::string_view::npos) {
          if (!suppl) suppl = &e;
        } else if (StartsWith(Trim(t), "別表")) {
          appendix_labels.push_back(&e);
        }
        continue;
      }
      int level = e.depth + 1;
      while (!levels.empty() && levels.back() >= level) {
        levels.pop_back();
        stack.pop_back();
      }
      std::vector<TocUnit>& into = stack.empty() ? top : *stack.back();
      into.push_back(TocUnit{&e, level, {}});
      stack.push_back(&into.back().kids);
      levels.push_back(level);
    }
    if (top.empty()) return;  // the schema needs at least one unit entry
    w_.Open("TOC");
    w_.Text("TOCLabel", "目次");
    int top_level = 5;
    for (const TocUnit& u : top) top_level = std::min(top_level, u.level);
    for (const TocUnit& u : top) TocEntry(u, top_level);
    if (suppl) {
      w_.Open("TOCSupplProvision");
      w_.Text("SupplProvisionLabel", Trim(suppl->title.empty() ? suppl->num_text : suppl->title));
      w_.Close();
    }
    for (const Node* e : appendix_labels) w_.Text("TOCAppdxTableLabel", Label(e->num_text, e->title));
    w_.Close();
  }

  // The element follows the position in the tree, not the unit written, since
  // e.g. TOCChapter cannot hold TOCSubsection; the title still says 款.
  void TocEntry(const TocUnit& u, int as_level) {
    const std::string name(kUnitName[as_level]);
    w_.Open("TOC" + name, {{"Num", NumAttr(u.entry->num)}});
    w_.Text(name + "Title", Label(u.entry->num_text, u.entry->title));
    if (!u.entry->text.empty()) w_.Text("ArticleRange", "（" + u.entry->text + "）");
    if (as_level < 5) {
      for (const TocUnit& k : u.kids) TocEntry(k, as_level == 3 && k.level == 5 ? 5 : as_level + 1);
    }
    w_.Close();
    if (as_level == 5) {
      // TOCDivision holds nothing: deeper entries follow as siblings.
      for (const TocUnit& k : u.kids) TocEntry(k, 5);
    }
  }

  // -- Preamble --

  // The parser's preamble also holds the front matter (title, 法令番号, 改正
  // lines, 決定 date); those have their own places in the XML, so only the
  // remaining text becomes the Preamble.
  bool IsFrontMatter(std::string_view block) const {
    std::string_view b = Trim(block);
    if (StartsWith(b, "○")) b.remove_prefix(3);
    if (b.empty() || b == reg_.title || b == reg_.law_num || b == "改正") return true;
    for (const std::string& m : reg_.amendments)
      if (b == Trim(m)) return true;
    if (reg_.promulgated && StartsWith(b, reg_.promulgated->text) && CodePoints(b) < 40) return true;
    return false;
  }

  void Preamble(const Nodes& preambles) {
    struct Para {
      std::string text;
      Nodes tables;
    };
    std::vector<Para> paras;
    for (const Node* p : preambles) {
      std::vector<std::string> blocks = Blocks(p->text);
      // When each text block is one owned line, the line numbers tell where a
      // table sat between the blocks; otherwise tables follow the text.
      bool by_line = blocks.size() == p->raw_lines.size();
      std::size_t next_table = 0;
      auto place_tables_before = [&](int line) {
        for (; next_table < p->children.size(); ++next_table) {
          const Node& c = p->children[next_table];
          if (line && c.line_begin > line) break;
          if (paras.empty()) paras.push_back({"", {}});
          paras.back().tables.push_back(&c);
        }
      };
      for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (by_line) place_tables_before(p->raw_lines[i]);
        if (!IsFrontMatter(blocks[i])) paras.push_back({blocks[i], {}});
      }
      place_tables_before(0);
    }
    if (paras.empty()) return;
    w_.Open("Preamble");
    int n = 0;
    for (const Para& p : paras) Paragraph(++n, "", "", p.text, p.tables);
    w_.Close();
  }

  // -- MainProvision and units --

  static bool IsUnit(const Node* n) { return UnitLevel(n->kind) > 0; }

  void MainProvision(const Nodes& body) {
    int top = 6;
    for (const Node* n : body)
      if (IsUnit(n)) top = std::min(top, UnitLevel(n->kind));
    if (body.empty()) {
      EmptyParagraph();
      return;
    }
    if (top == 6) {
      bool all_paragraphs = true;
      for (const Node* n : body) all_paragraphs &= n->kind == NodeKind::kParagraph;
      if (all_paragraphs) {
        Paragraphs(body);  // a text without articles: MainProvision takes Paragraph+
      } else {
        ArticleRun(body);
      }
      return;
    }
    UnitRuns(body, top);
  }

  // Renders `nodes` as a sequence of level-`level` units: units at or above that
  // level become that element; anything else is gathered into a hidden wrapper.
  void UnitRuns(const Nodes& nodes, int level) {
    Nodes run;
    auto flush = [&] {
      if (run.empty()) return;
      Unit(nullptr, level, run);
      run.clear();
    };
    for (const Node* n : nodes) {
      if (IsUnit(n) && UnitLevel(n->kind) <= level) {
        flush();
        Nodes kids;
        for (const Node& c : n->children) kids.push_back(&c);
        Unit(n, level, kids);
      } else {
        run.push_back(n);
      }
    }
    flush();
  }

  // `unit` is null for a hidden wrapper.
  void Unit(const Node* unit, int level, const Nodes& contents) {
    const std::string name(kUnitName[level]);
    if (unit) {
      w_.Open(name, {{"Num", NumAttr(unit->num)}});
      w_.Text(name + "Title", Label(unit->num_text, unit->title));
    } else {
      w_.Open(name, {{"Num", "0"}, {"Hide", "true"}});
      w_.Text(name + "Title", "");
    }
    UnitBody(contents, level);
    w_.Close();
  }

  void UnitBody(const Nodes& contents, int level) {
    if (contents.empty()) {
      HiddenArticle({});  // e.g. a 章 marked 削除: the schema wants content
      return;
    }
    if (level == 5) {
      // 目 holds articles only; anything deeper is flattened into it.
      Nodes flat;
      Flatten(contents, flat);
      ArticleRun(flat);
      return;
    }
    std::size_t lead = 0;
    while (lead < contents.size() && !IsUnit(contents[lead])) ++lead;
    Nodes leading(contents.begin(), contents.begin() + lead);
    Nodes rest(contents.begin() + lead, contents.end());
    ArticleRun(leading);
    if (rest.empty()) return;
    int next = level + 1;
    if (level == 3 && leading.empty()) {
      // 節 may hold 目 directly, but only when it holds nothing else.
      bool all_divisions = true;
      for (const Node* n : rest) all_divisions &= n->kind == NodeKind::kDivision;
      if (all_divisions) next = 5;
    }
    UnitRuns(rest, next);
  }

  static void Flatten(const Nodes& nodes, Nodes& out) {
    for (const Node* n : nodes) {
      if (IsUnit(n)) {
        Nodes kids;
        for (const Node& c : n->children) kids.push_back(&c);
        Flatten(kids, out);
      } else {
        out.push_back(n);
      }
    }
  }

  // Articles stay articles; loose paragraphs, items or tables between them are
  // held by a hidden article, since units may only contain articles.
  void ArticleRun(const Nodes& nodes) {
    Nodes loose;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const Node* n = nodes[i];
      if (n->kind != NodeKind::kArticle) {
        loose.push_back(n);
        continue;
      }
      if (!loose.empty()) {
        HiddenArticle(loose);
        loose.clear();
      }
      const Node* next = i + 1 < nodes.size() ? nodes[i + 1] : nullptr;
      Article(*n, next);
    }
    if (!loose.empty()) HiddenArticle(loose);
  }

  void HiddenArticle(const Nodes& contents) {
    w_.Open("Article", {{"Num", "0"}, {"Hide", "true"}});
    w_.Text("ArticleTitle", "");
    if (contents.empty()) EmptyParagraph();
    else Paragraphs(contents);
    w_.Close();
  }

  void Article(const Node& a, const Node* next) {
    w_.Open("Article", {{"Num", NumAttr(a.num)}});
    // A caption that later articles inherit is a 共通見出し; the inheriting
    // articles carry none of their own, as in the printed text.
    if (!a.caption.empty() && !a.caption_inherited) {
      bool common = next && next->kind == NodeKind::kArticle && next->caption_inherited &&
                    next->caption == a.caption;
      Attrs attrs;
      if (common) attrs.emplace_back("CommonCaption", "true");
      w_.Text("ArticleCaption", "（" + a.caption + "）", attrs);
    }
    w_.Text("ArticleTitle", a.num_text);
    Nodes kids;
    for (const Node& c : a.children) kids.push_back(&c);
    if (!a.text.empty()) {
      // Text the parser left on the article itself reads as its first paragraph.
      Nodes lead;
      std::size_t i = 0;
      while (i < kids.size() && kids[i]->kind != NodeKind::kParagraph) lead.push_back(kids[i++]);
      Paragraph(1, "", "", a.text, lead);
      kids.erase(kids.begin(), kids.begin() + static_cast<std::ptrdiff_t>(i));
      Paragraphs(kids, 1);
    } else if (kids.empty()) {
      EmptyParagraph();
    } else {
      Paragraphs(kids);
    }
    w_.Close();
  }

  // -- paragraphs, items, sentences --

  // Paragraph nodes become Paragraph; runs of other nodes (items, tables, 号
  // without a 項) are held by an unnumbered paragraph, as the schema requires.
  void Paragraphs(const Nodes& nodes, int numbered = 0) {
    Nodes loose;
    auto flush = [&] {
      if (loose.empty()) return;
      ++numbered;
      Paragraph(numbered, "", "", "", loose);
      loose.clear();
    };
    for (const Node* n : nodes) {
      if (n->kind != NodeKind::kParagraph) {
        loose.push_back(n);
        continue;
      }
      flush();
      int num = !n->num.empty() && n->num.front() > 0 ? n->num.front() : numbered + 1;
      numbered = num;
      Nodes kids;
      for (const Node& c : n->children) kids.push_back(&c);
      Paragraph(num, n->num_text, n->caption, n->text, kids);
    }
    flush();
  }

  void EmptyParagraph() { Paragraph(1, "", "", "", {}); }

  void Paragraph(int num, std::string_view num_text, std::string_view caption, std::string_view text,
                 const Nodes& kids) {
    w_.Open("Paragraph", {{"Num", std::to_string(num)}});
    if (!caption.empty()) w_.Text("ParagraphCaption", "（" + std::string(caption) + "）");
    w_.Text("ParagraphNum", num_text);
    w_.Open("ParagraphSentence");
    Sentences(text);
    w_.Close();
    Nodes items, tables;
    for (const Node* k : kids) {
      if (k->kind != NodeKind::kTable) items.push_back(k);
      else if (k->table && !k->table->rows.empty()) tables.push_back(k);
    }
    // The schema allows tables either all before the items or all after them;
    // tables that really sit between items move to the end.
    bool tables_first = !tables.empty() && TablesLead(kids);
    if (tables_first) {
      for (const Node* t : tables) TableStruct(*t);
      for (const Node* i : items) ItemLike(*i, 0);
    } else {
      for (const Node* i : items) ItemLike(*i, 0);
      for (const Node* t : tables) TableStruct(*t);
    }
    w_.Close();
  }

  static bool TablesLead(const Nodes& kids) {
    bool seen_item = false;
    for (const Node* k : kids) {
      if (k->kind == NodeKind::kTable) {
        if (seen_item) return false;
      } else {
        seen_item = true;
      }
    }
    return true;
  }

  // level 0 is Item, level k is Subitem k. The level follows nesting, not
  // Node::depth, so that a イ directly under a 項 still lands where the schema
  // lets it (as an Item).
  void ItemLike(const Node& n, int level) {
    if (level > 10) {
      List(n);
      return;
    }
    const std::string name = level == 0 ? "Item" : "Subitem" + std::to_string(level);
    w_.Open(name, {{"Num", NumAttr(n.num, "1")}});
    if (!n.num_text.empty()) w_.Text(name + "Title", n.num_text);
    w_.Open(name + "Sentence");
    std::string text = n.text;
    if (n.kind != NodeKind::kItem && n.kind != NodeKind::kSubitem && !n.title.empty())
      text = n.title + (text.empty() ? "" : "\n" + text);
    ItemSentence(text);
    w_.Close();
    Nodes tables;
    for (const Node& c : n.children) {
      if (c.kind == NodeKind::kTable) {
        if (c.table && !c.table->rows.empty()) tables.push_back(&c);
      } else if (level == 10) {
        List(c);
      } else {
        ItemLike(c, level + 1);
      }
    }
    // Tables must follow the sub-items; lists from over-deep nesting sit
    // beside them, which the schema allows in any order.
    for (const Node* t : tables) TableStruct(*t);
    w_.Close();
  }

  // Beyond Subitem10 the schema has no numbered level; a List keeps the text.
  void List(const Node& n) {
    w_.Open("List");
    w_.Open("ListSentence");
    Sentences(Label(n.num_text, n.text));
    w_.Close();
    w_.Close();
    for (const Node& c : n.children) {
      if (c.kind == NodeKind::kTable) TableStruct(c);
      else List(c);
    }
  }

  // A 定義 item ("機密性 情報に…をいう。") is a term and its meaning, which
  // e-Gov writes as two Columns. Only a short, unpunctuated head before the
  // first space counts as a term, so ordinary sentences stay whole.
  void ItemSentence(std::string_view text) {
    std::vector<std::string> blocks = Blocks(text);
    if (blocks.size() == 1) {
      std::string_view b = blocks.front();
      std::size_t sp = b.find(' ');
      std::size_t wide = b.find("\u3000");
      std::size_t width = 1;
      if (wide != std::string_view::npos && (sp == std::string_view::npos || wide < sp)) {
        sp = wide;
        width = 3;
      }
      if (sp != std::string_view::npos && sp > 0) {
        std::string_view head = b.substr(0, sp);
        std::string_view tail = Trim(b.substr(sp + width));
        if (!tail.empty() && CodePoints(head) <= 40 && head.find("、") == std::string_view::npos &&
            head.find("。") == std::string_view::npos) {
          w_.Open("Column", {{"Num", "1"}});
          w_.Text("Sentence", head, {{"Num", "1"}});
          w_.Close();
          w_.Open("Column", {{"Num", "2"}});
          w_.Text("Sentence", tail, {{"Num", "1"}});
          w_.Close();
          return;
        }
      }
    }
    Sentences(text);
  }

  void Sentences(std::string_view text) {
    std::vector<std::string> blocks = Blocks(text);
    if (blocks.empty()) {
      w_.Text("Sentence", "");
      return;
    }
    if (blocks.size() == 1) {
      w_.Text("Sentence", blocks.front());
      return;
    }
    int n = 0;
    for (const std::string& b : blocks) w_.Text("Sentence", b, {{"Num", std::to_string(++n)}});
  }

  // -- tables --

  // Every row, the header included, is a TableRow: e-Gov data itself uses
  // TableHeaderRow almost never, and consumers read TableRow.
  void TableStruct(const Node& t) {
    if (!t.table || t.table->rows.empty()) return;
    w_.Open("TableStruct");
    w_.Open("Table");
    for (const auto& row : t.table->rows) {
      w_.Open("TableRow");
      if (row.empty()) {
        w_.Open("TableColumn");
        Sentences("");
        w_.Close();
      }
      for (const Cell& c : row) {
        w_.Open("TableColumn");
        Sentences(c.text);
        w_.Close();
      }
      w_.Close();
    }
    w_.Close();
    w_.Close();
  }

  // -- 附則 and 別表 --

  void SupplProvision(const Node& s) {
    Attrs attrs;
    std::string_view amend = Trim(s.title);
    // The label line may carry the amending number in parentheses.
    if (StartsWith(amend, "（") || StartsWith(amend, "(")) {
      amend.remove_prefix(StartsWith(amend, "（") ? 3 : 1);
      if (std::size_t close = amend.find("）"); close != std::string_view::npos) amend = amend.substr(0, close);
      else if (std::size_t c2 = amend.find(')'); c2 != std::string_view::npos) amend = amend.substr(0, c2);
    }
    if (!amend.empty()) attrs.emplace_back("AmendLawNum", std::string(amend));
    w_.Open("SupplProvision", attrs);
    // The amending number already sits in AmendLawNum; the label is 附則 alone.
    std::string_view label = Trim(s.num_text);
    for (std::string_view open : {"（", "("}) {
      std::size_t at = label.find(open);
      if (at != std::string_view::npos && !s.title.empty() &&
          label.find(s.title, at) != std::string_view::npos) {
        label = Trim(label.substr(0, at));
        break;
      }
    }
    w_.Text("SupplProvisionLabel", label);
    Nodes kids;
    for (const Node& c : s.children) kids.push_back(&c);
    std::size_t i = 0;
    int numbered = 0;
    if (!s.text.empty()) {
      Nodes lead;
      while (i < kids.size() && kids[i]->kind != NodeKind::kParagraph &&
             kids[i]->kind != NodeKind::kArticle && !IsUnit(kids[i]))
        lead.push_back(kids[i++]);
      Paragraph(++numbered, "", "", s.text, lead);
    } else if (kids.empty()) {
      EmptyParagraph();
    }
    // SupplProvision takes Chapter, Article and Paragraph in any mix.
    Nodes para_run;
    auto flush = [&] {
      if (para_run.empty()) return;
      Paragraphs(para_run, numbered);
      for (const Node* p : para_run)
        if (p->kind == NodeKind::kParagraph && !p->num.empty()) numbered = p->num.front();
      ++numbered;
      para_run.clear();
    };
    for (; i < kids.size(); ++i) {
      const Node* k = kids[i];
      if (k->kind == NodeKind::kArticle) {
        flush();
        Article(*k, i + 1 < kids.size() ? kids[i + 1] : nullptr);
      } else if (IsUnit(k)) {
        flush();
        Nodes inner;
        for (const Node& c : k->children) inner.push_back(&c);
        Unit(k, 2, inner);
      } else {
        para_run.push_back(k);
      }
    }
    flush();
    w_.Close();
  }

  void Appendix(const Node& a) {
    // "（第6関係） 情報セキュリティ委員会の組織": the related article goes to
    // RelatedArticleNum, the rest stays in the title.
    std::string title = a.title;
    std::string related;
    for (std::string_view open : {"（", "("}) {
      std::size_t at = title.find(open);
      if (at == std::string::npos) continue;
      std::string_view close = open == "（" ? "）" : ")";
      std::size_t end = title.find(close, at);
      if (end == std::string::npos) continue;
      std::string inner = title.substr(at, end + close.size() - at);
      if (inner.find("関係") == std::string::npos) continue;
      related = inner;
      title = std::string(Trim(title.substr(0, at))) + std::string(Trim(title.substr(end + close.size())));
      break;
    }
    bool style = StartsWith(Trim(a.num_text), "様式");
    const std::string name = style ? "AppdxStyle" : "AppdxTable";
    Attrs attrs;
    if (!a.num.empty() && a.num.front() > 0) attrs.emplace_back("Num", std::to_string(a.num.front()));
    w_.Open(name, attrs);
    w_.Text(name + "Title", Label(a.num_text, title));
    if (!related.empty()) w_.Text("RelatedArticleNum", related);
    if (style) {
      // A 様式 is a form, not a table; Style accepts any schema element.
      w_.Open("StyleStruct");
      w_.Open("Style");
      if (!a.text.empty()) Sentences(a.text);
      for (const Node& c : a.children) {
        if (c.kind == NodeKind::kTable) TableStruct(c);
        else Sentences(Label(c.num_text, c.text));
      }
      w_.Close();
      w_.Close();
      w_.Close();
      return;
    }
    std::vector<std::string> remarks = Blocks(a.text);
    for (const Node& c : a.children) {
      if (c.kind == NodeKind::kTable) {
        TableStruct(c);
      } else if (c.kind == NodeKind::kItem || c.kind == NodeKind::kSubitem) {
        ItemLike(c, 0);
      } else {
        // Free text has no place beside the tables except Remarks (at the end).
        for (const std::string& b : Blocks(Label(c.num_text, c.text))) remarks.push_back(b);
      }
    }
    if (!remarks.empty()) {
      w_.Open("Remarks");
      std::string_view first = remarks.front();
      if (StartsWith(first, "備考")) {
        w_.Text("RemarksLabel", "備考");
        std::string_view rest = Trim(first.substr(std::string_view("備考").size()));
        if (rest.empty()) remarks.erase(remarks.begin());
        else remarks.front() = std::string(rest);
        if (remarks.empty()) remarks.emplace_back();
      } else {
        w_.Text("RemarksLabel", "");
      }
      for (const std::string& r : remarks) w_.Text("Sentence", r);
      w_.Close();
    }
    w_.Close();
  }

  const Regulation& reg_;
  XmlWriter w_;
};

}  // namespace

std::string ToXml(const Regulation& reg) { return Renderer(reg).Run(); }

}  // namespace mamori::reiki
