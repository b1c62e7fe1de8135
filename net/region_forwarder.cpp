#include "net/region_forwarder.hpp"

#include <memory>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <curl/curl.h>

#include "runtime/error.hpp"

namespace kyb::net {

namespace {

struct transfer {
  std::string body;
  std::vector<std::string> headers;
  size_t max_bytes = 0;
  bool too_big = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  if (t->body.size() + size * n > t->max_bytes) {
    t->too_big = true;
    return 0;
  }
  t->body.append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<transfer*>(user);
  std::string line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.pop_back();
  if (line.rfind("HTTP/", 0) == 0)
    t->headers.clear(); // a new response (after 100 Continue)
  else if (!line.empty())
    t->headers.push_back(line);
  return size * n;
}

struct forwarder_state {
  CURL* curl = nullptr;
  ~forwarder_state() {
    if (curl)
      curl_easy_cleanup(curl);
  }
  static inline const char* name = "region_forwarder";
};

} // namespace

caf::actor spawn_region_forwarder(caf::actor_system& sys,
                                  std::chrono::milliseconds timeout,
                                  size_t max_body_bytes) {
  return sys.spawn<caf::detached>(
      [](caf::stateful_actor<forwarder_state>* self, std::chrono::milliseconds timeout,
         size_t max_body_bytes) -> caf::behavior {
        self->state.curl = curl_easy_init();
        return {[self, timeout, max_body_bytes](
                    forward_atom, const std::string& url, const std::string& method,
                    const std::vector<std::string>& headers, const std::string& body)
                    -> caf::result<int, std::vector<std::string>, std::string> {
          CURL* c = self->state.curl;
          if (!c)
            return make_error(errc::internal, "no libcurl handle");
          curl_easy_reset(c);
          transfer t;
          t.max_bytes = max_body_bytes;
          curl_slist* list = nullptr;
          for (auto& h : headers)
            list = curl_slist_append(list, h.c_str());
          // No "Expect: 100-continue" round trip for bodies.
          list = curl_slist_append(list, "Expect:");
          curl_easy_setopt(c, CURLOPT_URL, url.c_str());
          curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
          curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
          curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
          curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
          curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
          curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                           static_cast<long>(std::min<long long>(timeout.count(), 2000)));
          if (method == "HEAD")
            curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
          if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(body.size()));
          }
          curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
          curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
          curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
          curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
          auto rc = curl_easy_perform(c);
          curl_slist_free_all(list);
          if (t.too_big)
            return make_error(errc::unavailable, "the peer's response exceeds the limit");
          if (rc == CURLE_OPERATION_TIMEDOUT)
            return make_error(errc::timeout, "the region serving this request did not "
                                             "answer in time");
          if (rc != CURLE_OK)
            return make_error(errc::unavailable,
                              std::string("the region serving this request is "
                                          "unreachable: ") +
                                  curl_easy_strerror(rc));
          long status = 0;
          curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
          return {static_cast<int>(status), std::move(t.headers), std::move(t.body)};
        }};
      },
      timeout, max_body_bytes);
}

} // namespace kyb::net
