// The tree builder: classified lines -> Regulation.
//
// It is a single pass with a small amount of context:
//  * a stack of open headings (編 > 章 > 節 > 款 > 目), popped by rank;
//  * the open article, its paragraph, and a stack of list levels inside that
//    paragraph (号, then sub-items of any depth), each with its series and the
//    last number seen. A label is a new unit only if it continues a level's
//    numbering or starts a new series; anything else is wrapped text.
//  * the node that receives continuation text (the deepest open unit).
// Every non-blank line is appended to exactly one node's raw_lines.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "reiki/lines.h"
#include "reiki/reiki.h"
#include "reiki/utf8.h"

namespace mamori::reiki {
namespace {

bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

std::string NumId(const std::vector<int>& num) {
  std::string id;
  for (std::size_t k = 0; k < num.size(); ++k) {
    if (k) id += '_';
    id += std::to_string(num[k]);
  }
  return id;
}

// 和暦 -> ISO date. 元年 is year 1.
std::optional<EraDate> FindEraDate(std::string_view s) {
  static const struct { const char* name; int offset; } kEras[] = {
      {"令和", 2018}, {"平成", 1988}, {"昭和", 1925}, {"大正", 1911}, {"明治", 1867}};
  for (const auto& era : kEras) {
    std::size_t at = s.find(era.name);
    if (at == std::string_view::npos) continue;
    std::string folded = utf8::FoldWidth(s.substr(at + 6));
    std::size_t i = 0;
    // A number followed by its unit (年, 月, 日); 0 when absent or longer than
    // four digits, which no era date has (and which would overflow int).
    auto number_then = [&](const char* unit) {
      int v = 0, digits = 0;
      while (i < folded.size() && std::isdigit(static_cast<unsigned char>(folded[i]))) {
        if (++digits > 4) return 0;
        v = v * 10 + (folded[i++] - '0');
      }
      if (folded.compare(i, 3, unit) != 0) return 0;
      i += 3;
      return v;
    };
    int year = 0;
    if (folded.compare(0, 3, "元") == 0) {
      i = 3;
      year = folded.compare(i, 3, "年") == 0 ? (i += 3, 1) : 0;
    } else {
      year = number_then("年");
    }
    if (!year) continue;
    int month = number_then("月");
    if (!month) continue;
    int day = number_then("日");
    if (!day) continue;
    EraDate d;
    d.text = std::string(era.name) + folded.substr(0, i);
    char buf[32];
    if (month <= 12 && day <= 31) {
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", era.offset + year, month, day);
      d.iso = buf;
    }
    return d;
  }
  return std::nullopt;
}

// A 例規 number: 令和8年訓令第1号, 平成10年3月31日訓令7号, 昭和25年法律第261号.
bool IsLawNumLine(std::string_view s) {
  static const char* kTypes[] = {"訓令", "条例", "規則", "告示", "規程", "要綱", "法律", "政令", "省令", "訓"};
  if (!EndsWith(s, "号") || s.find("。") != std::string_view::npos) return false;
  bool era = s.find("令和") == 0 || s.find("平成") == 0 || s.find("昭和") == 0 ||
             s.find("大正") == 0 || s.find("明治") == 0;
  if (!era) return false;
  for (const char* t : kTypes)
    if (s.find(t) != std::string_view::npos) return true;
  return false;
}

struct Level {
  Series series;
  bool iroha = false;
  int last = 0;
  Node* node = nullptr;
};

class Builder {
 public:
  Builder(std::vector<Line> lines, Regulation& reg) : lines_(std::move(lines)), reg_(reg) {}

  void Run();

