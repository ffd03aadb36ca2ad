// output: files mamori writes for people and other systems (exports, keys'
// public halves, archives), written so that nothing is destroyed by accident.
//
// Invariants of every file written here:
//  * it never replaces the store, its -wal / -shm, or its signing key, whatever
//    the flags (E-OUT-001);
//  * it replaces an existing file only when asked (`force`, E-OUT-002), and
//    never anything but a regular file (a folder, /dev/full: E-OUT-003);
//  * it appears whole or not at all: bytes go to a temporary file in the same
//    folder, are flushed to disk, and the file is renamed into place only then;
//    a failure (missing folder E-OUT-004, full disk E-OUT-005) leaves nothing.
#pragma once

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace mamori::output {

struct Options {
  bool force = false;                  // replace an existing regular file
  std::vector<std::string> protect;    // files no output may become (the store and its key)
};

// The files of a store that no output may overwrite: DB, DB-wal, DB-shm and
// the signing key beside it (DB.key).
std::vector<std::string> StoreFiles(const std::string& db);

// A file being written: Commit() puts it in place; destroying it uncommitted
// removes the temporary file. Errors throw store::Error with the codes above.
class AtomicFile {
 public:
  AtomicFile(std::string path, const Options& options);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // For a writer that takes a path (libxlsxwriter): write here, then Commit().
  const std::string& temp_path() const { return temp_; }
  // For a writer that takes a stream.
  std::ostream& stream();
  // Flushes, syncs and renames into place.
  void Commit();

 private:
  std::string path_, temp_;
  std::ofstream out_;
  bool committed_ = false;
};

// The whole file at once.
void WriteFile(const std::string& path, std::string_view bytes, const Options& options);

}  // namespace mamori::output
