#include "persistence/redis_reply.hpp"

namespace kyb::persistence {

redis_reply redis_reply::make_integer(int64_t v) {
  redis_reply r;
  r.type = kind::integer;
  r.integer = v;
  return r;
}

redis_reply redis_reply::make_string(std::string s, kind k) {
  redis_reply r;
  r.type = k;
  r.str = std::move(s);
  return r;
}

bool operator==(const redis_reply& a, const redis_reply& b) {
  return a.type == b.type && a.integer == b.integer && a.str == b.str &&
         a.elements == b.elements;
}

std::string to_string(const redis_reply& x) {
  using kind = redis_reply::kind;
  switch (x.type) {
  case kind::nil:
    return "nil";
  case kind::integer:
    return std::to_string(x.integer);
  case kind::string:
    return "\"" + x.str + "\"";
  case kind::status:
    return "+" + x.str;
  case kind::error:
    return "-" + x.str;
  case kind::array: {
    std::string out = "[";
    for (size_t i = 0; i < x.elements.size(); ++i) {
      if (i > 0)
        out += ", ";
      out += to_string(x.elements[i]);
    }
    return out + "]";
  }
  }
  return "?";
}

} // namespace kyb::persistence
