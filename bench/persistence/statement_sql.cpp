// Prints the text of one statement of the platform's catalogue (persistence/queries.cpp)
// by name, so the query benchmarks (bench/risk, bench/search) plan exactly what the node
// prepares.
//   statement_sql risk_trends_months
#include <cstdio>
#include <cstring>

#include "persistence/queries.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: statement_sql STATEMENT_NAME\n");
    return 2;
  }
  for (auto& s : kyb::persistence::platform_queries())
    if (std::strcmp(s.name, argv[1]) == 0) {
      std::printf("%s\n", s.sql);
      return 0;
    }
  std::fprintf(stderr, "no statement named %s\n", argv[1]);
  return 1;
}
