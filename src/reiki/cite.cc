// Citations: reading a reference such as 第27条第2項 or 第9第3号イ, finding the
// clause it names, and writing a clause's conventional citation and text.
//
// Reference keeps sub-items as integers. For katakana labels the integer is the
// label's position in アイウエオ order, which is a one-to-one code for the
// character: Resolve turns it back into the character and matches it against the
// label as written. That way イロハ-ordered series (イ=1, ロ=2) resolve correctly
// without Resolve having to guess which order a series uses.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "reiki/lines.h"
#include "reiki/reiki.h"
#include "reiki/utf8.h"

namespace mamori::reiki {
namespace {

constexpr std::string_view kExamples = "例: 第27条第2項、第2条第3号、第31条の2、第9第3号イ、附則第2条";

int AiueoIndexOf(char32_t c) { return KatakanaIndex(c, false); }

bool IsSpaceLike(char32_t c) { return utf8::IsSpace(c) || c == U'\n' || c == U'\r'; }

std::string ToUtf8(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) utf8::Append(out, c);
  return out;
}

std::string Num(int n) { return std::to_string(n); }


// --- reading a reference ------------------------------------------------------

class RefReader {
 public:
  explicit RefReader(std::string_view ref) : original_(ref) {
    // Spaces carry no meaning in a reference ("附 則", "第27条 第2項"); widths neither.
    for (std::size_t i = 0; i < ref.size();) {
      char32_t c = utf8::FoldWidth(utf8::Next(ref, i));
      if (!IsSpaceLike(c)) s_.push_back(c);
    }
  }

  Reference Read() {
    Reference r;
    if (s_.empty()) Fail("条項の参照が空です。");
    if (Take(U"附則") || Take(U"付則")) {
      r.suppl = true;
      if (AtEnd()) return r;
    }
    if (Take(U"別表")) {
      r.appendix = true;
      if (Take(U"第")) r.appendix_num = ReadNumber("「別表第」の後に数字");
      if (!AtEnd()) Fail("別表は「別表」または「別表第N」と書きます。");
      return r;
    }
    // The article: 第N[条][のM…]. Without 条 (花巻市's 第9) the number stands alone.
    if (!Peek(U'第')) Fail("「第」で始まる条番号（第27条 など）が必要です。");
    std::size_t save = pos_;
    ++pos_;
    int n = ReadNumber("「第」の後に数字");
    if (Peek(U'項') || Peek(U'号')) {
      // 第2項 with no article is only meaningful inside a 附則 without articles.
      if (!r.suppl) Fail("項や号の前に条番号（第27条 など）が必要です。");
      pos_ = save;
    } else {
      Take(U"条");
      r.article.push_back(n);
      while (Peek(U'の')) {
        ++pos_;
        r.article.push_back(ReadNumber("「の」の後に枝番号（第31条の2 の 2）"));
      }
    }
    ReadUnit(U'項', &r.paragraph);
    if (ReadUnit(U'号', &r.item)) {
      while (!AtEnd()) r.subitems.push_back(ReadSubitemLabel());
    }
    if (!AtEnd()) {
      std::string where = ToUtf8(std::u32string_view(s_).substr(0, pos_));
      std::string rest = ToUtf8(std::u32string_view(s_).substr(pos_));
      if (r.item == 0 && !rest.empty() && AiueoIndexOf(s_[pos_]))
        Fail("ア・イ などの細目は号の後に書きます（第9第3号イ）。「" + where + "」の後の「" + rest + "」は読めません。");
      Fail("「" + where + "」の後には 第N項・第N号・細目（ア、(ア)、a など）のいずれかが必要ですが、「" + rest +
           "」があります。");
    }
    return r;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    std::string msg = "条項の参照「" + std::string(original_) + "」を読めません。" + what + std::string(kExamples);
    if (original_.empty()) msg = what + std::string(kExamples);
    throw Error("E-CITE-001", msg);
  }

