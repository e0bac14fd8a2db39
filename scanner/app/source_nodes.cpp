// SPDX-License-Identifier: Apache-2.0
// Node hosts as a scan source (SSH), and `kpatrol collect node` (SSH or a host root).
#include <unistd.h>

#include <fstream>

#include "app.h"
#include "kpatrol/collect/node_probe.h"
#include "kpatrol/collect/ssh_collector.h"
#include "kpatrol/model/json_get.h"
#include "native_plugins.h"
#include "node_jobs.h"
#include "plugin_probes.h"
#include "sources.h"

namespace kpatrol::app {

struct NodeSourceOptions {
  collect::SshCollectOptions ssh;
  std::string bastion;        // --ssh-bastion, checked by collectSsh
  bool plugin_probes = true;  // run the installed plugins' node probes (off: --no-plugins)
  std::vector<std::string> native_plugins;  // --native-plugin PATH (repeatable)
};

void setPluginProbes(NodeSourceOptions& options, bool enabled) { options.plugin_probes = enabled; }

std::shared_ptr<NodeSourceOptions> addNodeSourceOptions(CLI::App* cmd) {
  auto opt = std::make_shared<NodeSourceOptions>();
  auto& s = opt->ssh;
  const char* group = "Node hosts over SSH";
  cmd->add_option("--ssh-inventory", s.inventory,
                  "YAML inventory of node hosts: 'defaults:' and 'nodes:' (name, host, port, "
                  "user, key, sudo, bastion, labels); per-node entries override the rest")
      ->group(group);
  cmd->add_option("--ssh-user", s.overrides.user, "login user (default root)")->group(group);
  cmd->add_option("--ssh-key", s.overrides.key,
                  "private key file (ed25519, ecdsa, rsa; passphrase from "
                  "$KPATROL_SSH_PASSPHRASE). Default: ssh-agent, then ~/.ssh/id_*")
      ->group(group);
  cmd->add_option("--ssh-port", s.overrides.port, "SSH port (default 22)")
      ->check(CLI::Range(1, 65535))
      ->group(group);
  cmd->add_option("--ssh-bastion", s.overrides.bastion,
                  "one jump host, user@host:port; nodes are reached through it (direct-tcpip)")
      ->group(group);
  cmd->add_flag("--ssh-sudo", s.overrides.sudo,
                "non-root users run the probe with 'sudo -n' (passwordless sudo)")
      ->group(group);
  cmd->add_option("--ssh-concurrency", s.concurrency, "nodes collected at once")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--ssh-known-hosts", s.known_hosts,
                  "known_hosts file for host key checks (default ~/.ssh/known_hosts); unknown "
                  "and changed keys are refused")
      ->group(group);
  cmd->add_flag("--ssh-accept-new", s.accept_new,
                "trust an unknown host key on first use and record it in known_hosts (a "
                "changed key is still refused)")
      ->group(group);
  cmd->add_flag("--ssh-hash-known-hosts", s.hash_known_hosts,
                "record accepted keys with hashed host names (as HashKnownHosts yes)")
      ->group(group);
  cmd->add_option("--ssh-timeout", s.timeout_seconds,
                  "seconds allowed for each of connect, handshake and login")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--ssh-command-timeout", s.command_timeout_seconds,
                  "seconds allowed for the probe to run on a node")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--ssh-password-env", s.password_env,
                  "name of an environment variable holding the login password (never argv)")
      ->group(group);
  cmd->add_option("--ssh-password-file", s.password_file,
                  "file whose first line is the login password")
      ->group(group);
  cmd->add_option("--native-plugin", opt->native_plugins,
                  "load this native collector plugin (.so, plugins/README.md) for the node "
                  "collection (with --ssh-inventory, or collect node); only plugins named "
                  "here are ever loaded (repeatable)")
      ->group(group);
  cmd->add_option("--ssh-root", s.probe.root,
                  "read the node's files under this directory on the node (default /)")
      ->group(group);
  return opt;
}

