// SPDX-License-Identifier: Apache-2.0
// File modes and owners, the node's user and group names, accounts with empty passwords.
#include "kpatrol/collect/probe_parsers.h"
#include "text.h"

namespace kpatrol::collect::probe {

Json parsePasswd(std::string_view raw, IdNames* ids) {
  Json accounts = Json::array();
  for (auto line : text::lines(raw)) {
    auto f = text::split(line, ':');
    if (f.size() < 4) continue;
    auto uid = text::toInt(f[1]);
    auto gid = text::toInt(f[2]);
    if (!uid || !gid) continue;
    std::string name = text::sanitize(f[0]);
    if (ids && !ids->users.count(*uid)) ids->users[*uid] = name;
    accounts.push_back(
        {{"name", name}, {"uid", *uid}, {"gid", *gid}, {"shell", text::sanitize(f[3])}});
  }
  return accounts;
}

void parseGroup(std::string_view raw, IdNames* ids) {
  for (auto line : text::lines(raw)) {
    auto f = text::split(line, ':');
    if (f.size() < 2) continue;
    auto gid = text::toInt(f[1]);
    if (!gid) continue;
    if (!ids->groups.count(*gid)) ids->groups[*gid] = text::sanitize(f[0]);
  }
}

Result<Json> parseStatLine(std::string_view line, const IdNames& ids) {
  auto f = text::fields(line);
  if (f.size() < 6) return makeError(Errc::kParse, "malformed stat line");
  auto mode = text::toUint(f[0], 8);
  auto uid = text::toInt(f[1]);
  auto gid = text::toInt(f[2]);
  auto size = text::toUint(f[3]);
  auto mtime = text::toInt(f[4]);
  if (!mode || !uid || !gid || !size || !mtime || *mode > 07777) {
    return makeError(Errc::kParse, "malformed stat line");
  }
  std::string type;
  for (std::size_t i = 5; i < f.size(); ++i) {
    if (!type.empty()) type += ' ';
    type += f[i];
  }
  std::string t = "other";
  if (type == "regular file" || type == "regular empty file") {
    t = "file";
  } else if (type == "directory") {
    t = "directory";
  } else if (type == "symbolic link") {
    t = "symlink";
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(*mode));
  Json out = {{"exists", true}, {"mode", buf}};
  auto u = ids.users.find(*uid);
  auto g = ids.groups.find(*gid);
  out["owner"] = u != ids.users.end() ? u->second : std::to_string(*uid);
  out["group"] = g != ids.groups.end() ? g->second : std::to_string(*gid);
  out["uid"] = *uid;
  out["gid"] = *gid;
  out["type"] = t;
  out["size_bytes"] = *size;
  out["mtime"] = *mtime;
  return out;
}

Json parseFileRecords(std::string_view body, const IdNames& ids) {
  Json files = Json::object();
  while (!body.empty()) {
    auto nul = body.find('\0');
    if (nul == std::string_view::npos) break;
    std::string_view path = body.substr(0, nul);
    body.remove_prefix(nul + 1);
    auto nl = body.find('\n');
    std::string_view rest = body.substr(0, nl);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    // Only absolute paths the script asked about; a stray newline before the path is ours.
    while (!path.empty() && path.front() == '\n') path.remove_prefix(1);
    if (path.empty() || path.front() != '/') continue;
    std::string key = text::sanitize(path);
    rest = text::trim(rest);
    if (rest == "missing") {
      files[key] = {{"exists", false}};
    } else if (rest == "dangling") {
      files[key] = {{"exists", false}, {"dangling_symlink", true}};
    } else if (auto st = parseStatLine(rest, ids)) {
      files[key] = std::move(st).value();
    } else {
      files[key] = {{"exists", true}, {"error", "could not stat the file"}};
    }
  }
  return files;
}

Result<Json> parseShadowSummary(std::string_view raw) {
  Json names = Json::array();
  Json locked = Json::array();
  bool seen_entries = false;
  std::int64_t entries = 0;
  for (auto line : text::lines(raw)) {
    auto f = text::fields(line);
    if (f.size() == 2 && f[0] == "empty") {
      names.push_back(text::sanitize(f[1]));
    } else if (f.size() == 2 && f[0] == "locked") {
      locked.push_back(text::sanitize(f[1]));
    } else if (f.size() == 2 && f[0] == "entries") {
      if (auto n = text::toInt(f[1])) {
        entries = *n;
        seen_entries = true;
      }
    }
  }
  if (!seen_entries) return makeError(Errc::kParse, "shadow summary incomplete");
  return Json{{"count", names.size()}, {"names", names}, {"locked", locked}, {"entries", entries}};
}

}  // namespace kpatrol::collect::probe
