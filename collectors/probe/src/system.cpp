// SPDX-License-Identifier: Apache-2.0
// sysctls, conntrack statistics, disk and inode usage, resolv.conf, kernel messages.
#include "kpatrol/collect/probe_parsers.h"
#include "text.h"

namespace kpatrol::collect::probe {

Json parseSysctlLines(std::string_view raw) {
  Json out = Json::object();
  for (auto line : text::lines(raw)) {
    // "key=value", or grep -H's "path:value" (neither separator occurs in keys).
    auto eq = line.find_first_of("=:");
    if (eq == std::string_view::npos || eq == 0) continue;
    std::string key(line.substr(0, eq));
    bool ok = true;
    for (char& c : key) {
      if (c == '/') c = '.';
      bool valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '-';
      ok = ok && valid;
    }
    if (!ok) continue;
    // Multi-value sysctls (ip_local_port_range) come tab-separated, as `sysctl -n` prints them.
    out[key] = text::sanitize(text::trim(line.substr(eq + 1)));
  }
  return out;
}

Result<Json> parseNfConntrackStat(std::string_view raw) {
  auto all = text::lines(raw);
  if (all.empty()) return makeError(Errc::kParse, "empty nf_conntrack statistics");
  auto header = text::fields(all[0]);
  if (header.empty() || header[0] != "entries") {
    return makeError(Errc::kParse, "nf_conntrack statistics have no header");
  }
  std::vector<std::uint64_t> sums(header.size(), 0);
  std::size_t rows = 0;
  for (std::size_t i = 1; i < all.size(); ++i) {
    auto f = text::fields(all[i]);
    if (f.empty()) continue;
    if (f.size() != header.size()) {
      return makeError(Errc::kParse, "nf_conntrack statistics row " + std::to_string(i) + " has " +
                                         std::to_string(f.size()) + " columns, header " +
                                         std::to_string(header.size()));
    }
    for (std::size_t c = 0; c < f.size(); ++c) {
      auto v = text::toUint(f[c], 16);
      if (!v) return makeError(Errc::kParse, "nf_conntrack statistics: not hexadecimal");
      if (c == 0) {
        sums[0] = *v;  // "entries" is the table's global count, repeated on every CPU row
      } else {
        sums[c] += *v;
      }
    }
    ++rows;
  }
  if (rows == 0) return makeError(Errc::kParse, "nf_conntrack statistics have no rows");
  Json out = Json::object();
  for (std::size_t c = 0; c < header.size(); ++c) out[std::string(header[c])] = sums[c];
  for (const char* k : {"insert_failed", "drop", "early_drop"}) {
    if (!out.contains(k)) out[k] = 0;
  }
  out["cpus"] = rows;
  return out;
}

namespace {

// The data line of `df -P` output: the mount point is the last field and may hold spaces, so
// split the first five fields and keep the rest.
Result<std::vector<std::string>> dfRow(std::string_view raw, std::uint64_t* block) {
  auto all = text::lines(raw);
  if (all.size() < 2) return makeError(Errc::kParse, "df printed no data line");
  auto header = text::fields(all[0]);
  if (header.size() < 2 || header[0] != "Filesystem") {
    return makeError(Errc::kParse, "df output has no header");
  }
  if (block) {
    *block = 1024;
    auto h = header[1];
    auto dash = h.find('-');
    if (dash != std::string_view::npos) {
      if (auto b = text::toUint(h.substr(0, dash))) *block = *b;
    }
  }
  // A long device name wraps onto its own line in non-POSIX mode; -P never wraps, but join
  // the remaining lines defensively.
  std::string data;
  for (std::size_t i = 1; i < all.size(); ++i) {
    if (!data.empty()) data += ' ';
    data += std::string(all[i]);
  }
  std::vector<std::string> out;
  std::string_view s = data;
  for (int k = 0; k < 5; ++k) {
    s = text::trim(s);
    auto sp = s.find_first_of(" \t");
    if (sp == std::string_view::npos) return makeError(Errc::kParse, "df data line too short");
    out.emplace_back(s.substr(0, sp));
    s.remove_prefix(sp);
  }
  out.emplace_back(text::trim(s));
  return out;
}

}  // namespace

Result<Json> parseDfP(std::string_view raw) {
  std::uint64_t block = 1024;
  auto row = dfRow(raw, &block);
  if (!row) return row.error();
  auto& r = row.value();
  auto size = text::toUint(r[1]);
  auto used = text::toUint(r[2]);
  auto avail = text::toUint(r[3]);
  if (!size || !used || !avail) return makeError(Errc::kParse, "df numbers malformed");
  return Json{{"device", text::sanitize(r[0])},
              {"size_bytes", *size * block},
              {"used_bytes", *used * block},
              {"available_bytes", *avail * block},
              {"mount", text::sanitize(r[5])}};
}

Result<Json> parseDfPi(std::string_view raw) {
  auto row = dfRow(raw, nullptr);
  if (!row) return row.error();
  auto& r = row.value();
  auto total = text::toUint(r[1]);
  auto used = text::toUint(r[2]);
  auto free = text::toUint(r[3]);
  if (!total || !used || !free) {
    // Filesystems without inodes (btrfs reports 0; some report "-").
    return Json{{"inodes_total", 0}, {"inodes_used", 0}, {"inodes_free", 0}};
  }
  return Json{{"inodes_total", *total}, {"inodes_used", *used}, {"inodes_free", *free}};
}

Json parseResolvConf(std::string_view raw) {
  Json ns = Json::array();
  Json search = Json::array();
  Json options = Json::object();
  for (auto line : text::lines(raw)) {
    line = text::trim(line);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    auto f = text::fields(line);
    if (f[0] == "nameserver" && f.size() >= 2) {
      ns.push_back(text::sanitize(f[1]));
    } else if ((f[0] == "search" || f[0] == "domain") && f.size() >= 2) {
      search = Json::array();  // the last search/domain line wins
      for (std::size_t i = 1; i < f.size(); ++i) search.push_back(text::sanitize(f[i]));
    } else if (f[0] == "options") {
      for (std::size_t i = 1; i < f.size(); ++i) {
        auto colon = f[i].find(':');
        if (colon == std::string_view::npos) {
          options[text::sanitize(f[i])] = "";
        } else {
          options[text::sanitize(f[i].substr(0, colon))] = text::sanitize(f[i].substr(colon + 1));
        }
      }
    }
  }
  return Json{{"nameservers", ns}, {"search", search}, {"options", options}};
}

Json parseKernelSummary(std::string_view raw) {
  Json out = Json::object();
  for (const char* k : {"conntrack_full", "oom_kill", "hung_task"}) {
    out[k] = {{"count", 0}, {"samples", Json::array()}};
  }
  for (auto line : text::lines(raw)) {
    if (text::startsWith(line, "count ")) {
      auto f = text::fields(line);
      if (f.size() == 3 && out.contains(std::string(f[1]))) {
        if (auto n = text::toInt(f[2])) out[std::string(f[1])]["count"] = *n;
      }
    } else if (text::startsWith(line, "sample ")) {
      auto rest = line.substr(7);
      auto sp = rest.find(' ');
      if (sp == std::string_view::npos) continue;
      std::string kind(rest.substr(0, sp));
      if (!out.contains(kind)) continue;
      auto& samples = out[kind]["samples"];
      if (samples.size() < 5) samples.push_back(text::sanitize(rest.substr(sp + 1, 300)));
    }
  }
  return out;
}

}  // namespace kpatrol::collect::probe