bool nodeSourceRequested(const NodeSourceOptions& options) {
  const auto& s = options.ssh;
  return !s.inventory.empty() || !s.overrides.user.empty() || !s.overrides.key.empty() ||
         s.overrides.port != 0 || !s.overrides.bastion.empty() || s.overrides.sudo ||
         !s.password_env.empty() || !s.password_file.empty();
}

namespace {

// Host facts from SSH over what the API gave (the kubelet's configz): SSH's facts win fact by
// fact, and within `kubelet` field by field, so a config the API read survives when SSH could
// not read the file.
void mergeNodeFacts(model::Json& into, model::Json&& facts) {
  if (!into.is_object()) {
    into = std::move(facts);
    return;
  }
  for (auto& [key, value] : facts.items()) {
    if (key == "kubelet" && value.is_object() && into.contains("kubelet") &&
        into["kubelet"].is_object()) {
      for (auto& [k, v] : value.items()) into["kubelet"][k] = std::move(v);
    } else {
      into[key] = std::move(value);
    }
  }
}

// Whether the dotted fact path ("kubelet.config") is present in a node's facts.
bool hasFact(const model::Json& facts, const std::string& dotted) {
  const model::Json* cur = &facts;
  std::size_t start = 0;
  while (start <= dotted.size()) {
    const std::size_t dot = dotted.find('.', start);
    const std::string key =
        dotted.substr(start, dot == std::string::npos ? dotted.npos : dot - start);
    if (!cur->is_object()) return false;
    auto it = cur->find(key);
    if (it == cur->end() || it->is_null()) return false;
    cur = &*it;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
  return true;
}

}  // namespace

Status collectNodesInto(model::Json& doc, const NodeSourceOptions& options,
                        const GlobalOptions& /*global*/) {
  const model::Json* nodes = nullptr;
  if (auto o = doc.find("objects"); o != doc.end() && o->is_object()) {
    if (auto n = o->find("nodes"); n != o->end()) nodes = &*n;
  }
  collect::SshCollectOptions ssh = options.ssh;
  ssh.progress = ::isatty(STDERR_FILENO) != 0;
  const auto probes = installedPluginProbes(options.plugin_probes);
  auto natives = NativePluginSet::load(options.native_plugins);
  if (!natives) return std::move(natives).error();
  NativePluginSet* native = natives->get();
  auto specs = probes->specs();
  for (auto& s : native->specs()) specs.push_back(std::move(s));
  if (!specs.empty()) {
    ssh.probe.plugin_sections = collect::pluginProbeScript(specs);
    ssh.after_parse = [probes, native](std::string_view output, const std::string& subject,
                                       collect::ProbeResult& result) {
      probes->apply(output, subject, "ssh", result);
      if (!native->empty()) native->record(output, subject.substr(5));
    };
  }
  auto got = collect::collectSsh(ssh, nodes);
  if (!got) return std::move(got).error();
  if (!native->empty()) native->collectInto(got->nodes, got->errors, "ssh");
  mergeNodeResults(doc, std::move(got->nodes), got->errors);
  return okStatus();
}

void mergeNodeResults(model::Json& doc, model::Json&& nodes,
                      const std::vector<model::CollectionError>& errors) {
  if (!doc.contains("nodes") || !doc["nodes"].is_object()) doc["nodes"] = model::Json::object();
  if (!doc.contains("errors") || !doc["errors"].is_array()) doc["errors"] = model::Json::array();
  for (auto& [name, facts] : nodes.items()) mergeNodeFacts(doc["nodes"][name], std::move(facts));
  for (const auto& e : errors) {
    doc["errors"].push_back(
        {{"subject", e.subject}, {"fact", e.fact}, {"source", e.source}, {"message", e.message}});
  }
  // An error about a fact that another source did collect (the API's configz refused, SSH
  // read the kubelet's config file; or the other way round) no longer explains anything.
  model::Json kept = model::Json::array();
  for (auto& e : doc["errors"]) {
    const std::string subject = model::stringAt(e, {"subject"});
    const std::string fact = model::stringAt(e, {"fact"});
    if (subject.starts_with("node/") && fact != "*") {
      const auto n = doc["nodes"].find(subject.substr(5));
      if (n != doc["nodes"].end() && hasFact(*n, fact)) continue;
    }
    kept.push_back(std::move(e));
  }
  doc["errors"] = std::move(kept);
}

namespace {

struct CollectNodeOptions {
  std::shared_ptr<NodeSourceOptions> nodes;
  std::string host_root;
  std::string node_name;
  std::string out = "nodes.tar.gz";
};

std::string hostRootNodeName(const std::string& root) {
  std::ifstream in(std::filesystem::path(root) / "etc" / "hostname");
  std::string name;
  if (in && std::getline(in, name) && !name.empty()) return name;
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) == 0 && buf[0] != '\0') return buf;
  return "localhost";
}

