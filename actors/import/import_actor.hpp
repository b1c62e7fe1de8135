// One bulk import (POST /v1/businesses/bulk) while it is uploaded: rows arrive from the
// HTTP broker as the body streams in; the actor validates each like a single create,
// seals tax ids, and writes batches of `import.batch_rows`, each one transaction with
// its owners, its audit row, its row errors and the job's progress. One batch is
// written at a time; the rows message is answered once the rows are taken, and not
// while more than a few batches wait (the broker stops reading meanwhile), so an upload
// of millions of rows holds a few batches in memory.
//
// Duplicates: a row whose tax id belongs to a live business of the tenant, or to an
// earlier row of the same batch, is refused with an error naming the other. (Earlier
// batches are committed before the next is checked, so they count too.)
#pragma once

#include <functional>

#include <caf/typed_actor.hpp>

#include "actors/import/import_job.hpp"
#include "actors/messages.hpp"
#include "actors/platform.hpp"

namespace kyb::actors {

using import_actor = caf::typed_actor<
    /// Starts the job, or continues the tenant's job with this key: a completed job is
    /// returned with `replayed` (nothing will be imported), an interrupted or failed one
    /// is resumed after its committed line (`resumed`). Errors: conflict when that job
    /// is still receiving elsewhere, invalid_argument for a key of another format.
    caf::replies_to<begin_atom, request_meta, import_spec>::with<import_job>,
    /// Rows read from the upload, with the bytes received so far. Answered when taken.
    caf::replies_to<record_atom, std::vector<import_row>, int64_t>::with<ok_atom>,
    /// The upload ended (all rows sent): answered with the job after its last batch
    /// committed (status completed). Then the actor stops.
    caf::replies_to<complete_atom, int64_t>::with<import_job>,
    /// The upload broke off (client gone, timeout) or could not be read (status
    /// "interrupted" or "failed", with why): the batch in flight may still commit;
    /// rows not yet written are dropped. Then the actor stops.
    caf::reacts_to<abort_atom, std::string, std::string>>;

/// Called with (up to cache.warm_max_businesses of) the businesses a completed import
/// created: the warming event.
using import_completed_fn = std::function<void(std::vector<base::uuid>)>;

/// Spawns the actor of one upload.
import_actor spawn_import_actor(caf::actor_system& sys, platform_ptr p,
                                import_completed_fn on_completed = {});

} // namespace kyb::actors
