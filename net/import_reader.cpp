#include "net/import_reader.hpp"

#include <algorithm>
#include <cstring>

#include "net/business_json.hpp"
#include "net/json_body.hpp"

namespace kyb::net {

namespace {

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

std::string lower_trimmed(std::string s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  s = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  for (auto& c : s)
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

constexpr std::string_view address_prefix = "address_";

/// The address key of an address_* column ("address_city" -> "city"), or "".
std::string address_key(const std::string& column) {
  return column.rfind(address_prefix, 0) == 0 ? column.substr(address_prefix.size())
                                              : std::string();
}

} // namespace

const char* to_string(import_format f) noexcept {
  return f == import_format::csv ? "csv" : "ndjson";
}

std::optional<import_format> import_format_of(std::string_view content_type) {
  auto semi = content_type.find(';');
  auto type = lower_trimmed(std::string(content_type.substr(0, semi)));
  if (semi != std::string_view::npos) {
    auto param = lower_trimmed(std::string(content_type.substr(semi + 1)));
    if (param != "charset=utf-8" && param != "charset=\"utf-8\"")
      return std::nullopt;
  }
  if (type == "application/x-ndjson" || type == "application/ndjson" ||
      type == "application/jsonl")
    return import_format::ndjson;
  if (type == "text/csv")
    return import_format::csv;
  return std::nullopt;
}

const std::vector<std::string>& import_reader::csv_columns() {
  // The fields of a create body: its text fields, the address as address_<key>
  // columns, owners as a JSON array.
  static const std::vector<std::string> all = [] {
    std::vector<std::string> c = business_text_fields();
    for (const auto& k : address_fields())
      c.push_back(std::string(address_prefix) + k);
    c.push_back("owners");
    return c;
  }();
  return all;
}

import_reader::import_reader(import_format format, import_limits limits)
    : format_(format), limits_(limits) {}

bool import_reader::feed(std::string_view bytes, std::vector<import_record>& out) {
  if (!fatal_.empty())
    return false;
  if (format_ == import_format::ndjson) {
    while (!bytes.empty()) {
      auto nl = bytes.find('\n');
      auto piece = bytes.substr(0, nl);
      if (!oversized_) {
        if (current_.size() + piece.size() > limits_.max_record_bytes) {
          oversized_ = true;
          current_.clear();
        } else {
          current_.append(piece.data(), piece.size());
        }
      }
      if (nl == std::string_view::npos)
        break;
      ndjson_line(out);
      bytes.remove_prefix(nl + 1);
    }
    return true;
  }
  for (char c : bytes)
    if (!csv_byte(c, out))
      return false;
  return true;
}

bool import_reader::finish(std::vector<import_record>& out) {
  if (!fatal_.empty())
    return false;
  if (format_ == import_format::ndjson) {
    if (!current_.empty() || oversized_) {
      ndjson_line(out);
      --line_; // it had no line end
    }
    return true;
  }
  if (state_ == csv_state::quoted) {
    if (!have_header_) {
      fatal_ = "the CSV header has a quoted field that is never closed";
      return false;
    }
    import_record r;
    r.line = record_line_;
    r.error = "a quoted field opened in this record is never closed (the upload ends "
              "inside it)";
    out.push_back(std::move(r));
    return true;
  }
  if (state_ != csv_state::field_start || !fields_.empty() || !current_.empty()) {
    // The last record had no line end.
    if (!oversized_)
      fields_.push_back(std::move(current_));
    current_.clear();
    if (!csv_record_end(out))
      return false;
  }
  if (!have_header_) {
    fatal_ = "the CSV upload is empty: it needs a header row naming the columns";
    return false;
  }
  return true;
}

void import_reader::ndjson_line(std::vector<import_record>& out) {
  ++line_;
  import_record r;
  r.line = line_;
  bool oversized = oversized_;
  oversized_ = false;
  std::string text;
  text.swap(current_);
  if (!text.empty() && text.back() == '\r')
    text.pop_back();
  if (oversized) {
    r.error =
        "the line is longer than " + std::to_string(limits_.max_record_bytes) + " bytes";
    out.push_back(std::move(r));
    return;
  }
  if (is_blank(text))
    return;
  auto parsed = parse_json_body(text, limits_.max_depth);
  if (!parsed) {
    r.error = parsed.error().detail;
  } else if (!parsed->is_object()) {
    r.error = "the line is not a JSON object";
  } else {
    r.object = std::move(*parsed);
  }
  out.push_back(std::move(r));
}

void import_reader::csv_reset_record() {
  fields_.clear();
  current_.clear();
  record_bytes_ = 0;
  oversized_ = false;
  bad_quote_ = false;
  state_ = csv_state::field_start;
  record_line_ = line_ + 1;
}

bool import_reader::csv_byte(char c, std::vector<import_record>& out) {
  if (c == '\n')
    ++line_;
  if (++record_bytes_ > limits_.max_record_bytes && !oversized_) {
    oversized_ = true;
    current_.clear();
    fields_.clear();
  }
  auto keep = [&](char ch) {
    if (!oversized_)
      current_.push_back(ch);
  };
  auto end_field = [&] {
    if (!oversized_)
      fields_.push_back(std::move(current_));
    current_.clear();
  };
  switch (state_) {
  case csv_state::field_start:
    if (c == '"') {
      state_ = csv_state::quoted;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n') {
      end_field();
      return csv_record_end(out);
    } else if (c != '\r') {
      keep(c);
      state_ = csv_state::unquoted;
    }
    return true;
  case csv_state::unquoted:
    if (c == ',') {
      end_field();
      state_ = csv_state::field_start;
    } else if (c == '\n') {
      end_field();
      return csv_record_end(out);
    } else if (c == '"') {
      bad_quote_ = true;
    } else if (c != '\r') {
      keep(c);
    }
    return true;
  case csv_state::quoted:
    if (c == '"')
      state_ = csv_state::quote_in_quoted;
    else
      keep(c);
    return true;
  case csv_state::quote_in_quoted:
    if (c == '"') {
      keep('"');
      state_ = csv_state::quoted;
    } else if (c == ',') {
      end_field();
      state_ = csv_state::field_start;
    } else if (c == '\n') {
      end_field();
      return csv_record_end(out);
    } else if (c != '\r') {
      bad_quote_ = true; // text after the closing quote
      state_ = csv_state::unquoted;
    }
    return true;
  }
  return true;
}

bool import_reader::csv_header() {
  auto fail = [&](std::string why) {
    fatal_ = "line " + std::to_string(record_line_) + ": " + std::move(why);
    return false;
  };
  if (oversized_)
    return fail("the CSV header is longer than " +
                std::to_string(limits_.max_record_bytes) + " bytes");
  if (bad_quote_)
    return fail("the CSV header has a quote inside an unquoted name");
  if (fields_.size() > limits_.max_columns)
    return fail("the CSV header has " + std::to_string(fields_.size()) +
                " columns; at most " + std::to_string(limits_.max_columns));
  const auto& known = csv_columns();
  for (auto& f : fields_) {
    auto name = lower_trimmed(f);
    if (find_invalid_utf8(f) != std::string_view::npos)
      return fail("the CSV header is not valid UTF-8");
    if (std::find(known.begin(), known.end(), name) == known.end())
      return fail("unknown column '" + f +
                  "' (the columns are the fields of a business: " +
                  "legal_name, dba_name, tax_id, ..., address_line1, ..., owners)");
    if (std::find(columns_.begin(), columns_.end(), name) != columns_.end())
      return fail("column '" + name + "' appears twice");
    columns_.push_back(std::move(name));
  }
  if (std::find(columns_.begin(), columns_.end(), "legal_name") == columns_.end())
    return fail("the CSV header has no legal_name column");
  have_header_ = true;
  return true;
}

bool import_reader::csv_record_end(std::vector<import_record>& out) {
  if (!have_header_) {
    bool ok = csv_header();
    csv_reset_record();
    return ok;
  }
  import_record r;
  r.line = record_line_;
  bool blank = !oversized_ && !bad_quote_ && fields_.size() == 1 && fields_[0].empty();
  if (blank) {
    csv_reset_record();
    return true;
  }
  if (oversized_) {
    r.error = "the record is longer than " + std::to_string(limits_.max_record_bytes) +
              " bytes";
  } else if (bad_quote_) {
    r.error = "a quote inside an unquoted field, or text after a closing quote (quote "
              "the whole field and double the quotes inside it)";
  } else if (fields_.size() != columns_.size()) {
    r.error = "the record has " + std::to_string(fields_.size()) +
              " fields; the header has " + std::to_string(columns_.size());
  } else {
    nlohmann::json obj = nlohmann::json::object();
    for (size_t i = 0; i < fields_.size() && r.error.empty(); ++i) {
      auto& value = fields_[i];
      const auto& column = columns_[i];
      if (value.empty())
        continue; // an empty cell is an absent field
      if (find_invalid_utf8(value) != std::string_view::npos) {
        r.field = "/" + column;
        r.error = "is not valid UTF-8";
      } else if (auto key = address_key(column); !key.empty()) {
        obj["address"][key] = std::move(value);
      } else if (column == "owners") {
        auto owners = parse_json_body(value, limits_.max_depth);
        if (!owners || !owners->is_array()) {
          r.field = "/owners";
          r.error = "must be a JSON array of owners" +
                    (owners ? std::string() : ": " + owners.error().detail);
        } else {
          obj["owners"] = std::move(*owners);
        }
      } else {
        obj[column] = std::move(value);
      }
    }
    if (r.error.empty())
      r.object = std::move(obj);
  }
  out.push_back(std::move(r));
  csv_reset_record();
  return true;
}

} // namespace kyb::net
