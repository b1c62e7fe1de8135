// The OFAC legacy CSV loader (actors/screening/ofac_loader) through parse_list. The
// input holds up to four files, the primary, alias, address and comment files in that
// order, each ended by a line "=====" (an absent file: nothing between two of them).
// Checks: test/fuzz/list_checks.hpp.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "test/fuzz/list_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using kyb::screening::source_file;
  auto parts = kyb::fuzz::split(kyb::fuzz::bytes(data, size), "\n=====\n");
  static const char* const names[] = {"sdn.csv", "alt.csv", "add.csv",
                                      "sdn_comments.csv"};
  std::vector<source_file> files;
  for (size_t i = 0; i < 4; ++i) {
    source_file f;
    if (i < parts.size() && (i == 0 || !parts[i].empty())) {
      f.path = names[i];
      f.bytes = std::string(parts[i]);
    }
    files.push_back(std::move(f));
  }
  kyb::fuzz::check_list_parse(kyb::screening::list_format::ofac_csv, files);
  return 0;
}
