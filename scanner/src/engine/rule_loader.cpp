// SPDX-License-Identifier: Apache-2.0
// Compiles every rule once in a validation sandbox and checks its table (Falco's habit):
// a wrong type is an error, an unknown key a warning, and every message names file and line.
#include <algorithm>
#include <charconv>
#include <iterator>
#include <regex>
#include <string_view>

#include "kpatrol/core/fs.h"
#include "kpatrol/engine/rule.h"
#include "sandbox_internal.h"

namespace kpatrol::engine {
namespace {

constexpr std::string_view kKnownKeys[] = {
    "api",       "id",     "title",  "severity",    "scope",      "requires", "applies",    "check",
    "baselines", "params", "impact", "remediation", "references", "tags",     "description"};

bool knownKey(std::string_view key) {
  return std::find(std::begin(kKnownKeys), std::end(kKnownKeys), key) != std::end(kKnownKeys);
}

bool isRuleFile(const std::string& path) {
  return path.ends_with(".lua") && !path.starts_with("lib/") && !path.starts_with("tests/") &&
         !path.starts_with("profiles/") && !path.starts_with("probes/");  // node probe parsers
}

// The line where `key = ` first appears, for messages about a field (0 if not found).
int lineOf(const std::string& source, const std::string& key) {
  // First "key =" not preceded by an identifier character or a dot ("title = {" anywhere).
  const std::regex re("(^|[^A-Za-z0-9_.])" + key + "\\s*=");
  int line = 1;
  std::size_t start = 0;
  while (start <= source.size()) {
    const auto end = source.find('\n', start);
    const std::string text =
        source.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (std::regex_search(text, re)) return line;
    if (end == std::string::npos) break;
    start = end + 1;
    ++line;
  }
  return 0;
}

bool validId(const std::string& id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '/';
  });
}

class Validator {
 public:
  Validator(lua_State* L, RuleMeta& rule, std::vector<LoadMessage>& out)
      : L_(L), rule_(rule), out_(out) {}

  void error(const std::string& key, const std::string& msg) { add(key, msg, true); }
  void warning(const std::string& key, const std::string& msg) { add(key, msg, false); }
  bool failed() const { return failed_; }

  // Field at the top of the stack has been pushed by getField; these pop it.
  std::optional<std::string> string(const char* key, bool required) {
    const int t = lua_getfield(L_, -1, key);
    std::optional<std::string> out;
    if (t == LUA_TSTRING) {
      out = lua_tostring(L_, -1);
    } else if (t == LUA_TNIL) {
      if (required) error(key, std::string("field '") + key + "' is required");
    } else {
      error(key, improper(key, t, "string"));
    }
    lua_pop(L_, 1);
    return out;
  }

  // {en = "...", zh = "..."}; both required when `required`.
  void bilingual(const char* key, bool required, std::string& en, std::string& zh) {
    const int t = lua_getfield(L_, -1, key);
    if (t == LUA_TTABLE) {
      for (auto [lang, dest] : {std::pair{"en", &en}, std::pair{"zh", &zh}}) {
        const int lt = lua_getfield(L_, -1, lang);
        if (lt == LUA_TSTRING) {
          *dest = lua_tostring(L_, -1);
        } else if (required || lt != LUA_TNIL) {
          error(key, std::string("field '") + key + "." + lang + "' must be a string" +
                         (lt == LUA_TNIL ? " (both en and zh are required)" : ""));
        }
        lua_pop(L_, 1);
      }
    } else if (t == LUA_TNIL) {
      if (required)
        error(key, std::string("field '") + key + "' is required ({ en = ..., zh = ... })");
    } else {
      error(key, improper(key, t, "table { en = ..., zh = ... }"));
    }
    lua_pop(L_, 1);
  }

