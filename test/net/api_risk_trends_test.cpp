// GET /v1/risk/trends end to end: a real node and PostgreSQL, assessment history
// INSERTed with SQL (nothing else writes risk_assessments here), the answer compared
// with an independent computation in C++ over the same generated rows (months in UTC,
// first and last score by time with ties broken by id, change and the +-5 trend edges,
// the tenant summary), pages, the business_id filter, tenant isolation, bad input on
// every parameter, and the plans PostgreSQL makes for the catalogue's statements.
#define BOOST_TEST_MODULE api_risk_trends
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <ctime>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "persistence/queries.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::test;
using nlohmann::json;

namespace {

/// The fields a 400 names.
std::set<std::string> fields_of(const http_reply& r) {
  std::set<std::string> out;
  auto j = r.json();
  if (j.is_object() && j.contains("errors"))
    for (auto& e : j["errors"])
      out.insert(e.value("field", ""));
  return out;
}

/// A calendar month (UTC) as year and month; `back` months before the current one.
struct ym {
  int year;
  int month;
  std::string text() const {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
    return buf;
  }
};

ym month_back(int back) {
  std::time_t now = std::time(nullptr);
  std::tm t{};
  gmtime_r(&now, &t);
  int index = (t.tm_year + 1900) * 12 + t.tm_mon - back;
  return {index / 12, index % 12 + 1};
}

/// One generated assessment. Scores in cents (numeric(5,2) exactly).
struct row {
  std::string id; ///< canonical lower-case UUID: text order is uuid order
  std::string business;
  std::string tenant;
  int back = 0;   ///< months before the current one
  std::string at; ///< "YYYY-MM-DD HH:MM:SS" UTC: text order is time order
  int cents = 0;
  std::string level;
};

std::string level_of(int cents) {
  return cents < 4000   ? "low"
         : cents < 7000 ? "medium"
         : cents < 8500 ? "high"
                        : "critical";
}

std::string random_uuid(std::mt19937_64& rng) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20)
      s += '-';
    s += hex[rng() % 16];
  }
  s[14] = '4'; // version 4
  return s;
}

std::string timestamp(int back, int day, int hour, int minute, int second) {
  char buf[32];
  auto m = month_back(back);
  std::snprintf(buf, sizeof buf, "%s-%02d %02d:%02d:%02d", m.text().c_str(), day, hour,
                minute, second);
  return buf;
}

std::string cents_text(int cents) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d.%02d", cents / 100, cents % 100);
  return buf;
}

/// round(a / b, 2) of PostgreSQL numeric (half away from zero), for a, b >= 0, in cents.
int64_t round_div(int64_t sum_cents, int64_t n) {
  return (2 * sum_cents + n) / (2 * n);
}

int cents_of(const json& number) {
  return static_cast<int>(std::llround(number.get<double>() * 100));
}

std::string trend_of(int change_cents) {
  return change_cents >= 500    ? "increasing"
         : change_cents <= -500 ? "decreasing"
                                : "stable";
}

/// The independent computation: what GET /v1/risk/trends must say for `tenant` over
/// `months` months, as the JSON of its data (every business) and summary.
struct expected {
  json data = json::array();
  json summary = json::array();
};

