// Secrets out of text that may reach a log line or an API answer.
#pragma once

#include <string>
#include <string_view>

namespace kyb::base {

/// A URL fit for a log line or an error message: the password of its userinfo and the
/// values of its query (where publishers put tokens) become "***".
/// "https://u:pw@h/p?token=x&a" -> "https://u:***@h/p?token=***&a".
std::string redact_url(std::string_view url);

} // namespace kyb::base
