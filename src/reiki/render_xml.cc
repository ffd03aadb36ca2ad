#include "reiki/reiki.h"
namespace mamori::reiki {
std::string ToXml(const Regulation&) { return "<Law/>\n"; }  // TEMP: being written
}
