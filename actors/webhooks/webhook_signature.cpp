#include "actors/webhooks/webhook_signature.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "runtime/base/crypto.hpp"

namespace kyb::actors::webhooks {

bool is_event_type(std::string_view type) noexcept {
  return std::any_of(std::begin(event_types), std::end(event_types),
                     [&](const char* t) { return type == t; });
}

std::string event_body(const std::string& id, const std::string& type,
                       const std::string& created, const std::string& data_json) {
  // Members in a fixed order; `data` as stored.
  return "{\"id\":" + nlohmann::json(id).dump() +
         ",\"type\":" + nlohmann::json(type).dump() +
         ",\"created\":" + nlohmann::json(created).dump() + ",\"data\":" + data_json +
         "}";
}

std::string signature_header(int64_t t, std::string_view body,
                             const std::vector<std::string>& secrets) {
  auto ts = std::to_string(t);
  std::string signed_payload = ts + "." + std::string(body);
  std::string out = "t=" + ts;
  for (const auto& s : secrets)
    out += ",v1=" + base::hmac_sha256_hex(s, signed_payload);
  return out;
}

std::string new_secret() {
  return "whsec_" + base::base64url_encode(base::random_bytes(32));
}

std::chrono::milliseconds retry_delay(int attempts, std::chrono::milliseconds base,
                                      std::chrono::milliseconds max, double jitter) {
  double exp = std::ldexp(1.0, std::clamp(attempts - 1, 0, 40));
  double ms =
      std::min(static_cast<double>(base.count()) * exp, static_cast<double>(max.count()));
  ms *= std::clamp(jitter, 0.5, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

} // namespace kyb::actors::webhooks
