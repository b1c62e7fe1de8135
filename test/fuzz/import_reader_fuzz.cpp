// The bulk import reader (net/import_reader, CSV and NDJSON) and what the import does
// with each record next: business_input_from_json and validate_business_input. The
// first byte chooses the format (bit 0: CSV), tiny limits (bit 1) and how the rest is
// split into reads (the other bits). Checked: the records and the fatal error do not
// depend on the split; record lines start at 1 and never go back; a record is an
// object or an error; every text that reaches the job's JSON (objects, errors, field
// errors) is valid UTF-8 and serialises.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/business/business_validation.hpp"
#include "net/business_json.hpp"
#include "net/import_reader.hpp"
#include "net/json_body.hpp"
#include "test/fuzz/fuzz_check.hpp"

using namespace kyb::net;

namespace {

bool utf8(const std::string& s) {
  return find_invalid_utf8(s) == std::string_view::npos;
}

struct outcome {
  std::vector<import_record> records;
  bool ok = true;
  std::string fatal;
};

outcome read(std::string_view input, import_format format, const import_limits& limits,
             uint32_t split_seed) {
  outcome o;
  import_reader reader(format, limits);
  uint32_t state = split_seed * 2654435761u + 1;
  size_t at = 0;
  while (at < input.size() && o.ok) {
    size_t piece = input.size() - at;
    if (split_seed != 0) {
      state = state * 1103515245u + 12345u;
      piece = std::min<size_t>(piece, 1 + (state >> 16) % ((state & 1) ? 5 : 200));
    }
    o.ok = reader.feed(input.substr(at, piece), o.records);
    at += piece;
  }
  if (o.ok)
    o.ok = reader.finish(o.records);
  o.fatal = reader.fatal_error();
  FUZZ_CHECK(o.ok == o.fatal.empty());
  return o;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  uint8_t control = data[0];
  auto input = kyb::fuzz::bytes(data + 1, size - 1);
  auto format = (control & 1) ? import_format::csv : import_format::ndjson;
  import_limits limits;
  if (control & 2) {
    limits.max_record_bytes = 64;
    limits.max_depth = 3;
    limits.max_columns = 4;
  }
  auto whole = read(input, format, limits, 0);
  auto pieces = read(input, format, limits, 1 + (control >> 2));
  FUZZ_CHECK(whole.ok == pieces.ok);
  FUZZ_CHECK(whole.fatal == pieces.fatal);
  FUZZ_CHECK(whole.records.size() == pieces.records.size());
  FUZZ_CHECK(utf8(whole.fatal));

  int64_t last_line = 1;
  for (size_t i = 0; i < whole.records.size(); ++i) {
    auto& r = whole.records[i];
    auto& p = pieces.records[i];
    FUZZ_CHECK(r.line == p.line && r.error == p.error && r.field == p.field &&
               r.object == p.object);
    FUZZ_CHECK(r.line >= last_line);
    last_line = r.line;
    if (!r.error.empty()) {
      FUZZ_CHECK(r.object.is_null());
      FUZZ_CHECK(utf8(r.error) && utf8(r.field));
      continue;
    }
    FUZZ_CHECK(r.object.is_object());
    r.object.dump(); // throws (a crash here) on text that is not UTF-8
    kyb::actors::business_input in;
    auto errors = business_input_from_json(r.object, in);
    if (errors.empty())
      errors = kyb::actors::validate_business_input(
          in, kyb::actors::validation_mode::create, "2026-12-06");
    for (auto& e : errors) {
      FUZZ_CHECK(!e.detail.empty());
      FUZZ_CHECK(utf8(e.field) && utf8(e.detail));
    }
  }
  return 0;
}
