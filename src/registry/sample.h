// The generated sample municipality (see sample.cc).
#pragma once

#include <string>
#include <vector>

#include "policy/policy.h"
#include "registry/registry.h"

namespace mamori::registry {

struct SampleSize {
  long people = 300;
  long assets = 1200;
};

struct SampleTable {
  std::string kind;  // register id; a kind may come twice (units, then their head posts)
  Table table;
};

// Tables in import order: each refers only to rows imported before it.
std::vector<SampleTable> SampleTown(const policy::Pack& pack, const SampleSize& size = {});

}  // namespace mamori::registry
