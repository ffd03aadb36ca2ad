// libFuzzer target: the 年度 as staff type it (compliance::ParseFiscalYear).
// Whatever it accepts must be a 年度 it can name again — its number and its
// 和暦 name read back to the same year, April to March — and anything it
// refuses must be refused with E-COMP-001, never another exception or a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compliance/compliance.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  mamori::compliance::FiscalYear fy;
  try {
    fy = mamori::compliance::ParseFiscalYear(text);
  } catch (const mamori::store::Error& e) {
    if (e.code() != "E-COMP-001") __builtin_trap();
    return 0;
  }
  if (fy.year < 1989 || fy.year > 2200) __builtin_trap();
  if (fy.start != std::to_string(fy.year) + "-04-01" || fy.end != std::to_string(fy.year + 1) + "-03-31") __builtin_trap();
  if (mamori::compliance::ParseFiscalYear(std::to_string(fy.year)).year != fy.year) __builtin_trap();
  if (mamori::compliance::ParseFiscalYear(fy.Wareki()).year != fy.year) __builtin_trap();
  if (mamori::compliance::FiscalYearOf(fy.start).year != fy.year || mamori::compliance::FiscalYearOf(fy.end).year != fy.year) __builtin_trap();
  return 0;
}
