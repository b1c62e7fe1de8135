#include "persistence/pg_types.hpp"

#include "runtime/base/crypto.hpp"

namespace kyb::persistence {

std::string bytea_param(std::string_view bytes) {
  return "\\x" + base::hex_encode(bytes);
}

std::string pg_array(const std::vector<std::optional<std::string>>& elements) {
  size_t size = 2;
  for (const auto& e : elements)
    size += e ? e->size() + 3 : 5;
  std::string out;
  out.reserve(size);
  out += '{';
  bool first = true;
  for (const auto& e : elements) {
    if (!first)
      out += ',';
    first = false;
    if (!e) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char c : *e) {
      if (c == '"' || c == '\\')
        out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::optional<std::string> parse_bytea(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x')
    return std::nullopt;
  return base::hex_decode(text.substr(2));
}

bool operator==(const pg_statement& a, const pg_statement& b) {
  return a.name == b.name && a.params == b.params;
}

bool operator==(const pg_rows& a, const pg_rows& b) {
  return a.columns == b.columns && a.rows == b.rows && a.affected == b.affected;
}

namespace detail {

pg_values_wire to_wire(const std::vector<pg_value>& xs) {
  pg_values_wire w;
  w.nulls.reserve(xs.size());
  w.values.reserve(xs.size());
  for (auto& x : xs) {
    w.nulls.push_back(x ? 0 : 1);
    w.values.push_back(x ? *x : std::string{});
  }
  return w;
}

std::vector<pg_value> from_wire(pg_values_wire& w) {
  std::vector<pg_value> xs;
  if (w.nulls.size() != w.values.size())
    return xs;
  xs.reserve(w.values.size());
  for (size_t i = 0; i < w.values.size(); ++i) {
    if (w.nulls[i])
      xs.emplace_back(std::nullopt);
    else
      xs.emplace_back(std::move(w.values[i]));
  }
  return xs;
}

} // namespace detail

} // namespace kyb::persistence
