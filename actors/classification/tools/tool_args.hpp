// Command-line parsing shared by the classification tools: "--key value" pairs.
#pragma once

#include <cstdio>
#include <map>
#include <string>

namespace kyb::classification::tools {

/// Parses argv into key -> value; returns false (after printing `usage`) on a stray
/// argument or a missing value. "--help" prints usage and returns false.
inline bool parse_args(int argc, char** argv, const char* usage,
                       std::map<std::string, std::string>& out) {
  for (int i = 1; i < argc; ++i) {
    std::string key = argv[i];
    if (key == "--help" || key == "-h" || key.rfind("--", 0) != 0 || i + 1 >= argc) {
      std::fprintf(stderr, "%s", usage);
      return false;
    }
    out[key.substr(2)] = argv[++i];
  }
  return true;
}

/// The value of `key`, or `fallback`.
inline std::string arg(const std::map<std::string, std::string>& args,
                       const std::string& key, const std::string& fallback) {
  auto it = args.find(key);
  return it == args.end() ? fallback : it->second;
}

} // namespace kyb::classification::tools
