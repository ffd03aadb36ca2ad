#include "reiki/reiki.h"
namespace mamori::reiki {
std::vector<Change> Diff(const Regulation&, const Regulation&) { return {}; }  // TEMP
std::string DiffToText(const std::vector<Change>&) { return ""; }
std::string DiffToJson(const std::vector<Change>&) { return "[]"; }
}