  bool AtEnd() const { return pos_ >= s_.size(); }
  bool Peek(char32_t c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool Take(std::u32string_view w) {
    if (std::u32string_view(s_).substr(pos_).substr(0, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }

  int ReadNumber(const std::string& expected) {
    std::size_t start = pos_;
    while (pos_ < s_.size() && IsNumeralChar(s_[pos_])) ++pos_;
    auto v = ParseNumeral(ToUtf8(std::u32string_view(s_).substr(start, pos_ - start)));
    if (!v || *v <= 0) {
      pos_ = start;
      Fail(expected + "が必要です。");
    }
    return *v;
  }

  // Reads 第N<unit> if it comes next; a 第N followed by another unit is left alone.
  bool ReadUnit(char32_t unit, int* out) {
    if (!Peek(U'第')) return false;
    std::size_t save = pos_;
    ++pos_;
    std::size_t start = pos_;
    while (pos_ < s_.size() && IsNumeralChar(s_[pos_])) ++pos_;
    if (pos_ == start || !Peek(unit)) {
      pos_ = save;
      return false;
    }
    auto v = ParseNumeral(ToUtf8(std::u32string_view(s_).substr(start, pos_ - start)));
    if (!v || *v <= 0) {
      pos_ = save;
      Fail("「第」の後に正しい数字が必要です。");
    }
    ++pos_;
    *out = *v;
    return true;
  }

  // ア / (ア) / a / (a) / ① / (1) / (一): one level of sub-item.
  int ReadSubitemLabel() {
    const std::string expected = "細目の記号（ア、イ、(ア)、a、① など）";
    char32_t c = s_[pos_];
    if (c == U'(') {
      ++pos_;
      int v = 0;
      if (pos_ < s_.size() && IsNumeralChar(s_[pos_])) {
        v = ReadNumber(expected);
      } else if (pos_ < s_.size()) {
        v = SimpleLabel(s_[pos_]);
        if (v) ++pos_;
      }
      if (!v || !Peek(U')')) Fail(expected + "が必要です。括弧は (ア) のように閉じてください。");
      ++pos_;
      return v;
    }
    int v = SimpleLabel(c);
    if (!v) Fail(expected + "が必要です。");
    ++pos_;
    return v;
  }

  static int SimpleLabel(char32_t c) {
    if (int k = AiueoIndexOf(c)) return k;
    if (c >= U'a' && c <= U'z') return static_cast<int>(c - U'a') + 1;
    return CircledIndex(c);
  }

  std::string_view original_;
  std::u32string s_;
  std::size_t pos_ = 0;
};

// --- finding nodes ------------------------------------------------------------

// Articles of the main body, in document order: through 編章節款目, never into
// the 目次, 附則 or 別表.
void CollectArticles(const Node& n, std::vector<const Node*>& out) {
  for (const Node& c : n.children) {
    if (c.kind == NodeKind::kArticle) out.push_back(&c);
    else if (IsHeadingKind(c.kind)) CollectArticles(c, out);
  }
}

std::vector<const Node*> Children(const Node& n, NodeKind kind) {
  std::vector<const Node*> out;
  for (const Node& c : n.children)
    if (c.kind == kind) out.push_back(&c);
  return out;
}

// Finds the path from `n` down to `target` (inclusive).
bool PathTo(const Node& n, const Node* target, std::vector<const Node*>& path) {
  path.push_back(&n);
  if (&n == target) return true;
  for (const Node& c : n.children)
    if (PathTo(c, target, path)) return true;
  path.pop_back();
  return false;
}

bool UsesJo(const Node& article) { return article.num_text.find("条") != std::string::npos; }

// Whether this regulation writes articles as 第N条 (most) or 第N (花巻市).
bool RegulationUsesJo(const Regulation& reg) {
  std::vector<const Node*> arts;
  CollectArticles(reg.root, arts);
  return arts.empty() || UsesJo(*arts.front());
}

std::string ArticleLabel(const std::vector<int>& num, bool jo) {
  std::string out = "第";
  for (std::size_t k = 0; k < num.size(); ++k) {
    if (k) out += "の";
    out += Num(num[k]);
    if (k == 0 && jo) out += "条";
  }
  return out;
}

// The label as written, with parentheses folded to ASCII and spaces dropped:
// "（ア）" -> "(ア)". A citation writes the label the way the text does.
std::string CleanLabel(std::string_view num_text) {
  std::string out;
  for (std::size_t i = 0; i < num_text.size();) {
    char32_t c = utf8::Next(num_text, i);
    if (IsSpaceLike(c)) continue;
    if (c == U'（') c = U'(';
    if (c == U'）') c = U')';
    utf8::Append(out, c);
  }
  return out;
}

// The key a sub-item answers to: for katakana labels the character's アイウエオ
// position (see the top of this file), otherwise its number in its series.
int SubitemKey(const Node& s) {
  std::string label = utf8::FoldWidth(CleanLabel(s.num_text));
  for (std::size_t i = 0; i < label.size();) {
    char32_t c = utf8::Next(label, i);
    if (int k = AiueoIndexOf(c)) return k;
  }
  return s.num.empty() ? 0 : s.num[0];
}

// How a missing sub-item would be written, following its siblings' style.
std::string SubitemLabelLike(int key, const std::vector<const Node*>& siblings) {
  std::string example = siblings.empty() ? "ア" : CleanLabel(siblings.front()->num_text);
  bool paren = !example.empty() && example.front() == '(';
  char32_t c = 0;
  std::string folded = utf8::FoldWidth(example);
  for (std::size_t i = 0; i < folded.size();) {
    char32_t d = utf8::Next(folded, i);
    if (d != U'(' && d != U')') { c = d; break; }
  }
  std::string body;
  if (AiueoIndexOf(c) && KatakanaAt(key, false)) {
    utf8::Append(body, KatakanaAt(key, false));
  } else if (c >= U'a' && c <= U'z' && key >= 1 && key <= 26) {
    utf8::Append(body, U'a' + static_cast<char32_t>(key - 1));
  } else if (CircledIndex(c) && key >= 1 && key <= 20) {
    utf8::Append(body, U'①' + static_cast<char32_t>(key - 1));
    paren = false;
  } else {
    body = Num(key);
  }
  return paren ? "(" + body + ")" : body;
}

// "第1項から第4項まで" for a run, "第1項、第3項" otherwise.
std::string DescribeRange(const std::vector<int>& nums, const std::string& unit) {
  if (nums.empty()) return "";
  bool contiguous = true;
  for (std::size_t k = 1; k < nums.size(); ++k)
    if (nums[k] != nums[k - 1] + 1) contiguous = false;
  if (nums.size() == 1) return "第" + Num(nums[0]) + unit + "のみ";
  if (contiguous) return "第" + Num(nums.front()) + unit + "から第" + Num(nums.back()) + unit + "まで";
  std::string out;
  for (std::size_t k = 0; k < nums.size(); ++k) out += (k ? "、第" : "第") + Num(nums[k]) + unit;
  return out;
}

// Picks the existing number closest to `want`; ties go to the lower one, which
// is the clause a reader most likely meant when overshooting.
const Node* Nearest(const std::vector<const Node*>& nodes, int want) {
  const Node* best = nullptr;
  int best_d = 0;
  for (const Node* n : nodes) {
    if (n->num.empty()) continue;
    int d = std::abs(n->num[0] - want);
    if (!best || d < best_d || (d == best_d && n->num[0] < best->num[0])) {
      best = n;
      best_d = d;
    }
  }
  return best;
}

// Distance between article numbers {31,2} and {31,5}: the main number weighs most.
long ArticleDistance(const std::vector<int>& a, const std::vector<int>& b) {
  long main = std::abs((a.empty() ? 0 : a[0]) - (b.empty() ? 0 : b[0]));
  long branch = std::abs((a.size() > 1 ? a[1] : 0) - (b.size() > 1 ? b[1] : 0));
  return main * 1000 + branch;
}

std::vector<int> Nums(const std::vector<const Node*>& nodes) {
  std::vector<int> out;
  for (const Node* n : nodes)
    if (!n->num.empty()) out.push_back(n->num[0]);
  return out;
}

[[noreturn]] void Missing(const std::string& wanted, const std::string& detail, const std::string& nearest) {
  std::string msg = wanted + " はありません。" + detail;
  // "…までです（最も近い条項: …）": the note closes the sentence in place of 。
  if (!nearest.empty()) {
    if (msg.size() >= 3 && msg.compare(msg.size() - 3, 3, "。") == 0) msg.resize(msg.size() - 3);
    msg += "（最も近い条項: " + nearest + "）";
  }
  throw Error("E-CITE-002", msg);
}

// Items live under a paragraph, or directly under a 附則 that has no paragraphs.
const Node& ItemContainerFor(const Node& holder) {
  auto paras = Children(holder, NodeKind::kParagraph);
  if (paras.empty()) return holder;
  // 第2条第3号 names paragraph 1's item; if only one other paragraph carries
  // items (a text whose first paragraph is an introduction), that one is meant.
  if (!Children(*paras.front(), NodeKind::kItem).empty()) return *paras.front();
  const Node* only = nullptr;
  int with_items = 0;
  for (const Node* p : paras)
    if (!Children(*p, NodeKind::kItem).empty()) { ++with_items; only = p; }
  return with_items == 1 ? *only : *paras.front();
}

// --- rendering text -------------------------------------------------------------

void AppendIndent(std::string& out, int level) { out.append(static_cast<std::size_t>(level) * 2, ' '); }

// Appends `text` and a newline; a sentence that keeps a line break (a caption-like
// first line followed by its body) continues one level in, under its label.
void AppendIndented(std::string& out, std::string_view text, int indent) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '\n') AppendIndent(out, indent);
  }
  out += "\n";
}

void RenderTable(const Node& t, int indent, std::string& out) {
  if (!t.table) return;
  for (const auto& row : t.table->rows) {
    AppendIndent(out, indent);
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (k) out += '\t';
      std::string cell = row[k].text;
      for (char& c : cell)
        if (c == '\n' || c == '\t') c = ' ';
      out += cell;
    }
    out += "\n";
  }
}