// collectHostRoot with the plugins' probes (packs and native plugins) appended to the script and
// parsed from its output.
Result<collect::ProbeResult> collectHostRootWithProbes(const std::string& root,
                                                       collect::ProbeOptions probe,
                                                       const std::string& name,
                                                       const PluginProbes& probes,
                                                       NativePluginSet& native) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    return makeError(Errc::kNotFound, "host root " + root + " is not a directory");
  }
  probe.root = std::filesystem::absolute(root, ec).lexically_normal().string();
  if (probe.root.empty()) probe.root = root;
  auto specs = probes.specs();
  for (auto& s : native.specs()) specs.push_back(std::move(s));
  probe.plugin_sections = collect::pluginProbeScript(specs);
  auto out = collect::runProbeScript("/bin/sh", probe);
  if (!out) return out.error().withContext("host root " + root);
  const std::string subject = "node/" + name;
  auto result = collect::parseProbeOutput(*out, subject, "host-root");
  probes.apply(*out, subject, "host-root", result);
  if (!native.empty()) {
    native.record(*out, name);
    model::Json nodes = {{name, std::move(result.facts)}};
    native.collectInto(nodes, result.errors, "host-root");
    result.facts = std::move(nodes[name]);
  }
  return result;
}

model::Json errorsJson(const std::vector<model::CollectionError>& errors) {
  model::Json out = model::Json::array();
  for (const auto& e : errors) {
    out.push_back(
        {{"subject", e.subject}, {"fact", e.fact}, {"source", e.source}, {"message", e.message}});
  }
  return out;
}

int runCollectNode(const CollectNodeOptions& opt) {
  model::Json doc = {{"meta", model::Json::object()},
                     {"objects", model::Json::object()},
                     {"nodes", model::Json::object()},
                     {"errors", model::Json::array()}};
  std::string origin;
  if (!opt.host_root.empty()) {
    if (nodeSourceRequested(*opt.nodes)) {
      return fail(
          "--host-root reads this machine's mounted host root: do not combine it with "
          "--ssh-* options");
    }
    const std::string name =
        opt.node_name.empty() ? hostRootNodeName(opt.host_root) : opt.node_name;
    collect::ProbeOptions probe = opt.nodes->ssh.probe;
    probe.root = opt.host_root;
    const auto probes = installedPluginProbes(opt.nodes->plugin_probes);
    auto natives = NativePluginSet::load(opt.nodes->native_plugins);
    if (!natives) return fail(natives.error());
    auto got = probes->empty() && (*natives)->empty()
                   ? collect::collectHostRoot(opt.host_root, probe, name)
                   : collectHostRootWithProbes(opt.host_root, probe, name, *probes, **natives);
    if (!got) return fail(got.error());
    doc["nodes"][name] = std::move(got->facts);
    doc["errors"] = errorsJson(got->errors);
    origin = "host-root";
  } else {
    if (opt.nodes->ssh.inventory.empty()) {
      return fail("collect node needs --ssh-inventory FILE (nodes over SSH) or --host-root DIR");
    }
    if (!opt.node_name.empty()) return fail("--node-name goes with --host-root");
    if (auto s = collectNodesInto(doc, *opt.nodes, GlobalOptions{}); !s) return fail(s.error());
    origin = "ssh";
  }
  std::size_t unreachable = 0;
  for (const auto& e : doc["errors"]) {
    if (model::stringAt(e, {"fact"}) == "*") ++unreachable;
  }
  const std::size_t collected = doc["nodes"].size();
  if (opt.out == "-") {
    // One line on stdout for the scanner that reads it back from a pod log (node Jobs).
    std::cout << nodeFactsLine(doc["nodes"], doc["errors"]) << "\n" << std::flush;
    return std::cout ? kExitOk : fail("writing the facts to stdout failed");
  }
  if (auto s = saveSnapshotBundle(std::move(doc), opt.out, origin); !s) return fail(s.error());
  std::cerr << "kpatrol: wrote " << opt.out << " (" << collected << " nodes with facts"
            << (unreachable != 0 ? ", " + std::to_string(unreachable) + " not collected" : "")
            << ")\n";
  return kExitOk;
}

}  // namespace

