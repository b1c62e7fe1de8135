#include "persistence/statement_catalog.hpp"

#include <cctype>

namespace kyb::persistence {

statement_catalog::statement_catalog(std::initializer_list<statement_def> defs) {
  for (auto& d : defs)
    add(d.name, d.sql);
}

statement_catalog::statement_catalog(std::vector<statement_def> defs) {
  for (auto& d : defs)
    add(std::move(d.name), std::move(d.sql));
}

bool statement_catalog::add(std::string name, std::string sql) {
  if (name.empty() || index_.count(name) > 0)
    return false;
  index_.emplace(name, static_cast<int>(defs_.size()));
  defs_.push_back(statement_def{std::move(name), std::move(sql)});
  return true;
}

bool statement_catalog::merge(const statement_catalog& other) {
  bool all = true;
  for (auto& d : other.defs_)
    all = add(d.name, d.sql) && all;
  return all;
}

const statement_def* statement_catalog::find(std::string_view name) const {
  auto i = index_of(name);
  return i < 0 ? nullptr : &defs_[static_cast<size_t>(i)];
}

int statement_catalog::index_of(std::string_view name) const {
  auto i = index_.find(std::string{name});
  return i == index_.end() ? -1 : i->second;
}

bool statement_catalog::is_copy(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i]))) {
      ++i;
    } else if (sql.compare(i, 2, "--") == 0) {
      auto nl = sql.find('\n', i);
      i = nl == std::string_view::npos ? sql.size() : nl + 1;
    } else if (sql.compare(i, 2, "/*") == 0) {
      auto end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  if (sql.size() - i < 4)
    return false;
  for (size_t k = 0; k < 4; ++k)
    if (std::tolower(static_cast<unsigned char>(sql[i + k])) != "copy"[k])
      return false;
  return sql.size() - i == 4 || !std::isalnum(static_cast<unsigned char>(sql[i + 4]));
}

} // namespace kyb::persistence