 private:
  // Helpers to open nodes.
  // Appending may move the parent's earlier children (vector growth), so no
  // pointer to a sibling of the new node may be used afterwards: every caller
  // either drops such pointers first or only holds pointers deeper down, which
  // survive because moving a Node keeps its children's storage.
  Node& AddChild(Node& parent, NodeKind kind, std::string id) {
    parent.children.emplace_back();
    Node& n = parent.children.back();
    n.kind = kind;
    n.id = std::move(id);
    return n;
  }
  void Own(Node& node, const Line& line) {
    node.raw_lines.push_back(line.no);
    if (!node.raw.empty()) node.raw += '\n';
    node.raw += line.raw;
  }
  // Appends sentence text to `node`, deciding how it joins what is there.
  void AppendText(Node& node, const std::string& text);

  void FrontMatter(std::size_t& i);
  void Toc(std::size_t& i);
  void Body(std::size_t& i);

  void OpenHeading(const Line& line);
  void OpenArticle(const Line& line);
  bool TryParagraph(const Line& line);
  bool TryLabel(const Line& line);
  void AddTableRow(const Line& line, bool after_blank);
  void CloseArticle();
  Node& Container();  // where new articles, 附則 and 別表 go
  Node& Receiver();   // the deepest open node: receives text and tables
  bool NextIsArticle(std::size_t i) const;
  bool TakeFusedCaption(const std::string& label, std::string& caption, std::string& caption_raw);

  std::vector<Line> lines_;
  Regulation& reg_;

