// The UK OFSI consolidated list CSV loader (actors/screening/uk_loader) through
// parse_list. Checks: test/fuzz/list_checks.hpp.
#include <cstddef>
#include <cstdint>
#include <string>

#include "test/fuzz/list_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kyb::screening::source_file file{"ConList.csv",
                                   std::string(kyb::fuzz::bytes(data, size))};
  kyb::fuzz::check_list_parse(kyb::screening::list_format::uk_ofsi_csv, {file});
  return 0;
}
