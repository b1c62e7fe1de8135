// Turns the raw bytes of a list file into validated UTF-8 text, or says precisely
// (file, line) why it cannot: the first defence against mis-encoded or binary input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "actors/screening/engine/result.hpp"
#include "actors/screening/engine/sanctions_list.hpp"

namespace kyb::screening {

/// How the bytes of a list file are encoded.
enum class text_encoding {
  utf8,           ///< Must be valid UTF-8 (a leading BOM is dropped).
  utf8_or_cp1252, ///< OFAC legacy files: UTF-8 when valid, else Windows-1252.
};

/// True when `text` is well-formed UTF-8 (no overlongs, surrogates or values above
/// U+10FFFF). On failure `bad_offset` (if given) receives the offending byte offset.
bool is_valid_utf8(std::string_view text, size_t* bad_offset = nullptr) noexcept;

/// Converts Windows-1252 bytes to UTF-8. Bytes that code page leaves undefined
/// (0x81, 0x8D, 0x8F, 0x90, 0x9D) make it fail: `bad_offset` receives the first one.
bool cp1252_to_utf8(std::string_view bytes, std::string& out, size_t* bad_offset);

/// The 1-based line holding byte `offset` of `text`.
size_t line_of_offset(std::string_view text, size_t offset) noexcept;

/// Decodes a whole file: drops a UTF-8 BOM and a trailing DOS end-of-file byte (0x1A),
/// converts to UTF-8, and rejects control characters other than tab, CR and LF.
result<std::string, load_error>
decode_list_text(std::string_view bytes, text_encoding encoding, const std::string& file);

/// Reads a whole file into `out`. Returns an error naming the file when it cannot be
/// opened or read.
result<std::string, load_error> read_file_bytes(const std::string& path);

} // namespace kyb::screening
