// Lets Boost.Test print the risk engine's enums in failure messages.
#pragma once

#include <ostream>

#include "actors/risk/risk_assessment.hpp"

namespace kyb::risk {

inline std::ostream& operator<<(std::ostream& os, risk_level x) {
  return os << to_string(x);
}
inline std::ostream& operator<<(std::ostream& os, risk_factor x) {
  return os << to_string(x);
}
inline std::ostream& operator<<(std::ostream& os, factor_state x) {
  return os << to_string(x);
}
inline std::ostream& operator<<(std::ostream& os, country_list x) {
  return os << to_string(x);
}
inline std::ostream& operator<<(std::ostream& os, mcc_tier x) {
  return os << to_string(x);
}

} // namespace kyb::risk