// Children of a paragraph / item / sub-item: labelled lines, one level deeper each.
void RenderChildren(const Node& n, int indent, std::string& out) {
  for (const Node& c : n.children) {
    switch (c.kind) {
      case NodeKind::kItem:
      case NodeKind::kSubitem:
        AppendIndent(out, indent);
        out += c.num_text.empty() ? "" : c.num_text + " ";
        AppendIndented(out, c.text, indent + 1);
        RenderChildren(c, indent + 1, out);
        break;
      case NodeKind::kTable:
        RenderTable(c, indent, out);
        break;
      case NodeKind::kParagraph: {
        // Only under a 附則: its paragraphs read like an article's.
        bool first = c.num_text.empty();
        out += first ? c.text : c.num_text + " " + c.text;
        out += "\n";
        RenderChildren(c, 1, out);
        break;
      }
      default:
        if (!c.text.empty()) {
          AppendIndent(out, indent);
          out += c.text + "\n";
        }
        RenderChildren(c, indent, out);
        break;
    }
  }
}

}  // namespace

Reference ParseReference(std::string_view ref) { return RefReader(ref).Read(); }

const Node& Resolve(const Regulation& reg, const Reference& ref) {
  if (ref.appendix) {
    std::string names;
    for (const Node* a : Children(reg.root, NodeKind::kAppendix)) {
      if (a->num_text.rfind("別表", 0) != 0) continue;
      names += (names.empty() ? "" : "、") + a->num_text;
      if ((a->num.empty() ? 0 : a->num[0]) == ref.appendix_num) return *a;
    }
    std::string cited = ref.appendix_num ? "別表第" + Num(ref.appendix_num) : "別表";
    Missing(cited, names.empty() ? "この例規には別表がありません。" : "この例規の別表は " + names + " です。", "");
  }
  const bool jo = RegulationUsesJo(reg);
  const std::string suppl_prefix = ref.suppl ? "附則" : "";
  if (!ref.subitems.empty() && ref.item == 0)
    throw Error("E-CITE-001", "細目（ア、イ など）は号の後に指定してください。" + std::string(kExamples));

  // 1. The holder of paragraphs: an article, or a 附則 itself.
  const Node* holder = nullptr;
  std::string cited;  // the citation so far, as the reader wrote it
  if (ref.suppl) {
    auto suppls = Children(reg.root, NodeKind::kSupplProvision);
    if (suppls.empty()) Missing("附則", "この例規には附則がありません。", "");
    if (ref.article.empty()) {
      holder = suppls.front();
      cited = "附則";
    } else {
      // A plain 附則第N条 names the original 附則: the first one that has it.
      std::vector<const Node*> arts;
      for (const Node* s : suppls) {
        for (const Node* a : Children(*s, NodeKind::kArticle)) {
          arts.push_back(a);
          if (!holder && a->num == ref.article) holder = a;
        }
      }
      bool sjo = arts.empty() ? jo : UsesJo(*arts.front());
      cited = "附則" + ArticleLabel(ref.article, sjo);
      if (!holder) {
        if (arts.empty()) Missing(cited, "附則に条はありません。", "附則");
        const Node* best = arts.front();
        for (const Node* a : arts)
          if (ArticleDistance(a->num, ref.article) < ArticleDistance(best->num, ref.article)) best = a;
        Missing(cited,
                "附則の条は" + ArticleLabel(arts.front()->num, sjo) + "から" + ArticleLabel(arts.back()->num, sjo) +
                    "までです。",
                "附則" + ArticleLabel(best->num, UsesJo(*best)));
      }
    }
  } else {
    if (ref.article.empty())
      throw Error("E-CITE-001", "条番号（第27条 など）が必要です。" + std::string(kExamples));
    std::vector<const Node*> arts;
    CollectArticles(reg.root, arts);
    for (const Node* a : arts)
      if (a->num == ref.article) { holder = a; break; }
    cited = ArticleLabel(ref.article, holder ? UsesJo(*holder) : jo);
    if (!holder) {
      if (arts.empty()) Missing(cited, "この例規には条がありません。", "");
      const Node* best = arts.front();
      for (const Node* a : arts)
        if (ArticleDistance(a->num, ref.article) < ArticleDistance(best->num, ref.article)) best = a;
      Missing(cited,
              "この例規の条は" + ArticleLabel(arts.front()->num, UsesJo(*arts.front())) + "から" +
                  ArticleLabel(arts.back()->num, UsesJo(*arts.back())) + "までです。",
              ArticleLabel(best->num, UsesJo(*best)));
    }
  }
  if (ref.paragraph == 0 && ref.item == 0) return *holder;

  // 2. The paragraph, when given; otherwise where the items are.
  const Node* at = holder;
  auto paras = Children(*holder, NodeKind::kParagraph);
  if (ref.paragraph != 0) {
    const Node* p = nullptr;
    for (const Node* c : paras)
      if (!c->num.empty() && c->num[0] == ref.paragraph) { p = c; break; }
    // A 附則 without numbered paragraphs still has its one, unnumbered paragraph.
    if (!p && paras.empty() && holder->kind == NodeKind::kSupplProvision && ref.paragraph == 1) p = holder;
    std::string wanted = cited + "第" + Num(ref.paragraph) + "項";
    if (!p) {
      if (paras.size() <= 1) Missing(wanted, cited + " は1項だけの条項です。", cited);
      const Node* best = Nearest(paras, ref.paragraph);
      Missing(wanted, cited + " は" + DescribeRange(Nums(paras), "項") + "です。",
              cited + "第" + Num(best->num[0]) + "項");
    }
    at = p;
    cited = wanted;
  }
  // `container` names where the items were looked for: with the paragraph the
  // reader left implicit (第3第1号 of a two-paragraph article is in 第3第1項).
  std::string container = cited;
  if (ref.paragraph == 0 && !paras.empty()) {
    at = &ItemContainerFor(*holder);
    if (paras.size() > 1 && !at->num.empty()) container += "第" + Num(at->num[0]) + "項";
  }
  if (ref.item == 0) return *at;

  // 3. The item.
  auto items = Children(*at, NodeKind::kItem);
  const Node* item = nullptr;
  for (const Node* c : items)
    if (!c->num.empty() && c->num[0] == ref.item) { item = c; break; }
  std::string wanted = cited + "第" + Num(ref.item) + "号";
  if (!item) {
    if (items.empty()) Missing(wanted, container + " には号がありません。", container);
    const Node* best = Nearest(items, ref.item);
    Missing(wanted, container + " は" + DescribeRange(Nums(items), "号") + "です。",
            container + "第" + Num(best->num[0]) + "号");
  }
  at = item;
  cited = wanted;

  // 4. Sub-items, one level at a time.
  for (int key : ref.subitems) {
    auto subs = Children(*at, NodeKind::kSubitem);
    const Node* hit = nullptr;
    for (const Node* s : subs)
      if (SubitemKey(*s) == key) { hit = s; break; }
    std::string want = cited + SubitemLabelLike(key, subs);
    if (!hit) {
      if (subs.empty()) Missing(want, cited + " には細目がありません。", cited);
      std::string labels;
      for (const Node* s : subs) labels += (labels.empty() ? "" : "、") + CleanLabel(s->num_text);
      Missing(want, cited + " の細目は " + labels + " です。", cited + CleanLabel(subs.back()->num_text));
    }
    at = hit;
    cited += CleanLabel(hit->num_text);
  }
  return *at;
}

