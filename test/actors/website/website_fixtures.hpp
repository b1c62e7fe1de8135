// Shared helpers of the website engine tests: the pages in test/data/website and an
// engine over the built-in tables.
#pragma once

#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "actors/website/charset.hpp"
#include "actors/website/website_analysis.hpp"

namespace kyb::website {

/// For Boost.Test messages.
inline std::ostream& operator<<(std::ostream& out, charset_source s) {
  return out << to_string(s);
}

} // namespace kyb::website

namespace kyb::website::test {

inline std::string read_data(const std::string& name) {
  std::ifstream in(std::string(KYB_TEST_DATA) + "/website/" + name, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read test data website/" + name);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

/// A 200 answer for `url` with `body` and a Content-Type.
inline fetched_page page(std::string url, std::string body,
                         std::string content_type = "text/html") {
  fetched_page p;
  p.url = std::move(url);
  p.status = 200;
  p.body = std::move(body);
  if (!content_type.empty())
    p.headers.emplace_back("Content-Type", std::move(content_type));
  return p;
}

inline const website_engine& engine() {
  static const website_engine e = [] {
    auto loaded = load_signal_tables();
    if (!loaded.tables)
      throw std::runtime_error(loaded.error);
    return website_engine(loaded.tables);
  }();
  return e;
}

inline std::chrono::system_clock::time_point at_unix(int64_t seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

} // namespace kyb::website::test
