// SPDX-License-Identifier: Apache-2.0
// systemd unit states and listening sockets.
#include <arpa/inet.h>

#include <regex>

#include "kpatrol/collect/probe_parsers.h"
#include "text.h"

namespace kpatrol::collect::probe {

void parseSystemctlUnits(std::string_view raw, Json* units) {
  for (auto line : text::lines(raw)) {
    auto f = text::fields(line);
    if (f.size() < 4 || f[0].find('.') == std::string_view::npos) continue;
    Json& u = (*units)[text::sanitize(f[0])];
    u["active"] = f[2] == "active";
    u["state"] = text::sanitize(f[3]);
  }
}

void parseSystemctlUnitFiles(std::string_view raw, Json* units) {
  for (auto line : text::lines(raw)) {
    auto f = text::fields(line);
    if (f.size() < 2 || f[0].find('.') == std::string_view::npos) continue;
    Json& u = (*units)[text::sanitize(f[0])];
    u["enabled"] = f[1] == "enabled" || f[1] == "enabled-runtime";
    if (f[1] == "masked" || f[1] == "masked-runtime") u["masked"] = true;
  }
}

void parseWantsLinks(std::string_view raw, Json* units) {
  for (auto line : text::lines(raw)) {
    auto f = text::fields(line);
    if (f.size() != 2 || !f[0].ends_with(".wants")) continue;
    Json& u = (*units)[text::sanitize(f[1])];
    if (!u.contains("enabled") || !u["enabled"].is_boolean()) u["enabled"] = true;
  }
}

namespace {

std::optional<std::pair<std::string, std::int64_t>> splitHostPort(std::string_view s) {
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto port = text::toInt(s.substr(colon + 1));
  if (!port) return std::nullopt;
  std::string_view host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (auto pct = host.find('%'); pct != std::string_view::npos) host = host.substr(0, pct);
  return std::make_pair(text::sanitize(host), *port);
}

}  // namespace

Json parseSsListening(std::string_view raw) {
  Json out = Json::array();
  static const std::regex proc_re(R"re(users:\(\("([^"]+)")re");
  for (auto line : text::lines(raw)) {
    auto f = text::fields(line);
    if (f.size() < 5) continue;
    std::string proto(f[0]);
    bool listen = (proto == "tcp" && f[1] == "LISTEN") || (proto == "udp" && f[1] == "UNCONN");
    if (!listen) continue;
    auto hp = splitHostPort(f[4]);
    if (!hp) continue;
    Json l = {{"proto", proto}, {"address", hp->first}, {"port", hp->second}};
    std::string rest(line);
    std::smatch m;
    if (std::regex_search(rest, m, proc_re)) l["process"] = text::sanitize(m[1].str());
    out.push_back(std::move(l));
  }
  return out;
}

Json parseProcNetSockets(std::string_view raw, std::string_view proto) {
  Json out = Json::array();
  bool v6 = proto.ends_with("6");
  bool tcp = proto.starts_with("tcp");
  for (auto line : text::lines(raw)) {
    auto f = text::fields(line);
    if (f.size() < 4 || f[0] == "sl") continue;
    auto st = text::toUint(f[3], 16);
    if (!st || (tcp && *st != 0x0A) || (!tcp && *st != 0x07)) continue;
    auto colon = f[1].find(':');
    if (colon == std::string_view::npos) continue;
    auto hex = f[1].substr(0, colon);
    auto port = text::toUint(f[1].substr(colon + 1), 16);
    if (!port) continue;
    char buf[INET6_ADDRSTRLEN] = {};
    if (!v6 && hex.size() == 8) {
      auto v = text::toUint(hex, 16);
      if (!v) continue;
      std::uint32_t addr = static_cast<std::uint32_t>(*v);  // kernel byte order as printed
      unsigned char b[4] = {static_cast<unsigned char>(addr & 0xFF),
                            static_cast<unsigned char>((addr >> 8) & 0xFF),
                            static_cast<unsigned char>((addr >> 16) & 0xFF),
                            static_cast<unsigned char>((addr >> 24) & 0xFF)};
      inet_ntop(AF_INET, b, buf, sizeof buf);
    } else if (v6 && hex.size() == 32) {
      unsigned char b[16];
      bool ok = true;
      for (int w = 0; w < 4 && ok; ++w) {
        auto v = text::toUint(hex.substr(static_cast<std::size_t>(w) * 8, 8), 16);
        if (!v) {
          ok = false;
          break;
        }
        for (int k = 0; k < 4; ++k) {
          b[w * 4 + k] = static_cast<unsigned char>((*v >> (8 * k)) & 0xFF);
        }
      }
      if (!ok) continue;
      inet_ntop(AF_INET6, b, buf, sizeof buf);
    } else {
      continue;
    }
    out.push_back({{"proto", tcp ? "tcp" : "udp"},
                   {"address", std::string(buf)},
                   {"port", static_cast<std::int64_t>(*port)}});
  }
  return out;
}

}  // namespace kpatrol::collect::probe
