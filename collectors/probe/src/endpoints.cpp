// SPDX-License-Identifier: Apache-2.0
// The "endpoints" section: the certificate each local serving endpoint presents, as the
// script's awk kept it from `openssl s_client` (the first CERTIFICATE block, "! " reason lines).
#include <string>

#include "kpatrol/collect/probe_parsers.h"
#include "text.h"

namespace kpatrol::collect::probe {

Result<Json> parseEndpointItem(std::string_view label, std::string_view body) {
  auto f = text::fields(label);
  if (f.size() != 4 || f[0] != "endpoint") {
    return makeError(Errc::kParse, "endpoint item: malformed label '" + text::sanitize(label) +
                                       "' (expected 'endpoint <status> <component> <host:port>')");
  }
  auto rc = text::toInt(f[1]);
  const std::string endpoint = text::sanitize(f[3]);
  auto colon = f[3].rfind(':');
  auto port = colon == std::string_view::npos ? std::nullopt : text::toInt(f[3].substr(colon + 1));
  if (!rc || !port || *port <= 0 || *port > 65535) {
    return makeError(Errc::kParse,
                     "endpoint item: bad exit status or port in '" + text::sanitize(label) + "'");
  }
  Json e = {{"endpoint", endpoint}, {"component", text::sanitize(f[2])}, {"port", *port}};
  std::string pem;
  std::string reason;
  for (auto line : text::lines(body)) {
    if (text::startsWith(line, "! ")) {
      if (!reason.empty()) reason += "; ";
      reason += text::sanitize(text::trim(line.substr(2)));
    } else if (!line.empty()) {
      pem.append(line);
      pem += '\n';
    }
  }
  std::vector<std::string> problems;
  auto certs = parsePemCertificates(pem, "endpoint " + endpoint, &problems);
  if (!certs.empty()) {
    e["status"] = "ok";
    e["certificate"] = std::move(certs.front());
    return e;
  }
  if (!problems.empty()) {
    e["status"] = "error";
    e["reason"] = problems.front();
  } else if (*rc == 124) {
    e["status"] = "timeout";
    e["reason"] = "no TLS handshake within 5 s";
  } else if (reason.find("refused") != std::string::npos) {
    e["status"] = "closed";
    e["reason"] = "connection refused";
  } else {
    e["status"] = "error";
    e["reason"] = reason.empty() ? "openssl s_client exit status " + std::to_string(*rc) +
                                       " and no certificate"
                                 : reason;
  }
  return e;
}

}  // namespace kpatrol::collect::probe
