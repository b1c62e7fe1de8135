// Error values of the classification engine. Nothing in the public API throws: every
// fallible call returns an `expected<T>` holding either the value or one of these.
#pragma once

#include <cstdint>
#include <string>

namespace kyb::classification {

/// Every way a classification call can fail. The first group is the caller's fault (the
/// HTTP layer answers 400), the second concerns the model file (start-up must stop),
/// the third the training and evaluation data.
enum class errc : uint8_t {
  // --- bad input (HTTP 400) ---
  empty_input = 1, ///< No name, DBA, description or website text was given.
  input_too_large, ///< A field is longer than its limit (see input_limits).
  invalid_utf8,    ///< A field is not well-formed UTF-8.
  invalid_country, ///< The country is not two ASCII letters.
  // --- model file (start-up error) ---
  model_not_found = 32,      ///< The model file does not exist or cannot be opened.
  model_io_error,            ///< Reading or writing the model file failed.
  model_bad_magic,           ///< The file is not a classification model.
  model_unsupported_version, ///< The file's format version is not the one we read.
  model_truncated,           ///< The file ends before its declared content.
  model_checksum_mismatch,   ///< The stored CRC-32 does not match the content.
  model_malformed,           ///< The content is inconsistent (indexes out of range, ...).
  // --- data and arguments (tools) ---
  data_not_found = 64, ///< A data file is missing.
  data_malformed,      ///< A data file cannot be parsed.
  invalid_argument,    ///< A parameter is out of its range.
};

/// Stable snake_case name of a code ("invalid_utf8").
const char* to_string(errc code);

/// True for the codes that describe bad caller input (mapped to HTTP 400).
bool is_input_error(errc code);

/// True for the codes that describe an unusable model file.
bool is_model_error(errc code);

/// An error code with a human-readable explanation.
struct error {
  errc code = errc::invalid_argument; ///< What went wrong.
  std::string message;                ///< Details for logs and problem+json `detail`.

  /// "invalid_utf8: description: byte 17 is not valid UTF-8".
  std::string to_string() const;
};

} // namespace kyb::classification
