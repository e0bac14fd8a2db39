// SPDX-License-Identifier: Apache-2.0
// Native collector plugins: dlopen on request, the ABI/capability checks, and the host table
// that gives a plugin its nodes' command output and takes its facts.
#include "native_plugins.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <spdlog/spdlog.h>

namespace kpatrol::app {

namespace {

constexpr std::uint64_t kHostCapabilities = KPATROL_CAP_ALL_V1;
constexpr std::size_t kMaxFactsBytes = std::size_t{1} << 20;

bool validName(std::string_view name) {
  return !name.empty() && name.size() <= 48 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string abiText(std::uint32_t major, std::uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// What collect() sees through host_state.
struct HostState {
  const NativePlugin* plugin = nullptr;
  std::vector<std::string> nodes;
  const std::map<std::string, std::map<std::string, NativePluginSet::Output>>* outputs = nullptr;
  std::map<std::string, model::Json> facts;  // node -> emitted facts
  std::vector<std::string> problems;
};

HostState& stateOf(void* p) { return *static_cast<HostState*>(p); }

std::size_t hostNodeCount(void* s) { return stateOf(s).nodes.size(); }

const char* hostNodeName(void* s, std::size_t i) {
  auto& st = stateOf(s);
  return i < st.nodes.size() ? st.nodes[i].c_str() : nullptr;
}

int hostRunOnNode(void* s, const char* node, const char* command, kpatrol_output_fn cb,
                  void* user) {
  auto& st = stateOf(s);
  if (node == nullptr || command == nullptr || cb == nullptr || st.outputs == nullptr) {
    return KPATROL_ERROR;
  }
  const auto n = st.outputs->find(node);
  if (n == st.outputs->end()) return KPATROL_ERROR;
  const collect::PluginProbeSpec* spec = nullptr;
  for (const auto& sp : st.plugin->specs()) {
    if (sp.name == command) spec = &sp;
  }
  if (spec == nullptr) return KPATROL_ERROR;
  const auto o = n->second.find(collect::pluginSectionName(*spec));
  if (o == n->second.end()) return KPATROL_ERROR;
  const int rc = o->second.problem.empty() ? o->second.rc : -1;
  cb(user, node, rc, o->second.body.data(), o->second.body.size());
  return KPATROL_OK;
}

int hostEmitFacts(void* s, const char* node, const char* json, std::size_t len) {
  auto& st = stateOf(s);
  if (node == nullptr || json == nullptr) return KPATROL_ERROR;
  if (std::find(st.nodes.begin(), st.nodes.end(), node) == st.nodes.end()) {
    st.problems.push_back(std::string("emit_facts for unknown node '") + node + "'");
    return KPATROL_ERROR;
  }
  if (len > kMaxFactsBytes) {
    st.problems.push_back("emit_facts for " + std::string(node) + ": more than 1 MiB of JSON");
    return KPATROL_ERROR;
  }
  auto parsed = model::Json::parse(std::string(json, len), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    st.problems.push_back("emit_facts for " + std::string(node) + ": not a JSON object");
    return KPATROL_ERROR;
  }
  st.facts[node] = std::move(parsed);
  return KPATROL_OK;
}

void hostLog(void* s, int level, const char* message) {
  if (message == nullptr) return;
  const std::string& name = s != nullptr ? stateOf(s).plugin->name() : std::string();
  if (level >= KPATROL_LOG_WARN) {
    spdlog::warn("native plugin {}: {}", name, message);
  } else if (level == KPATROL_LOG_INFO) {
    spdlog::info("native plugin {}: {}", name, message);
  } else {
    spdlog::debug("native plugin {}: {}", name, message);
  }
}

kpatrol_host makeHost(HostState* state) {
  kpatrol_host host{};
  host.abi_major = KPATROL_PLUGIN_ABI_MAJOR;
  host.abi_minor = KPATROL_PLUGIN_ABI_MINOR;
  host.capabilities = kHostCapabilities;
  host.host_state = state;
  host.node_count = hostNodeCount;
  host.node_name = hostNodeName;
  host.run_on_node = hostRunOnNode;
  host.emit_facts = hostEmitFacts;
  host.log = hostLog;
  return host;
}

}  // namespace

void NativePlugin::Closer::operator()(void* handle) const {
  if (handle != nullptr) ::dlclose(handle);
}

std::string NativePlugin::lastError() const {
  const char* e =
      plugin_ != nullptr && plugin_->last_error != nullptr ? plugin_->last_error(plugin_) : nullptr;
  return e != nullptr && *e != '\0' ? std::string(e) : std::string("no reason given");
}

NativePlugin::~NativePlugin() {
  if (created_ && plugin_ != nullptr && plugin_->destroy != nullptr) plugin_->destroy(plugin_);
}

Result<std::unique_ptr<NativePlugin>> NativePlugin::load(const std::string& path) {
  const std::string what = "native plugin " + path;
  // A bare name would be searched on the library path: only an explicit file is loaded.
  if (path.find('/') == std::string::npos) {
    return makeError(Errc::kInvalidArgument,
                     what + ": give a path to the .so (e.g. ./" + path + ")");
  }
  std::unique_ptr<NativePlugin> p(new NativePlugin());
  p->path_ = path;
  ::dlerror();
  p->handle_.reset(::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!p->handle_) {
    const char* e = ::dlerror();
    return makeError(Errc::kNotFound,
                     what + ": cannot be loaded: " + (e != nullptr ? e : "dlopen failed"));
  }
  void* sym = ::dlsym(p->handle_.get(), KPATROL_PLUGIN_ENTRY_SYMBOL);
  if (sym == nullptr) {
    return makeError(Errc::kUnsupported, what + ": refused: it does not export " +
                                             KPATROL_PLUGIN_ENTRY_SYMBOL +
                                             " (not a kpatrol plugin, or built without the "
                                             "entry point of kpatrol_plugin.h)");
  }
  kpatrol_plugin_entry_fn entry = nullptr;
  static_assert(sizeof(entry) == sizeof(sym));
  std::memcpy(&entry, &sym, sizeof(entry));
  p->plugin_ = entry();
  kpatrol_plugin* d = p->plugin_;
  if (d == nullptr)
    return makeError(Errc::kUnsupported, what + ": refused: the entry returned NULL");
  const std::string host_abi = abiText(KPATROL_PLUGIN_ABI_MAJOR, KPATROL_PLUGIN_ABI_MINOR);
  if (d->abi_major != KPATROL_PLUGIN_ABI_MAJOR) {
    return makeError(Errc::kUnsupported,
                     what + ": refused: built for plugin ABI " +
                         abiText(d->abi_major, d->abi_minor) + ", this kpatrol implements " +
                         host_abi +
                         " (a different major version is incompatible: rebuild the "
                         "plugin against this kpatrol's kpatrol_plugin.h)");
  }
  if (d->abi_minor > KPATROL_PLUGIN_ABI_MINOR) {
    return makeError(Errc::kUnsupported,
                     what + ": refused: needs plugin ABI " + abiText(d->abi_major, d->abi_minor) +
                         ", newer than this kpatrol's " + host_abi + " (upgrade kpatrol)");
  }
  if (d->name == nullptr || !validName(d->name)) {
    return makeError(Errc::kUnsupported,
                     what + ": refused: its name must be lower-case letters, digits or '_'");
  }
  p->name_ = d->name;
  if (const auto missing = d->required_capabilities & ~kHostCapabilities; missing != 0) {
    return makeError(Errc::kUnsupported,
                     what + " (" + p->name_ + "): refused: needs capabilities " + hex(missing) +
                         " this kpatrol does not offer (it offers " + hex(kHostCapabilities) + ")");
  }
  if (d->create == nullptr || d->collect == nullptr || d->destroy == nullptr ||
      d->last_error == nullptr) {
    return makeError(Errc::kUnsupported,
                     what + " (" + p->name_ +
                         "): refused: create, collect, destroy and last_error are required");
  }
  if (d->command_count > 0 && d->commands == nullptr) {
    return makeError(Errc::kUnsupported, what + ": refused: command_count without commands");
  }
  for (std::size_t i = 0; i < d->command_count; ++i) {
    const kpatrol_command& c = d->commands[i];
    const std::string cmd = c.command != nullptr ? c.command : "";
    if (c.name == nullptr || !validName(c.name) || cmd.empty() || cmd.size() > 4096 ||
        cmd.find_first_of("\n\r") != std::string::npos || c.timeout_seconds < 1 ||
        c.timeout_seconds > 600 || c.max_output_bytes < 1 || c.max_output_bytes > (16u << 20)) {
      return makeError(Errc::kUnsupported,
                       what + " (" + p->name_ + "): refused: command " + std::to_string(i) +
                           " is invalid (name [a-z0-9_]+, one line of at most 4096 bytes, "
                           "timeout 1..600 s, max_output 1..16 MiB)");
    }
    p->specs_.push_back({"native:" + p->name_, c.name, cmd, static_cast<int>(c.timeout_seconds),
                         c.max_output_bytes});
  }
  HostState state;
  state.plugin = p.get();
  const kpatrol_host host = makeHost(&state);
  p->created_ = true;  // destroy() runs even after a failed create (the header's promise)
  if (d->create(d, &host) != KPATROL_OK) {
    return makeError(Errc::kUnsupported,
                     what + " (" + p->name_ + "): create failed: " + p->lastError());
  }
  spdlog::info("native plugin {} {} loaded from {} (ABI {})", p->name_,
               d->version != nullptr ? d->version : "", path, abiText(d->abi_major, d->abi_minor));
  return p;
}

Result<std::unique_ptr<NativePluginSet>> NativePluginSet::load(
    const std::vector<std::string>& paths) {
  auto set = std::make_unique<NativePluginSet>();
  for (const auto& path : paths) {
    auto p = NativePlugin::load(path);
    if (!p) return std::move(p).error();
    for (const auto& other : set->plugins_) {
      if (other->name() == (*p)->name()) {
        return makeError(Errc::kInvalidArgument, "native plugin " + path + ": the name '" +
                                                     other->name() + "' is taken by " +
                                                     other->path());
      }
    }
    set->plugins_.push_back(std::move(*p));
  }
  return set;
}

std::vector<collect::PluginProbeSpec> NativePluginSet::specs() const {
  std::vector<collect::PluginProbeSpec> out;
  for (const auto& p : plugins_) out.insert(out.end(), p->specs().begin(), p->specs().end());
  return out;
}

void NativePluginSet::record(std::string_view output, const std::string& node) {
  std::map<std::string, Output> mine;
  for (const auto& p : plugins_) {
    for (const auto& spec : p->specs()) {
      auto raw = collect::pluginProbeOutput(output, spec);
      Output o;
      o.problem = collect::pluginProbeProblem(raw, spec);
      o.rc = raw.rc;
      o.body = std::move(raw.body);
      mine.emplace(collect::pluginSectionName(spec), std::move(o));
    }
  }
  std::lock_guard lock(mu_);
  outputs_[node] = std::move(mine);
}

void NativePluginSet::collectInto(model::Json& nodes, std::vector<model::CollectionError>& errors,
                                  const std::string& source) {
  std::lock_guard lock(mu_);
  for (const auto& p : plugins_) {
    HostState state;
    state.plugin = p.get();
    state.outputs = &outputs_;
    for (const auto& [node, _] : outputs_) state.nodes.push_back(node);
    const kpatrol_host host = makeHost(&state);
    const std::string fact = "native." + p->name();
    const int rc = p->descriptor()->collect(p->descriptor(), &host);
    for (const auto& problem : state.problems) {
      spdlog::warn("native plugin {}: {}", p->name(), problem);
    }
    if (rc != KPATROL_OK) {
      const std::string why = "native plugin " + p->name() + ": collect failed: " + p->lastError();
      for (const auto& node : state.nodes) errors.push_back({"node/" + node, fact, source, why});
      continue;
    }
    for (auto& [node, facts] : state.facts) {
      auto& n = nodes[node];
      if (!n.is_object()) n = model::Json::object();
      if (!n.contains("native") || !n["native"].is_object()) n["native"] = model::Json::object();
      n["native"][p->name()] = std::move(facts);
    }
    // A node the plugin said nothing about: say why when its command did not run.
    for (const auto& node : state.nodes) {
      if (state.facts.contains(node)) continue;
      std::string why = "native plugin " + p->name() + " emitted no facts for this node";
      for (const auto& spec : p->specs()) {
        const auto& o = outputs_.at(node).at(collect::pluginSectionName(spec));
        if (!o.problem.empty()) why += "; " + o.problem;
      }
      errors.push_back({"node/" + node, fact, source, why});
    }
  }
}

}  // namespace kpatrol::app
