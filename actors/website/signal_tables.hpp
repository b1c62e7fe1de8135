// The website analysis's two phrase tables, data rather than code so compliance can
// tune them: content signals (config/website/content_signals.csv: category, term,
// weight) and parked-domain / under-construction phrases
// (config/website/parked_phrases.csv: kind, phrase, where). Both are built into the
// binary (cmake/embed_files.cmake) and can be replaced by files. A file with any bad
// row is refused whole, every problem named with its line.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/risk/reference_file.hpp"
#include "actors/website/phrase_matcher.hpp"

namespace kyb::website {

/// What a content signal points at.
enum class signal_category {
  gambling,
  adult,
  weapons,
  drugs_cbd,
  crypto,
  counterfeit_replica,
  pharmacy_no_prescription,
  high_risk_financial,
};

/// The category's name as written in the table and the JSON ("drugs_cbd").
const char* to_string(signal_category c) noexcept;

/// The category named `name`, or nullopt.
std::optional<signal_category> signal_category_of(std::string_view name);

/// One row of the content-signal table.
struct signal_term {
  signal_category category;
  std::string term; ///< As written (matched whole-word, case-insensitively).
  int weight = 0;   ///< 1..100; a category's score is the sum over distinct terms found.
  size_t line = 0;
};

/// The content-signal table.
class content_signal_table {
public:
  /// Parses CSV with the columns category, term, weight (`#` lines are comments).
  static risk::load_result<content_signal_table> parse(std::string_view csv);

  const std::vector<signal_term>& terms() const noexcept { return terms_; }
  const phrase_matcher& matcher() const noexcept { return matcher_; }

private:
  std::vector<signal_term> terms_;
  phrase_matcher matcher_;
};

/// What a parked-page phrase says about the site.
enum class parked_kind { for_sale, parking, under_construction };

/// "for_sale", "parking", "under_construction".
const char* to_string(parked_kind k) noexcept;

/// One row of the parked-phrase table.
struct parked_phrase {
  parked_kind kind;
  std::string phrase;
  bool in_html =
      false; ///< Matched in the raw HTML (markers in scripts, URLs), else text.
  size_t line = 0;
};

/// The parked-domain / under-construction phrase table.
class parked_phrase_table {
public:
  /// Parses CSV with the columns kind, phrase, where (`text` or `html`).
  static risk::load_result<parked_phrase_table> parse(std::string_view csv);

  const std::vector<parked_phrase>& phrases() const noexcept { return phrases_; }
  /// Over the phrases with `in_html == false` / `true`; hit indexes are indexes into
  /// `text_rows()` / `html_rows()`.
  const phrase_matcher& text_matcher() const noexcept { return text_matcher_; }
  const phrase_matcher& html_matcher() const noexcept { return html_matcher_; }
  const std::vector<size_t>& text_rows() const noexcept { return text_rows_; }
  const std::vector<size_t>& html_rows() const noexcept { return html_rows_; }

private:
  std::vector<parked_phrase> phrases_;
  std::vector<size_t> text_rows_;
  std::vector<size_t> html_rows_;
  phrase_matcher text_matcher_;
  phrase_matcher html_matcher_;
};

/// Both tables and the identity of their contents.
struct signal_tables {
  content_signal_table signals;
  parked_phrase_table parked;
  /// "s:<hash>/p:<hash>" (first 12 hex digits of each file's SHA-256).
  std::string version;
};

/// Loaded tables, or every problem (file by file, line by line).
struct signal_tables_load {
  std::shared_ptr<const signal_tables> tables;
  std::string error;
};

/// Loads the tables from the files at the paths, or the built-in copies for empty paths.
signal_tables_load load_signal_tables(const std::string& signals_path = {},
                                      const std::string& parked_path = {});

/// Parses the two tables from text (`signals_name` / `parked_name` name them in errors).
signal_tables_load
parse_signal_tables(std::string_view signals_csv, std::string_view parked_csv,
                    const std::string& signals_name = "content signals",
                    const std::string& parked_name = "parked phrases");

} // namespace kyb::website