  std::vector<std::string> stringList(const char* key) {
    std::vector<std::string> out;
    const int t = lua_getfield(L_, -1, key);
    if (t == LUA_TTABLE) {
      const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L_, -1));
      for (lua_Integer i = 1; i <= n; ++i) {
        if (lua_rawgeti(L_, -1, i) == LUA_TSTRING) {
          out.emplace_back(lua_tostring(L_, -1));
        } else {
          error(key, std::string("field '") + key + "' must be a list of strings");
        }
        lua_pop(L_, 1);
      }
    } else if (t != LUA_TNIL) {
      error(key, improper(key, t, "table (list of strings)"));
    }
    lua_pop(L_, 1);
    return out;
  }

  std::string improper(const char* key, int type, const char* expected) const {
    return std::string("field '") + key + "' is of improper type '" + lua_typename(L_, type) +
           "', expected " + expected;
  }

 private:
  void add(const std::string& key, const std::string& msg, bool is_error) {
    if (is_error) failed_ = true;
    out_.push_back(LoadMessage{rule_.display, key.empty() ? 0 : lineOf(rule_.source, key), msg,
                               is_error, rule_.id});
  }

  lua_State* L_;
  RuleMeta& rule_;
  std::vector<LoadMessage>& out_;
  bool failed_ = false;
};

// The rule id a file would have, for findings about a file that failed to load.
std::string fallbackId(const PackSource& pack, const std::string& file) {
  std::string stem = file.substr(0, file.size() - 4);
  return pack.name + "/" + stem;
}

int lineFromMessage(const std::string& msg, const std::string& display) {
  // "display:12: message"
  const std::string prefix = display + ":";
  if (!msg.starts_with(prefix)) return 0;
  int line = 0;
  std::from_chars(msg.data() + prefix.size(), msg.data() + msg.size(), line);
  return line;
}

std::optional<RuleMeta> validate(LuaSandbox& sandbox, const PackSource& pack,
                                 const std::string& file, const std::string& source,
                                 std::vector<LoadMessage>& messages) {
  RuleMeta rule;
  rule.pack = pack.name;
  rule.file = file;
  rule.display = pack.origin + "/" + file;
  rule.source = source;
  rule.sha256 = sha256Hex(source);
  rule.id = fallbackId(pack, file);

  auto ref = sandbox.loadChunk(source, rule.display, pack.name);
  if (!ref) {
    const std::string& msg = ref.error().message;
    std::string text = msg;
    const std::string prefix = rule.display + ":";
    if (text.starts_with(prefix)) {
      const auto colon = text.find(':', prefix.size());
      text = colon == std::string::npos ? text : text.substr(colon + 2);
    } else if (text.starts_with(rule.display + ": ")) {
      text = text.substr(rule.display.size() + 2);
    }
    messages.push_back(
        LoadMessage{rule.display, lineFromMessage(msg, rule.display), text, true, rule.id});
    return std::nullopt;
  }
  lua_State* L = sandbox.state();
  lua_rawgeti(L, LUA_REGISTRYINDEX, *ref);
  Validator v(L, rule, messages);

  // Unknown keys are warnings (a typo such as "serverity" shows up).
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      v.warning("", "the rule table has a non-string key");
    } else if (const std::string key = lua_tostring(L, -2); !knownKey(key)) {
      v.warning(key, "unknown field '" + key + "' (ignored)");
    }
    lua_pop(L, 1);
  }

  if (auto id = v.string("id", true)) {
    if (!validId(*id)) {
      v.error("id", "id '" + *id + "' may only contain letters, digits, '-', '_', '.' and '/'");
    } else if (!id->starts_with(pack.name + "/")) {
      v.error("id", "id '" + *id + "' must start with the pack name '" + pack.name + "/'");
    } else {
      rule.id = *id;
    }
  }
  {
    const int t = lua_getfield(L, -1, "api");
    if (t == LUA_TNUMBER && lua_isinteger(L, -1)) {
      rule.api = static_cast<int>(lua_tointeger(L, -1));
      if (rule.api > kRuleApiVersion || rule.api < 1) {
        v.error("api", "rule api " + std::to_string(rule.api) +
                           " is not supported (this kpatrol "
                           "implements api " +
                           std::to_string(kRuleApiVersion) + ")");
      }
    } else if (t == LUA_TNIL) {
      v.error("api", "field 'api' is required (api = 1)");
    } else {
      v.error("api", v.improper("api", t, "integer"));
    }
    lua_pop(L, 1);
  }
  v.bilingual("title", true, rule.title_en, rule.title_zh);
  v.bilingual("remediation", true, rule.remediation_en, rule.remediation_zh);
  v.bilingual("impact", false, rule.impact_en, rule.impact_zh);
  if (auto sev = v.string("severity", true)) {
    if (auto s = model::parseSeverity(*sev)) {
      rule.severity = *s;
    } else {
      v.error("severity",
              "severity '" + *sev + "' is not one of critical, high, medium, low, info");
    }
  }
  if (auto scope = v.string("scope", true)) {
    if (auto s = model::parseScope(*scope)) {
      rule.scope = *s;
    } else {
      v.error("scope",
              "scope '" + *scope + "' is not one of cluster, node, namespace, workload, pod");
    }
  }
  rule.requires_ = v.stringList("requires");
  for (const auto& req : rule.requires_) {
    if (!req.starts_with("objects.") && rule.scope != model::Scope::kNode) {
      v.error("requires", "requires '" + req +
                              "': host facts are only available to node rules; "
                              "other scopes can require objects.<plural>");
    }
  }
  rule.references = v.stringList("references");
  rule.tags = v.stringList("tags");
  for (const char* fn : {"check", "applies"}) {
    const int t = lua_getfield(L, -1, fn);
    if (t == LUA_TFUNCTION) {
      if (std::string_view(fn) == "applies") rule.has_applies = true;
    } else if (t == LUA_TNIL) {
      if (std::string_view(fn) == "check")
        v.error("check", "field 'check' is required (a function)");
    } else {
      v.error(fn, v.improper(fn, t, "function"));
    }
    lua_pop(L, 1);
  }
  {
    const int t = lua_getfield(L, -1, "baselines");
    if (t == LUA_TTABLE) {
      rule.baselines = luaToJson(L, -1, std::size_t{16} * 1024);
      if (!rule.baselines.is_object()) rule.baselines = model::Json::object();
    } else if (t != LUA_TNIL) {
      v.error("baselines", v.improper("baselines", t, "table"));
    }
    lua_pop(L, 1);
  }
  {
    const int t = lua_getfield(L, -1, "params");
    if (t == LUA_TTABLE) {
      const model::Json raw = luaToJson(L, -1, std::size_t{64} * 1024);
      if (raw.is_object()) {
        for (const auto& [name, spec] : raw.items()) {
          model::Json p = model::Json::object();
          if (spec.is_object() && spec.contains("default")) {
            p["default"] = spec["default"];
            if (spec.contains("description")) p["description"] = spec["description"];
          } else {
            p["default"] = spec;
          }
          rule.params[name] = std::move(p);
        }
      } else if (!raw.empty()) {
        v.error("params", "field 'params' must map names to { default = ..., description = ... }");
      }
    } else if (t != LUA_TNIL) {
      v.error("params", v.improper("params", t, "table"));
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  luaL_unref(L, LUA_REGISTRYINDEX, *ref);
  if (v.failed()) return std::nullopt;
  return rule;
}

}  // namespace

