#include "reiki/reiki.h"
namespace mamori::reiki {
Reference ParseReference(std::string_view) { throw Error("E-CITE-001", "未実装"); }  // TEMP
const Node& Resolve(const Regulation& reg, const Reference&) { return reg.root; }
std::string CitationOf(const Regulation&, const Node&) { return ""; }
std::string CiteText(const Node&) { return ""; }
}