std::string CitationOf(const Regulation& reg, const Node& node) {
  std::vector<const Node*> path;
  if (!PathTo(reg.root, &node, path)) return node.num_text;  // not part of this regulation
  std::string out;
  const Node* paragraph_holder = nullptr;
  for (const Node* n : path) {
    switch (n->kind) {
      case NodeKind::kSupplProvision:
        out += "附則";
        paragraph_holder = n;
        break;
      case NodeKind::kAppendix:
        out += n->num_text;
        break;
      case NodeKind::kArticle:
        paragraph_holder = n;
        out += ArticleLabel(n->num, UsesJo(*n));
        break;
      case NodeKind::kParagraph: {
        // 第1項 is left out when the article has no other paragraph (第2条第3号).
        bool alone = paragraph_holder && Children(*paragraph_holder, NodeKind::kParagraph).size() <= 1;
        if (!alone && !n->num.empty()) out += "第" + Num(n->num[0]) + "項";
        break;
      }
      case NodeKind::kItem:
        out += n->num.empty() ? CleanLabel(n->num_text) : "第" + Num(n->num[0]) + "号";
        break;
      case NodeKind::kSubitem:
        out += CleanLabel(n->num_text);
        break;
      default:
        break;
    }
  }
  if (out.empty()) return node.num_text.empty() ? node.title : node.num_text;
  return out;
}