void addCollectNodeCommand(CLI::App& collect, GlobalOptions& /*global*/) {
  auto opt = std::make_shared<CollectNodeOptions>();
  auto* cmd = collect.add_subcommand("node",
                                     "Collect node host facts over SSH or from a mounted "
                                     "host root into a snapshot bundle.");
  opt->nodes = addNodeSourceOptions(cmd);
  cmd->add_option("--host-root", opt->host_root,
                  "probe the host whose / is mounted here (a DaemonSet or Job pod with the "
                  "node's / at /host and hostPID) instead of logging in over SSH");
  cmd->add_option("--node-name", opt->node_name,
                  "node name for --host-root (default: <root>/etc/hostname)");
  cmd->add_option("--out", opt->out,
                  "bundle to write (.tar.gz); '-' prints the facts as one JSON line on stdout "
                  "(what a node-collection Job's log carries)")
      ->capture_default_str();
  cmd->add_flag_function(
      "--no-plugins", [opt](std::int64_t) { opt->nodes->plugin_probes = false; },
      "do not run the node probes of the installed plugin packs (kpatrol plugin list)");
  cmd->footer(
      "Examples:\n"
      "  # every node of an inventory, as root with the agent's keys, strict host keys\n"
      "  kpatrol collect node --ssh-inventory nodes.yaml --out nodes.tar.gz\n"
      "  # an ops user with passwordless sudo, through a jump host, 64 nodes at once\n"
      "  kpatrol collect node --ssh-inventory nodes.yaml --ssh-user ops --ssh-sudo \\\n"
      "      --ssh-key ~/.ssh/id_ed25519 --ssh-bastion jump@203.0.113.10:22 --ssh-concurrency 64\n"
      "  # first contact: record the hosts' keys (check the fingerprints in the log)\n"
      "  kpatrol collect node --ssh-inventory nodes.yaml --ssh-accept-new\n"
      "  # inside a pod on the node (hostPath / mounted at /host)\n"
      "  kpatrol collect node --host-root /host --node-name \"$NODE_NAME\" --out /out/node.tar.gz\n"
      "  kpatrol scan --bundle nodes.tar.gz\n"
      "\n"
      "nodes.yaml:\n"
      "  defaults: {user: ops, sudo: true, key: ~/.ssh/id_ed25519}\n"
      "  nodes:\n"
      "    - {name: master-1, host: 10.0.0.10}\n"
      "    - {name: worker-1, host: 10.0.0.11, port: 2222, bastion: jump@203.0.113.10}\n"
      "    - {name: eci-1, labels: {type: virtual-kubelet}}   # recognised, not probed\n"
      "\n"
      "A node that cannot be reached (timeout, host key, login, sudo) is recorded as a\n"
      "collection error: its rules report 'error' with the reason, the other nodes go on.\n"
      "Nothing is written on the nodes: one read-only command per node, one connection.");
  cmd->callback([opt] { exitCode() = runCollectNode(*opt); });
}

}  // namespace kpatrol::app
