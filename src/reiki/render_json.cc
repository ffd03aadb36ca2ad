// JSON view of a Regulation. nlohmann/json stays inside this file so that the
// module's public header remains light for everything that includes it.
#include <nlohmann/json.hpp>

#include "reiki/reiki.h"

namespace mamori::reiki {
namespace {

using Json = nlohmann::ordered_json;

Json NodeJson(const Node& n) {
  Json j;
  j["id"] = n.id;
  j["kind"] = KindName(n.kind);
  if (!n.num_text.empty()) j["num_text"] = n.num_text;
  if (!n.num.empty()) j["num"] = n.num;
  if (!n.caption.empty()) {
    j["caption"] = n.caption;
    if (n.caption_inherited) j["caption_inherited"] = true;
  }
  if (!n.title.empty()) j["title"] = n.title;
  if (n.kind == NodeKind::kSubitem) j["depth"] = n.depth;
  if (!n.text.empty()) j["text"] = n.text;
  if (!n.raw.empty()) j["raw"] = n.raw;
  j["lines"] = {n.line_begin, n.line_end};
  if (n.table) {
    Json rows = Json::array();
    for (const auto& row : n.table->rows) {
      Json r = Json::array();
      for (const auto& c : row) {
        Json cell{{"text", c.text}};
        if (c.raw != c.text) cell["raw"] = c.raw;
        if (c.ditto) cell["ditto"] = true;
        r.push_back(std::move(cell));
      }
      rows.push_back(std::move(r));
    }
    j["table"] = {{"has_header", n.table->has_header}, {"rows", std::move(rows)}};
  }
  if (!n.children.empty()) {
    Json kids = Json::array();
    for (const Node& c : n.children) kids.push_back(NodeJson(c));
    j["children"] = std::move(kids);
  }
  return j;
}

}  // namespace

std::string ToJson(const Regulation& reg, int indent) {
  Json j;
  j["source"] = reg.source_name;
  j["encoding"] = reg.encoding;
  j["title"] = reg.title;
  if (!reg.law_num.empty()) j["law_num"] = reg.law_num;
  if (reg.promulgated) j["promulgated"] = {{"text", reg.promulgated->text}, {"date", reg.promulgated->iso}};
  if (!reg.amendments.empty()) j["amendments"] = reg.amendments;
  Json eff = Json::array();
  for (const auto& d : reg.effective_dates) eff.push_back({{"text", d.text}, {"date", d.iso}});
  if (!eff.empty()) j["effective_dates"] = std::move(eff);
  Counts c = Count(reg);
  j["counts"] = {{"parts", c.parts},           {"chapters", c.chapters},
                 {"sections", c.sections},     {"subsections", c.subsections},
                 {"articles", c.articles},     {"branch_articles", c.branch_articles},
                 {"paragraphs", c.paragraphs}, {"items", c.items},
                 {"subitems", c.subitems},     {"captions", c.captions},
                 {"tables", c.tables},         {"table_rows", c.table_rows},
                 {"suppl_provisions", c.suppl_provisions}, {"appendices", c.appendices}};
  if (!reg.toc_checks.empty()) {
    Json toc = Json::array();
    for (const auto& t : reg.toc_checks)
      toc.push_back({{"unit", t.unit}, {"toc", t.toc_range}, {"body", t.body_range}, {"ok", t.ok}});
    j["toc_checks"] = std::move(toc);
  }
  Json notes = Json::array();
  for (const auto& n : reg.notices) notes.push_back({{"code", n.code}, {"line", n.line}, {"message", n.message}});
  j["notices"] = std::move(notes);
  j["tree"] = NodeJson(reg.root);
  return j.dump(indent < 0 ? -1 : indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace mamori::reiki
