// The configuration reader (config/config.cpp): INI text with KYB_* environment
// overrides. The input is the INI text, optionally followed by a line "%%env" and
// NAME=VALUE lines that form the environment. Checked: load_text() answers settings or
// an error (never both, never an exception), an error names a documented key (or none,
// for file-level problems) and says what is wrong; and the value parsers: a size is its
// number times one unit factor (no wrap-around), a duration is not negative.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "test/fuzz/fuzz_check.hpp"

using namespace kyb::config;

namespace {

void check_value_parsers(const std::string& v) {
  if (auto d = parse_duration(v))
    FUZZ_CHECK(d->count() >= 0);
  parse_bool(v);
  auto size = parse_size(v);
  if (!size)
    return;
  auto digits = v.substr(v.find_first_not_of(" \t\r\n")); // the blanks trim() removes
  digits = digits.substr(0, digits.find_first_not_of("0123456789"));
  auto n = parse_size(digits);
  FUZZ_CHECK(n.has_value());
  if (*n == 0) {
    FUZZ_CHECK(*size == 0);
    return;
  }
  FUZZ_CHECK(*size % *n == 0);
  auto factor = *size / *n;
  FUZZ_CHECK(factor == 1 || factor == 1024 || factor == (size_t{1} << 20) ||
             factor == (size_t{1} << 30));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto input = kyb::fuzz::bytes(data, size);
  auto cut = input.find("%%env\n");
  std::string text(input.substr(0, cut));
  environment env;
  if (cut != std::string_view::npos)
    for (auto line : kyb::fuzz::split(input.substr(cut + 6), "\n")) {
      auto eq = line.find('=');
      if (eq != std::string_view::npos)
        env[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }

  auto loaded = load_text(text, env);
  FUZZ_CHECK(loaded.value.has_value() != loaded.error.has_value());
  FUZZ_CHECK(static_cast<bool>(loaded) == loaded.value.has_value());
  if (loaded.error) {
    const auto& err = *loaded.error;
    FUZZ_CHECK(!err.message.empty());
    FUZZ_CHECK(!err.source.empty());
    if (!err.key.empty() && err.message != "unknown option") {
      bool documented = false;
      for (auto& o : documented_options())
        documented = documented || o.key == err.key;
      FUZZ_CHECK(documented);
    }
    FUZZ_CHECK(!err.to_string().empty());
  }

  for (auto line : kyb::fuzz::split(input, "\n")) {
    auto eq = line.find('=');
    check_value_parsers(
        std::string(line.substr(eq == std::string_view::npos ? 0 : eq + 1)));
  }
  return 0;
}
