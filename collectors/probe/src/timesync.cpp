// SPDX-License-Identifier: Apache-2.0
// Time synchronisation: chronyc tracking, timedatectl status, ntpq -pn.
#include "kpatrol/collect/probe_parsers.h"
#include "text.h"

namespace kpatrol::collect::probe {

Result<Json> parseChronyTracking(std::string_view raw) {
  Json out = Json::object();
  bool any = false;
  for (auto line : text::lines(raw)) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto key = text::trim(line.substr(0, colon));
    auto value = text::trim(line.substr(colon + 1));
    if (key == "Leap status") {
      any = true;
      out["leap_status"] = text::sanitize(value);
      out["synchronized"] = value != "Not synchronised";
    } else if (key == "System time") {
      auto f = text::fields(value);
      if (f.size() >= 3) {
        if (auto s = text::toDouble(f[0])) {
          double ms = *s * 1000.0;
          out["offset_ms"] = f[2] == "slow" ? -ms : ms;
        }
      }
    } else if (key == "Reference ID") {
      out["reference"] = text::sanitize(value);
    } else if (key == "Stratum") {
      if (auto n = text::toInt(value)) out["stratum"] = *n;
    }
  }
  if (!any) return makeError(Errc::kParse, "chronyc tracking printed no leap status");
  if (out.contains("reference") &&
      text::startsWith(out["reference"].get<std::string>(), "00000000")) {
    out["synchronized"] = false;  // no source selected yet
  }
  return out;
}

Result<Json> parseTimedatectl(std::string_view raw) {
  Json out = Json::object();
  for (auto line : text::lines(raw)) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto key = text::trim(line.substr(0, colon));
    auto value = text::trim(line.substr(colon + 1));
    if (key == "System clock synchronized" || key == "NTP synchronized") {
      out["synchronized"] = value == "yes";
    } else if (key == "NTP service") {
      out["ntp_enabled"] = value == "active";
    } else if (key == "NTP enabled" || key == "Network time on") {
      out["ntp_enabled"] = value == "yes";
    }
  }
  if (!out.contains("synchronized")) {
    return makeError(Errc::kParse, "timedatectl printed no synchronisation state");
  }
  return out;
}

Result<Json> parseNtpq(std::string_view raw) {
  auto all = text::lines(raw);
  bool header = false;
  Json out = {{"synchronized", false}};
  for (auto line : all) {
    if (line.find("remote") != std::string_view::npos &&
        line.find("offset") != std::string_view::npos) {
      header = true;
      continue;
    }
    if (!header || line.empty() || line.front() != '*') continue;
    auto f = text::fields(line.substr(1));
    out["synchronized"] = true;
    out["peer"] = text::sanitize(f.empty() ? "" : f[0]);
    if (f.size() >= 9) {
      if (auto v = text::toDouble(f[8])) out["offset_ms"] = *v;
    }
  }
  if (!header) return makeError(Errc::kParse, "ntpq printed no peer table");
  return out;
}

}  // namespace kpatrol::collect::probe