expected compute(const std::vector<row>& rows, const std::string& tenant, int months) {
  // business -> month back -> rows
  std::map<std::string, std::map<int, std::vector<const row*>>> groups;
  for (auto& r : rows)
    if (r.tenant == tenant && r.back < months)
      groups[r.business][r.back].push_back(&r);
  struct month_totals {
    int64_t businesses = 0, n = 0, sum = 0;
    std::map<std::string, int64_t> levels, trends;
  };
  std::map<int, month_totals> totals;
  expected out;
  for (auto& [business, by_month] : groups) { // std::map: business id order
    json ms = json::array();
    for (auto& [back, list] : by_month) { // back ascending: newest month first
      auto by_time = list;
      std::sort(by_time.begin(), by_time.end(), [](const row* a, const row* b) {
        return std::tie(a->at, a->id) < std::tie(b->at, b->id);
      });
      int64_t sum = 0;
      for (auto* r : list)
        sum += r->cents;
      int first = by_time.front()->cents;
      int last = by_time.back()->cents;
      ms.push_back({{"month", month_back(back).text()},
                    {"assessments", list.size()},
                    {"average_cents", round_div(sum, static_cast<int64_t>(list.size()))},
                    {"first_cents", first},
                    {"last_cents", last},
                    {"change_cents", last - first},
                    {"trend", trend_of(last - first)}});
      auto& t = totals[back];
      t.businesses += 1;
      t.n += static_cast<int64_t>(list.size());
      t.sum += sum;
      for (auto* r : list)
        t.levels[r->level] += 1;
      t.trends[trend_of(last - first)] += 1;
    }
    out.data.push_back({{"business_id", business}, {"months", ms}});
  }
  for (int back = 0; back < months; ++back) {
    auto& t = totals[back];
    json levels = json::object();
    for (auto* l : {"low", "medium", "high", "critical"})
      levels[l] = t.levels[l];
    json trends = json::object();
    for (auto* l : {"increasing", "decreasing", "stable"})
      trends[l] = t.trends[l];
    out.summary.push_back({{"month", month_back(back).text()},
                           {"businesses", t.businesses},
                           {"assessments", t.n},
                           {"average_cents", t.n ? json(round_div(t.sum, t.n)) : json()},
                           {"risk_levels", levels},
                           {"trends", trends}});
  }
  return out;
}

/// The endpoint's data and summary in the units of compute(): scores as cents.
json in_cents(const json& data) {
  json out = json::array();
  for (auto& b : data) {
    json ms = json::array();
    for (auto& m : b["months"])
      ms.push_back({{"month", m["month"]},
                    {"assessments", m["assessments"]},
                    {"average_cents", cents_of(m["average_score"])},
                    {"first_cents", cents_of(m["first_score"])},
                    {"last_cents", cents_of(m["last_score"])},
                    {"change_cents", cents_of(m["change"])},
                    {"trend", m["trend"]}});
    out.push_back({{"business_id", b["business_id"]}, {"months", ms}});
  }
  return out;
}

json summary_in_cents(const json& summary) {
  json out = json::array();
  for (auto& s : summary) {
    auto copy = s;
    copy.erase("average_score");
    copy["average_cents"] =
        s["average_score"].is_null() ? json() : json(cents_of(s["average_score"]));
    out.push_back(copy);
  }
  return out;
}

struct fixture {
  fixture() : node(std::map<std::string, std::string>{{"KYB_LOG_ACCESS", "false"}}) {
    std::tie(tenant, key) = node.make_tenant({"read", "write"});
    std::tie(other_tenant, other_key) = node.make_tenant({"read", "write"});
  }

  std::string create_business(const std::string& with_key, const std::string& name) {
    auto r = node.call("POST", "/v1/businesses",
                       json{{"legal_name", name}, {"country", "US"}}.dump(), with_key);
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.json()["id"].get<std::string>();
  }

  void insert(const std::vector<row>& rows) {
    std::ostringstream q;
    q << "INSERT INTO risk_assessments (id, business_id, tenant_id, region, "
         "overall_score, risk_level, factors, rules_version, assessed_at, "
         "assessment_type) VALUES ";
    for (size_t i = 0; i < rows.size(); ++i) {
      auto& r = rows[i];
      q << (i ? ", " : "") << "('" << r.id << "', '" << r.business << "', '" << r.tenant
        << "', 'us', " << cents_text(r.cents) << ", '" << r.level << "', '[]', 0, '"
        << r.at << "+00', '" << (i % 3 == 0 ? "monitoring" : "manual") << "')";
    }
    sql(node.database_url(), q.str());
  }

  http_reply trends(const std::string& query, const std::string& with_key = {}) const {
    return node.call("GET", "/v1/risk/trends" + query, {},
                     with_key.empty() ? key : with_key);
  }

  /// Every page of a tenant-wide request, data concatenated; the summary of page 1.
  std::pair<json, json> all_pages(const std::string& query, int& pages) const {
    json data = json::array();
    json summary;
    std::string cursor;
    pages = 0;
    while (true) {
      auto r = trends(query + (cursor.empty() ? "" : "&cursor=" + cursor));
      BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
      auto j = r.json();
      if (pages == 0)
        summary = j["summary"];
      else
        BOOST_TEST(j["summary"].is_null());
      ++pages;
      for (auto& b : j["data"])
        data.push_back(b);
      BOOST_TEST(j["has_more"] == !j["next_cursor"].is_null());
      if (!j["has_more"].get<bool>())
        break;
      cursor = j["next_cursor"].get<std::string>();
      BOOST_REQUIRE(pages < 100);
    }
    return {data, summary};
  }

