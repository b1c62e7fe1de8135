// Turning a page's bytes into UTF-8: the charset from a byte-order mark, the
// Content-Type header, or a <meta charset> / http-equiv declaration near the top of the
// page; else UTF-8 when the bytes are valid UTF-8, else windows-1252 (what browsers
// assume). Bytes that are valid UTF-8 with non-ASCII characters are read as UTF-8
// whatever was declared (a page re-saved as UTF-8 often keeps its old <meta>, and
// servers send default charsets); `declared` keeps what was claimed. Non-UTF-8 charsets
// are decoded with ICU; bytes a charset cannot map become U+FFFD, so the result is always
// valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace kyb::website {

/// Where the charset came from.
enum class charset_source { bom, header, meta, utf8_valid, fallback };

/// "bom", "header", "meta", "utf8_valid", "fallback".
const char* to_string(charset_source s) noexcept;

/// A decoded page.
struct decoded_text {
  std::string utf8;     ///< The text as UTF-8.
  std::string charset;  ///< The charset used (ICU's canonical name, "UTF-8", ...).
  std::string declared; ///< The label as declared (header or meta); may be empty.
  charset_source source = charset_source::fallback;
  bool replaced = false; ///< Some bytes could not be decoded and became U+FFFD.
};

/// The charset parameter of a Content-Type value ("text/html; charset=Shift_JIS" ->
/// "Shift_JIS"); empty when there is none.
std::string charset_of_content_type(std::string_view content_type);

/// The charset a <meta charset> or <meta http-equiv="Content-Type"> declares in the first
/// 4 KiB of `html`; empty when there is none.
std::string sniff_meta_charset(std::string_view html);

/// Decodes `body` to UTF-8 with `content_type` (the header's value, may be empty).
decoded_text decode_page(std::string_view body, std::string_view content_type);

/// Decodes `bytes` from the charset labelled `label` with ICU; false when ICU does not
/// know the label.
bool decode_with(std::string_view bytes, const std::string& label, std::string& out,
                 bool& replaced);

} // namespace kyb::website
