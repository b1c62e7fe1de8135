#include "actors/website/signal_tables.hpp"

#include <map>
#include <utility>

#include "actors/screening/engine/text_decoder.hpp"
#include "runtime/base/crypto.hpp"

namespace kyb::website {

// Generated from config/website/ (cmake/embed_files.cmake,
// actors/website/CMakeLists.txt).
extern const std::string_view builtin_content_signals;
extern const std::string_view builtin_parked_phrases;

namespace {

constexpr const char* category_names[] = {"gambling",
                                          "adult",
                                          "weapons",
                                          "drugs_cbd",
                                          "crypto",
                                          "counterfeit_replica",
                                          "pharmacy_no_prescription",
                                          "high_risk_financial"};

constexpr const char* parked_names[] = {"for_sale", "parking", "under_construction"};

/// Problems with a phrase as written, or empty.
std::string phrase_problem(const std::string& phrase) {
  if (phrase.empty())
    return "empty term";
  if (phrase.size() > 100)
    return "term longer than 100 bytes";
  if (!screening::is_valid_utf8(phrase))
    return "term is not valid UTF-8";
  bool word = false;
  for (size_t i = 0; i < phrase.size(); ++i) {
    auto c = static_cast<unsigned char>(phrase[i]);
    if (c < 0x20 || c == 0x7f)
      return "term holds a control character";
    if (c == ' ' && i + 1 < phrase.size() && phrase[i + 1] == ' ')
      return "term holds two spaces in a row";
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        c >= 0x80)
      word = true;
  }
  if (!word)
    return "term has no letter or digit";
  return {};
}

std::optional<int> parse_weight(const std::string& s) {
  if (s.empty() || s.size() > 3)
    return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > 100)
    return std::nullopt;
  return v;
}

std::string text_or_builtin(const std::string& path, std::string_view builtin,
                            std::string& error) {
  if (path.empty())
    return std::string(builtin);
  auto text = risk::read_text_file(path);
  if (!text) {
    error += "cannot read " + path + "\n";
    return {};
  }
  return *text;
}

} // namespace

const char* to_string(signal_category c) noexcept {
  return category_names[static_cast<size_t>(c)];
}

std::optional<signal_category> signal_category_of(std::string_view name) {
  for (size_t i = 0; i < std::size(category_names); ++i)
    if (name == category_names[i])
      return static_cast<signal_category>(i);
  return std::nullopt;
}

const char* to_string(parked_kind k) noexcept {
  return parked_names[static_cast<size_t>(k)];
}

risk::load_result<content_signal_table>
content_signal_table::parse(std::string_view csv) {
  auto rows = risk::read_reference_csv(csv, {"category", "term", "weight"});
  content_signal_table table;
  auto problems = std::move(rows.problems);
  std::map<std::pair<signal_category, std::string>, size_t> seen;
  for (auto& row : rows.rows) {
    auto category = signal_category_of(row.cells[0]);
    if (!category) {
      problems.push_back({row.line, "unknown category '" + row.cells[0] + "'"});
      continue;
    }
    if (auto p = phrase_problem(row.cells[1]); !p.empty()) {
      problems.push_back({row.line, p});
      continue;
    }
    auto weight = parse_weight(row.cells[2]);
    if (!weight) {
      problems.push_back({row.line, "weight '" + row.cells[2] +
                                        "' is not a whole number from 1 to 100"});
      continue;
    }
    auto key = std::make_pair(*category, fold_case(row.cells[1]));
    auto [it, fresh] = seen.emplace(key, row.line);
    if (!fresh) {
      problems.push_back({row.line, "term '" + row.cells[1] + "' repeats line " +
                                        std::to_string(it->second)});
      continue;
    }
    table.terms_.push_back({*category, row.cells[1], *weight, row.line});
  }
  std::vector<std::string> phrases;
  for (auto& t : table.terms_)
    phrases.push_back(t.term);
  table.matcher_ = phrase_matcher(phrases);
  return risk::finish_load(std::move(table), std::move(problems));
}

risk::load_result<parked_phrase_table> parked_phrase_table::parse(std::string_view csv) {
  auto rows = risk::read_reference_csv(csv, {"kind", "phrase", "where"});
  parked_phrase_table table;
  auto problems = std::move(rows.problems);
  std::map<std::pair<std::string, std::string>, size_t> seen;
  for (auto& row : rows.rows) {
    std::optional<parked_kind> kind;
    for (size_t i = 0; i < std::size(parked_names); ++i)
      if (row.cells[0] == parked_names[i])
        kind = static_cast<parked_kind>(i);
    if (!kind) {
      problems.push_back({row.line, "unknown kind '" + row.cells[0] + "'"});
      continue;
    }
    if (auto p = phrase_problem(row.cells[1]); !p.empty()) {
      problems.push_back({row.line, p});
      continue;
    }
    if (row.cells[2] != "text" && row.cells[2] != "html") {
      problems.push_back(
          {row.line, "where '" + row.cells[2] + "' is neither 'text' nor 'html'"});
      continue;
    }
    auto [it, fresh] =
        seen.emplace(std::make_pair(row.cells[2], fold_case(row.cells[1])), row.line);
    if (!fresh) {
      problems.push_back({row.line, "phrase '" + row.cells[1] + "' repeats line " +
                                        std::to_string(it->second)});
      continue;
    }
    table.phrases_.push_back({*kind, row.cells[1], row.cells[2] == "html", row.line});
  }
  std::vector<std::string> text, html;
  for (size_t i = 0; i < table.phrases_.size(); ++i) {
    auto& p = table.phrases_[i];
    (p.in_html ? html : text).push_back(p.phrase);
    (p.in_html ? table.html_rows_ : table.text_rows_).push_back(i);
  }
  table.text_matcher_ = phrase_matcher(text);
  table.html_matcher_ = phrase_matcher(html);
  return risk::finish_load(std::move(table), std::move(problems));
}

signal_tables_load parse_signal_tables(std::string_view signals_csv,
                                       std::string_view parked_csv,
                                       const std::string& signals_name,
                                       const std::string& parked_name) {
  signal_tables_load out;
  auto signals = content_signal_table::parse(signals_csv);
  auto parked = parked_phrase_table::parse(parked_csv);
  if (!signals)
    out.error += signals_name + ":\n" + risk::describe(signals.problems) + "\n";
  if (!parked)
    out.error += parked_name + ":\n" + risk::describe(parked.problems) + "\n";
  if (!out.error.empty())
    return out;
  auto version = "s:" + base::sha256_hex(signals_csv).substr(0, 12) +
                 "/p:" + base::sha256_hex(parked_csv).substr(0, 12);
  out.tables = std::make_shared<const signal_tables>(
      signal_tables{std::move(*signals.table), std::move(*parked.table), version});
  return out;
}

signal_tables_load load_signal_tables(const std::string& signals_path,
                                      const std::string& parked_path) {
  std::string error;
  auto signals = text_or_builtin(signals_path, builtin_content_signals, error);
  auto parked = text_or_builtin(parked_path, builtin_parked_phrases, error);
  if (!error.empty())
    return {nullptr, error};
  return parse_signal_tables(
      signals, parked, signals_path.empty() ? "built-in content signals" : signals_path,
      parked_path.empty() ? "built-in parked phrases" : parked_path);
}

} // namespace kyb::website
