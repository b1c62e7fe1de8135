#include "runtime/supervision/supervisor.hpp"

#include <deque>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/error.hpp"

namespace kyb::runtime {

namespace {

using clock = std::chrono::steady_clock;

struct child {
  child_spec spec;
  caf::actor hdl;
};

struct supervisor_state {
  static inline const char* name = "kyb.supervisor";
  supervisor_options opts;
  std::vector<child> children;
  std::deque<clock::time_point> recent; ///< restart times inside the intensity window
  uint64_t restarts = 0;
  bool stopping = false;
  base::counter_family* restart_counter = nullptr;
};

using self_ptr = caf::stateful_actor<supervisor_state>*;

void start_child(self_ptr self, child& c) {
  c.hdl = c.spec.start(self->system());
  if (!c.hdl) {
    base::log_error("supervisor.child_not_started",
                    {{"supervisor", self->state.opts.name}, {"child", c.spec.name}});
    return;
  }
  self->monitor(c.hdl);
  if (c.spec.started)
    c.spec.started(c.hdl);
}

/// Counts a restart; false when the intensity is exceeded.
bool allow_restart(self_ptr self) {
  auto& st = self->state;
  auto now = clock::now();
  while (!st.recent.empty() && now - st.recent.front() > st.opts.within)
    st.recent.pop_front();
  if (st.recent.size() >= st.opts.max_restarts)
    return false;
  st.recent.push_back(now);
  ++st.restarts;
  return true;
}

void escalate(self_ptr self, const std::string& why) {
  auto& st = self->state;
  base::log_error("supervisor.escalated", {{"supervisor", st.opts.name}, {"why", why}});
  st.stopping = true;
  for (auto& c : st.children)
    if (c.hdl) {
      self->demonitor(c.hdl);
      self->send_exit(c.hdl, caf::exit_reason::user_shutdown);
    }
  if (st.opts.escalated)
    st.opts.escalated(why);
  self->quit(
      make_error(errc::internal, "supervisor " + st.opts.name + " escalated: " + why));
}

} // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_options opts,
                            std::vector<child_spec> children) {
  auto fn = [](self_ptr self, supervisor_options opts,
               std::vector<child_spec> specs) -> caf::behavior {
    auto& st = self->state;
    st.opts = std::move(opts);
    st.restart_counter = &base::metrics_registry::global().counter(
        "kyb_supervisor_restarts_total", "Children restarted by their supervisor",
        {"supervisor", "child"});
    for (auto& s : specs)
      st.children.push_back(child{std::move(s), {}});
    for (auto& c : st.children)
      start_child(self, c);
    self->set_down_handler([self](caf::down_msg& dm) {
      auto& st = self->state;
      if (st.stopping)
        return;
      auto it = std::find_if(st.children.begin(), st.children.end(), [&](const child& c) {
        return c.hdl.address() == dm.source;
      });
      if (it == st.children.end())
        return;
      auto name = it->spec.name;
      // Transient children: a normal stop (a drained broker, a shutdown) is not a crash.
      if (!dm.reason || dm.reason == caf::exit_reason::normal ||
          dm.reason == caf::exit_reason::user_shutdown) {
        base::log_info("supervisor.child_stopped",
                       {{"supervisor", st.opts.name}, {"child", name}});
        it->hdl = caf::actor{};
        return;
      }
      base::log_warn("supervisor.child_down",
                     {{"supervisor", st.opts.name},
                      {"child", name},
                      {"reason", self->system().render(dm.reason)}});
      if (!allow_restart(self)) {
        escalate(self, "more than " + std::to_string(st.opts.max_restarts) +
                           " restarts within " + std::to_string(st.opts.within.count()) +
                           " ms (last: " + name + ")");
        return;
      }
      if (st.opts.strategy == restart_strategy::one_for_one) {
        st.restart_counter->with({st.opts.name, name}).Increment();
        start_child(self, *it);
        return;
      }
      // one-for-all: stop the others (without counting their exits), restart all in
      // order.
      for (auto& c : st.children)
        if (c.hdl && c.hdl.address() != dm.source) {
          self->demonitor(c.hdl);
          self->send_exit(c.hdl, caf::exit_reason::user_shutdown);
        }
      for (auto& c : st.children) {
        st.restart_counter->with({st.opts.name, c.spec.name}).Increment();
        start_child(self, c);
      }
    });
    self->set_exit_handler([self](caf::exit_msg& em) {
      // Our own supervisor (or the node) stops us: stop the children first.
      auto& st = self->state;
      st.stopping = true;
      for (auto& c : st.children)
        if (c.hdl)
          self->send_exit(c.hdl, em.reason);
      self->quit(em.reason);
    });
    return {
        [self](children_atom) {
          std::vector<std::pair<std::string, caf::actor>> out;
          for (auto& c : self->state.children)
            out.emplace_back(c.spec.name, c.hdl);
          return out;
        },
        [self](restarts_atom) { return self->state.restarts; },
        [self](crash_atom, std::vector<std::string>& path) -> caf::result<std::string> {
          auto& st = self->state;
          if (path.empty())
            return make_error(errc::invalid_argument, "name a child to crash", "path");
          auto it =
              std::find_if(st.children.begin(), st.children.end(),
                           [&](const child& c) { return c.spec.name == path.front(); });
          if (it == st.children.end() || !it->hdl)
            return make_error(errc::not_found, "supervisor " + st.opts.name +
                                                   " has no running child '" +
                                                   path.front() + "'");
          if (path.size() == 1) {
            base::log_warn("supervisor.crash_drill",
                           {{"supervisor", st.opts.name}, {"child", path.front()}});
            self->send_exit(it->hdl, caf::exit_reason::kill);
            return st.opts.name + "/" + path.front();
          }
          // Deeper: the child is a supervisor itself.
          path.erase(path.begin());
          auto rp = self->make_response_promise<std::string>();
          self->request(it->hdl, std::chrono::seconds(5), crash_atom::value,
                        std::move(path))
              .then([rp](std::string& what) mutable { rp.deliver(what); },
                    [rp](caf::error& err) mutable { rp.deliver(err); });
          return rp;
        },
    };
  };
  return sys.spawn(fn, std::move(opts), std::move(children));
}

child_spec supervisor_child(supervisor_options opts, std::vector<child_spec> children) {
  child_spec spec;
  spec.name = opts.name;
  spec.start = [opts, children](caf::actor_system& sys) {
    auto o = opts;
    o.escalated = nullptr; // a nested supervisor escalates to its parent by stopping
    return spawn_supervisor(sys, o, children);
  };
  return spec;
}

} // namespace kyb::runtime
