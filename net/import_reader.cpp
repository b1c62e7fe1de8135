#include "net/import_reader.hpp"

#include <algorithm>
#include <cstring>

#include "net/business_json.hpp"
#include "net/json_body.hpp"
#include "runtime/base/csv_reader.hpp"
#include "runtime/base/text.hpp"

namespace kyb::net {

namespace {

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

std::string lower_trimmed(std::string_view s) {
  return base::to_lower_ascii(base::trim(s));
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
  auto type = lower_trimmed(content_type.substr(0, semi));
  if (semi != std::string_view::npos) {
    auto param = lower_trimmed(content_type.substr(semi + 1));
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
    : format_(format), limits_(limits),
      csv_(base::csv_limits{limits.max_record_bytes, limits.max_record_bytes}) {}

int64_t import_reader::lines() const noexcept {
  return format_ == import_format::csv ? csv_.lines() : line_;
}

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
    if (csv_.push(c) && !csv_record(out))
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
  if (csv_.finish() && !csv_record(out))
    return false;
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

bool import_reader::csv_header() {
  auto fail = [&](std::string why) {
    fatal_ = "line " + std::to_string(csv_.line()) + ": " + std::move(why);
    return false;
  };
  if (csv_.problem() != base::csv_problem::none)
    return fail("the CSV header cannot be read: " + csv_.error());
  const auto& fields = csv_.fields();
  if (fields.size() > limits_.max_columns)
    return fail("the CSV header has " + std::to_string(fields.size()) +
                " columns; at most " + std::to_string(limits_.max_columns));
  const auto& known = csv_columns();
  for (auto& f : fields) {
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

bool import_reader::csv_record(std::vector<import_record>& out) {
  if (!have_header_)
    return csv_header();
  import_record r;
  r.line = csv_.line();
  auto& fields = csv_.fields();
  if (csv_.problem() != base::csv_problem::none) {
    r.error = csv_.error();
  } else if (fields.size() != columns_.size()) {
    r.error = "the record has " + std::to_string(fields.size()) +
              " fields; the header has " + std::to_string(columns_.size());
  } else {
    nlohmann::json obj = nlohmann::json::object();
    for (size_t i = 0; i < fields.size() && r.error.empty(); ++i) {
      auto& value = fields[i];
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
  return true;
}

} // namespace kyb::net
