#include "net/webhook_sender.hpp"

#include <caf/typed_event_based_actor.hpp>

#include "net/outbound_actor.hpp"

namespace kyb::net {

namespace {

struct sender_state {
  static inline const char* name = "kyb.webhook_sender";
  outbound_actor fetcher;
  config::webhook_settings settings;
};

} // namespace

actors::webhook_sender_actor spawn_webhook_sender(caf::actor_system& sys,
                                                  std::shared_ptr<outbound_client> client,
                                                  config::webhook_settings settings) {
  return sys.spawn(
      [](actors::webhook_sender_actor::stateful_pointer<sender_state> self,
         std::shared_ptr<outbound_client> client, config::webhook_settings settings)
          -> actors::webhook_sender_actor::behavior_type {
        self->state.settings = settings;
        self->state.fetcher = spawn_outbound_actor(self->system(), client);
        self->link_to(self->state.fetcher);
        return {
            [self](actors::send_webhook_atom, actors::webhook_post& post)
                -> caf::result<actors::webhook_post_result> {
              auto rp = self->make_response_promise<actors::webhook_post_result>();
              const auto& cfg = self->state.settings;
              bool https = post.url.rfind("https://", 0) == 0;
              bool http = post.url.rfind("http://", 0) == 0;
              if (!https && !(http && cfg.allow_http)) {
                actors::webhook_post_result r;
                r.error = "the endpoint's URL is not https (webhooks.allow_http is off)";
                return r;
              }
              outbound_request req;
              req.method = "POST";
              req.url = std::move(post.url);
              req.headers = std::move(post.headers);
              req.body = std::move(post.body);
              req.target = "webhook";
              req.untrusted_target = true;
              req.follow_redirects = false;
              req.timeout = cfg.timeout;
              req.max_response_bytes = 64 * 1024;
              req.truncate_at_limit = true;
              self->request(self->state.fetcher, caf::infinite,
                            outbound_fetch_atom::value, std::move(req))
                  .then(
                      [rp](outbound_response& resp) mutable {
                        actors::webhook_post_result r;
                        r.status = static_cast<int32_t>(resp.status);
                        r.latency_ms =
                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                resp.timings.total)
                                .count();
                        if (!resp.ok())
                          r.error =
                              std::string(to_string(resp.error)) + ": " + resp.message;
                        rp.deliver(r);
                      },
                      [rp](caf::error& err) mutable {
                        actors::webhook_post_result r;
                        r.error = "the outbound client failed: " + to_string(err);
                        rp.deliver(r);
                      });
              return rp;
            },
        };
      },
      std::move(client), std::move(settings));
}

} // namespace kyb::net
