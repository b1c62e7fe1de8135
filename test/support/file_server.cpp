#include "test/support/file_server.hpp"

#include <cstdlib>
#include <vector>

namespace kyb::test {

namespace {

// http.server's own handler (conditional GETs, directory redirects), plus redirects
// from `.location` files and TLS.
const char* server_script = R"PY(
import http.server, os, ssl, sys
port, root, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=root, **kwargs)
    def send_head(self):
        location = self.translate_path(self.path) + ".location"
        if os.path.isfile(location):
            with open(location) as f:
                target = f.read().strip()
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return super().send_head()
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
if cert:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
)PY";

} // namespace

file_server::file_server(std::string dir, std::string cert_file, std::string key_file)
    : dir_(std::move(dir)), tls_(!cert_file.empty()),
      server_(std::make_unique<python_server>(
          server_script, std::vector<std::string>{dir_, cert_file, key_file})) {}

std::string file_server::url(const std::string& path) const {
  return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port()) +
         path;
}

bool file_server::make_certificate(const std::string& dir) {
  auto cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '" +
             dir + "/key.pem' -out '" + dir + "/cert.pem' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

} // namespace kyb::test
