// SPDX-License-Identifier: Apache-2.0
// Answers of dig, nslookup (BIND and busybox) and getent.
#include "kpatrol/collect/probe_parsers.h"
#include "text.h"

namespace kpatrol::collect::probe {

namespace {

bool looksLikeAddress(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  bool colon = false;
  bool dot = false;
  for (char c : s) {
    if (c == ':') {
      colon = true;
    } else if (c == '.') {
      dot = true;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return colon || dot;
}

std::string failureStatus(std::string_view raw) {
  if (raw.find("NXDOMAIN") != std::string_view::npos) return "NXDOMAIN";
  if (raw.find("SERVFAIL") != std::string_view::npos) return "SERVFAIL";
  if (raw.find("REFUSED") != std::string_view::npos) return "REFUSED";
  if (raw.find("timed out") != std::string_view::npos) return "TIMEOUT";
  if (raw.find("no servers could be reached") != std::string_view::npos) return "UNREACHABLE";
  if (raw.find("connection refused") != std::string_view::npos) return "UNREACHABLE";
  return "";
}

}  // namespace

Result<Json> parseDig(std::string_view raw) {
  Json answers = Json::array();
  std::string status;
  Json query_ms = nullptr;
  std::string server;
  bool in_answer = false;
  for (auto line : text::lines(raw)) {
    if (line.find("->>HEADER<<-") != std::string_view::npos) {
      auto pos = line.find("status: ");
      if (pos != std::string_view::npos) {
        auto rest = line.substr(pos + 8);
        status = std::string(text::trim(rest.substr(0, rest.find(','))));
      }
    } else if (text::startsWith(line, ";; ANSWER SECTION:")) {
      in_answer = true;
      continue;
    } else if (text::startsWith(line, ";; Query time:")) {
      auto f = text::fields(line.substr(14));
      if (!f.empty()) {
        if (auto v = text::toInt(f[0])) query_ms = *v;
      }
    } else if (text::startsWith(line, ";; SERVER:")) {
      server = text::sanitize(text::trim(line.substr(10)));
    }
    if (in_answer) {
      if (text::trim(line).empty() || line.front() == ';') {
        in_answer = false;
        continue;
      }
      auto f = text::fields(line);
      if (f.size() >= 5 && (f[3] == "A" || f[3] == "AAAA")) answers.push_back(text::sanitize(f[4]));
    }
  }
  if (status.empty()) status = failureStatus(raw);
  if (status.empty()) return makeError(Errc::kParse, "dig printed no status");
  Json out = {{"status", status}, {"answers", answers}, {"query_time_ms", query_ms}};
  if (!server.empty()) out["server"] = server;
  return out;
}

Result<Json> parseNslookup(std::string_view raw) {
  Json answers = Json::array();
  bool after_name = false;
  bool saw_server = false;
  for (auto line : text::lines(raw)) {
    auto t = text::trim(line);
    if (text::startsWith(t, "Server:")) saw_server = true;
    if (text::startsWith(t, "Name:")) {
      after_name = true;
      continue;
    }
    if (after_name && text::startsWith(t, "Address")) {
      auto colon = t.find(':');
      if (colon == std::string_view::npos) continue;
      auto value = text::trim(t.substr(colon + 1));
      // busybox prints "Address 1: 10.96.0.1 kubernetes.default..." on old versions
      auto f = text::fields(value);
      if (!f.empty() && looksLikeAddress(f[0])) answers.push_back(text::sanitize(f[0]));
    }
  }
  std::string status = answers.empty() ? failureStatus(raw) : "NOERROR";
  if (status.empty()) {
    if (!saw_server) return makeError(Errc::kParse, "nslookup printed no server and no answer");
    status = "NOANSWER";
  }
  return Json{{"status", status}, {"answers", answers}, {"query_time_ms", nullptr}};
}

Result<Json> parseGetentHosts(std::string_view raw) {
  Json answers = Json::array();
  for (auto line : text::lines(raw)) {
    auto f = text::fields(line);
    if (!f.empty() && looksLikeAddress(f[0])) answers.push_back(text::sanitize(f[0]));
  }
  return Json{{"status", answers.empty() ? "NOTFOUND" : "NOERROR"},
              {"answers", answers},
              {"query_time_ms", nullptr}};
}

}  // namespace kpatrol::collect::probe
