// What a webhook is on the wire, as pure functions: the event body, the KYB-Signature
// header (HMAC-SHA256 over "<t>.<body>" with each valid secret), new secrets, the event
// types a tenant may subscribe to, and the retry schedule (exponential backoff with
// jitter). The dispatcher (webhook_dispatcher.hpp) sends what these make.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kyb::actors::webhooks {

/// The event types: verification.completed, risk.level_changed, screening.hit_created
/// (ongoing monitoring), import.completed.
inline constexpr const char* event_types[] = {
    "verification.completed", "risk.level_changed", "screening.hit_created",
    "import.completed"};
bool is_event_type(std::string_view type) noexcept;

/// {"id", "type", "created", "data"}: `data_json` is spliced in as it is (JSON text).
std::string event_body(const std::string& id, const std::string& type,
                       const std::string& created, const std::string& data_json);

/// "t=<t>,v1=<hex>[,v1=<hex>...]": one v1 per secret, in the order given (the current
/// secret first, then a previous one still valid during a rotation).
std::string signature_header(int64_t t, std::string_view body,
                             const std::vector<std::string>& secrets);

/// A new signing secret: "whsec_" and 32 random bytes in base64url.
std::string new_secret();

/// How long to wait after failed attempt number `attempts` (1 = the first):
/// base * 2^(attempts - 1), at most `max`, scaled by `jitter` in [0.5, 1] (full
/// jitter on the upper half, so that receivers recovering from an outage are not met by
/// every sender at once).
std::chrono::milliseconds retry_delay(int attempts, std::chrono::milliseconds base,
                                      std::chrono::milliseconds max, double jitter);

} // namespace kyb::actors::webhooks
