#include "actors/screening/csv_reader.hpp"

namespace kyb::screening {

csv_reader::csv_reader(std::string_view text, char separator)
    : text_(text), separator_(separator) {}

void csv_reader::skip_to_next_line() {
  while (pos_ < text_.size() && text_[pos_] != '\n')
    ++pos_;
  if (pos_ < text_.size()) {
    ++pos_;
    ++current_line_;
  }
}

csv_reader::status csv_reader::next(std::vector<std::string>& fields) {
  fields.clear();
  error_.clear();
  // Skip blank lines.
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '\n') {
      ++pos_;
      ++current_line_;
    } else if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++current_line_;
    } else {
      break;
    }
  }
  if (pos_ >= text_.size())
    return status::end;
  record_line_ = current_line_;
  std::string field;
  for (;;) {
    field.clear();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      bool closed = false;
      while (pos_ < text_.size()) {
        char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field += '"';
            ++pos_;
          } else {
            closed = true;
            break;
          }
        } else {
          if (c == '\n')
            ++current_line_;
          field += c;
        }
      }
      if (!closed) {
        error_ = "unterminated quoted field (the file is truncated or a quote is "
                 "missing)";
        return status::malformed;
      }
      // Tolerate blanks between the closing quote and the separator.
      while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t'))
        ++pos_;
      if (pos_ < text_.size() && text_[pos_] != separator_ && text_[pos_] != '\r' &&
          text_[pos_] != '\n') {
        error_ = "unexpected character after a closing quote in field " +
                 std::to_string(fields.size() + 1);
        skip_to_next_line();
        return status::malformed;
      }
    } else {
      while (pos_ < text_.size()) {
        char c = text_[pos_];
        if (c == separator_ || c == '\n' ||
            (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n'))
          break;
        if (c == '"') {
          error_ = "quote inside an unquoted field " + std::to_string(fields.size() + 1);
          skip_to_next_line();
          return status::malformed;
        }
        field += c;
        ++pos_;
      }
      if (!field.empty() && field.back() == '\r' && pos_ >= text_.size())
        field.pop_back();
    }
    fields.push_back(field);
    if (pos_ >= text_.size())
      return status::record;
    char c = text_[pos_];
    if (c == separator_) {
      ++pos_;
      continue;
    }
    if (c == '\r')
      ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      ++current_line_;
    }
    return status::record;
  }
}

} // namespace kyb::screening
