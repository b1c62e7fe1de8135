#include "actors/risk/risk_inputs.hpp"

#include "actors/risk/enum_names.hpp"

namespace kyb::risk {

namespace {
const char* const hit_status_names[] = {"open", "confirmed", "false_positive"};
const char* const registry_status_names[] = {"active", "inactive", "dissolved",
                                             "unknown"};
} // namespace

const char* to_string(hit_status s) noexcept {
  return detail::name_in(hit_status_names, s);
}

const char* to_string(registry_status s) noexcept {
  return detail::name_in(registry_status_names, s);
}

} // namespace kyb::risk
