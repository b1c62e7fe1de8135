#include "runtime/base/metrics.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <prometheus/text_serializer.h>

namespace kyb::base {

template <class Metric>
Metric& family<Metric>::with(const label_values& values) {
  if (values.size() != labels_.size())
    throw std::invalid_argument("metric family given " + std::to_string(values.size()) +
                                " label values for " + std::to_string(labels_.size()) +
                                " labels");
  prometheus::Labels labels;
  for (size_t i = 0; i < values.size(); ++i)
    labels.emplace(labels_[i], values[i]);
  std::lock_guard<std::mutex> guard(mtx_);
  Metric* series;
  if constexpr (std::is_same_v<Metric, prometheus::Histogram>)
    series = &family_->Add(labels, bounds_);
  else
    series = &family_->Add(labels);
  series_.insert(series);
  return *series;
}

template <class Metric>
void family<Metric>::clear() {
  std::lock_guard<std::mutex> guard(mtx_);
  for (auto* series : series_)
    family_->Remove(series);
  series_.clear();
}

template class family<counter>;
template class family<gauge>;
template class family<histogram>;

metrics_registry::metrics_registry()
    : registry_(std::make_shared<prometheus::Registry>()),
      untyped_registry_(std::make_shared<prometheus::Registry>()) {}

metrics_registry::~metrics_registry() = default;

metrics_registry& metrics_registry::global() {
  static metrics_registry instance;
  return instance;
}

template <class Metric, class Builder>
family<Metric>&
metrics_registry::get_or_add(std::map<std::string, std::unique_ptr<family<Metric>>>& map,
                             Builder builder, const std::string& name,
                             const std::string& help, std::vector<std::string> labels,
                             std::vector<double> bounds) {
  std::lock_guard<std::mutex> guard(mtx_);
  auto& slot = map[name];
  if (!slot) {
    auto& target =
        static_cast<void*>(&map) == &untyped_ ? *untyped_registry_ : *registry_;
    slot =
        std::make_unique<family<Metric>>(builder.Name(name).Help(help).Register(target),
                                         std::move(labels), std::move(bounds));
  }
  return *slot;
}

counter_family& metrics_registry::counter(const std::string& name,
                                          const std::string& help,
                                          std::vector<std::string> labels) {
  return get_or_add(counters_, prometheus::BuildCounter(), name, help, std::move(labels),
                    {});
}

gauge_family& metrics_registry::gauge(const std::string& name, const std::string& help,
                                      std::vector<std::string> labels) {
  return get_or_add(gauges_, prometheus::BuildGauge(), name, help, std::move(labels), {});
}

histogram_family& metrics_registry::histogram(const std::string& name,
                                              const std::string& help,
                                              std::vector<std::string> labels,
                                              std::vector<double> bounds) {
  return get_or_add(histograms_, prometheus::BuildHistogram(), name, help,
                    std::move(labels), std::move(bounds));
}

gauge_family& metrics_registry::untyped(const std::string& name, const std::string& help,
                                        std::vector<std::string> labels) {
  return get_or_add(untyped_, prometheus::BuildGauge(), name, help, std::move(labels),
                    {});
}

void metrics_registry::on_collect(std::function<void()> fn) {
  std::lock_guard<std::mutex> guard(mtx_);
  collectors_.push_back(std::move(fn));
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
  auto families = registry_->Collect();
  for (auto& f : untyped_registry_->Collect()) {
    f.type = prometheus::MetricType::Untyped;
    for (auto& m : f.metric)
      m.untyped.value = m.gauge.value;
    families.push_back(std::move(f));
  }
  auto unwanted = [&](const prometheus::MetricFamily& f) {
    if (prefixes.empty())
      return false;
    return std::none_of(prefixes.begin(), prefixes.end(),
                        [&](const std::string& p) { return f.name.rfind(p, 0) == 0; });
  };
  families.erase(std::remove_if(families.begin(), families.end(), unwanted),
                 families.end());
  std::sort(families.begin(), families.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

} // namespace kyb::base