RuleSet loadRules(std::vector<PackSource> packs, const LoadOptions& options) {
  RuleSet set;
  set.packs = std::move(packs);
  for (const auto& pack : set.packs) {
    for (const auto& [path, text] : pack.files) {
      if (path.starts_with("profiles/") && path.ends_with(".yaml")) {
        set.profiles[path.substr(9, path.size() - 14)] = text;
      }
    }
  }
  SandboxLimits limits;
  limits.memory_bytes = options.memory_bytes;
  limits.call_timeout = std::chrono::milliseconds(options.load_timeout_ms);
  auto sandbox = LuaSandbox::create(set, limits);
  if (!sandbox) {
    set.messages.push_back(LoadMessage{"(engine)", 0, sandbox.error().message, true, ""});
    return set;
  }
  std::map<std::string, std::string> seen;  // id -> display
  for (const auto& pack : set.packs) {
    if (pack.name.starts_with("_")) continue;
    for (const auto& [path, text] : pack.files) {
      if (!isRuleFile(path)) continue;
      auto rule = validate(**sandbox, pack, path, text, set.messages);
      if (!rule) continue;
      if (auto it = seen.find(rule->id); it != seen.end()) {
        set.messages.push_back(LoadMessage{
            rule->display, lineOf(rule->source, "id"),
            "duplicate rule id '" + rule->id + "' (already defined in " + it->second + ")", true,
            rule->id});
        continue;
      }
      seen.emplace(rule->id, rule->display);
      set.rules.push_back(std::move(*rule));
    }
    (*sandbox)->collectIfLarge();
  }
  std::sort(set.rules.begin(), set.rules.end(),
            [](const RuleMeta& a, const RuleMeta& b) { return a.id < b.id; });
  return set;
}

}  // namespace kpatrol::engine
