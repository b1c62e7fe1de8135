#include "net/json_body.hpp"

#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "net/ascii.hpp"

namespace kyb::net {

using nlohmann::json;

namespace {

constexpr size_t npos = std::string_view::npos;

http_error bad_json(problem_type type, std::string detail) {
  return http_error{type, std::move(detail), false, {}};
}

http_error bad_media(std::string detail) {
  return http_error{problem_type::unsupported_media_type, std::move(detail), false, {}};
}

// "line L, column C (byte offset O)" for a position in valid UTF-8 text.
std::string where(std::string_view text, size_t offset) {
  if (offset > text.size())
    offset = text.size();
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < offset; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column; // count characters, not continuation bytes
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column) +
         " (byte offset " + std::to_string(offset) + ")";
}

// At most `max` bytes of valid UTF-8 `s`, cut at a character boundary.
std::string_view clip(std::string_view s, size_t max) {
  if (s.size() <= max)
    return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
    --end;
  return s.substr(0, end);
}

// `s` with each byte that does not begin a well-formed UTF-8 sequence replaced by '?'.
// nlohmann's messages quote the bytes last read, which can end inside a character.
std::string valid_utf8(std::string_view s) {
  std::string out;
  for (;;) {
    size_t bad = find_invalid_utf8(s);
    out.append(s.substr(0, bad));
    if (bad == npos)
      return out;
    out += '?';
    s.remove_prefix(bad + 1);
  }
}

// An iterator over the body that publishes how far nlohmann's lexer has read, so the
// SAX callbacks below can tell where they are.
class tracking_iterator {
public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  tracking_iterator(const char* p, const char** cursor) : p_(p), cursor_(cursor) {}

  const char& operator*() const { return *p_; }
  tracking_iterator& operator++() {
    *cursor_ = ++p_;
    return *this;
  }
  tracking_iterator operator++(int) {
    auto old = *this;
    ++*this;
    return old;
  }
  bool operator==(const tracking_iterator& other) const { return p_ == other.p_; }
  bool operator!=(const tracking_iterator& other) const { return p_ != other.p_; }

private:
  const char* p_;
  const char** cursor_;
};

// Builds the document like nlohmann's own DOM parser, plus a depth limit and duplicate
// key detection, recording the first error with its position.
class dom_builder {
public:
  dom_builder(std::string_view text, const char* const* cursor, size_t max_depth)
      : text_(text), cursor_(cursor), max_depth_(max_depth) {}

  bool null() {
    put(nullptr);
    return true;
  }
  bool boolean(bool value) {
    put(value);
    return true;
  }
  bool number_integer(json::number_integer_t value) {
    put(value);
    return true;
  }
  bool number_unsigned(json::number_unsigned_t value) {
    put(value);
    return true;
  }
  bool number_float(json::number_float_t value, const json::string_t&) {
    put(value);
    return true;
  }
  bool string(json::string_t& value) {
    put(std::move(value));
    return true;
  }
  bool binary(json::binary_t& value) {
    put(std::move(value));
    return true;
  }
  bool start_object(std::size_t) {
    if (!open())
      return false;
    stack_.push_back(put(json::value_t::object));
    return true;
  }
  bool key(json::string_t& name) {
    auto& object = stack_.back()->get_ref<json::object_t&>();
    auto [it, inserted] = object.emplace(name, nullptr);
    if (!inserted) {
      error_ = bad_json(problem_type::invalid_json,
                        "duplicate object key \"" + std::string(clip(name, 64)) +
                            "\" at " + where(text_, key_offset()));
      return false;
    }
    element_ = &it->second;
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    if (!open())
      return false;
    stack_.push_back(put(json::value_t::array));
    return true;
  }
  bool end_array() {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) {
    // nlohmann counts the offending character (or the end of input) as read.
    size_t offset = position > 0 ? position - 1 : 0;
    std::string_view what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: <reason>"
    size_t column = what.find("column ");
    size_t colon = column == npos ? npos : what.find(": ", column);
    auto reason = valid_utf8(colon == npos ? what : what.substr(colon + 2));
    error_ =
        bad_json(problem_type::invalid_json, "invalid JSON at " + where(text_, offset) +
                                                 ": " + std::string(clip(reason, 200)));
    return false;
  }

  json& root() { return root_; }
  const std::optional<http_error>& error() const { return error_; }

private:
  size_t offset() const { return static_cast<size_t>(*cursor_ - text_.data()); }

  // The lexer has just read the closing quote of a key: find its opening quote.
  size_t key_offset() const {
    size_t close = offset() - 1;
    for (size_t i = close; i-- > 0;) {
      if (text_[i] != '"')
        continue;
      size_t backslashes = 0;
      while (backslashes < i && text_[i - 1 - backslashes] == '\\')
        ++backslashes;
      if (backslashes % 2 == 0)
        return i;
    }
    return close;
  }

  bool open() {
    if (stack_.size() < max_depth_)
      return true;
    // The lexer has just read the '{' or '['.
    error_ =
        bad_json(problem_type::json_too_deep, "JSON nesting depth exceeds the limit of " +
                                                  std::to_string(max_depth_) + " at " +
                                                  where(text_, offset() - 1));
    return false;
  }

