// Where a pack given on the command line is: the one place every command that
// takes a pack (`init --pack`, `pack check | show | review | apply`) resolves
// its argument, so that `mamori init --pack yasuda` works from any folder.
#pragma once

#include <string>
#include <vector>

namespace mamori::cli {

// The folders searched for a pack named by its name: $MAMORI_PACKS when set
// and not empty (tests, a pack collection of one's own), otherwise the packs
// installed with mamori ($PREFIX/share/mamori/packs).
std::string InstalledPacksDir();

// The pack names (folders holding a pack.toml) under `dir`, sorted.
std::vector<std::string> PackNames(const std::string& dir);

// `arg` as given when it is an existing path (so what a store records about
// the pack is what it recorded before); otherwise the pack of that name under
// InstalledPacksDir(). Neither: store::Error E-PACK-040 naming the places
// looked in and the packs there are.
std::string ResolvePackDir(const std::string& arg);

}  // namespace mamori::cli
