// A scratch folder with the `mamori` binary at hand, for the tests of a town
// set up from Excel: fresh stores, every register's export, the log's size.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "registry/binding.h"
#include "registry/io/table_io.h"
#include "registry/registry.h"
#include "reiki/cli_util.h"

namespace mamori::registry {

inline const std::string kYasuda = std::string(MAMORI_PACKS_DIR) + "/yasuda";

struct Office {
  std::filesystem::path dir = test_util::ScratchDir("mamori_workbook");
  test_util::CliResult Run(const std::vector<std::string>& args) { return test_util::RunMamori(args, dir); }
  std::string Fresh(const std::string& name) {
    const std::string db = (dir / name).string();
    EXPECT_EQ(Run({"init", "--pack", kYasuda, "--db", db}).status, 0);
    return db;
  }
  // Every register's CSV export, by its Japanese name.
  std::map<std::string, std::string> Exports(const std::string& db) {
    std::map<std::string, std::string> out;
    auto b = Open(db);
    Registry reg(*b.store, b.pack);
    for (const auto& k : reg.kinds()) out[k.ja] = io::WriteCsv(reg.Export(k));
    return out;
  }
  long long LogSize(const std::string& db) { return Open(db).store->LogSize(); }
};

}  // namespace mamori::registry
