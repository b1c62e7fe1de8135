#include "runtime/base/csv_reader.hpp"

namespace kyb::base {

namespace {

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

} // namespace

csv_parser::csv_parser(csv_limits limits, char separator)
    : limits_(limits), separator_(separator) {}

void csv_parser::start_record() {
  completed_ = false;
  state_ = state::record_start;
  record_bytes_ = 0;
  problem_ = csv_problem::none;
  problem_field_ = 0;
  field_.clear();
  fields_.clear();
}

bool csv_parser::push(char c) {
  if (completed_)
    start_record();
  if (!bom_done_) {
    if (c == byte_order_mark[bom_seen_]) {
      bom_done_ = ++bom_seen_ == byte_order_mark.size();
      return false;
    }
    // Not a mark after all: its bytes so far were data (none of them ends a record).
    bom_done_ = true;
    for (size_t i = 0; i < bom_seen_; ++i)
      consume(byte_order_mark[i]);
  }
  return consume(c);
}

bool csv_parser::finish() {
  if (completed_)
    start_record();
  if (!bom_done_) {
    bom_done_ = true;
    for (size_t i = 0; i < bom_seen_; ++i)
      consume(byte_order_mark[i]);
  }
  switch (state_) {
  case state::record_start:
    return false;
  case state::quoted:
    fail(csv_problem::unterminated_quote);
    return end_record();
  default:
    end_field();
    return end_record();
  }
}

void csv_parser::fail(csv_problem p) {
  if (problem_ == csv_problem::none) {
    problem_ = p;
    problem_field_ = fields_.size() + 1;
  }
  // The record is lost: keep none of its bytes.
  field_.clear();
  fields_.clear();
}

void csv_parser::keep(char c) {
  if (problem_ != csv_problem::none)
    return;
  if (field_.size() >= limits_.max_field_bytes) {
    fail(csv_problem::field_too_long);
    return;
  }
  field_.push_back(c);
}

void csv_parser::end_field() {
  if (problem_ == csv_problem::none)
    fields_.push_back(std::move(field_));
  field_.clear();
}

bool csv_parser::end_record() {
  completed_ = true;
  state_ = state::record_start;
  return true;
}

bool csv_parser::consume(char c) {
  if (c == '\n')
    ++lines_;
  if (state_ == state::record_start) {
    if (c == '\n' || c == '\r')
      return false; // a blank line, or the CR before its LF
    state_ = state::field_start;
    record_line_ = lines_ + 1;
  }
  if (++record_bytes_ > limits_.max_record_bytes)
    fail(csv_problem::record_too_long);
  if (state_ != state::quoted) {
    // Outside quotes a separator ends the field, LF the record, and a CR is dropped.
    if (c == separator_) {
      end_field();
      state_ = state::field_start;
      return false;
    }
    if (c == '\n') {
      end_field();
      return end_record();
    }
    if (c == '\r')
      return false;
  }
  switch (state_) {
  case state::record_start: // handled above
  case state::field_start:
    if (c == '"') {
      state_ = state::quoted;
    } else {
      keep(c);
      state_ = state::unquoted;
    }
    return false;
  case state::unquoted:
    if (c == '"')
      fail(csv_problem::stray_quote);
    else
      keep(c);
    return false;
  case state::quoted:
    if (c == '"')
      state_ = state::quote_in_quoted;
    else
      keep(c);
    return false;
  case state::quote_in_quoted:
    if (c == '"') {
      keep('"');
      state_ = state::quoted;
      return false;
    }
    [[fallthrough]];
  case state::after_quoted:
    if (c == ' ' || c == '\t') {
      state_ = state::after_quoted;
    } else {
      fail(csv_problem::text_after_quote);
      state_ = state::unquoted;
    }
    return false;
  }
  return false;
}

std::string csv_parser::error() const {
  auto field = "field " + std::to_string(problem_field_);
  const char* fix = " (quote the whole field and double the quotes inside it)";
  switch (problem_) {
  case csv_problem::none:
    return {};
  case csv_problem::stray_quote:
    return field + " has a quote inside it but does not start with one" + fix;
  case csv_problem::text_after_quote:
    return field + " has text after its closing quote" + fix;
  case csv_problem::unterminated_quote:
    return "unterminated quoted field: a quote opened in this record is never closed "
           "(the "
           "input ends inside it: it is truncated, or a quote is missing)";
  case csv_problem::field_too_long:
    return field + " is longer than " + std::to_string(limits_.max_field_bytes) +
           " bytes";
  case csv_problem::record_too_long:
    return "the record is longer than " + std::to_string(limits_.max_record_bytes) +
           " bytes";
  }
  return {};
}

csv_reader::csv_reader(std::string_view text, csv_limits limits, char separator)
    : text_(text), parser_(limits, separator) {}

csv_reader::status csv_reader::next(std::vector<std::string>& fields) {
  fields.clear();
  error_.clear();
  bool done = false;
  while (!done && pos_ < text_.size())
    done = parser_.push(text_[pos_++]);
  if (!done && !finished_) {
    finished_ = true;
    done = parser_.finish();
  }
  if (!done)
    return status::end;
  if (parser_.problem() != csv_problem::none) {
    error_ = parser_.error();
    return status::malformed;
  }
  fields = std::move(parser_.fields());
  return status::record;
}

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\n\r") == std::string_view::npos)
    return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"')
      out += '"';
    out += c;
  }
  out += '"';
  return out;
}

} // namespace kyb::base
