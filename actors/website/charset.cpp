#include "actors/website/charset.hpp"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "actors/screening/engine/text_decoder.hpp"
#include "runtime/base/text.hpp"

namespace kyb::website {

namespace {

bool is_label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.' || c == ':';
}

/// The label after "charset" at `pos` in `s` (skipping blanks, '=' and a quote).
std::string label_after(std::string_view s, size_t pos) {
  while (pos < s.size() && base::is_blank(s[pos]))
    ++pos;
  if (pos >= s.size() || s[pos] != '=')
    return {};
  ++pos;
  while (pos < s.size() && (base::is_blank(s[pos]) || s[pos] == '"' || s[pos] == '\''))
    ++pos;
  size_t end = pos;
  while (end < s.size() && is_label_char(s[end]))
    ++end;
  return std::string(s.substr(pos, end - pos));
}

/// What browsers use for a label (the WHATWG Encoding Standard maps Latin-1 and ASCII
/// to windows-1252, and a page cannot meaningfully declare UTF-16 in itself).
std::string effective_label(const std::string& label, bool from_meta) {
  auto l = base::to_lower_ascii(label);
  if (l == "iso-8859-1" || l == "iso8859-1" || l == "latin1" || l == "l1" ||
      l == "us-ascii" || l == "ascii" || l == "iso_8859-1" || l == "cp819" ||
      l == "windows-1252" || l == "cp1252" || l == "x-cp1252")
    return "windows-1252";
  if (l == "utf8" || l == "utf-8" || l == "unicode-1-1-utf-8")
    return "UTF-8";
  if (from_meta && l.compare(0, 6, "utf-16") == 0)
    return "UTF-8";
  if (l == "shift_jis" || l == "shift-jis" || l == "sjis" || l == "x-sjis" ||
      l == "ms_kanji" || l == "windows-31j" || l == "csshiftjis")
    return "windows-31j";
  return label;
}

void U_CALLCONV substitute_and_flag(const void* context, UConverterToUnicodeArgs* args,
                                    const char*, int32_t, UConverterCallbackReason reason,
                                    UErrorCode* err) {
  if (reason > UCNV_IRREGULAR)
    return;
  *static_cast<bool*>(const_cast<void*>(context)) = true;
  static const UChar replacement = 0xFFFD;
  *err = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &replacement, 1, 0, err);
}

struct converter_closer {
  void operator()(UConverter* c) const noexcept { ucnv_close(c); }
};

} // namespace

const char* to_string(charset_source s) noexcept {
  switch (s) {
  case charset_source::bom:
    return "bom";
  case charset_source::header:
    return "header";
  case charset_source::meta:
    return "meta";
  case charset_source::utf8_valid:
    return "utf8_valid";
  case charset_source::fallback:
    break;
  }
  return "fallback";
}

std::string charset_of_content_type(std::string_view content_type) {
  auto lower = base::to_lower_ascii(content_type);
  auto pos = lower.find("charset");
  if (pos == std::string::npos)
    return {};
  return label_after(content_type, pos + 7);
}

std::string sniff_meta_charset(std::string_view html) {
  auto head = base::to_lower_ascii(html.substr(0, 4096));
  size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    auto end = head.find('>', pos);
    if (end == std::string::npos)
      end = head.size();
    auto tag = std::string_view(head).substr(pos, end - pos);
    auto at = tag.find("charset");
    if (at != std::string_view::npos) {
      auto label = label_after(html.substr(pos, end - pos), at + 7);
      if (!label.empty())
        return label;
    }
    pos = end;
  }
  return {};
}

bool decode_with(std::string_view bytes, const std::string& label, std::string& out,
                 bool& replaced) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, converter_closer> cnv(ucnv_open(label.c_str(), &err));
  if (U_FAILURE(err) || !cnv)
    return false;
  ucnv_setToUCallBack(cnv.get(), substitute_and_flag, &replaced, nullptr, nullptr, &err);
  if (U_FAILURE(err))
    return false;
  // One input byte never yields more than two UTF-16 units.
  std::vector<UChar> units(bytes.size() * 2 + 16);
  UChar* target = units.data();
  const char* source = bytes.data();
  ucnv_toUnicode(cnv.get(), &target, units.data() + units.size(), &source,
                 bytes.data() + bytes.size(), nullptr, true, &err);
  if (U_FAILURE(err))
    return false;
  auto length = static_cast<int32_t>(target - units.data());
  int32_t needed = 0;
  UErrorCode err2 = U_ZERO_ERROR;
  u_strToUTF8WithSub(nullptr, 0, &needed, units.data(), length, 0xFFFD, nullptr, &err2);
  out.assign(static_cast<size_t>(needed), '\0');
  err2 = U_ZERO_ERROR;
  u_strToUTF8WithSub(out.data(), needed, &needed, units.data(), length, 0xFFFD, nullptr,
                     &err2);
  return U_SUCCESS(err2) || err2 == U_STRING_NOT_TERMINATED_WARNING;
}

decoded_text decode_page(std::string_view body, std::string_view content_type) {
  decoded_text out;
  std::string label;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") {
    out.source = charset_source::bom;
    label = "UTF-8";
    body.remove_prefix(3);
  } else if (body.substr(0, 2) == "\xFF\xFE" || body.substr(0, 2) == "\xFE\xFF") {
    out.source = charset_source::bom;
    label = body[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
    body.remove_prefix(2);
  } else if (auto h = charset_of_content_type(content_type); !h.empty()) {
    out.source = charset_source::header;
    out.declared = h;
    label = effective_label(h, false);
  } else if (auto m = sniff_meta_charset(body); !m.empty()) {
    out.source = charset_source::meta;
    out.declared = m;
    label = effective_label(m, true);
  }
  // Bytes that are valid UTF-8 and not plain ASCII are UTF-8 whatever a header or <meta>
  // says: pages re-saved as UTF-8 keep their old declaration, servers send a default
  // charset, and no real text in another charset is valid UTF-8 by accident.
  if (out.source != charset_source::bom && label != "UTF-8" && !label.empty() &&
      std::any_of(body.begin(), body.end(),
                  [](char c) { return static_cast<unsigned char>(c) >= 0x80; }) &&
      screening::is_valid_utf8(body)) {
    out.source = charset_source::utf8_valid;
    out.utf8 = std::string(body);
    out.charset = "UTF-8";
    return out;
  }
  if (!label.empty()) {
    if (label == "UTF-8" && screening::is_valid_utf8(body)) {
      out.utf8 = std::string(body);
      out.charset = "UTF-8";
      return out;
    }
    if (decode_with(body, label, out.utf8, out.replaced)) {
      UErrorCode err = U_ZERO_ERROR;
      auto name = ucnv_getCanonicalName(label.c_str(), "", &err);
      out.charset = U_SUCCESS(err) && name && *name ? name : label;
      if (label == "windows-1252" || label == "windows-31j" || label == "UTF-8")
        out.charset = label;
      return out;
    }
    // An unknown label: decide from the bytes as if nothing had been declared.
    out.replaced = false;
  }
  // Nothing usable declared (or a label ICU does not know): decide from the bytes.
  if (screening::is_valid_utf8(body)) {
    out.source = charset_source::utf8_valid;
    out.utf8 = std::string(body);
    out.charset = "UTF-8";
    return out;
  }
  out.source = charset_source::fallback;
  out.charset = "windows-1252";
  decode_with(body, "windows-1252", out.utf8, out.replaced);
  return out;
}

} // namespace kyb::website
