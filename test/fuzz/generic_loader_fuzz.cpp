// The generic list loaders (actors/screening/generic_loader, CSV and JSON) through
// parse_list: every input is read as both. Checks: test/fuzz/list_checks.hpp.
#include <cstddef>
#include <cstdint>
#include <string>

#include "test/fuzz/list_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using kyb::screening::list_format;
  std::string bytes(kyb::fuzz::bytes(data, size));
  kyb::fuzz::check_list_parse(list_format::generic_csv, {{"list.csv", bytes}});
  kyb::fuzz::check_list_parse(list_format::generic_json, {{"list.json", bytes}});
  return 0;
}
