// The EU Financial Sanctions Files XML loader (actors/screening/eu_loader) through
// parse_list. Checks: test/fuzz/list_checks.hpp.
#include <cstddef>
#include <cstdint>
#include <string>

#include "test/fuzz/list_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kyb::screening::source_file file{"eu.xml", std::string(kyb::fuzz::bytes(data, size))};
  kyb::fuzz::check_list_parse(kyb::screening::list_format::eu_fsf_xml, {file});
  return 0;
}
