// Prometheus metrics without prometheus-cpp (not packaged here): families of counters,
// gauges and histograms with labels, and the text exposition format 0.0.4.
//
// Series are created under a lock once; callers keep the returned reference and update
// it with relaxed atomics, so recording on a hot path costs one atomic add.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kyb::base {

using label_values = std::vector<std::string>;

class counter {
public:
  void inc(double v = 1) noexcept;
  double value() const noexcept;

private:
  std::atomic<double> value_{0};
};

class gauge {
public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void inc(double v = 1) noexcept;
  void dec(double v = 1) noexcept { inc(-v); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0};
};

class histogram {
public:
  explicit histogram(const std::vector<double>* bounds);
  void observe(double v) noexcept;
  /// Cumulative counts per bound, then the +Inf count.
  std::vector<uint64_t> cumulative() const;
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
  uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

private:
  const std::vector<double>* bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

enum class metric_type { counter, gauge, histogram };

/// One metric name with its help text, label names and series.
template <class Series>
class family {
public:
  family(std::string name, std::string help, std::vector<std::string> labels,
         std::vector<double> bounds = {})
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)),
        bounds_(std::move(bounds)) {}

  /// The series for these label values (created on first use). The reference stays valid.
  Series& with(const label_values& values);
  /// Removes every series (used when a set of labels is recomputed at scrape time).
  void clear();

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return labels_; }
  const std::vector<double>& bounds() const { return bounds_; }

  /// Calls f(label_values, series) for each series, in label order.
  template <class F>
  void for_each(F f) const {
    std::lock_guard<std::mutex> guard(mtx_);
    for (auto& [values, index] : index_)
      f(values, series_[index]);
  }

private:
  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  std::vector<double> bounds_;
  mutable std::mutex mtx_;
  std::map<label_values, size_t> index_;
  std::deque<Series> series_; // deque: references stay valid while it grows
};

using counter_family = family<counter>;
using gauge_family = family<gauge>;
using histogram_family = family<histogram>;

class metrics_registry {
public:
  /// The process-wide registry behind /metrics.
  static metrics_registry& global();

  /// Returns the family with this name, creating it on first use. Asking again with
  /// the same name returns the same family.
  counter_family& counter(const std::string& name, const std::string& help,
                          std::vector<std::string> labels = {});
  gauge_family& gauge(const std::string& name, const std::string& help,
                      std::vector<std::string> labels = {});
  histogram_family& histogram(const std::string& name, const std::string& help,
                              std::vector<std::string> labels,
                              std::vector<double> bounds);
  /// A gauge family exposed as `# TYPE ... untyped`: for a value that is no counter but
  /// whose published name ends in `_total` (the seed's kyb_active_tenants_total), which
  /// promtool refuses on a gauge and accepts on an untyped family.
  gauge_family& untyped(const std::string& name, const std::string& help,
                        std::vector<std::string> labels = {});

  /// Registers a function run before each exposition (to refresh computed gauges).
  void on_collect(std::function<void()> fn);

  /// The whole registry in Prometheus text format 0.0.4.
  std::string expose();
  /// Only the families whose names start with one of `prefixes`.
  std::string expose(const std::vector<std::string>& prefixes);

private:
  std::mutex mtx_;
  std::map<std::string, std::unique_ptr<counter_family>> counters_;
  std::map<std::string, std::unique_ptr<gauge_family>> gauges_;
  std::map<std::string, std::unique_ptr<histogram_family>> histograms_;
  std::map<std::string, std::unique_ptr<gauge_family>> untyped_;
  std::vector<std::function<void()>> collectors_;
};

/// Formats a sample value the way Prometheus parses it (+Inf, -Inf, NaN, shortest
/// decimal).
std::string format_metric_value(double v);

} // namespace kyb::base
