#include "persistence/migration.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "runtime/base/crypto.hpp"
#include "runtime/error.hpp"

namespace kyb::persistence {

std::string migration::file_name() const {
  if (!file.empty())
    return file;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d", version);
  return std::string{buf} + "_" + name + ".sql";
}

std::string migration::checksum() const {
  return base::sha256_hex(sql);
}

bool migration::no_transaction() const {
  auto end = sql.find('\n');
  std::string_view first{sql.data(), end == std::string::npos ? sql.size() : end};
  while (!first.empty() &&
         (first.back() == '\r' || first.back() == ' ' || first.back() == '\t'))
    first.remove_suffix(1);
  return first == "-- kyb:no-transaction";
}

caf::expected<std::vector<migration>> load_migrations(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d)
    return make_error(errc::internal, "cannot read migrations directory " + dir);
  std::vector<std::string> files;
  while (auto* e = readdir(d)) {
    std::string f = e->d_name;
    if (f.size() > 4 && f.compare(f.size() - 4, 4, ".sql") == 0)
      files.push_back(f);
  }
  closedir(d);
  static const std::regex pattern{"^([0-9]+)_([A-Za-z0-9_]+)\\.sql$"};
  std::vector<migration> out;
  std::set<int> versions;
  for (auto& f : files) {
    std::smatch m;
    if (!std::regex_match(f, m, pattern))
      return make_error(errc::internal,
                        "migration file '" + f + "' is not named NNNN_name.sql");
    int version = std::stoi(m[1].str());
    if (!versions.insert(version).second)
      return make_error(errc::internal, "migration version " + std::to_string(version) +
                                            " appears twice");
    std::ifstream in{dir + "/" + f, std::ios::binary};
    if (!in)
      return make_error(errc::internal, "cannot read migration " + dir + "/" + f);
    std::ostringstream text;
    text << in.rdbuf();
    out.push_back(migration{version, m[2].str(), text.str(), f});
  }
  std::sort(out.begin(), out.end(),
            [](const migration& a, const migration& b) { return a.version < b.version; });
  return out;
}

namespace {

// The offset of the first character that is neither blank nor inside a comment;
// `newlines` counts the line breaks skipped.
size_t skip_blanks_and_comments(std::string_view s, size_t& newlines) {
  size_t i = 0;
  auto skip_to = [&](size_t to) {
    for (; i < to; ++i)
      if (s[i] == '\n')
        ++newlines;
  };
  while (i < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      skip_to(i + 1);
    } else if (s.compare(i, 2, "--") == 0) {
      auto nl = s.find('\n', i);
      skip_to(nl == std::string_view::npos ? s.size() : nl);
    } else if (s.compare(i, 2, "/*") == 0) {
      int depth = 1;
      skip_to(i + 2);
      while (i < s.size() && depth > 0) {
        if (s.compare(i, 2, "/*") == 0) {
          ++depth;
          skip_to(i + 2);
        } else if (s.compare(i, 2, "*/") == 0) {
          --depth;
          skip_to(i + 2);
        } else {
          skip_to(i + 1);
        }
      }
    } else {
      break;
    }
  }
  return i;
}

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

} // namespace

std::vector<sql_statement> split_sql(std::string_view sql) {
  std::vector<sql_statement> out;
  size_t start = 0;
  size_t start_line = 1;
  size_t line = 1;
  size_t i = 0;
  auto advance = [&](size_t to) {
    for (; i < to && i < sql.size(); ++i)
      if (sql[i] == '\n')
        ++line;
  };
  auto emit = [&](size_t end) {
    auto text = sql.substr(start, end - start);
    // The line of the statement's first token, not of the blanks and comments before it.
    size_t newlines = 0;
    auto first = skip_blanks_and_comments(text, newlines);
    if (first < text.size())
      out.push_back(
          sql_statement{std::string{text.substr(first)}, start_line + newlines});
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == ';') {
      emit(i);
      advance(i + 1);
      start = i;
      start_line = line;
    } else if (c == '-' && sql.compare(i, 2, "--") == 0) {
      auto nl = sql.find('\n', i);
      advance(nl == std::string_view::npos ? sql.size() : nl);
    } else if (c == '/' && sql.compare(i, 2, "/*") == 0) {
      int depth = 1;
      advance(i + 2);
      while (i < sql.size() && depth > 0) {
        if (sql.compare(i, 2, "/*") == 0) {
          ++depth;
          advance(i + 2);
        } else if (sql.compare(i, 2, "*/") == 0) {
          --depth;
          advance(i + 2);
        } else {
          advance(i + 1);
        }
      }
    } else if (c == '\'') {
      bool backslash = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                       (i < 2 || !ident_char(sql[i - 2]));
      advance(i + 1);
      while (i < sql.size()) {
        if (backslash && sql[i] == '\\') {
          advance(i + 2);
        } else if (sql[i] == '\'') {
          if (sql.compare(i, 2, "''") == 0) {
            advance(i + 2);
          } else {
            advance(i + 1);
            break;
          }
        } else {
          advance(i + 1);
        }
      }
    } else if (c == '"') {
      advance(i + 1);
      while (i < sql.size()) {
        if (sql.compare(i, 2, "\"\"") == 0) {
          advance(i + 2);
        } else if (sql[i] == '"') {
          advance(i + 1);
          break;
        } else {
          advance(i + 1);
        }
      }
    } else if (c == '$' && (i == 0 || !ident_char(sql[i - 1]))) {
      // A dollar quote: $$ or $tag$ where tag is an identifier (not $1, a parameter).
      size_t j = i + 1;
      while (j < sql.size() && ident_char(sql[j]) &&
             !(j == i + 1 && std::isdigit(static_cast<unsigned char>(sql[j]))))
        ++j;
      if (j < sql.size() && sql[j] == '$') {
        std::string_view tag = sql.substr(i, j - i + 1);
        auto close = sql.find(tag, j + 1);
        advance(close == std::string_view::npos ? sql.size() : close + tag.size());
      } else {
        advance(i + 1);
      }
    } else {
      advance(i + 1);
    }
  }
  emit(sql.size());
  return out;
}

size_t line_of_position(std::string_view text, size_t pos) {
  size_t line = 1;
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto b = static_cast<unsigned char>(text[i]);
    if ((b & 0xC0) != 0x80) { // the first byte of a UTF-8 character
      ++chars;
      if (chars >= pos)
        break;
    }
    if (text[i] == '\n')
      ++line;
  }
  return line;
}

} // namespace kyb::persistence
