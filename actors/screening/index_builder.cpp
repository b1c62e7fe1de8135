#include "actors/screening/index_builder.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/screening/list_loader.hpp"
#include "actors/screening/text_decoder.hpp"

namespace kyb::actors {

namespace {

using steady = std::chrono::steady_clock;

std::chrono::microseconds since(steady::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - t);
}

/// A list's files as read from disk, in the order parse_list expects.
struct read_list {
  screening::list_source source;
  std::vector<screening::source_file> files;
};

} // namespace

build_outcome build_index(const build_request& req) {
  build_outcome out;
  auto started = steady::now();
  std::vector<planned_list> planned = req.plan.lists;
  if (!req.plan.generic_dir.empty()) {
    auto generic = scan_generic_dir(req.plan.generic_dir);
    if (!generic) {
      out.error = generic.error();
      return out;
    }
    for (auto& g : generic.value())
      planned.push_back(std::move(g));
  }
  std::vector<read_list> lists;
  for (auto& p : planned) {
    read_list r;
    r.source = p.source(req.plan.max_bad_rows);
    for (auto& f : p.files) {
      screening::source_file sf;
      sf.path = f.path;
      if (!f.path.empty()) {
        auto bytes = screening::read_file_bytes(f.path);
        if (!bytes) {
          out.error = bytes.error();
          return out;
        }
        sf.bytes = std::move(bytes.value());
      }
      r.files.push_back(std::move(sf));
    }
    out.versions[p.name] = screening::content_version(r.files);
    lists.push_back(std::move(r));
  }
  out.read_time = since(started);
  if (req.have_index && out.versions == req.current_versions) {
    out.result = build_outcome::status::unchanged;
    return out;
  }
  auto parse_started = steady::now();
  std::vector<screening::sanctions_list> parsed;
  for (auto& r : lists) {
    auto l = screening::parse_list(r.source, r.files);
    if (!l) {
      out.error = l.error();
      return out;
    }
    auto& w = out.warnings[r.source.name];
    for (size_t i = 0; i < l->warnings.size() && i < kept_list_warnings; ++i)
      w.push_back(l->warnings[i].to_string());
    // The files' bytes are no longer needed: free them before the index is built.
    r.files.clear();
    r.files.shrink_to_fit();
    parsed.push_back(std::move(l.value()));
  }
  out.parse_time = since(parse_started);
  auto build_started = steady::now();
  auto index = screening::screening_index::build(std::move(parsed), req.options);
  if (!index) {
    out.error = index.error();
    return out;
  }
  out.build_time = since(build_started);
  out.index = std::move(index.value());
  out.result = build_outcome::status::built;
  return out;
}

index_builder_actor spawn_index_builder(caf::actor_system& sys,
                                        std::shared_ptr<const build_request> req) {
  return sys.spawn<caf::detached>(
      [](index_builder_actor::pointer self,
         std::shared_ptr<const build_request> req) -> index_builder_actor::behavior_type {
        return {
            [self, req](build_atom) {
              auto out = build_index(*req);
              self->quit();
              return out;
            },
        };
      },
      std::move(req));
}

} // namespace kyb::actors
