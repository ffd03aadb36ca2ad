// The sample town (安田町 by default) in a scratch directory, for tests that
// drive mamori as its users do: `init` with a pack, `sample`, then commands
// against that store. Each test file adds the helpers its subject needs.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "reiki/cli_util.h"

namespace mamori::test_util {

struct SampleTown {
  std::filesystem::path dir;
  std::string db;
  // `sample_args` follow `sample` (e.g. --demo-parameters).
  explicit SampleTown(const std::string& scratch, const std::string& pack = "yasuda",
                      const std::vector<std::string>& sample_args = {})
      : dir(ScratchDir(scratch)), db((dir / "t.db").string()) {
    auto init = Run({"init", "--pack", std::string(MAMORI_PACKS_DIR) + "/" + pack, "--db", db});
    EXPECT_EQ(init.status, 0) << init.err;
    std::vector<std::string> sample = {"sample"};
    sample.insert(sample.end(), sample_args.begin(), sample_args.end());
    auto s = Run(sample);
    EXPECT_EQ(s.status, 0) << s.err;
  }
  // Runs mamori in the town's directory on its store (`init` names its own).
  CliResult Run(std::vector<std::string> args) {
    if (!args.empty() && args[0] != "init") args.insert(args.end(), {"--db", db});
    return RunMamori(args, dir);
  }
};

}  // namespace mamori::test_util
