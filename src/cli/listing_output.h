// --format text|json|xlsx, --out and --force: how the listings of the 年度's
// work (duties, check, inspect status, training) write what they show, in
// one place so they refuse the same things the same way.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "output/output.h"
#include "store/store.h"

namespace mamori::cli {

struct ListingOutput {
  std::string format = "text", out;
  bool force = false;

  void Add(CLI::App* cmd) {
    cmd->add_option("--format,-f", format, "text | json | xlsx")->check(CLI::IsMember({"text", "json", "xlsx"}));
    cmd->add_option("--out,-o", out, "書き出すファイル（xlsx では必須）");
    cmd->add_flag("--force", force, "既にあるファイルを置き換える");
  }

  // The file, when --out is given: refused before anything is read when it
  // would overwrite the store, its key, or a file without --force; xlsx
  // without a file is E-COMP-007 (`example` is the name suggested).
  void Open(std::optional<output::AtomicFile>& file, const std::string& db, const std::string& example) const {
    RequireFileForXlsx(example);
    if (!out.empty()) file.emplace(out, output::Options{force, output::StoreFiles(db)});
  }
  void RequireFileForXlsx(const std::string& example) const {
    if (format == "xlsx" && out.empty())
      throw store::Error("E-COMP-007", "xlsx は --out でファイル名を指定してください（例: --out " + example + "）。");
  }
};

}  // namespace mamori::cli
