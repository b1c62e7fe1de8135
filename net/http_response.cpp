#include "net/http_response.hpp"

#include <charconv>
#include <cstring>

#include "net/ascii.hpp"

namespace kyb::net {

namespace {

// Names the writer emits itself; a duplicate would corrupt the framing.
bool managed_field(std::string_view name) noexcept {
  return ascii_iequals(name, "content-length") || ascii_iequals(name, "connection") ||
         ascii_iequals(name, "transfer-encoding") || ascii_iequals(name, "date") ||
         ascii_iequals(name, "content-type");
}

bool needs_sanitising(std::string_view value) noexcept {
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7F)
      return true;
  }
  return false;
}

void append_value(std::string& out, std::string_view value) {
  if (!needs_sanitising(value)) {
    out.append(value);
    return;
  }
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    out += ((u < 0x20 && u != '\t') || u == 0x7F) ? ' ' : c;
  }
}

void append_number(std::string& out, size_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), n);
  (void)ec; // 24 digits always suffice for size_t
  out.append(digits, static_cast<size_t>(end - digits));
}

void format_date(std::time_t now, char* out) noexcept {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&now, &tm);
  auto two = [](char* p, int v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  std::memcpy(out, days[tm.tm_wday], 3);
  out[3] = ',';
  out[4] = ' ';
  two(out + 5, tm.tm_mday);
  out[7] = ' ';
  std::memcpy(out + 8, months[tm.tm_mon], 3);
  out[11] = ' ';
  int year = tm.tm_year + 1900;
  two(out + 12, (year / 100) % 100);
  two(out + 14, year % 100);
  out[16] = ' ';
  two(out + 17, tm.tm_hour);
  out[19] = ':';
  two(out + 20, tm.tm_min);
  out[22] = ':';
  two(out + 23, tm.tm_sec);
  std::memcpy(out + 25, " GMT", 4);
}

} // namespace

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
  case 100:
    return "Continue";
  case 101:
    return "Switching Protocols";
  case 200:
    return "OK";
  case 201:
    return "Created";
  case 202:
    return "Accepted";
  case 204:
    return "No Content";
  case 206:
    return "Partial Content";
  case 301:
    return "Moved Permanently";
  case 302:
    return "Found";
  case 303:
    return "See Other";
  case 304:
    return "Not Modified";
  case 307:
    return "Temporary Redirect";
  case 308:
    return "Permanent Redirect";
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 406:
    return "Not Acceptable";
  case 408:
    return "Request Timeout";
  case 409:
    return "Conflict";
  case 410:
    return "Gone";
  case 411:
    return "Length Required";
  case 412:
    return "Precondition Failed";
  case 413:
    return "Content Too Large";
  case 414:
    return "URI Too Long";
  case 415:
    return "Unsupported Media Type";
  case 416:
    return "Range Not Satisfiable";
  case 417:
    return "Expectation Failed";
  case 422:
    return "Unprocessable Content";
  case 425:
    return "Too Early";
  case 428:
    return "Precondition Required";
  case 429:
    return "Too Many Requests";
  case 431:
    return "Request Header Fields Too Large";
  case 500:
    return "Internal Server Error";
  case 501:
    return "Not Implemented";
  case 502:
    return "Bad Gateway";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  case 505:
    return "HTTP Version Not Supported";
  default:
    return "";
  }
}

std::string_view http_date(std::time_t now) noexcept {
  struct cache {
    std::time_t second = -1;
    char text[29];
  };
  thread_local cache c;
  if (c.second != now) {
    format_date(now, c.text);
    c.second = now;
  }
  return {c.text, sizeof(c.text)};
}

void write_response(const http_response& res, std::string& out) {
  write_response(res, out, std::time(nullptr));
}

void write_response(const http_response& res, std::string& out, std::time_t now) {
  int status = (res.status >= 100 && res.status <= 599) ? res.status : 500;
  bool bodiless = status < 200 || status == 204 || status == 304;
  out.reserve(out.size() + 160 + res.body.size());
  out.append("HTTP/1.1 ");
  char code[3] = {static_cast<char>('0' + status / 100),
                  static_cast<char>('0' + status / 10 % 10),
                  static_cast<char>('0' + status % 10)};
  out.append(code, 3);
  out += ' ';
  out.append(reason_phrase(status));
  out.append("\r\nDate: ");
  out.append(http_date(now));
  if (!res.content_type.empty() && !bodiless) {
    out.append("\r\nContent-Type: ");
    append_value(out, res.content_type);
  }
  if (!bodiless) {
    out.append("\r\nContent-Length: ");
    append_number(out, res.body.size());
  }
  out.append(res.keep_alive ? "\r\nConnection: keep-alive" : "\r\nConnection: close");
  for (auto field : res.headers) {
    if (!is_token(field.name) || managed_field(field.name))
      continue;
    out.append("\r\n");
    out.append(field.name);
    out.append(": ");
    append_value(out, field.value);
  }
  out.append("\r\n\r\n");
  if (!bodiless && !res.head)
    out.append(res.body);
}

void write_continue(std::string& out) {
  out.append("HTTP/1.1 100 Continue\r\n\r\n");
}

} // namespace kyb::net
