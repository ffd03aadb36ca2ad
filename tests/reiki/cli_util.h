// Running the real `mamori` binary from a test: one runner for every CLI test.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern char** environ;

namespace mamori::test_util {

struct CliResult {
  bool exited = false;  // false: killed by a signal
  int status = -1;      // exit status when exited
  int signal = 0;       // the signal otherwise
  std::string out, err;
};

inline std::string ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A fresh directory named after the running test, so that ctest -j can run
// tests in parallel without sharing files.
inline std::filesystem::path ScratchDir(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::temp_directory_path() /
             (prefix + "_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Starts MAMORI_BINARY with `args`, stdin from `in` (empty: /dev/null), stdout
// and stderr into `out_path` and `err_path`; returns the pid, or -1. No shell is
// involved, so arguments need no quoting. For several at once (concurrency tests).
inline pid_t StartMamori(const std::vector<std::string>& args, const std::filesystem::path& out_path,
                         const std::filesystem::path& err_path, const std::string& in = "") {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.empty() ? "/dev/null" : in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv_s{MAMORI_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, MAMORI_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "posix_spawn " << MAMORI_BINARY << ": " << std::strerror(rc);
    return -1;
  }
  return pid;
}

// Waits for a StartMamori child.
inline CliResult WaitMamori(pid_t pid, const std::filesystem::path& out_path, const std::filesystem::path& err_path) {
  CliResult r;
  if (pid < 0) return r;
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  r.exited = WIFEXITED(wstatus);
  if (r.exited) r.status = WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) r.signal = WTERMSIG(wstatus);
  r.out = ReadFileBytes(out_path);
  r.err = ReadFileBytes(err_path);
  return r;
}

// Runs MAMORI_BINARY with `args` and no stdin. stdout and stderr go through files
// in `dir`, so a large output cannot block the child on a full pipe.
inline CliResult RunMamori(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  const auto out_path = dir / "stdout", err_path = dir / "stderr";
  return WaitMamori(StartMamori(args, out_path, err_path), out_path, err_path);
}

}  // namespace mamori::test_util
