// The node's industry classification service: one actor per node that holds the loaded
// model (read-only, shared) and classifies businesses with it, recording each inference's
// time in the histogram kyb_ml_model_inference_duration_seconds. The engine beside it
// (classifier.hpp) does the work; this actor keeps that work off the HTTP brokers.
#pragma once

#include <memory>

#include <caf/typed_actor.hpp>

#include "actors/classification/classification_messages.hpp"
#include "actors/classification/classifier.hpp"
#include "actors/messages.hpp"

namespace kyb::actors {

using classification_actor = caf::typed_actor<
    /// Classifies one business. Errors: invalid_argument (empty, oversized or invalid
    /// UTF-8 input, a bad country) naming the field.
    /// Identical inputs within the model_predictions TTL (1 h) are answered from the
    /// node's prediction cache.
    caf::replies_to<classify_atom, classification::classification_input>::with<
        classification::classification_result>>;

/// Spawns the classification actor over `model` (loaded at start; the node refuses to
/// start when a configured model is missing or corrupt). Also sets
/// kyb_classification_accuracy_ratio from the evaluation shipped with the model.
classification_actor
spawn_classification_actor(caf::actor_system& sys,
                           std::shared_ptr<const classification::classifier> model);

} // namespace kyb::actors
