// deploy/: the systemd unit and the nginx site an installation copies. The
// unit must pass `systemd-analyze verify` (with ExecStart pointed at the
// built binary, as `make install` would place it), start `mamori serve` on
// 127.0.0.1 only, and stop it with SIGTERM; the site must pass `nginx -t`
// where nginx is installed and send everything to that address.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "reiki/cli_util.h"

namespace {

namespace fs = std::filesystem;

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const fs::path kDeploy = fs::path(MAMORI_SOURCE_DIR) / "deploy";

int Shell(const std::string& command, std::string& out) {
  out.clear();
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(Deploy, TheSystemdUnitVerifiesAndServesOnLoopbackOnly) {
  const std::string unit = mamori::test_util::ReadFileBytes(kDeploy / "mamori.service");
  ASSERT_FALSE(unit.empty());
  EXPECT_TRUE(Has(unit, "--listen 127.0.0.1:8080")) << "TLS is nginx's: mamori listens on loopback";
  EXPECT_TRUE(Has(unit, "KillSignal=SIGTERM"));
  std::string out;
  if (Shell("command -v systemd-analyze", out) != 0) GTEST_SKIP() << "systemd-analyze is not installed";
  const fs::path dir = mamori::test_util::ScratchDir("mamori_deploy");
  std::string copy = unit;
  const std::string from = "/usr/local/bin/mamori";
  copy.replace(copy.find(from), from.size(), MAMORI_BINARY);
  std::ofstream(dir / "mamori.service") << copy;
  EXPECT_EQ(Shell("systemd-analyze verify '" + (dir / "mamori.service").string() + "'", out), 0) << out;
  // A unit with a key misspelt is what the check is for.
  std::string typo = copy;
  typo.replace(typo.find("ExecStart="), 10, "ExecStrat=");
  std::ofstream(dir / "typo.service") << typo;
  EXPECT_NE(Shell("systemd-analyze verify '" + (dir / "typo.service").string() + "'", out), 0) << out;
}

TEST(Deploy, TheNginxSiteTerminatesTlsAndProxiesToMamori) {
  const std::string site = mamori::test_util::ReadFileBytes(kDeploy / "nginx-mamori.conf");
  ASSERT_FALSE(site.empty());
  EXPECT_TRUE(Has(site, "server 127.0.0.1:8080;"));
  EXPECT_TRUE(Has(site, "listen 443 ssl;"));
  EXPECT_TRUE(Has(site, "return 301 https://"));
  std::string out;
  if (Shell("command -v nginx", out) != 0) GTEST_SKIP() << "nginx is not installed here; the site is checked where it is";
  const fs::path dir = mamori::test_util::ScratchDir("mamori_nginx");
  // A throw-away certificate, and a main configuration that includes only the site.
  ASSERT_EQ(Shell("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=mamori.test -keyout '" + (dir / "k.pem").string() +
                      "' -out '" + (dir / "c.pem").string() + "'",
                  out),
            0)
      << out;
  std::string copy = site;
  copy.replace(copy.find("/etc/ssl/certs/mamori.pem"), 25, (dir / "c.pem").string());
  copy.replace(copy.find("/etc/ssl/private/mamori.key"), 27, (dir / "k.pem").string());
  std::ofstream(dir / "site.conf") << copy;
  std::ofstream(dir / "nginx.conf") << "pid " << (dir / "nginx.pid").string() << ";\nerror_log " << (dir / "error.log").string()
                                    << ";\nevents {}\nhttp {\n access_log off;\n include " << (dir / "site.conf").string() << ";\n}\n";
  EXPECT_EQ(Shell("nginx -t -c '" + (dir / "nginx.conf").string() + "'", out), 0) << out;
}

}  // namespace
