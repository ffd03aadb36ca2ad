// One place that turns the errors of the modules below the CLI into what a
// user sees: "CODE: Japanese message" on stderr and exit status 2.
#pragma once

#include <iostream>

#include "cli/commands.h"
#include "reiki/reiki.h"
#include "store/store.h"

namespace mamori::cli {

template <typename F>
void Guard(F&& body) {
  try {
    body();
  } catch (const reiki::Error& e) {
    std::cerr << e.code() << ": " << e.what();
    if (e.line()) std::cerr << "（" << e.line() << "行目）";
    std::cerr << "\n";
    SetExitCode(2);
  } catch (const store::Error& e) {
    std::cerr << e.code() << ": " << e.what() << "\n";
    SetExitCode(2);
  }
}

}  // namespace mamori::cli
