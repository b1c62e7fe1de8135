// The current index snapshot, swappable while screenings run: a reload publishes a new
// snapshot; readers that already took the old one finish on it.
#pragma once

#include <memory>

#include "actors/screening/engine/screening_index.hpp"

namespace kyb::screening {

/// Holds the index snapshot in service. Thread-safe.
class index_holder {
public:
  using snapshot = std::shared_ptr<const screening_index>;

  /// Holds no snapshot yet (current() returns null).
  index_holder() = default;
  /// Holds `initial`.
  explicit index_holder(snapshot initial) : current_(std::move(initial)) {}

  /// The snapshot to screen with; keep it for the whole screening.
  snapshot current() const;

  /// Makes `next` the snapshot for new screenings and returns the previous one.
  snapshot publish(snapshot next);

private:
  snapshot current_;
};

} // namespace kyb::screening