  std::vector<std::pair<int, Node*>> headings_;  // (rank, node)
  Node* suppl_ = nullptr;                        // open 附則
  Node* appendix_ = nullptr;                     // open 別表
  Node* article_ = nullptr;
  Node* paragraph_ = nullptr;
  std::vector<Level> levels_;
  Node* table_ = nullptr;
  Node* text_sink_ = nullptr;  // last node that took text (for wrapped lines)
  int last_line_was_table_ = 0;
  const Line* pending_caption_ = nullptr;
  std::string last_caption_;
  bool last_caption_set_ = false;
  int suppl_count_ = 0, appendix_count_ = 0;
  std::map<std::string, int> id_uses_;
};

bool Builder::NextIsArticle(std::size_t i) const {
  for (std::size_t k = i + 1; k < lines_.size(); ++k) {
    if (lines_[k].kind == LineKind::kBlank) continue;
    return lines_[k].kind == LineKind::kArticle;
  }
  return false;
}

Node& Builder::Container() {
  if (suppl_) return *suppl_;
  if (!headings_.empty()) return *headings_.back().second;
  return reg_.root;
}

Node& Builder::Receiver() {
  if (!levels_.empty()) return *levels_.back().node;
  if (paragraph_) return *paragraph_;
  if (article_) return *article_;
  if (appendix_) return *appendix_;
  return Container();
}

void Builder::AppendText(Node& node, const std::string& text) {
  if (node.text.empty()) {
    node.text = text;
    return;
  }
  // A sentence that ended starts a new block; so does the body that follows a
  // label standing alone on its line ("(8) 業務委託と外部サービスの利用").
  std::string_view prev = node.text;
  std::size_t nl = prev.rfind('\n');
  std::string_view last_block = nl == std::string_view::npos ? prev : prev.substr(nl + 1);
  bool label_alone = (node.kind == NodeKind::kItem || node.kind == NodeKind::kSubitem) &&
                     nl == std::string_view::npos && node.raw_lines.size() == 1 &&
                     utf8::Length(last_block) <= 24 &&
                     last_block.find("、") == std::string_view::npos &&
                     last_block.find("。") == std::string_view::npos;
  bool sentence_end = EndsWith(prev, "。") || EndsWith(prev, "：") || EndsWith(prev, ":");
  if (label_alone || sentence_end) {
    node.text += '\n';
  }
  node.text += text;
}

void Builder::FrontMatter(std::size_t& i) {
  Node* preamble = nullptr;
  bool amendments = false;
  int blocks = 0;
  auto ensure_preamble = [&] {
    if (preamble) return;
    ++blocks;
    preamble = &AddChild(reg_.root, NodeKind::kPreamble,
                         blocks == 1 ? "preamble" : "preamble" + std::to_string(blocks));
  };

  std::string first_title;
  for (; i < lines_.size(); ++i) {
    const Line& l = lines_[i];
    switch (l.kind) {
      case LineKind::kBlank:
        continue;
      case LineKind::kTocStart:
      case LineKind::kHeading:
      case LineKind::kArticle:
        if (reg_.title.empty()) reg_.title = first_title;
        return;
      case LineKind::kCaption:
        if (NextIsArticle(i)) {
          if (reg_.title.empty()) reg_.title = first_title;
          return;
        }
        break;
      default:
        break;
    }
    if (l.kind == LineKind::kTableRow || l.kind == LineKind::kTableRule) {
      // Tables of the front matter (置賜's 構成 table) are kept under the preamble.
      ensure_preamble();
      appendix_ = preamble;
      bool was_table = last_line_was_table_;
      if (!was_table) table_ = nullptr;
      last_line_was_table_ = 1;
      AddTableRow(l, i > 0 && lines_[i - 1].kind == LineKind::kBlank);
      appendix_ = nullptr;
      continue;
    }
    // Text after a front-matter table opens a new preamble block, so that the
    // document order of text and tables survives.
    if (preamble && !preamble->children.empty() && last_line_was_table_) preamble = nullptr;
    last_line_was_table_ = 0;
    ensure_preamble();
    Own(*preamble, l);
    table_ = nullptr;
    std::string_view body = utf8::TrimSpaces(l.body);
    std::string repaired = RepairText(body);
    if (body == "改正") { amendments = true; }
    else if (amendments && IsLawNumLine(body)) { reg_.amendments.push_back(std::string(body)); }
    else if (IsLawNumLine(body) && reg_.law_num.empty()) { reg_.law_num = std::string(body); }
    else if (body.find("改正") != std::string_view::npos && FindEraDate(body)) {
      reg_.amendments.push_back(std::string(body));
    } else if (FindEraDate(body) && utf8::Length(body) < 40 && !reg_.promulgated &&
               body.find("。") == std::string_view::npos) {
      reg_.promulgated = FindEraDate(body);
    } else if (body.rfind("○", 0) == 0) {
      reg_.title = std::string(body.substr(3));  // ○ marks the regulation's own title
    } else if (first_title.empty() && body.find("。") == std::string_view::npos) {
      first_title = repaired;
    }
    preamble->text += (preamble->text.empty() ? "" : "\n") + repaired;
  }
  if (reg_.title.empty()) reg_.title = first_title;
}

void Builder::Toc(std::size_t& i) {
  Node& toc = AddChild(reg_.root, NodeKind::kToc, "toc");
  Own(toc, lines_[i]);
  ++i;
  const Line* first = nullptr;
  int entry = 0;
  for (; i < lines_.size(); ++i) {
    const Line& l = lines_[i];
    if (l.kind == LineKind::kBlank) continue;
    if (l.kind == LineKind::kArticle || l.kind == LineKind::kCaption) return;
    if (l.kind == LineKind::kHeading) {
      if (first && first->rank == l.rank && first->num == l.num && l.range.empty() &&
          entry > 1) {
        return;  // the body begins where the 目次's first entry comes round again
      }
      if (!first) first = &l;
    }
    Node& e = AddChild(toc, NodeKind::kTocEntry, "toc.e" + std::to_string(++entry));
    Own(e, l);
    if (l.kind == LineKind::kHeading) {
      e.num_text = l.num_text;
      e.num = l.num;
    }
    e.depth = l.kind == LineKind::kHeading ? l.rank : -1;
    e.title = l.kind == LineKind::kHeading ? l.rest : std::string(utf8::TrimSpaces(l.body));
    e.text = l.range;  // the article range the 目次 gives, if any
  }
}

void Builder::CloseArticle() {
  article_ = nullptr;
  paragraph_ = nullptr;
  levels_.clear();
  table_ = nullptr;
}

void Builder::OpenHeading(const Line& line) {
  CloseArticle();
  appendix_ = nullptr;
  while (!headings_.empty() && headings_.back().first >= line.rank) headings_.pop_back();
  static const char* kIds[] = {"part", "chap", "sec", "subsec", "div"};
  static const NodeKind kKinds[] = {NodeKind::kPart, NodeKind::kChapter, NodeKind::kSection,
                                    NodeKind::kSubsection, NodeKind::kDivision};
  Node& parent = Container();
  std::string id = (parent.kind == NodeKind::kRoot ? "" : parent.id + ".") + kIds[line.rank] +
                   NumId(line.num);
  Node& h = AddChild(parent, kKinds[line.rank], id);
  Own(h, line);
  h.num_text = line.num_text;
  h.num = line.num;
  h.title = line.rest;
  headings_.emplace_back(line.rank, &h);
  text_sink_ = &h;
}

// A caption fused to the end of the line before the article:
// "(3) …のシステム（職員等の遵守義務）" then "第5条 …". Only taken when the
// text in front of it did not end a sentence, so a closing "（…。）" stays put.
bool Builder::TakeFusedCaption(const std::string& label, std::string& caption,
                               std::string& caption_raw) {
  if (!text_sink_ || !last_caption_set_) return false;
  std::string& t = text_sink_->text;
  if (!EndsWith(t, "）")) return false;
  std::size_t open = t.rfind("（");
  if (open == std::string::npos || open == 0) return false;
  std::string inner = t.substr(open + 3, t.size() - open - 6);
  if (inner.empty() || inner.find("。") != std::string::npos ||
      inner.find("（") != std::string::npos || utf8::Length(inner) > 30)
    return false;
  std::string_view before = std::string_view(t).substr(0, open);
  if (EndsWith(before, "。") || EndsWith(before, "\n")) return false;
  caption = inner;
  caption_raw = t.substr(open);
  t.resize(open);
  reg_.notices.push_back({"I-REIKI-104", text_sink_->raw_lines.empty() ? 0 : text_sink_->raw_lines.back(),
                          "前の行の末尾に付いていた見出し「" + inner + "」を" + label +
                              "の見出しとして扱いました。"});
  return true;
}

void Builder::OpenArticle(const Line& line) {
  // The fused caption sits in the node that took text last; read it before
  // AddChild, which may move that node if it is a sibling of the new article.
  std::string fused, fused_raw;
  bool has_fused = !pending_caption_ && TakeFusedCaption(line.num_text, fused, fused_raw);
  text_sink_ = nullptr;
  CloseArticle();
  appendix_ = nullptr;
  Node& parent = Container();
  std::string id = (suppl_ ? suppl_->id + "." : "") + "a" + NumId(line.num);
  if (int uses = id_uses_[id]++; uses > 0) {
    reg_.notices.push_back({"W-REIKI-201", line.no,
                            line.num_text + " が重複しています。2つ目以降は別のidで保持します。"});
    id += "~" + std::to_string(uses + 1);
  }
  Node& a = AddChild(parent, NodeKind::kArticle, id);
  a.num_text = line.num_text;
  a.num = line.num;
  if (pending_caption_) {
    Own(a, *pending_caption_);
    a.caption = pending_caption_->rest;
    a.caption_raw = std::string(utf8::TrimSpaces(pending_caption_->body));
    pending_caption_ = nullptr;
  } else if (has_fused) {
    a.caption = std::move(fused);
    a.caption_raw = std::move(fused_raw);
  } else if (last_caption_set_ && !suppl_) {
    a.caption = last_caption_;
    a.caption_inherited = true;
  }
  if (!a.caption.empty() && !a.caption_inherited) {
    last_caption_ = a.caption;
    last_caption_set_ = true;
  }
  article_ = &a;
  Node& p = AddChild(a, NodeKind::kParagraph, id + ".p1");
  p.num = {1};
  Own(p, line);
  p.text = line.rest;
  paragraph_ = &p;
  text_sink_ = &p;
}

bool Builder::TryParagraph(const Line& line) {
  Node* owner = article_ ? article_ : suppl_;
  if (!owner) return false;
  int last = 0;
  for (const Node& c : owner->children)
    if (c.kind == NodeKind::kParagraph && !c.num.empty()) last = std::max(last, c.num[0]);
  int expected = last + 1;
  if (owner == suppl_ && last == 0) expected = line.num[0] == 1 ? 1 : 2;
  if (line.num[0] != expected) return false;
  if (owner == suppl_ && last == 0 && expected == 2) {
    // The 附則's unnumbered first paragraph was its text so far.
    Node& p1 = AddChild(*owner, NodeKind::kParagraph, owner->id + ".p1");
    p1.num = {1};
    p1.text = std::move(owner->text);
    owner->text.clear();
    p1.raw = owner->raw;
    p1.raw_lines = owner->raw_lines;
    owner->raw.clear();
    owner->raw_lines.clear();
  }
  levels_.clear();
  table_ = nullptr;
  Node& p = AddChild(*owner, NodeKind::kParagraph, owner->id + ".p" + std::to_string(line.num[0]));
  p.num = line.num;
  p.num_text = line.num_text;
  Own(p, line);
  p.text = line.rest;
  paragraph_ = &p;
  text_sink_ = &p;
  return true;
}

bool Builder::TryLabel(const Line& line) {
  Node* owner = paragraph_;
  if (!owner) {
    if (appendix_ || !suppl_) return false;
    owner = suppl_;
  }
  auto value_of = [&](const Level& lv) {
    if (line.series == Series::kKatakana || line.series == Series::kParenKatakana)
      return KatakanaIndex(line.label_char, lv.iroha);
    if (line.series == Series::kLatin || line.series == Series::kParenLatin)
      return static_cast<int>(line.label_char - U'a') + 1;
    return line.num.empty() ? 0 : line.num[0];
  };
  int at = -1;
  for (int k = static_cast<int>(levels_.size()) - 1; k >= 0; --k) {
    if (levels_[k].series == line.series && value_of(levels_[k]) == levels_[k].last + 1) {
      at = k;
      break;
    }
  }
  bool iroha = false;
  if (at < 0) {
    // A new series may start only with its first label, and only if that series
    // is not already open above (else it is wrapped text that looks like a label).
    for (const Level& lv : levels_)
      if (lv.series == line.series) return false;
    bool kana = line.series == Series::kKatakana || line.series == Series::kParenKatakana;
    Level probe{line.series, false, 0, nullptr};
    if (kana && line.label_char == U'イ') iroha = true;
    probe.iroha = iroha;
    if (value_of(probe) != 1) return false;
    levels_.push_back(probe);
    at = static_cast<int>(levels_.size()) - 1;
  } else {
    levels_.resize(at + 1);
  }
  Level& lv = levels_[at];
  Node& parent = at == 0 ? *owner : *levels_[at - 1].node;
  lv.last = value_of(lv);
  std::string id = parent.id + (at == 0 ? ".i" : ".s") + std::to_string(lv.last);
  Node& n = AddChild(parent, at == 0 ? NodeKind::kItem : NodeKind::kSubitem, id);
  n.num = {lv.last};
  n.num_text = line.num_text;
  n.depth = at;
  Own(n, line);
  n.text = line.rest;
  lv.node = &n;
  table_ = nullptr;
  text_sink_ = &n;
  return true;
}

void Builder::AddTableRow(const Line& line, bool after_blank) {
  Node& host = Receiver();
  if (!table_ || last_line_was_table_ == 0) {
    int k = 0;
    for (const Node& c : host.children) k += c.kind == NodeKind::kTable;
    Node& t = AddChild(host, NodeKind::kTable, host.id + ".t" + std::to_string(k + 1));
    t.table.emplace();
    table_ = &t;
  }
  Own(*table_, line);
  if (line.kind == LineKind::kTableRule) return;  // markdown separator: header above it
  std::vector<Cell> row;
  std::size_t pos = 0;
  std::string_view raw = line.raw;
  while (true) {
    std::size_t tab = raw.find('\t', pos);
    std::string_view cell = raw.substr(pos, tab == std::string_view::npos ? raw.npos : tab - pos);
    Cell c;
    c.raw = std::string(cell);
    c.text = RepairCell(utf8::TrimSpaces(cell));
    row.push_back(std::move(c));
    if (tab == std::string_view::npos) break;
    pos = tab + 1;
  }
  auto& rows = table_->table->rows;
  // A row that a page break cut in two: it comes after a blank line and its first
  // cell is empty, so its cells continue the row above (安田町 第19条 可用性2).
  if (after_blank && !rows.empty() && rows.size() > 1 && row.size() > 1 && row[0].text.empty()) {
    auto& above = rows.back();
    if (above.size() < row.size()) above.resize(row.size());
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (row[k].raw.empty()) continue;
      above[k].raw += "\n" + row[k].raw;
      above[k].text += row[k].text;
    }
    reg_.notices.push_back({"I-REIKI-102", line.no,
                            "改ページで分かれた表の行を前の行に結合しました。"});
    return;
  }
  for (std::size_t k = 0; k < row.size(); ++k) {
    if (row[k].text == "〃" && !rows.empty() && k < rows.back().size()) {
      row[k].ditto = true;
      row[k].text = rows.back()[k].text;
    }
  }
  rows.push_back(std::move(row));
  table_->table->has_header = rows.size() >= 2;
}

void Builder::Body(std::size_t& i) {
  bool after_blank = false;
  for (; i < lines_.size(); ++i) {
    const Line& l = lines_[i];
    if (l.kind == LineKind::kBlank) {
      after_blank = true;
      continue;
    }
    bool was_table = last_line_was_table_;
    last_line_was_table_ = 0;
    if (pending_caption_ && l.kind != LineKind::kArticle) {
      // A caption line that no article follows is text of whatever is open.
      const Line* c = pending_caption_;
      pending_caption_ = nullptr;
      Node& r = text_sink_ ? *text_sink_ : Receiver();
      Own(r, *c);
      AppendText(r, RepairText(c->body));
    }
    switch (l.kind) {
      case LineKind::kHeading:
        OpenHeading(l);
        break;
      case LineKind::kArticle:
        OpenArticle(l);
        break;
      case LineKind::kCaption:
        if (NextIsArticle(i)) {
          pending_caption_ = &l;
          break;
        }
        goto text;
      case LineKind::kSuppl: {
        CloseArticle();
        appendix_ = nullptr;
        headings_.clear();
        Node& s = AddChild(reg_.root, NodeKind::kSupplProvision,
                           "suppl" + std::to_string(++suppl_count_));
        s.num_text = std::string(utf8::TrimSpaces(l.body));  // "附　則　（…）抄" as written
        s.title = l.rest;
        Own(s, l);
        suppl_ = &s;
        text_sink_ = &s;
        break;
      }
      case LineKind::kAppendix: {
        CloseArticle();
        suppl_ = nullptr;
        headings_.clear();
        ++appendix_count_;
        // 別表, 様式 and 別記 are numbered in separate series.
        std::string prefix = l.num_text.rfind("様式", 0) == 0   ? "form"
                             : l.num_text.rfind("別記", 0) == 0 ? "annex"
                                                                : "appdx";
        std::string id = prefix + (l.num.empty() ? std::to_string(appendix_count_) : NumId(l.num));
        if (int uses = id_uses_[id]++; uses > 0) id += "~" + std::to_string(uses + 1);
        Node& a = AddChild(reg_.root, NodeKind::kAppendix, id);
        a.num_text = l.num_text;
        a.num = l.num;
        a.title = l.rest;
        Own(a, l);
        appendix_ = &a;
        text_sink_ = &a;
        break;
      }
      case LineKind::kTableRow:
      case LineKind::kTableRule:
        if (!was_table) table_ = nullptr;
        last_line_was_table_ = 1;
        AddTableRow(l, after_blank);
        break;
      case LineKind::kParagraph:
        if (TryParagraph(l)) break;
        goto text;
      case LineKind::kLabel:
        if (TryLabel(l)) break;
        goto text;
      case LineKind::kTocStart:
      case LineKind::kText:
      case LineKind::kBlank:
      text: {
        table_ = nullptr;
        Node& r = Receiver();
        // Wrapped text continues the node that last took text, which is the
        // receiver except right after a table.
        Node& sink = (text_sink_ && was_table == 0) ? *text_sink_ : r;
        AppendText(sink, RepairText(l.body));
        Own(sink, l);
        break;
      }
    }
    after_blank = false;
  }
  if (pending_caption_) {
    Node& r = text_sink_ ? *text_sink_ : Receiver();
    Own(r, *pending_caption_);
    AppendText(r, RepairText(pending_caption_->body));
    pending_caption_ = nullptr;
  }
}

void FinishNode(Node& n, Regulation& reg) {
  n.text = RepairText(n.text);
  int lo = n.raw_lines.empty() ? 0 : n.raw_lines.front();
  int hi = n.raw_lines.empty() ? 0 : n.raw_lines.back();
  for (Node& c : n.children) {
    FinishNode(c, reg);
    if (c.line_begin && (!lo || c.line_begin < lo)) lo = c.line_begin;
    if (c.line_end > hi) hi = c.line_end;
  }
  n.line_begin = lo;
  n.line_end = hi;
  if (n.kind == NodeKind::kSupplProvision) {
    std::string all;
    std::vector<const Node*> stack{&n};
    while (!stack.empty()) {
      const Node* x = stack.back();
      stack.pop_back();
      all += x->text;
      for (auto it = x->children.rbegin(); it != x->children.rend(); ++it) stack.push_back(&*it);
    }
    std::size_t at = all.find("から施行");
    if (at != std::string::npos) {
      if (auto d = FindEraDate(std::string_view(all).substr(0, at))) reg.effective_dates.push_back(*d);
    }
  }
}

// The 目次 gives article ranges per unit; check them against the body.
void CheckToc(Regulation& reg) {
  const Node* toc = nullptr;
  for (const Node& c : reg.root.children)
    if (c.kind == NodeKind::kToc) toc = &c;
  if (!toc) return;
  std::vector<std::pair<int, const Node*>> path;  // rank, entry
  for (const Node& e : toc->children) {
    if (e.depth < 0) continue;
    while (!path.empty() && path.back().first >= e.depth) path.pop_back();
    path.emplace_back(e.depth, &e);
    if (e.text.empty()) continue;
    TocCheck check;
    for (auto& [rank, entry] : path) check.unit += entry->num_text;
    check.toc_range = e.text;
    // Find the body unit along the same path of numbers.
    const Node* unit = &reg.root;
    for (auto& [rank, entry] : path) {
      const Node* next = nullptr;
      for (const Node& c : unit->children) {
        if (IsHeadingKind(c.kind) && c.num == entry->num &&
            static_cast<int>(c.kind) - static_cast<int>(NodeKind::kPart) == rank) {
          next = &c;
          break;
        }
      }
      unit = next;
      if (!unit) break;
    }
    if (unit) {
      std::vector<const Node*> arts;
      std::vector<const Node*> stack{unit};
      while (!stack.empty()) {
        const Node* n = stack.back();
        stack.pop_back();
        if (n->kind == NodeKind::kArticle) { arts.push_back(n); continue; }
        for (auto it = n->children.rbegin(); it != n->children.rend(); ++it) stack.push_back(&*it);
      }
      if (!arts.empty()) {
        check.body_range = arts.front()->num_text;
        if (arts.size() > 1) check.body_range += "—" + arts.back()->num_text;
      }
    }
    auto norm = [](std::string s) {
      s = utf8::FoldWidth(s);
      for (const char* dash : {"―", "－", "〜", "~", "-", "–"}) {
        for (std::size_t at; (at = s.find(dash)) != std::string::npos;) s.replace(at, std::strlen(dash), "—");
      }
      return s;
    };
    check.ok = !check.body_range.empty() && norm(check.toc_range) == norm(check.body_range);
    if (!check.ok) {
      reg.notices.push_back({"W-REIKI-202", e.raw_lines.empty() ? 0 : e.raw_lines.front(),
                             "目次の " + check.unit + "（" + check.toc_range + "）が本文（" +
                                 (check.body_range.empty() ? std::string("該当なし") : check.body_range) +
                                 "）と一致しません。"});
    }
    reg.toc_checks.push_back(std::move(check));
  }
}

void Builder::Run() {
  std::size_t i = 0;
  FrontMatter(i);
  if (i < lines_.size() && lines_[i].kind == LineKind::kTocStart) Toc(i);
  Body(i);
  FinishNode(reg_.root, reg_);
  CheckToc(reg_);
}

bool HasNumberedUnit(const Node& n) {
  if (n.kind == NodeKind::kArticle) return true;
  for (const Node& c : n.children)
    if (HasNumberedUnit(c)) return true;
  return false;
}

// Parse without re-validating: ParseFile's Decode has already checked the text.
Regulation ParseValid(std::string_view utf8_text, std::string source_name) {
  Regulation reg;
  reg.source_name = std::move(source_name);
  reg.encoding = "UTF-8";
  reg.root.kind = NodeKind::kRoot;
  reg.root.id = "root";
  // 第N without 条 (花巻市) counts as an article only in a text that never
  // writes 第N条; classifying twice is cheaper than a separate scan for the
  // common case, where the first pass already finds 条.
  auto lines = ClassifyLines(utf8_text, false);
  if (std::none_of(lines.begin(), lines.end(), [](const Line& l) { return l.kind == LineKind::kArticle; }))
    lines = ClassifyLines(utf8_text, true);
  reg.line_count = static_cast<int>(lines.size());
  if (!lines.empty() && lines.back().raw.empty()) reg.line_count -= 1;
  Builder(std::move(lines), reg).Run();
  if (!HasNumberedUnit(reg.root)) {
    throw Error("E-REIKI-004",
                "条文が見つかりません。「第1条 …」または「第1 …」で始まる行を含む例規のテキストを指定してください。");
  }
  return reg;
}

}  // namespace

