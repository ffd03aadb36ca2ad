// UTF-8 -> CP932 (Shift_JIS), what Excel in Japan writes, for tests that feed
// such files to mamori. Fails the test if the text cannot be encoded.
#pragma once

#include <gtest/gtest.h>
#include <iconv.h>

#include <string>

namespace mamori::test_util {

inline std::string ToCp932(const std::string& utf8) {
  iconv_t cd = iconv_open("CP932", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    ADD_FAILURE() << "iconv_open(CP932) failed";
    return {};
  }
  std::string out(utf8.size() * 2 + 16, '\0');  // CP932 never takes more than 2 bytes a character
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size(), out_left = out.size();
  char* dst = out.data();
  if (iconv(cd, &in, &in_left, &dst, &out_left) == static_cast<std::size_t>(-1))
    ADD_FAILURE() << "text not encodable in CP932";
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace mamori::test_util