  template <class Value>
  json* put(Value&& value) {
    if (stack_.empty()) {
      root_ = json(std::forward<Value>(value));
      return &root_;
    }
    auto& parent = *stack_.back();
    if (parent.is_array()) {
      auto& array = parent.get_ref<json::array_t&>();
      array.emplace_back(std::forward<Value>(value));
      return &array.back();
    }
    *element_ = json(std::forward<Value>(value));
    return element_;
  }

  std::string_view text_;
  const char* const* cursor_;
  size_t max_depth_;
  json root_;
  std::vector<json*> stack_;
  json* element_ = nullptr;
  std::optional<http_error> error_;
};

// Removes the quotes and backslash escapes of an RFC 9110 quoted-string.
std::optional<std::string> unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"')
    return std::nullopt;
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\') {
      if (++i + 1 >= s.size())
        return std::nullopt;
    } else if (s[i] == '"') {
      return std::nullopt;
    }
    out += s[i];
  }
  return out;
}

std::string quote_header(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < 64; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    out += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
  }
  return out;
}

} // namespace

size_t find_invalid_utf8(std::string_view text) noexcept {
  auto s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // ASCII runs eight bytes at a time.
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s + i, 8);
      if (word & 0x8080808080808080ULL)
        break;
      i += 8;
    }
    if (i >= n)
      break;
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80; // bounds of the second byte
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0)
        lo = 0xA0; // overlong
      else if (c == 0xED)
        hi = 0x9F; // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0)
        lo = 0x90; // overlong
      else if (c == 0xF4)
        hi = 0x8F; // above U+10FFFF
    } else {
      return i; // continuation byte, overlong C0/C1, or F5..FF
    }
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
      return i;
    for (size_t k = 2; k < len; ++k)
      if ((s[i + k] & 0xC0) != 0x80)
        return i;
    i += len;
  }
  return npos;
}

std::optional<http_error> check_json_content_type(std::string_view content_type,
                                                  bool merge_patch) {
  const std::string expected = merge_patch
                                   ? "application/json or application/merge-patch+json"
                                   : "application/json";
  auto value = trim_ows(content_type);
  if (value.empty())
    return bad_media("Content-Type is missing; send " + expected);
  size_t semicolon = value.find(';');
  auto media = trim_ows(value.substr(0, semicolon));
  if (!ascii_iequals(media, "application/json") &&
      !(merge_patch && ascii_iequals(media, "application/merge-patch+json")))
    return bad_media("Content-Type '" + quote_header(media) +
                     "' is not supported; send " + expected);
  while (semicolon != npos) {
    size_t start = semicolon + 1;
    semicolon = value.find(';', start);
    auto parameter =
        trim_ows(value.substr(start, semicolon == npos ? npos : semicolon - start));
    if (parameter.empty())
      continue;
    size_t equals = parameter.find('=');
    auto name = parameter.substr(0, equals);
    if (equals == npos || !is_token(name))
      return bad_media("malformed Content-Type parameter '" + quote_header(parameter) +
                       "'");
    if (!ascii_iequals(name, "charset"))
      return bad_media("Content-Type parameter '" + quote_header(name) +
                       "' is not supported; send " + expected);
    auto raw = parameter.substr(equals + 1);
    std::optional<std::string> charset = (!raw.empty() && raw.front() == '"')
                                             ? unquote(raw)
                                             : std::optional<std::string>(raw);
    if (!charset || !ascii_iequals(*charset, "utf-8"))
      return bad_media("charset '" + quote_header(raw) +
                       "' is not supported; JSON must be sent as UTF-8");
  }
  return std::nullopt;
}

result<json> parse_json_body(std::string_view body, size_t max_depth) {
  if (body.find_first_not_of(" \t\r\n") == npos)
    return bad_json(problem_type::invalid_json,
                    "request body is empty; a JSON document is required");
  size_t invalid = find_invalid_utf8(body);
  if (invalid != npos) {
    static constexpr char hex[] = "0123456789ABCDEF";
    auto byte = static_cast<unsigned char>(body[invalid]);
    return bad_json(problem_type::invalid_json, "request body is not valid UTF-8 at " +
                                                    where(body, invalid) + ": byte 0x" +
                                                    hex[byte >> 4] + hex[byte & 0xF] +
                                                    " does not start a valid sequence");
  }
  try {
    const char* cursor = body.data();
    dom_builder builder(body, &cursor, max_depth);
    tracking_iterator first(body.data(), &cursor);
    tracking_iterator last(body.data() + body.size(), &cursor);
    if (!json::sax_parse(first, last, &builder) || builder.error()) {
      if (builder.error())
        return *builder.error();
      return bad_json(problem_type::invalid_json, "invalid JSON");
    }
    return std::move(builder.root());
  } catch (const std::exception& ex) {
    // Allocation failure: the body cannot be held in memory.
    return http_error{problem_type::internal_error,
                      std::string("the JSON body could not be parsed: ") + ex.what(),
                      false,
                      {}};
  }
}

result<json> parse_json_request(const http_request& req, size_t max_depth) {
  if (auto err = check_json_content_type(req.content_type(), req.method == "PATCH"))
    return std::move(*err);
  return parse_json_body(req.body, max_depth);
}

} // namespace kyb::net
