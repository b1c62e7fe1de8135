// A JSON text writer for answers and log lines rendered on a hot path without building
// an nlohmann::json object first: members are written in the order given (callers give
// them sorted, as nlohmann::json writes its objects, so both render the same text).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/base/json_escape.hpp"

namespace kyb::net {

class json_writer {
public:
  /// Appends to `out`. `in_object`: `out` already holds an open object with members
  /// (a log line's start): the next key gets its comma.
  explicit json_writer(std::string& out, bool in_object = false)
      : out_(out), first_(!in_object) {}

  json_writer& open() {
    comma();
    out_ += '{';
    first_ = true;
    return *this;
  }
  json_writer& close() {
    out_ += '}';
    first_ = false;
    return *this;
  }
  json_writer& open_array() {
    comma();
    out_ += '[';
    first_ = true;
    return *this;
  }
  json_writer& close_array() {
    out_ += ']';
    first_ = false;
    return *this;
  }
  json_writer& key(std::string_view k) {
    comma();
    out_ += '"';
    out_ += k; // keys are ours: plain ASCII
    out_ += "\":";
    first_ = true; // the value follows without a comma
    return *this;
  }
  json_writer& str(std::string_view v) {
    comma();
    out_ += '"';
    base::append_json_escaped(out_, v);
    out_ += '"';
    return *this;
  }
  json_writer& num(double v) {
    comma();
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    if (ec != std::errc{}) {
      out_ += "null";
      return *this;
    }
    std::string_view text(buf, static_cast<size_t>(end - buf));
    out_ += text;
    // nlohmann writes a whole double with ".0"; so do we, so a reader sees one type.
    if (text.find_first_of(".eEn") == std::string_view::npos)
      out_ += ".0";
    return *this;
  }
  json_writer& integer(int64_t v) {
    comma();
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, static_cast<size_t>(end - buf));
    return *this;
  }
  json_writer& boolean(bool v) {
    comma();
    out_ += v ? "true" : "false";
    return *this;
  }

private:
  void comma() {
    if (!first_)
      out_ += ',';
    first_ = false;
  }
  std::string& out_;
  bool first_;
};

} // namespace kyb::net
