#include "runtime/base/metrics.hpp"

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <utility>

namespace kyb::base {

namespace {

void atomic_add(std::atomic<double>& a, double v) noexcept {
  auto cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed))
    ;
}

void append_label_value(std::string& out, const std::string& v) {
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

void append_help(std::string& out, const std::string& v) {
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

std::string labels_text(const std::vector<std::string>& names, const label_values& values,
                        const std::string& extra_name = {},
                        const std::string& extra = {}) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out += out.empty() ? "{" : ",";
    out += names[i];
    out += "=\"";
    append_label_value(out, values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    out += out.empty() ? "{" : ",";
    out += extra_name + "=\"" + extra + "\"";
  }
  if (!out.empty())
    out += '}';
  return out;
}

bool wanted(const std::string& name, const std::vector<std::string>* prefixes) {
  if (!prefixes)
    return true;
  for (auto& p : *prefixes)
    if (name.rfind(p, 0) == 0)
      return true;
  return false;
}

} // namespace

void counter::inc(double v) noexcept {
  atomic_add(value_, v);
}

double counter::value() const noexcept {
  return value_.load(std::memory_order_relaxed);
}

void gauge::inc(double v) noexcept {
  atomic_add(value_, v);
}

histogram::histogram(const std::vector<double>* bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds->size() + 1]) {
  for (size_t i = 0; i <= bounds_->size(); ++i)
    buckets_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double v) noexcept {
  size_t i = 0;
  while (i < bounds_->size() && v > (*bounds_)[i])
    ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> histogram::cumulative() const {
  std::vector<uint64_t> out(bounds_->size() + 1);
  uint64_t acc = 0;
  for (size_t i = 0; i <= bounds_->size(); ++i) {
    acc += buckets_[i].load(std::memory_order_relaxed);
    out[i] = acc;
  }
  return out;
}

template <class Series>
Series& family<Series>::with(const label_values& values) {
  std::lock_guard<std::mutex> guard(mtx_);
  auto it = index_.find(values);
  if (it != index_.end())
    return series_[it->second];
  if constexpr (std::is_same_v<Series, base::histogram>)
    series_.emplace_back(&bounds_);
  else
    series_.emplace_back();
  index_.emplace(values, series_.size() - 1);
  return series_.back();
}

template <class Series>
void family<Series>::clear() {
  std::lock_guard<std::mutex> guard(mtx_);
  // Series stay allocated (references handed out remain valid); only the index forgets
  // them.
  index_.clear();
}

template class family<counter>;
template class family<gauge>;
template class family<histogram>;

metrics_registry& metrics_registry::global() {
  static metrics_registry instance;
  return instance;
}

counter_family& metrics_registry::counter(const std::string& name,
                                          const std::string& help,
                                          std::vector<std::string> labels) {
  std::lock_guard<std::mutex> guard(mtx_);
  auto& slot = counters_[name];
  if (!slot)
    slot = std::make_unique<counter_family>(name, help, std::move(labels));
  return *slot;
}

gauge_family& metrics_registry::gauge(const std::string& name, const std::string& help,
                                      std::vector<std::string> labels) {
  std::lock_guard<std::mutex> guard(mtx_);
  auto& slot = gauges_[name];
  if (!slot)
    slot = std::make_unique<gauge_family>(name, help, std::move(labels));
  return *slot;
}

histogram_family& metrics_registry::histogram(const std::string& name,
                                              const std::string& help,
                                              std::vector<std::string> labels,
                                              std::vector<double> bounds) {
  std::lock_guard<std::mutex> guard(mtx_);
  auto& slot = histograms_[name];
  if (!slot)
    slot = std::make_unique<histogram_family>(name, help, std::move(labels),
                                              std::move(bounds));
  return *slot;
}

gauge_family& metrics_registry::untyped(const std::string& name, const std::string& help,
                                        std::vector<std::string> labels) {
  std::lock_guard<std::mutex> guard(mtx_);
  auto& slot = untyped_[name];
  if (!slot)
    slot = std::make_unique<gauge_family>(name, help, std::move(labels));
  return *slot;
}

void metrics_registry::on_collect(std::function<void()> fn) {
  std::lock_guard<std::mutex> guard(mtx_);
  collectors_.push_back(std::move(fn));
}

std::string format_metric_value(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string metrics_registry::expose() {
  return expose({});
}

std::string metrics_registry::expose(const std::vector<std::string>& prefixes) {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    collectors = collectors_;
  }
  for (auto& fn : collectors)
    fn();
  const std::vector<std::string>* filter = prefixes.empty() ? nullptr : &prefixes;
  // Families sorted by name across types, as Prometheus tooling expects stable output.
  std::map<std::string, std::string> blocks;
  std::lock_guard<std::mutex> guard(mtx_);
  // Not structured bindings: C++17 lambdas cannot capture them (clang refuses).
  for (auto& entry : counters_) {
    const auto& name = entry.first;
    const auto& fam = entry.second;
    if (!wanted(name, filter))
      continue;
    std::string out = "# HELP " + name + " ";
    append_help(out, fam->help());
    out += "\n# TYPE " + name + " counter\n";
    fam->for_each([&](const label_values& lv, const base::counter& c) {
      out += name + labels_text(fam->label_names(), lv) + " " +
             format_metric_value(c.value()) + "\n";
    });
    blocks[name] = std::move(out);
  }
  for (auto [families, type] :
       {std::pair{&gauges_, "gauge"}, std::pair{&untyped_, "untyped"}})
    for (auto& entry : *families) {
      const auto& name = entry.first;
      const auto& fam = entry.second;
      if (!wanted(name, filter))
        continue;
      std::string out = "# HELP " + name + " ";
      append_help(out, fam->help());
      out += "\n# TYPE " + name + " " + type + "\n";
      fam->for_each([&](const label_values& lv, const base::gauge& g) {
        out += name + labels_text(fam->label_names(), lv) + " " +
               format_metric_value(g.value()) + "\n";
      });
      blocks[name] = std::move(out);
    }
  for (auto& entry : histograms_) {
    const auto& name = entry.first;
    const auto& fam = entry.second;
    if (!wanted(name, filter))
      continue;
    std::string out = "# HELP " + name + " ";
    append_help(out, fam->help());
    out += "\n# TYPE " + name + " histogram\n";
    fam->for_each([&](const label_values& lv, const base::histogram& h) {
      auto cum = h.cumulative();
      auto& bounds = fam->bounds();
      for (size_t i = 0; i < bounds.size(); ++i)
        out += name + "_bucket" +
               labels_text(fam->label_names(), lv, "le", format_metric_value(bounds[i])) +
               " " + std::to_string(cum[i]) + "\n";
      out += name + "_bucket" + labels_text(fam->label_names(), lv, "le", "+Inf") + " " +
             std::to_string(cum.back()) + "\n";
      out += name + "_sum" + labels_text(fam->label_names(), lv) + " " +
             format_metric_value(h.sum()) + "\n";
      out += name + "_count" + labels_text(fam->label_names(), lv) + " " +
             std::to_string(cum.back()) + "\n";
    });
    blocks[name] = std::move(out);
  }
  std::string all;
  for (auto& [name, text] : blocks)
    all += text;
  return all;
}

} // namespace kyb::base
