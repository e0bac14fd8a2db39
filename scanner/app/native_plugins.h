// SPDX-License-Identifier: Apache-2.0
// Native collector plugins (plugins/include/kpatrol_plugin.h): loaded with dlopen only when
// named (--native-plugin PATH), checked against the host's ABI and capabilities, their
// declared commands run in each node's probe session, their facts stored at
// facts.native.<name>.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/collect/plugin_probes.h"
#include "kpatrol/core/result.h"
#include "kpatrol/model/snapshot.h"
#include "kpatrol_plugin.h"

namespace kpatrol::app {

/// One loaded plugin: the dlopen handle and the plugin's create/destroy are RAII.
class NativePlugin {
 public:
  /// dlopen + entry symbol + ABI and capability checks + create(). Errors name the path.
  static Result<std::unique_ptr<NativePlugin>> load(const std::string& path);
  ~NativePlugin();
  NativePlugin(const NativePlugin&) = delete;
  NativePlugin& operator=(const NativePlugin&) = delete;

  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }
  /// The declared commands as probe specs (pack "native:<name>").
  const std::vector<collect::PluginProbeSpec>& specs() const { return specs_; }
  kpatrol_plugin* descriptor() const { return plugin_; }
  std::string lastError() const;

  struct Closer {
    void operator()(void* handle) const;
  };

 private:
  NativePlugin() = default;
  std::unique_ptr<void, Closer> handle_;  // destroyed after the plugin's destroy()
  kpatrol_plugin* plugin_ = nullptr;
  bool created_ = false;
  std::string name_;
  std::string path_;
  std::vector<collect::PluginProbeSpec> specs_;
};

/// The plugins of one collection: their commands' outputs per node, then their facts.
class NativePluginSet {
 public:
  static Result<std::unique_ptr<NativePluginSet>> load(const std::vector<std::string>& paths);
  bool empty() const { return plugins_.empty(); }
  /// Every plugin's commands, for the probe script.
  std::vector<collect::PluginProbeSpec> specs() const;
  /// Keeps the plugins' sections of a node's probe output. Thread-safe.
  void record(std::string_view output, const std::string& node);
  /// Calls each plugin's collect() and stores what it emitted at nodes[<node>].native.<name>;
  /// a plugin that fails is an error (fact native.<name>) for every recorded node.
  void collectInto(model::Json& nodes, std::vector<model::CollectionError>& errors,
                   const std::string& source);

  struct Output {
    int rc = -1;
    std::string body;
    std::string problem;  // why the command's output is not usable ("" when it is)
  };

 private:
  std::vector<std::unique_ptr<NativePlugin>> plugins_;
  std::mutex mu_;
  std::map<std::string, std::map<std::string, Output>> outputs_;  // node -> section -> output
};

}  // namespace kpatrol::app
