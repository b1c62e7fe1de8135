// Replication lag as a client sees it: business writes at a fixed rate through the API,
// and for each acknowledged write, the time until it is visible in each replica region's
// database. The baseline measured in the same run is the write's own acknowledgement
// latency. Run by bench/regions/run.sh; by hand:
//
//   replication_lag_bench --api http://127.0.0.1:18581 --key KEY --rate 1000
//       --seconds 20 --target us-west-2=postgresql://... --target eu-west-1=...
//
// Prints one line per target and a JSON summary on the last line.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <curl/curl.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>

namespace {

using clock_type = std::chrono::steady_clock;
using nlohmann::json;

struct options {
  std::string api, key;
  double rate = 1000;
  int seconds = 20;
  int writers = 16;
  std::vector<std::pair<std::string, std::string>> targets;
};

struct write_record {
  std::string id;
  clock_type::time_point acked;
};

size_t collect(char* p, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, size * n);
  return size * n;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double ms(clock_type::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

/// The shared log of acknowledged writes, and what each target has seen of it.
struct ledger {
  std::mutex mtx;
  std::vector<write_record> writes;
  std::vector<double> ack_ms;
  std::atomic<int> failures{0};
};

void writer(const options& o, ledger& l, int index, clock_type::time_point start,
            clock_type::time_point end) {
  CURL* c = curl_easy_init();
  std::string url = o.api + "/v1/businesses";
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Authorization: Bearer " + o.key).c_str());
  headers = curl_slist_append(headers, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  // Writer i sends its k-th request at start + (k * writers + i) / rate: together the
  // writers hold the rate, each on its own kept-alive connection.
  auto period = std::chrono::duration<double>(static_cast<double>(o.writers) / o.rate);
  auto offset = std::chrono::duration<double>(static_cast<double>(index) / o.rate);
  for (long k = 0;; ++k) {
    auto due =
        start + std::chrono::duration_cast<clock_type::duration>(offset + k * period);
    if (due >= end || clock_type::now() >= end) // slow answers skip what fell behind
      break;
    std::this_thread::sleep_until(due);
    std::string body = json{
        {"legal_name", "Lag Bench " + std::to_string(index) + "-" + std::to_string(k)},
        {"country", "US"}}.dump();
    std::string response;
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
    auto t0 = clock_type::now();
    auto rc = curl_easy_perform(c);
    auto t1 = clock_type::now();
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    auto j = json::parse(response, nullptr, false);
    if (rc != CURLE_OK || status != 201 || j.is_discarded() || !j.contains("id")) {
      ++l.failures;
      continue;
    }
    std::lock_guard<std::mutex> g(l.mtx);
    l.writes.push_back({j["id"].get<std::string>(), t1});
    l.ack_ms.push_back(ms(t1 - t0));
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
}

/// Polls `dsn` every `interval` for the acknowledged writes it has not seen yet; the
/// lag of a write is the first poll that finds it minus its acknowledgement.
std::vector<double> observe(const std::string& dsn, ledger& l, std::atomic<bool>& writing,
                            std::chrono::milliseconds interval, size_t& missing) {
  std::vector<double> lags;
  PGconn* db = PQconnectdb(dsn.c_str());
  if (PQstatus(db) != CONNECTION_OK) {
    std::fprintf(stderr, "%s: %s", dsn.c_str(), PQerrorMessage(db));
    PQfinish(db);
    missing = ~size_t{0};
    return lags;
  }
  size_t next = 0; // first write not yet taken into `pending`
  std::map<std::string, clock_type::time_point> pending;
  auto drain_deadline = clock_type::time_point::max();
  while (true) {
    auto now = clock_type::now();
    {
      std::lock_guard<std::mutex> g(l.mtx);
      for (; next < l.writes.size(); ++next)
        pending.emplace(l.writes[next].id, l.writes[next].acked);
    }
    if (!pending.empty()) {
      std::string ids = "{";
      for (auto& [id, _] : pending)
        ids += (ids.size() > 1 ? "," : "") + id;
      ids += "}";
      const char* params[] = {ids.c_str()};
      PGresult* r =
          PQexecParams(db, "SELECT id::text FROM businesses WHERE id = ANY($1::uuid[])",
                       1, nullptr, params, nullptr, nullptr, 0);
      auto seen_at = clock_type::now();
      if (PQresultStatus(r) == PGRES_TUPLES_OK)
        for (int i = 0; i < PQntuples(r); ++i) {
          auto it = pending.find(PQgetvalue(r, i, 0));
          if (it == pending.end())
            continue;
          lags.push_back(std::max(0.0, ms(seen_at - it->second)));
          pending.erase(it);
        }
      PQclear(r);
    }
    if (!writing && drain_deadline == clock_type::time_point::max())
      drain_deadline = now + std::chrono::seconds(30); // the SLA
    if (!writing && (pending.empty() || now > drain_deadline)) {
      std::lock_guard<std::mutex> g(l.mtx);
      if (next == l.writes.size())
        break;
    }
    std::this_thread::sleep_until(now + interval);
  }
  missing = pending.size();
  PQfinish(db);
  return lags;
}

bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--api")
      o.api = v;
    else if (a == "--key")
      o.key = v;
    else if (a == "--rate")
      o.rate = std::stod(v);
    else if (a == "--seconds")
      o.seconds = std::stoi(v);
    else if (a == "--writers")
      o.writers = std::stoi(v);
    else if (a == "--target" && v.find('=') != std::string::npos)
      o.targets.emplace_back(v.substr(0, v.find('=')), v.substr(v.find('=') + 1));
    else
      return false;
  }
  return !o.api.empty() && !o.key.empty() && o.rate > 0 && o.seconds > 0 && o.writers > 0;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  if ((argc % 2) == 0 || !parse(argc, argv, o)) {
    std::fprintf(stderr, "usage: replication_lag_bench --api URL --key KEY [--rate W/S] "
                         "[--seconds N] [--writers N] [--target NAME=PGURL]...\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  ledger l;
  std::atomic<bool> writing{true};
  auto interval = std::chrono::milliseconds(5);
  std::vector<std::vector<double>> lags(o.targets.size());
  std::vector<size_t> missing(o.targets.size(), 0);
  std::vector<std::thread> observers;
  for (size_t i = 0; i < o.targets.size(); ++i)
    observers.emplace_back([&, i] {
      lags[i] = observe(o.targets[i].second, l, writing, interval, missing[i]);
    });
  auto start = clock_type::now() + std::chrono::milliseconds(200);
  auto end = start + std::chrono::seconds(o.seconds);
  std::vector<std::thread> writers;
  for (int i = 0; i < o.writers; ++i)
    writers.emplace_back([&, i] { writer(o, l, i, start, end); });
  for (auto& t : writers)
    t.join();
  auto wrote_for = clock_type::now() - start;
  writing = false;
  for (auto& t : observers)
    t.join();

  json summary;
  double achieved = static_cast<double>(l.writes.size()) /
                    std::chrono::duration<double>(wrote_for).count();
  double ack50 = percentile(l.ack_ms, 0.5), ack99 = percentile(l.ack_ms, 0.99);
  std::printf("writes: %zu acknowledged (%.0f/s, asked %.0f/s), %d failed\n",
              l.writes.size(), achieved, o.rate, l.failures.load());
  std::printf("write acknowledgement (baseline): p50 %.1f ms, p99 %.1f ms\n", ack50,
              ack99);
  summary["writes"] = l.writes.size();
  summary["write_rate"] = achieved;
  summary["failures"] = l.failures.load();
  summary["ack_p50_ms"] = ack50;
  summary["ack_p99_ms"] = ack99;
  for (size_t i = 0; i < o.targets.size(); ++i) {
    double p50 = percentile(lags[i], 0.5), p99 = percentile(lags[i], 0.99);
    double max = lags[i].empty() ? 0 : *std::max_element(lags[i].begin(), lags[i].end());
    std::printf("lag to %-10s p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu seen, %zu not "
                "within 30 s; poll %lld ms) | p99/ack p99 %.2f, p99/1 s target %.3f, "
                "p99/30 s SLA %.4f\n",
                o.targets[i].first.c_str(), p50, p99, max, lags[i].size(), missing[i],
                static_cast<long long>(interval.count()), ack99 > 0 ? p99 / ack99 : 0.0,
                p99 / 1000.0, p99 / 30000.0);
    summary["targets"][o.targets[i].first] = {{"p50_ms", p50},
                                              {"p99_ms", p99},
                                              {"max_ms", max},
                                              {"seen", lags[i].size()},
                                              {"missing", missing[i]}};
  }
  std::printf("%s\n", summary.dump().c_str());
  curl_global_cleanup();
  return 0;
}