std::string CiteText(const Node& node) {
  std::string out;
  switch (node.kind) {
    case NodeKind::kArticle: {
      if (!node.caption.empty()) out += "（" + node.caption + "）\n";
      bool first = true;
      for (const Node& c : node.children) {
        if (c.kind == NodeKind::kParagraph) {
          // The article line carries its label and the first paragraph, as written.
          out += first ? node.num_text : c.num_text;
          out += " " + c.text + "\n";
          RenderChildren(c, 1, out);
          first = false;
        } else if (c.kind == NodeKind::kTable) {
          RenderTable(c, 0, out);
        } else {
          if (!c.text.empty()) out += c.text + "\n";
          RenderChildren(c, 1, out);
        }
      }
      break;
    }
    case NodeKind::kTable:
      RenderTable(node, 0, out);
      break;
    case NodeKind::kSupplProvision:
      out += node.num_text;
      if (!node.title.empty()) out += " " + node.title;
      out += "\n";
      if (!node.text.empty()) out += node.text + "\n";
      RenderChildren(node, 0, out);
      break;
    default:
      // Paragraph, item, sub-item: its own sentence, then its parts labelled below.
      if (!node.text.empty()) out += node.text + "\n";
      RenderChildren(node, node.kind == NodeKind::kParagraph ? 0 : 1, out);
      break;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace mamori::reiki
