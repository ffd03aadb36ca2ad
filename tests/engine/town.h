// The sample town of one pack in a fresh store, compiled: the fixture every
// engine test decides against.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "engine/engine.h"
#include "registry/binding.h"
#include "registry/registry.h"
#include "registry/sample.h"

namespace mamori::engine {

// A store bound to `org` with the sample town, and its compiled snapshot.
struct Town {
  std::filesystem::path dir;
  registry::Bound b;
  reiki::Regulation reg;
  std::shared_ptr<const Snapshot> snap;

  explicit Town(const std::string& org) {
    dir = std::filesystem::temp_directory_path() / ("mamori_engine_test_" + std::to_string(::getpid()) + "_" + org);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    b = registry::Init((dir / "t.db").string(), std::string(MAMORI_PACKS_DIR) + "/" + org, "test");
    registry::Registry r(*b.store, b.pack);
    registry::ImportOptions o;
    o.at = "2026-03-01T09:00:00+09:00";
    for (const auto& t : registry::SampleTown(b.pack, {300, 200})) r.Import(*registry::FindKind(r.kinds(), t.kind), t.table, o);
    reg = reiki::ParseFile((std::filesystem::path(b.pack.dir) / b.pack.regulation.file).string());
    snap = Compile(b.pack, reg, *b.store);
  }
  Decision D(const std::string& json) const { return Decide(*snap, ParseRequest(*snap, json)); }
};

}  // namespace mamori::engine
