#include "actors/classification/error.hpp"

namespace kyb::classification {

const char* to_string(errc code) {
  switch (code) {
  case errc::empty_input:
    return "empty_input";
  case errc::input_too_large:
    return "input_too_large";
  case errc::invalid_utf8:
    return "invalid_utf8";
  case errc::invalid_country:
    return "invalid_country";
  case errc::model_not_found:
    return "model_not_found";
  case errc::model_io_error:
    return "model_io_error";
  case errc::model_bad_magic:
    return "model_bad_magic";
  case errc::model_unsupported_version:
    return "model_unsupported_version";
  case errc::model_truncated:
    return "model_truncated";
  case errc::model_checksum_mismatch:
    return "model_checksum_mismatch";
  case errc::model_malformed:
    return "model_malformed";
  case errc::data_not_found:
    return "data_not_found";
  case errc::data_malformed:
    return "data_malformed";
  case errc::invalid_argument:
    return "invalid_argument";
  }
  return "unknown";
}

bool is_input_error(errc code) {
  return code == errc::empty_input || code == errc::input_too_large ||
         code == errc::invalid_utf8 || code == errc::invalid_country;
}

bool is_model_error(errc code) {
  auto v = static_cast<uint8_t>(code);
  return v >= static_cast<uint8_t>(errc::model_not_found) &&
         v <= static_cast<uint8_t>(errc::model_malformed);
}

std::string error::to_string() const {
  std::string out = classification::to_string(code);
  if (!message.empty()) {
    out += ": ";
    out += message;
  }
  return out;
}

} // namespace kyb::classification