Regulation Parse(std::string_view utf8_text, std::string source_name, const ParseOptions& options) {
  if (utf8_text.size() > options.max_bytes) throw TooLarge(utf8_text.size(), options.max_bytes);
  if (!utf8::IsValid(utf8_text)) {
    throw Error("E-REIKI-003", "UTF-8 として正しくない文字列です。UTF-8 で保存し直してください。");
  }
  return ParseValid(utf8_text, std::move(source_name));
}

Regulation ParseFile(const std::string& path, const ParseOptions& options) {
  if (std::string why = FileProblem(path); !why.empty()) throw Error("E-REIKI-006", "ファイル「" + path + "」" + why + "。");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("E-REIKI-006", "ファイルを開けません: " + path + "（パスと読み取り権限を確認してください）");
  }
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::size_t>(in.tellg());
  if (size > options.max_bytes) throw TooLarge(size, options.max_bytes);
  in.seekg(0);
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  Decoded d = Decode(bytes, options);
  std::string name = path.substr(path.find_last_of('/') + 1);
  Regulation reg = ParseValid(d.text, name);
  reg.encoding = d.encoding;
  if (d.encoding == "CP932") {
    reg.notices.insert(reg.notices.begin(),
                       {"I-REIKI-101", 0, "CP932（Shift_JIS）として読み込み、UTF-8 に変換しました。"});
  }
  return reg;
}

}  // namespace mamori::reiki
