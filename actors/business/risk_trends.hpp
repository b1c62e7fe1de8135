// GET /v1/risk/trends as messages: a tenant's risk assessments per business per calendar
// month (UTC), and per month across the tenant. Served by the business query actor from
// the risk_trends_* statements (persistence/queries.cpp, where the rules are stated).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "runtime/base/std_optional_inspect.hpp"
#include "runtime/base/uuid.hpp"

namespace kyb::actors {

/// What a caller asks: the last `months` calendar months up to and including the
/// current one (1 to 60), one business or a page of the tenant's businesses (in
/// business id order, after the cursor).
struct risk_trends_query {
  int32_t months = 12;
  std::optional<base::uuid> business_id;
  std::string cursor; ///< Opaque; "" = the first page.
  uint32_t limit = 20;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_trends_query& x) {
  return f(caf::meta::type_name("kyb::risk_trends_query"), x.months, x.business_id,
           x.cursor, x.limit);
}

/// One business in one month. Scores are 0-100 to the cent; first and last are by
/// assessed_at (ties by id); change = last - first; trend "increasing" when
/// change >= 5, "decreasing" when change <= -5, else "stable".
struct risk_trend_month {
  std::string month; ///< YYYY-MM
  int64_t assessments = 0;
  double average_score = 0;
  double first_score = 0;
  double last_score = 0;
  double change = 0;
  std::string trend;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_trend_month& x) {
  return f(x.month, x.assessments, x.average_score, x.first_score, x.last_score, x.change,
           x.trend);
}

/// A business's months with assessments in the window, newest first.
struct risk_trend_business {
  base::uuid business_id;
  std::vector<risk_trend_month> months;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_trend_business& x) {
  return f(x.business_id, x.months);
}

/// The tenant in one month: businesses assessed, assessments, their average score
/// (none without assessments), assessments by risk level, businesses by trend.
struct risk_trend_summary {
  std::string month; ///< YYYY-MM
  int64_t businesses = 0;
  int64_t assessments = 0;
  std::optional<double> average_score;
  int64_t low = 0, medium = 0, high = 0, critical = 0;
  int64_t increasing = 0, decreasing = 0, stable = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_trend_summary& x) {
  return f(x.month, x.businesses, x.assessments, x.average_score, x.low, x.medium, x.high,
           x.critical, x.increasing, x.decreasing, x.stable);
}

/// The answer: a page of businesses, and on the first page of a tenant-wide request
/// (no business_id, no cursor) every month of the window across the tenant, newest
/// first.
struct risk_trends {
  std::vector<risk_trend_business> businesses;
  std::optional<std::vector<risk_trend_summary>> summary;
  std::optional<std::string> next_cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_trends& x) {
  return f(caf::meta::type_name("kyb::risk_trends"), x.businesses, x.summary,
           x.next_cursor);
}

} // namespace kyb::actors
