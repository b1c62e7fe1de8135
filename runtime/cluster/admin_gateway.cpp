#include "runtime/cluster/admin_gateway.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "runtime/base/log.hpp"
#include "runtime/cluster/member.hpp"
#include "runtime/error.hpp"

namespace kyb::runtime {

namespace {

// Long drills (a region failover with its consistency check) answer within minutes.
constexpr auto command_timeout = std::chrono::minutes(10);

caf::behavior admin_gateway(caf::event_based_actor* self, caf::actor agent) {
  return {
      [self, agent](admin_atom, const std::string& cmd,
                    const std::vector<std::string>& args) -> caf::result<std::string> {
        if (is_relay_command(cmd))
          return make_error(errc::invalid_argument, "unknown admin command '" + cmd + "'",
                            "command");
        base::log_info("admin.command", {{"command", cmd}, {"args", args}});
        auto rp = self->make_response_promise<std::string>();
        self->request(agent, command_timeout, admin_atom::value, cmd, args)
            .then([rp](std::string& answer) mutable { rp.deliver(std::move(answer)); },
                  [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
  };
}

} // namespace

caf::actor spawn_admin_gateway(caf::actor_system& sys, caf::actor agent) {
  return sys.spawn(admin_gateway, std::move(agent));
}

} // namespace kyb::runtime
