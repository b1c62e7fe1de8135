// Prometheus metrics through prometheus-cpp's core library (Debian's prometheus-cpp-dev):
// one prometheus::Registry per process, families of counters, gauges and histograms, and
// prometheus::TextSerializer for /metrics and /metrics/business, served by our own HTTP
// broker (no civetweb exposer).
//
// What this adds to prometheus-cpp: a family's label names are declared once, so a series
// is asked for by its values in order (`family.with({"GET", "200"})`), and functions run
// before each exposition to refresh computed gauges. Asking a family for a series takes
// the family's lock and hashes the labels: hot paths ask once and keep the reference
// (series live as long as the process), then each update is one atomic operation.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace kyb::base {

using label_values = std::vector<std::string>;

using counter = prometheus::Counter;
using gauge = prometheus::Gauge;
using histogram = prometheus::Histogram;

/// A prometheus-cpp family with its label names (and, for histograms, its buckets).
template <class Metric>
class family {
public:
  family(prometheus::Family<Metric>& f, std::vector<std::string> labels,
         std::vector<double> bounds = {})
      : family_(&f), labels_(std::move(labels)), bounds_(std::move(bounds)) {}

  /// The series for these label values, one per declared label name, created on first
  /// use. The reference stays valid until clear() (for the life of the process in a
  /// family never cleared). Throws
  /// std::invalid_argument when the number of values is not the number of labels.
  Metric& with(const label_values& values);

  /// Removes every series of the family (when a set of labels is recomputed, e.g. the
  /// lists of a new screening index). References to them are invalid afterwards: only
  /// for families whose series are asked for each time, never held.
  void clear();

  const std::vector<std::string>& label_names() const { return labels_; }

private:
  prometheus::Family<Metric>* family_;
  std::vector<std::string> labels_;
  std::vector<double> bounds_;
  std::mutex mtx_;
  std::unordered_set<Metric*> series_; // every series handed out, for clear()
};

using counter_family = family<counter>;
using gauge_family = family<gauge>;
using histogram_family = family<histogram>;

class metrics_registry {
public:
  metrics_registry();
  ~metrics_registry();

  /// The process-wide registry behind /metrics.
  static metrics_registry& global();

  /// Returns the family with this name, registering it on first use. Asking again with
  /// the same name returns the same family (its help, labels and buckets as first given).
  counter_family& counter(const std::string& name, const std::string& help,
                          std::vector<std::string> labels = {});
  gauge_family& gauge(const std::string& name, const std::string& help,
                      std::vector<std::string> labels = {});
  histogram_family& histogram(const std::string& name, const std::string& help,
                              std::vector<std::string> labels,
                              std::vector<double> bounds);
  /// A gauge family exposed as `# TYPE ... untyped`: for a value that is no counter but
  /// whose published name ends in `_total` (kyb_active_tenants_total), which
  /// promtool refuses on a gauge and accepts on an untyped family.
  gauge_family& untyped(const std::string& name, const std::string& help,
                        std::vector<std::string> labels = {});

  /// Registers a function run before each exposition (to refresh computed gauges).
  void on_collect(std::function<void()> fn);

  /// The whole registry in Prometheus text format 0.0.4, families sorted by name.
  std::string expose();
  /// Only the families whose names start with one of `prefixes`.
  std::string expose(const std::vector<std::string>& prefixes);

  /// The prometheus-cpp registry itself.
  prometheus::Registry& registry() { return *registry_; }

private:
  template <class Metric, class Builder>
  family<Metric>& get_or_add(std::map<std::string, std::unique_ptr<family<Metric>>>& map,
                             Builder builder, const std::string& name,
                             const std::string& help, std::vector<std::string> labels,
                             std::vector<double> bounds);

  std::shared_ptr<prometheus::Registry> registry_;
  // Gauges exposed as untyped (prometheus-cpp has no untyped builder): collected apart
  // and retyped at exposition.
  std::shared_ptr<prometheus::Registry> untyped_registry_;
  std::mutex mtx_;
  std::map<std::string, std::unique_ptr<counter_family>> counters_;
  std::map<std::string, std::unique_ptr<gauge_family>> gauges_;
  std::map<std::string, std::unique_ptr<histogram_family>> histograms_;
  std::map<std::string, std::unique_ptr<gauge_family>> untyped_;
  std::vector<std::function<void()>> collectors_;
};

} // namespace kyb::base
