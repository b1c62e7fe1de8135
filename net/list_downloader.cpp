#include "net/list_downloader.hpp"

#include <memory>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "net/http_fetcher.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/redact.hpp"

namespace kyb::net {

actors::downloader_actor spawn_list_downloader(caf::actor_system& sys,
                                               const config::screening_settings& cfg) {
  fetch_limits limits;
  limits.timeout = cfg.download_timeout;
  limits.connect_timeout = cfg.download_connect_timeout;
  limits.max_bytes = cfg.download_max_bytes;
  limits.max_redirects = cfg.download_max_redirects;
  limits.ca_file = cfg.download_ca_file;
  return sys.spawn<caf::detached>(
      [](actors::downloader_actor::pointer,
         fetch_limits limits) -> actors::downloader_actor::behavior_type {
        // One client for the actor's life: connections to a publisher are reused.
        auto fetcher = std::make_shared<http_fetcher>(limits);
        return {
            [fetcher](actors::download_atom, const actors::download_batch& batch) {
              std::vector<actors::download_result> out;
              for (auto& f : batch.files) {
                actors::download_result r;
                r.list = f.list;
                r.url = f.url;
                r.path = f.path;
                if (batch.cancel && batch.cancel->load()) {
                  r.outcome = "failed";
                  r.error = "GET " + base::redact_url(f.url) +
                            ": cancelled (the node is stopping)";
                  out.push_back(std::move(r));
                  continue;
                }
                auto got = fetcher->fetch_to_file(f.url, f.path, batch.cancel.get());
                r.outcome = to_string(got.result);
                r.http_status = static_cast<int32_t>(got.http_status);
                r.bytes = got.bytes;
                r.error = got.error;
                base::log_info("screening.download", {{"list", f.list},
                                                      {"url", base::redact_url(f.url)},
                                                      {"outcome", r.outcome},
                                                      {"status", r.http_status},
                                                      {"bytes", r.bytes},
                                                      {"error", r.error}});
                out.push_back(std::move(r));
              }
              return out;
            },
        };
      },
      limits);
}

} // namespace kyb::net
