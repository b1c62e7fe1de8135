#include "net/outbound_actor.hpp"

#include <cstdint>
#include <unordered_map>

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

namespace kyb::net {

namespace {

using outbound_done_atom = caf::atom_constant<caf::atom("obdone")>;

struct outbound_actor_state {
  std::shared_ptr<outbound_client> client;
  uint64_t next = 0;
  std::unordered_map<uint64_t, caf::response_promise> pending;
  static inline const char* name = "outbound";
};

} // namespace

outbound_actor spawn_outbound_actor(caf::actor_system& sys,
                                    std::shared_ptr<outbound_client> client) {
  // The completion comes back as a message to the actor itself (the client's thread
  // never touches the actor's state); the typed handle shows only the fetch.
  auto untyped = sys.spawn(
      [](caf::stateful_actor<outbound_actor_state>* self,
         std::shared_ptr<outbound_client> client) -> caf::behavior {
        self->state.client = std::move(client);
        return {
            [self](outbound_fetch_atom, outbound_request& req) {
              auto id = ++self->state.next;
              self->state.pending.emplace(id, self->make_response_promise());
              caf::actor me = caf::actor_cast<caf::actor>(self);
              self->state.client->submit(std::move(req), [me, id](outbound_response r) {
                caf::anon_send(me, outbound_done_atom::value, id, std::move(r));
              });
            },
            [self](outbound_done_atom, uint64_t id, outbound_response& r) {
              auto it = self->state.pending.find(id);
              if (it == self->state.pending.end())
                return;
              it->second.deliver(std::move(r));
              self->state.pending.erase(it);
            },
        };
      },
      std::move(client));
  return caf::actor_cast<outbound_actor>(untyped);
}

} // namespace kyb::net
