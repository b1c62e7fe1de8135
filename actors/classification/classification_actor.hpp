// The node's industry classification service: a pool of worker actors over the one
// loaded model (read-only, shared), sized to the cores, that classifies businesses and
// records each inference's time in the histogram kyb_ml_model_inference_duration_seconds.
// The engine beside it (classifier.hpp) does the work; the pool keeps long work (website
// text) and the business actors' requests off the HTTP workers, which classify a short
// input themselves (net/handlers/classification_handlers.cpp). Every one of them reads
// and fills the node's one prediction cache (prediction_cache.hpp). A request goes
// straight to a worker chosen by a hash of its input (no dispatcher hop: caf::actor_pool
// enqueues in the sender's thread).
#pragma once

#include <memory>

#include <caf/typed_actor.hpp>

#include "actors/classification/classification_messages.hpp"
#include "actors/classification/classifier.hpp"
#include "actors/classification/prediction_cache.hpp"
#include "actors/messages.hpp"

namespace kyb::actors {

using classification_actor = caf::typed_actor<
    /// Classifies one business. Errors: invalid_argument (empty, oversized or invalid
    /// UTF-8 input, a bad country) naming the field.
    /// Identical inputs within the model_predictions TTL (1 h) are answered from the
    /// node's prediction cache.
    caf::replies_to<classify_atom, classification::classification_input>::with<
        classification::classification_result>>;

/// Spawns the classification pool over `model` (loaded at start; the node refuses to
/// start when a configured model is missing or corrupt) and the node's prediction cache
/// `predictions` (shared with the HTTP workers): `workers` workers (0: one per core). A
/// worker that crashes takes the pool down with it, so the node's supervisor restarts the
/// whole service. Also sets kyb_classification_accuracy_ratio from the evaluation shipped
/// with the model and kyb_classification_workers.
classification_actor spawn_classification_actor(
    caf::actor_system& sys, std::shared_ptr<const classification::classifier> model,
    std::shared_ptr<prediction_cache> predictions, size_t workers = 0);

/// The worker of `input`'s requests among `workers` (a hash of everything the
/// classifier reads).
size_t classification_worker_of(const classification::classification_input& input,
                                size_t workers);

} // namespace kyb::actors