  node_process node;
  std::string tenant, key, other_tenant, other_key;
};

/// History for `businesses` of `tenant` over 15 months (some before a 12-month window),
/// with ties in time, one-assessment months and the trend edges.
std::vector<row> generate(std::mt19937_64& rng, const std::string& tenant,
                          const std::vector<std::string>& businesses) {
  std::vector<row> rows;
  auto add = [&](const std::string& b, int back, const std::string& at, int cents) {
    rows.push_back({random_uuid(rng), b, tenant, back, at, cents, level_of(cents)});
  };
  // Edges, one business each, in the month two back: +5.00 increasing, -5.00
  // decreasing, +4.99 and -4.99 stable; the middle assessment does not count.
  const int edges[] = {500, -500, 499, -499};
  for (size_t i = 0; i < 4; ++i) {
    add(businesses[i], 2, timestamp(2, 3, 9, 0, 0), 5000);
    add(businesses[i], 2, timestamp(2, 10, 9, 0, 0), 9900);
    add(businesses[i], 2, timestamp(2, 20, 9, 0, 0), 5000 + edges[i]);
  }
  // Ties: two assessments of one business at the same time, first and last of their
  // month: the order between them is by id.
  add(businesses[4], 1, timestamp(1, 5, 12, 0, 0), 1000);
  add(businesses[4], 1, timestamp(1, 5, 12, 0, 0), 9000);
  add(businesses[4], 1, timestamp(1, 15, 12, 0, 0), 5000);
  add(businesses[4], 1, timestamp(1, 25, 12, 0, 0), 3000);
  add(businesses[4], 1, timestamp(1, 25, 12, 0, 0), 7000);
  // One assessment in a month: change 0, stable.
  add(businesses[5], 0, timestamp(0, 1, 0, 0, 1), 7777);
  // The rest at random: 0 to 4 assessments a month, times on a coarse grid (more ties),
  // except in the months above, which stay as they are.
  for (size_t i = 0; i < businesses.size(); ++i)
    for (int back = 0; back < 15; ++back) {
      if ((i < 4 && back == 2) || (i == 4 && back == 1) || (i == 5 && back == 0))
        continue;
      auto& b = businesses[i];
      for (int k = static_cast<int>(rng() % 5); k > 0; --k)
        add(b, back,
            timestamp(back, 1 + static_cast<int>(rng() % 28), static_cast<int>(rng() % 3),
                      0, static_cast<int>(rng() % 2)),
            static_cast<int>(rng() % 10001));
    }
  return rows;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(trends_match_an_independent_computation, fixture) {
  std::mt19937_64 rng(16);
  std::vector<std::string> mine;
  for (int i = 0; i < 9; ++i)
    mine.push_back(create_business(key, "Trend Co " + std::to_string(i)));
  auto theirs = std::vector<std::string>{create_business(other_key, "Other Co 1"),
                                         create_business(other_key, "Other Co 2")};
  auto rows = generate(rng, tenant, mine);
  auto other_rows = generate(
      rng, other_tenant,
      {theirs[0], theirs[0], theirs[0], theirs[0], theirs[1], theirs[1], theirs[1]});
  insert(rows);
  insert(other_rows);
  auto all = rows;
  all.insert(all.end(), other_rows.begin(), other_rows.end());

  for (int months : {12, 1, 3, 60}) {
    BOOST_TEST_CONTEXT("months=" << months) {
      auto want = compute(all, tenant, months);
      int pages = 0;
      auto [data, summary] =
          all_pages("?months=" + std::to_string(months) + "&limit=100", pages);
      BOOST_TEST(pages == 1);
      BOOST_TEST(in_cents(data) == want.data, in_cents(data).dump() << "\n!=\n"
                                                                    << want.data.dump());
      BOOST_TEST(summary_in_cents(summary) == want.summary,
                 summary_in_cents(summary).dump() << "\n!=\n"
                                                  << want.summary.dump());
    }
  }
  // The default window is 12 months.
  auto def = trends("");
  BOOST_REQUIRE_EQUAL(def.status, 200);
  BOOST_TEST(def.json()["months"] == 12);
  BOOST_TEST(def.json()["summary"].size() == 12u);

  // The edge cases, read back by name.
  auto one = [&](const std::string& business, int back) {
    auto r = trends("?business_id=" + business);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    auto j = r.json();
    BOOST_TEST(j["summary"].is_null());
    BOOST_TEST(j["has_more"] == false);
    BOOST_REQUIRE_EQUAL(j["data"].size(), 1u);
    BOOST_TEST(j["data"][0]["business_id"] == business);
    for (auto& m : j["data"][0]["months"])
      if (m["month"] == month_back(back).text())
        return m;
    BOOST_FAIL("no month " << month_back(back).text());
    return json();
  };
  std::string edge_trends[] = {"increasing", "decreasing", "stable", "stable"};
  for (int i = 0; i < 4; ++i) {
    auto m = one(mine[static_cast<size_t>(i)], 2);
    BOOST_TEST(m["first_score"] == 50.0);
    BOOST_TEST(m["trend"] == edge_trends[i], m.dump());
  }
  // Ties at the same assessed_at: of the two first in time the lower id is first, of
  // the two last the higher id is last.
  std::vector<const row*> early, late;
  for (auto& r : rows)
    if (r.business == mine[4] && r.at == timestamp(1, 5, 12, 0, 0))
      early.push_back(&r);
    else if (r.business == mine[4] && r.at == timestamp(1, 25, 12, 0, 0))
      late.push_back(&r);
  BOOST_REQUIRE(early.size() == 2u && late.size() == 2u);
  auto by_id = [](const row* a, const row* b) { return a->id < b->id; };
  auto tie = one(mine[4], 1);
  BOOST_TEST(tie["assessments"] == 5);
  BOOST_TEST(cents_of(tie["first_score"]) ==
             (*std::min_element(early.begin(), early.end(), by_id))->cents);
  BOOST_TEST(cents_of(tie["last_score"]) ==
             (*std::max_element(late.begin(), late.end(), by_id))->cents);
  // One assessment in the month: change 0, stable.
  auto single = one(mine[5], 0);
  BOOST_TEST(single["assessments"] == 1);
  BOOST_TEST(single["first_score"] == 77.77);
  BOOST_TEST(single["last_score"] == 77.77);
  BOOST_TEST(single["change"] == 0.0);
  BOOST_TEST(single["trend"] == "stable");
  // Tenant isolation: the other tenant's business is no business of this tenant's, and
  // the other tenant sees only its own.
  auto foreign = trends("?business_id=" + theirs[0]);
  BOOST_REQUIRE_EQUAL(foreign.status, 200);
  BOOST_TEST(foreign.json()["data"].empty());
  auto other = node.call("GET", "/v1/risk/trends?limit=100", {}, other_key);
  BOOST_REQUIRE_EQUAL(other.status, 200);
  auto other_data = other.json()["data"];
  std::set<std::string> seen;
  for (auto& b : other_data)
    seen.insert(b["business_id"].get<std::string>());
  BOOST_TEST((seen == std::set<std::string>(theirs.begin(), theirs.end())));
  BOOST_TEST(in_cents(other_data) == compute(all, other_tenant, 12).data);
}

BOOST_FIXTURE_TEST_CASE(pages_cover_every_business_once, fixture) {
  std::mt19937_64 rng(61);
  std::vector<std::string> mine;
  for (int i = 0; i < 7; ++i)
    mine.push_back(create_business(key, "Paged Co " + std::to_string(i)));
  auto rows = generate(rng, tenant, mine);
  insert(rows);
  auto want = compute(rows, tenant, 12);
  for (int limit : {1, 2, 3, 7}) {
    BOOST_TEST_CONTEXT("limit=" << limit) {
      int pages = 0;
      auto [data, summary] = all_pages("?limit=" + std::to_string(limit), pages);
      auto n = static_cast<int>(want.data.size());
      BOOST_TEST(pages == (n + limit - 1) / limit);
      BOOST_TEST(in_cents(data) == want.data);
      BOOST_TEST(summary_in_cents(summary) == want.summary);
    }
  }
  // A tenant without assessments: no businesses, every month of the window empty.
  auto empty = node.call("GET", "/v1/risk/trends?months=2", {}, other_key);
  BOOST_REQUIRE_EQUAL(empty.status, 200);
  auto j = empty.json();
  BOOST_TEST(j["data"].empty());
  BOOST_REQUIRE_EQUAL(j["summary"].size(), 2u);
  BOOST_TEST(j["summary"][0]["month"] == month_back(0).text());
  BOOST_TEST(j["summary"][0]["assessments"] == 0);
  BOOST_TEST(j["summary"][0]["average_score"].is_null());
}

BOOST_FIXTURE_TEST_CASE(bad_input_is_refused_naming_the_parameter, fixture) {
  auto names = [&](const std::string& query, const std::string& field) {
    auto r = trends(query);
    BOOST_TEST_CONTEXT(query) {
      BOOST_TEST(is_problem(r, 400), r.body);
      BOOST_TEST(fields_of(r).count(field) == 1u, r.body);
    }
  };
  for (auto months : {"0", "61", "-1", "abc", "1.5", "", "12x", "99999999999"})
    names(std::string("?months=") + months, "months");
  for (auto id : {"xyz", "", "12345678123456781234567812345678",
                  "1234567-1234-1234-1234-123456789abcd"})
    names(std::string("?business_id=") + id, "business_id");
  for (auto limit : {"0", "101", "abc", ""})
    names(std::string("?limit=") + limit, "limit");
  names("?cursor=not-a-cursor", "cursor");
  names("?cursor=", "cursor");
  names("?business_id=00000000-0000-4000-8000-000000000000&cursor=abc", "cursor");
  names("?month=12", "month");
  names("?months=12&tenant_id=" + other_tenant, "tenant_id");
  names("?months=1&months=2", "months");
  BOOST_TEST(is_problem(trends("?months=%zz"), 400));
  // Without a key, and with a key that may not read.
  BOOST_TEST(is_problem(node.call("GET", "/v1/risk/trends"), 401));
  auto [t, write_only] = node.make_tenant({"write"});
  BOOST_TEST(is_problem(trends("", write_only), 403));
  // The bounds themselves are accepted.
  BOOST_TEST(trends("?months=1").status == 200);
  BOOST_TEST(trends("?months=60&limit=100").status == 200);
}

// The statements as the node prepares them (the q:: catalogue's text), planned by
// PostgreSQL over a table where the tenant's rows are a small part: the index of 0010
// serves both, index-only, in the custom plan and in the generic plan PostgreSQL turns
// to after five executions of a prepared statement. No planner setting is changed.
BOOST_FIXTURE_TEST_CASE(plans_use_the_trend_index, fixture) {
  auto business = create_business(key, "Planned Co");
  create_business(other_key, "Crowd Co");
  auto& url = node.database_url();
  // 60,000 assessments of another tenant's 300 businesses, 600 of this tenant's one.
  sql(url,
      "INSERT INTO businesses (id, tenant_id, region, legal_name, country, "
      "created_at, updated_at) SELECT gen_random_uuid(), '" +
          other_tenant +
          "', 'us', 'Crowd ' || n, 'US', now(), now() FROM generate_series(1, 299) n");
  sql(url, "INSERT INTO risk_assessments (id, business_id, tenant_id, region, "
           "overall_score, risk_level, assessed_at) SELECT gen_random_uuid(), b.id, "
           "b.tenant_id, "
           "'us', (i % 10000) / 100.0, 'low', now() - (i % 400) * interval '1 day' FROM "
           "(SELECT id, tenant_id FROM businesses WHERE "
           "tenant_id = '" +
               other_tenant + "') b, generate_series(1, 200) i");
  sql(url, "INSERT INTO risk_assessments (id, business_id, tenant_id, region, "
           "overall_score, risk_level, assessed_at) SELECT gen_random_uuid(), '" +
               business + "', '" + tenant +
               "', 'us', 42, 'medium', now() - i * interval '12 hours' FROM "
               "generate_series(1, 600) i");
  sql(url, "VACUUM ANALYZE risk_assessments");
  std::map<std::string, std::string> text;
  for (auto& s : kyb::persistence::platform_queries())
    text[s.name] = s.sql;
  namespace q = kyb::persistence::q;
  struct plan_case {
    const char* statement;
    std::string args;
  };
  std::string all_ids = "'00000000-0000-0000-0000-000000000000', "
                        "'ffffffff-ffff-ffff-ffff-ffffffffffff'";
  std::vector<plan_case> cases = {
      {q::risk_trends_businesses, "'" + tenant + "', 12, " + all_ids + ", 21"},
      {q::risk_trends_businesses,
       "'" + tenant + "', 12, '" + business + "', '" + business + "', 2"},
      {q::risk_trends_months, "'" + tenant + "', 12"}};
  for (auto mode : {"auto", "force_custom_plan", "force_generic_plan"})
    for (auto& c : cases) {
      BOOST_TEST_CONTEXT(c.statement << " (" << c.args << "), plan_cache_mode " << mode) {
        auto rows = sql(url, std::string("SET plan_cache_mode = ") + mode +
                                 "; PREPARE s AS " + text.at(c.statement) +
                                 "; EXPLAIN (FORMAT JSON) EXECUTE s(" + c.args + ")");
        BOOST_REQUIRE_EQUAL(rows.size(), 1u);
        auto plan = json::parse(rows[0][0]);
        // Every scan of risk_assessments is an index-only scan of the trend index.
        std::vector<json> scans;
        std::function<void(const json&)> walk = [&](const json& node) {
          if (node.value("Relation Name", "") == "risk_assessments")
            scans.push_back(node);
          if (node.contains("Plans"))
            for (auto& p : node["Plans"])
              walk(p);
        };
        walk(plan[0]["Plan"]);
        BOOST_REQUIRE(!scans.empty());
        for (auto& s : scans) {
          BOOST_TEST(s["Node Type"] == "Index Only Scan", plan.dump());
          BOOST_TEST(s.value("Index Name", "") ==
                         "idx_risk_assessments_tenant_business_time",
                     plan.dump());
        }
      }
    }
  // A business's latest assessment and its history pages: read in order from an index
  // leading with business_id (idx_risk_assessments_recent, or 0010's
  // (tenant_id, business_id, assessed_at, id) backwards), never sorted.
  std::vector<plan_case> recent = {
      {q::risk_assessment_latest, "'" + business + "', '" + tenant + "'"},
      {q::risk_assessments_page, "'" + business + "', '" + tenant + "', NULL, NULL, 21"},
      {q::risk_assessments_page, "'" + business + "', '" + tenant +
                                     "', now() - interval '30 days', "
                                     "'00000000-0000-0000-0000-000000000000', 21"}};
  for (auto mode : {"auto", "force_custom_plan", "force_generic_plan"})
    for (auto& c : recent) {
      BOOST_TEST_CONTEXT(c.statement << " (" << c.args << "), plan_cache_mode " << mode) {
        auto rows = sql(url, std::string("SET plan_cache_mode = ") + mode +
                                 "; PREPARE r AS " + text.at(c.statement) +
                                 "; EXPLAIN (FORMAT JSON) EXECUTE r(" + c.args + ")");
        BOOST_REQUIRE_EQUAL(rows.size(), 1u);
        auto dump = json::parse(rows[0][0]).dump();
        BOOST_TEST((dump.find("\"Index Name\":\"idx_risk_assessments_recent\"") !=
                        std::string::npos ||
                    dump.find("\"Index Name\":\"idx_risk_assessments_tenant_business_"
                              "time\"") != std::string::npos),
                   dump);
        BOOST_TEST(dump.find("\"Node Type\":\"Sort\"") == std::string::npos, dump);
      }
    }
  // The original query grouped by (business_id, month, overall_score, assessed_at): as
  // many groups as rows. This one: one per business and month (600 assessments of one
  // business every 12 hours span 10 or 11 calendar months of the window).
  auto j = trends("?business_id=" + business).json();
  BOOST_REQUIRE_EQUAL(j["data"].size(), 1u);
  auto& ms = j["data"][0]["months"];
  BOOST_TEST(ms.size() >= 10u);
  BOOST_TEST(ms.size() <= 12u);
  int64_t total = 0;
  for (auto& m : ms)
    total += m["assessments"].get<int64_t>();
  BOOST_TEST(total > 500);
}
