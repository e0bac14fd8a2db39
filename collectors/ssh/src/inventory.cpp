// SPDX-License-Identifier: Apache-2.0
// The SSH inventory (YAML). Strict: a typo in a key or a wrong type is an error with file:line,
// because a silently ignored `sudo: true` or `bastion:` would send the probe somewhere else.
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <set>

#include "kpatrol/collect/ssh_targets.h"

namespace kpatrol::collect {
namespace {

std::string where(const std::string& origin, const YAML::Node& node) {
  return origin + ":" + std::to_string(node.Mark().line + 1);
}

Error bad(const std::string& origin, const YAML::Node& node, const std::string& what) {
  return makeError(Errc::kParse, where(origin, node) + ": " + what);
}

Result<std::string> scalarString(const std::string& origin, const YAML::Node& node,
                                 const std::string& key) {
  if (!node.IsScalar() || node.Scalar().empty()) {
    return bad(origin, node, "'" + key + "' must be a non-empty string");
  }
  return node.Scalar();
}

Status parseEntry(const std::string& origin, const YAML::Node& map, bool is_default,
                  InventoryEntry& entry) {
  if (!map.IsMap()) {
    return bad(origin, map,
               is_default ? "'defaults' must be a mapping" : "a node must be a mapping");
  }
  entry.line = map.Mark().line + 1;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& value = kv.second;
    if (key == "name" && !is_default) {
      auto s = scalarString(origin, value, key);
      if (!s) return std::move(s).error();
      entry.name = *s;
    } else if (key == "host" && !is_default) {
      auto s = scalarString(origin, value, key);
      if (!s) return std::move(s).error();
      entry.host = *s;
    } else if (key == "user" || key == "key") {
      auto s = scalarString(origin, value, key);
      if (!s) return std::move(s).error();
      (key == "user" ? entry.user : entry.key) = *s;
    } else if (key == "bastion") {
      auto s = scalarString(origin, value, key);
      if (!s) return std::move(s).error();
      if (auto e = parseEndpoint(*s); !e)
        return bad(origin, value, "bastion: " + e.error().message);
      entry.bastion = *s;
    } else if (key == "port") {
      int port = 0;
      const std::string text = value.IsScalar() ? value.Scalar() : std::string();
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size() || port < 1 ||
          port > 65535) {
        return bad(origin, value, "'port' must be an integer between 1 and 65535");
      }
      entry.port = port;
    } else if (key == "sudo") {
      const std::string text = value.IsScalar() ? value.Scalar() : std::string();
      if (text == "true") {
        entry.sudo = true;
      } else if (text == "false") {
        entry.sudo = false;
      } else {
        return bad(origin, value, "'sudo' must be true or false");
      }
    } else if (key == "labels") {
      if (!value.IsMap()) return bad(origin, value, "'labels' must be a mapping of strings");
      for (const auto& label : value) {
        if (!label.second.IsScalar()) {
          return bad(origin, label.second, "label '" + label.first.Scalar() + "' must be a string");
        }
        entry.labels[label.first.Scalar()] = label.second.Scalar();
      }
    } else {
      const char* known = is_default ? "user, key, port, sudo, bastion, labels"
                                     : "name, host, port, user, key, sudo, bastion, labels";
      return bad(origin, kv.first, "unknown key '" + key + "' (known: " + known + ")");
    }
  }
  return okStatus();
}

}  // namespace

Result<SshEndpoint> parseEndpoint(std::string_view text) {
  SshEndpoint ep;
  std::string_view rest = text;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    ep.user = std::string(rest.substr(0, at));
    rest.remove_prefix(at + 1);
    if (ep.user.empty())
      return makeError(Errc::kInvalidArgument, "empty user in '" + std::string(text) + "'");
  }
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) {
      return makeError(Errc::kInvalidArgument, "unclosed '[' in '" + std::string(text) + "'");
    }
    ep.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return makeError(Errc::kInvalidArgument,
                         "expected ':port' after ']' in '" + std::string(text) + "'");
      }
      port_text = rest.substr(1);
    }
  } else if (auto colon = rest.find(':'); colon != std::string_view::npos) {
    if (rest.find(':', colon + 1) != std::string_view::npos) {
      ep.host = std::string(rest);  // a bare IPv6 address
    } else {
      ep.host = std::string(rest.substr(0, colon));
      port_text = rest.substr(colon + 1);
      if (port_text.empty()) {
        return makeError(Errc::kInvalidArgument, "empty port in '" + std::string(text) + "'");
      }
    }
  } else {
    ep.host = std::string(rest);
  }
  if (ep.host.empty())
    return makeError(Errc::kInvalidArgument, "no host in '" + std::string(text) + "'");
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return makeError(Errc::kInvalidArgument, "bad port in '" + std::string(text) + "'");
    }
    ep.port = port;
  }
  return ep;
}

Result<Inventory> parseInventory(const std::string& text, const std::string& origin) {
  Inventory inv;
  inv.origin = origin;
  try {
    const YAML::Node doc = YAML::Load(text);
    if (!doc.IsMap()) {
      return makeError(Errc::kParse,
                       origin + ":1: expected a mapping with 'nodes:' (and 'defaults:')");
    }
    bool have_nodes = false;
    for (const auto& kv : doc) {
      const std::string key = kv.first.Scalar();
      if (key == "defaults") {
        if (auto s = parseEntry(origin, kv.second, true, inv.defaults); !s) {
          return std::move(s).error();
        }
      } else if (key == "nodes") {
        have_nodes = true;
        if (!kv.second.IsSequence()) return bad(origin, kv.second, "'nodes' must be a list");
        std::set<std::string> names;
        for (const auto& item : kv.second) {
          InventoryEntry entry;
          if (auto s = parseEntry(origin, item, false, entry); !s) return std::move(s).error();
          if (entry.name.empty()) return bad(origin, item, "a node needs 'name'");
          if (!names.insert(entry.name).second) {
            return bad(origin, item, "node '" + entry.name + "' is listed twice");
          }
          inv.nodes.push_back(std::move(entry));
        }
      } else {
        return bad(origin, kv.first, "unknown key '" + key + "' (known: defaults, nodes)");
      }
    }
    if (!have_nodes) return makeError(Errc::kParse, origin + ":1: missing 'nodes:' list");
  } catch (const YAML::Exception& e) {
    return makeError(Errc::kParse, origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return inv;
}

}  // namespace kpatrol::collect
