// Where each request is served in a multi-region deployment: which region takes the
// writes of each residency ('us', 'eu'), which regions are fenced, and which of this
// region's replicas are fresh enough (within their table group's lag SLA) to serve
// reads. An immutable snapshot, swapped atomically by the region controller and read
// lock-free on every request (like runtime/cluster/placement).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace kyb::regions {

/// The cluster-wide decision, persisted in every region (region_routing).
struct routing_table {
  int64_t epoch = 0;
  std::string us_write = "us-east-1";
  std::string eu_write = "eu-west-1";
  std::set<std::string> fenced; ///< regions that must take no writes

  const std::string& write_region(std::string_view residency) const {
    return residency == "eu" ? eu_write : us_write;
  }
  bool is_fenced(const std::string& region) const { return fenced.count(region) > 0; }
};

/// This node's view: the table plus what its own region can serve.
struct routing_view {
  std::string self;          ///< node.region
  bool multi_region = false; ///< regions.databases set: requests may be forwarded
  routing_table table;
  std::set<std::string> fresh_groups; ///< groups whose local replica is within its SLA

  /// The residency whose rows this region holds as a replica ("" for none): US rows
  /// replicate to every region, EU rows to none.
  bool holds_replica_of(std::string_view residency) const { return residency == "us"; }

  /// The region that must serve a request of a tenant of `residency`, or "" when this
  /// node serves it. `replica_group`: reads of that table group may be served from a
  /// local replica within its SLA; empty for writes and reads of unreplicated tables.
  std::string serving_region(std::string_view residency,
                             std::string_view replica_group) const;
  /// True when background work (monitoring, warming) may write rows of `residency`.
  bool writes_here(std::string_view residency) const {
    return !multi_region || table.write_region(residency) == self;
  }
};

using routing_ptr = std::shared_ptr<const routing_view>;

class routing {
public:
  explicit routing(routing_ptr initial) : current_(std::move(initial)) {}
  routing_ptr current() const { return std::atomic_load(&current_); }
  void publish(routing_ptr next) { std::atomic_store(&current_, std::move(next)); }

private:
  routing_ptr current_;
};

/// "us" for the US regions, "eu" for eu-west-1.
std::string residency_of_region(std::string_view region);

} // namespace kyb::regions
