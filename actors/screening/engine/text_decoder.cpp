#include "actors/screening/engine/text_decoder.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace kyb::screening {

namespace {

// Windows-1252 0x80-0x9F; 0 marks the five bytes the code page leaves undefined.
const char32_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "0x%02X", c);
  return buf;
}

} // namespace

bool is_valid_utf8(std::string_view text, size_t* bad_offset) noexcept {
  auto s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      if (bad_offset)
        *bad_offset = i;
      return false;
    }
    if (i + len > n) {
      if (bad_offset)
        *bad_offset = i;
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) {
        if (bad_offset)
          *bad_offset = i;
        return false;
      }
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      if (bad_offset)
        *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

bool cp1252_to_utf8(std::string_view bytes, std::string& out, size_t* bad_offset) {
  out.clear();
  out.reserve(bytes.size() + bytes.size() / 8);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0xA0) {
      char32_t cp = cp1252_high[c - 0x80];
      if (cp == 0) {
        if (bad_offset)
          *bad_offset = i;
        return false;
      }
      append_utf8(cp, out);
    } else {
      append_utf8(c, out);
    }
  }
  return true;
}

size_t line_of_offset(std::string_view text, size_t offset) noexcept {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n')
      ++line;
  return line;
}

result<std::string, load_error> decode_list_text(std::string_view bytes,
                                                 text_encoding encoding,
                                                 const std::string& file) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF")
    bytes.remove_prefix(3);
  // DOS tools end text files with ^Z; OFAC's legacy files still do.
  while (!bytes.empty() && bytes.back() == '\x1A')
    bytes.remove_suffix(1);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F)
      return load_error{file, line_of_offset(bytes, i),
                        "control character " + hex_byte(c) +
                            " in text: the file is binary, truncated or corrupt"};
  }
  size_t bad = 0;
  if (is_valid_utf8(bytes, &bad))
    return std::string(bytes);
  if (encoding == text_encoding::utf8)
    return load_error{file, line_of_offset(bytes, bad),
                      "invalid UTF-8 (byte " +
                          hex_byte(static_cast<unsigned char>(bytes[bad])) +
                          "): the file must be UTF-8 encoded"};
  std::string out;
  if (!cp1252_to_utf8(bytes, out, &bad))
    return load_error{file, line_of_offset(bytes, bad),
                      "byte " + hex_byte(static_cast<unsigned char>(bytes[bad])) +
                          " is neither UTF-8 nor Windows-1252: the file is mis-encoded"};
  return out;
}

result<std::string, load_error> read_file_bytes(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    return load_error{path, 0, std::string("cannot open: ") + std::strerror(errno)};
  std::string data;
  char buf[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
    data.append(buf, n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed)
    return load_error{path, 0, "read error"};
  return data;
}

} // namespace kyb::screening
