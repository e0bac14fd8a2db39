// SPDX-License-Identifier: Apache-2.0
// OS release, uptime, memory and swap.
#include <regex>

#include "kpatrol/collect/probe_parsers.h"
#include "text.h"

namespace kpatrol::collect::probe {

Result<Json> parseOsRelease(std::string_view raw) {
  Json out = Json::object();
  std::map<std::string, std::string> kv;
  for (auto line : text::lines(raw)) {
    line = text::trim(line);
    if (line.empty() || line.front() == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    auto key = text::trim(line.substr(0, eq));
    auto value = text::unquote(text::trim(line.substr(eq + 1)));
    kv[std::string(key)] = text::sanitize(value);
  }
  if (!kv.count("ID")) return makeError(Errc::kParse, "os-release has no ID");
  out["id"] = kv["ID"];
  out["version_id"] = kv.count("VERSION_ID") ? kv["VERSION_ID"] : "";
  out["pretty_name"] = kv.count("PRETTY_NAME") ? kv["PRETTY_NAME"] : kv["ID"];
  if (kv.count("NAME")) out["name"] = kv["NAME"];
  if (kv.count("ID_LIKE")) out["id_like"] = kv["ID_LIKE"];
  if (kv.count("VERSION")) out["version"] = kv["VERSION"];
  return out;
}

Result<Json> parseRedhatRelease(std::string_view raw) {
  auto all = text::lines(raw);
  if (all.empty()) return makeError(Errc::kParse, "redhat-release is empty");
  std::string line(text::trim(all.front()));
  static const std::regex re(R"(^(.*?) release ([0-9][0-9.]*)(.*)$)");
  std::smatch m;
  if (!std::regex_match(line, m, re)) {
    return makeError(Errc::kParse, "unrecognised redhat-release line");
  }
  std::string name = m[1].str();
  std::string lname = text::lower(name);
  std::string id = "rhel";
  if (lname.find("centos") != std::string::npos) {
    id = "centos";
  } else if (lname.find("alibaba") != std::string::npos ||
             lname.find("aliyun") != std::string::npos) {
    id = "alinux";
  } else if (lname.find("rocky") != std::string::npos) {
    id = "rocky";
  } else if (lname.find("alma") != std::string::npos) {
    id = "almalinux";
  } else if (lname.find("anolis") != std::string::npos) {
    id = "anolis";
  } else if (lname.find("fedora") != std::string::npos) {
    id = "fedora";
  }
  return Json{{"id", id}, {"version_id", m[2].str()}, {"pretty_name", text::sanitize(line)}};
}

Result<double> parseUptime(std::string_view raw) {
  auto f = text::fields(raw);
  if (f.empty()) return makeError(Errc::kParse, "empty /proc/uptime");
  auto v = text::toDouble(f[0]);
  if (!v || *v < 0) return makeError(Errc::kParse, "malformed /proc/uptime");
  return *v;
}

Result<Json> parseMeminfo(std::string_view raw) {
  std::map<std::string, std::uint64_t, std::less<>> kb;
  for (auto line : text::lines(raw)) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto f = text::fields(line.substr(colon + 1));
    if (f.empty()) continue;
    auto v = text::toUint(f[0]);
    if (!v) continue;
    std::uint64_t mult = (f.size() > 1 && f[1] == "kB") ? 1024 : 1;
    kb[std::string(line.substr(0, colon))] = *v * mult;
  }
  if (!kb.count("MemTotal")) return makeError(Errc::kParse, "meminfo has no MemTotal");
  Json mem = {{"total_bytes", kb["MemTotal"]}};
  if (kb.count("MemAvailable")) {
    mem["available_bytes"] = kb["MemAvailable"];
  } else {  // kernels before 3.14 (none supported today, but be exact about what we report)
    mem["available_bytes"] = kb["MemFree"] + kb["Buffers"] + kb["Cached"];
  }
  Json out = {{"memory", mem}};
  if (kb.count("SwapTotal")) {
    std::uint64_t total = kb["SwapTotal"];
    std::uint64_t free = kb.count("SwapFree") ? kb["SwapFree"] : total;
    out["swap"] = {{"total_bytes", total}, {"used_bytes", total >= free ? total - free : 0}};
  }
  return out;
}

Result<Json> parseSwaps(std::string_view raw) {
  auto all = text::lines(raw);
  if (all.empty() || !text::startsWith(all[0], "Filename")) {
    return makeError(Errc::kParse, "/proc/swaps has no header");
  }
  Json devices = Json::array();
  std::uint64_t total = 0;
  std::uint64_t used = 0;
  for (std::size_t i = 1; i < all.size(); ++i) {
    auto f = text::fields(all[i]);
    if (f.size() < 4) continue;
    auto size = text::toUint(f[2]);
    auto u = text::toUint(f[3]);
    if (!size || !u) continue;
    devices.push_back({{"name", text::sanitize(f[0])},
                       {"type", text::sanitize(f[1])},
                       {"size_bytes", *size * 1024},
                       {"used_bytes", *u * 1024}});
    total += *size * 1024;
    used += *u * 1024;
  }
  return Json{{"devices", devices}, {"total_bytes", total}, {"used_bytes", used}};
}

}  // namespace kpatrol::collect::probe
