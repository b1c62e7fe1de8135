#include "actors/screening/index_builder.hpp"

#include <algorithm>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/screening/engine/list_loader.hpp"
#include "actors/screening/engine/text_decoder.hpp"

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
  // Each list loads on its own: one that cannot be read or parsed is a failure of its
  // own (its earlier version serving on when the previous index has one), and the
  // others load.
  std::map<std::string, screening::sanctions_list> kept;
  auto fail = [&](const std::string& name, list_failure f) {
    f.list = name;
    auto version = req.current_versions.find(name);
    if (req.previous && version != req.current_versions.end())
      if (auto copy = req.previous->list_copy(name)) {
        kept.emplace(name, std::move(*copy));
        out.versions[name] = version->second;
        f.serving_previous = true;
      }
    out.failures.push_back(std::move(f));
  };
  auto failure_of = [](const screening::load_error& e) {
    return list_failure{{}, e.file, e.line, e.message, false};
  };
  std::vector<planned_list> planned = req.plan.lists;
  if (!req.plan.generic_dir.empty()) {
    auto generic = scan_generic_dir(req.plan.generic_dir);
    if (generic) {
      for (auto& g : generic.value())
        planned.push_back(std::move(g));
    } else {
      // The directory cannot be read as a whole: its lists serve on as they were.
      out.failures.push_back(failure_of(generic.error()));
      out.failures.back().list = "generic_dir";
      if (req.previous)
        for (auto& m : req.previous->lists())
          if (!builtin_list_name(m.name) && req.current_versions.count(m.name))
            if (auto copy = req.previous->list_copy(m.name)) {
              kept.emplace(m.name, std::move(*copy));
              out.versions[m.name] = req.current_versions.at(m.name);
            }
    }
  }
  std::vector<read_list> lists;
  std::vector<std::string> order; ///< every list that serves, in plan order
  for (auto& p : planned) {
    if (auto s = req.skipped.find(p.name); s != req.skipped.end()) {
      fail(p.name, s->second);
      order.push_back(p.name);
      continue;
    }
    read_list r;
    r.source = p.source(req.plan.max_bad_rows);
    bool ok = true;
    for (auto& f : p.files) {
      screening::source_file sf;
      sf.path = f.path;
      if (!f.path.empty()) {
        auto bytes = screening::read_file_bytes(f.path);
        if (!bytes) {
          fail(p.name, failure_of(bytes.error()));
          ok = false;
          break;
        }
        sf.bytes = std::move(bytes.value());
      }
      r.files.push_back(std::move(sf));
    }
    order.push_back(p.name);
    if (!ok)
      continue;
    out.versions[p.name] = screening::content_version(r.files);
    lists.push_back(std::move(r));
  }
  for (auto& [name, list] : kept)
    if (std::find(order.begin(), order.end(), name) == order.end())
      order.push_back(name);
  out.read_time = since(started);
  if (req.have_index && out.versions == req.current_versions) {
    out.result = build_outcome::status::unchanged;
    return out;
  }
  auto parse_started = steady::now();
  std::map<std::string, screening::sanctions_list> parsed;
  for (auto& r : lists) {
    auto l = screening::parse_list(r.source, r.files);
    // The files' bytes are no longer needed: free them before the index is built.
    r.files.clear();
    r.files.shrink_to_fit();
    if (!l) {
      out.versions.erase(r.source.name);
      fail(r.source.name, failure_of(l.error()));
      continue;
    }
    auto& w = out.warnings[r.source.name];
    for (size_t i = 0; i < l->warnings.size() && i < kept_list_warnings; ++i)
      w.push_back(l->warnings[i].to_string());
    parsed.emplace(r.source.name, std::move(l.value()));
  }
  out.parse_time = since(parse_started);
  std::vector<screening::sanctions_list> serving;
  for (auto& name : order) {
    if (auto it = parsed.find(name); it != parsed.end())
      serving.push_back(std::move(it->second));
    else if (auto k = kept.find(name); k != kept.end())
      serving.push_back(std::move(k->second));
  }
  if (serving.empty()) {
    // Nothing can serve: the reload fails as a whole, naming the first failure.
    if (!out.failures.empty()) {
      auto& f = out.failures.front();
      out.error = screening::load_error{f.file, f.line, f.list + ": " + f.message};
    } else {
      out.error = screening::load_error{
          req.plan.generic_dir, 0,
          "no lists to load: the directory holds no <name>.csv or <name>.json file"};
    }
    return out;
  }
  if (req.have_index && out.versions == req.current_versions) {
    out.result = build_outcome::status::unchanged;
    return out;
  }
  auto build_started = steady::now();
  auto index = screening::screening_index::build(std::move(serving), req.options);
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
