// Bytes to UTF-8. Municipal staff hand us whatever Excel or a PDF tool wrote:
// UTF-8 with or without BOM, or CP932. glibc's iconv already knows CP932, so no
// extra dependency is needed for it.
#include <iconv.h>

#include <cerrno>
#include <memory>
#include <string>

#include "reiki/reiki.h"
#include "reiki/utf8.h"

namespace mamori::reiki {
namespace {

std::optional<std::string> FromCp932(std::string_view bytes) {
  iconv_t cd = iconv_open("UTF-8", "CP932");
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
  std::string out(bytes.size() * 3 / 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* dst = out.data();
  std::size_t out_left = out.size();
  while (in_left > 0) {
    if (iconv(cd, &in, &in_left, &dst, &out_left) == static_cast<std::size_t>(-1)) {
      if (errno != E2BIG) return std::nullopt;  // EILSEQ / EINVAL: not CP932 either
      std::size_t used = out.size() - out_left;
      out.resize(out.size() * 2);
      dst = out.data() + used;
      out_left = out.size() - used;
    }
  }
  out.resize(out.size() - out_left);
  return out;
}

// Control bytes other than tab, LF, CR and form feed do not occur in text.
bool LooksBinary(std::string_view bytes) {
  std::size_t controls = 0;
  for (unsigned char c : bytes) {
    if (c == 0) return true;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ++controls;
  }
  return controls > 0 && controls * 100 > bytes.size();
}

Error Empty() {
  return Error("E-REIKI-001", "ファイルが空です（空白しかありません）。例規の本文を含むテキストファイルを指定してください。");
}

bool IsBlank(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = utf8::Next(s, i);
    if (!utf8::IsSpace(c) && c != U'\n') return false;
  }
  return true;
}

std::string FoldNewlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else if (s[i] == '\f') {
      out += '\n';  // a form feed is a PDF page break; the next line starts a page
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

Error TooLarge(std::size_t size, std::size_t max_bytes) {
  return Error("E-REIKI-005", "ファイルが大きすぎます（" + std::to_string(size / 1024) + " KiB、上限 " +
                                  std::to_string(max_bytes / 1024) +
                                  " KiB）。例規1本ずつに分けて読み込んでください。");
}

Decoded Decode(std::string_view bytes, const ParseOptions& options) {
  if (bytes.size() > options.max_bytes) throw TooLarge(bytes.size(), options.max_bytes);
  if (bytes.find_first_not_of(" \t\r\n\f") == std::string_view::npos) throw Empty();
  if (LooksBinary(bytes)) {
    throw Error("E-REIKI-002",
                "テキストファイルではありません（バイナリデータを含みます）。"
                "PDF や Word の場合は、テキストとして保存してから読み込んでください。");
  }
  Decoded d;
  std::string_view body = bytes;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") {
    body.remove_prefix(3);
    d.encoding = "UTF-8 (BOM)";
  } else {
    d.encoding = "UTF-8";
  }
  if (utf8::IsValid(body)) {
    d.text = FoldNewlines(body);
    if (d.text.empty()) throw Empty();  // only a BOM
  } else if (auto cp932 = FromCp932(bytes)) {
    d.text = FoldNewlines(*cp932);
    d.encoding = "CP932";
  }
  if (!d.text.empty()) {
    // Only ideographic spaces (U+3000) is as empty as no bytes at all.
    if (IsBlank(d.text)) throw Empty();
    return d;
  }
  throw Error("E-REIKI-003",
              "文字コードを判別できません（UTF-8 でも CP932/Shift_JIS でもありません）。"
              "UTF-8 で保存し直してください。");
}

}  // namespace mamori::reiki
