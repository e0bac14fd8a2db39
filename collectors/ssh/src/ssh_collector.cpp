// SPDX-License-Identifier: Apache-2.0
// Node collection over SSH: one connection per node, one command (the fixed probe script, with
// `sudo -n` for non-root users that ask for it), the output parsed scanner-side.
#include "kpatrol/collect/ssh_collector.h"

#include <sys/stat.h>

#include <cstdlib>
#include <iostream>

#include <spdlog/spdlog.h>

#include "fanout.h"
#include "known_hosts.h"
#include "kpatrol/core/fs.h"
#include "ssh_session.h"

namespace kpatrol::collect {
namespace {

// Above this the script no longer fits in one exec request argument (Linux MAX_ARG_STRLEN).
constexpr std::size_t kMaxCommandBytes = 120 << 10;

std::string defaultKnownHosts() {
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && *home != '\0' ? home : ".") + "/.ssh/known_hosts";
}

Result<std::optional<std::string>> loadPassword(const SshCollectOptions& o) {
  if (!o.password_env.empty() && !o.password_file.empty()) {
    return makeError(Errc::kInvalidArgument,
                     "--ssh-password-env and --ssh-password-file exclude each other");
  }
  if (!o.password_env.empty()) {
    const char* value = std::getenv(o.password_env.c_str());
    if (value == nullptr || *value == '\0') {
      return makeError(Errc::kInvalidArgument, "--ssh-password-env: environment variable " +
                                                   o.password_env + " is not set or empty");
    }
    return std::optional<std::string>(value);
  }
  if (!o.password_file.empty()) {
    struct stat st {};
    if (::stat(o.password_file.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
      spdlog::warn("ssh: password file {} is readable by group or others (chmod 600 it)",
                   o.password_file);
    }
    auto text = readFile(o.password_file, 64 << 10);
    if (!text) return text.error().withContext("--ssh-password-file");
    std::string pw = text->substr(0, text->find('\n'));
    if (!pw.empty() && pw.back() == '\r') pw.pop_back();
    if (pw.empty()) {
      return makeError(Errc::kInvalidArgument,
                       "--ssh-password-file: " + o.password_file + " has an empty first line");
    }
    return std::optional<std::string>(std::move(pw));
  }
  return std::optional<std::string>();
}

// The one command a node ever receives: the fixed probe script as one quoted word.
std::string probeCommand(const SshTarget& t, const std::string& script) {
  std::string cmd = "sh -c " + shellQuote(script);
  if (t.sudo && t.user != "root") cmd = "sudo -n " + cmd;
  return cmd;
}

std::string clip(std::string line) {
  if (line.size() > 300) line = line.substr(0, 300) + "...";
  return line;
}

// The line of stderr that explains a failure: sudo's own message when there is one (a login may
// print other lines first, e.g. "Could not chdir to home directory"), else the last line.
std::string reasonLine(const std::string& err) {
  std::string last;
  std::size_t pos = 0;
  while (pos < err.size()) {
    const auto nl = err.find('\n', pos);
    std::string line = err.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? err.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("sudo:", 0) == 0) return clip(line);
    if (!line.empty()) last = std::move(line);
  }
  return clip(last);
}

struct NodeOutcome {
  model::Json facts = model::Json::object();
  std::vector<model::CollectionError> errors;
};

Result<std::string> runOnNode(const SshTarget& t, const SshCollectOptions& o,
                              const ssh::SessionSettings& settings, const std::string& command) {
  std::unique_ptr<ssh::Connection> bastion;
  if (t.bastion) {
    auto b = ssh::Connection::open(*t.bastion, t.key, settings);
    if (!b) return b.error().withContext("bastion");
    bastion = std::move(*b);
  }
  auto conn = ssh::Connection::open(SshEndpoint{t.user, t.host, t.port}, t.key, settings,
                                    std::move(bastion));
  if (!conn) return std::move(conn).error();
  auto out = (*conn)->exec(command, o.max_output_bytes, ssh::deadlineIn(o.command_timeout_seconds));
  if (!out) return std::move(out).error();
  const std::string& label = (*conn)->label();
  if (!out->exit_signal.empty()) {
    return makeError(Errc::kUnavailable, label + ": the probe was killed by signal " +
                                             out->exit_signal + " after " +
                                             std::to_string(out->out.size()) + " bytes of output");
  }
  const bool used_sudo = t.sudo && t.user != "root";
  if (out->exit_status != 0 && out->out.empty()) {
    const std::string why = reasonLine(out->err);
    if (used_sudo && out->exit_status == 127 && why.find("sudo") != std::string::npos) {
      return makeError(Errc::kPermission,
                       label + ": sudo -n: sudo is not installed on the node (" + why + ")");
    }
    if (used_sudo && why.rfind("sudo:", 0) == 0) {
      return makeError(Errc::kPermission,
                       label + ": sudo -n:" + why.substr(5) + " (user " + t.user +
                           " needs passwordless sudo to run the read-only probe; or log in as "
                           "root)");
    }
    return makeError(Errc::kUnavailable, label + ": the probe exited with status " +
                                             std::to_string(out->exit_status) +
                                             (why.empty() ? "" : ": " + why));
  }
  if (out->exit_status != 0) {
    spdlog::debug("ssh: node {}: the probe exited with status {}", t.name, out->exit_status);
  }
  return std::move(out->out);
}

}  // namespace

Result<NodeCollection> collectSsh(const SshCollectOptions& options,
                                  const model::Json* cluster_nodes) {
  std::optional<Inventory> inventory;
  if (!options.inventory.empty()) {
    auto text = readFile(options.inventory, 16 << 20);
    if (!text) return text.error().withContext("--ssh-inventory");
    auto inv = parseInventory(*text, options.inventory);
    if (!inv) return std::move(inv).error();
    inventory = std::move(*inv);
  }
  auto targets = deriveTargets(cluster_nodes, inventory ? &*inventory : nullptr, options.overrides);
  if (!targets) return std::move(targets).error();
  auto password = loadPassword(options);
  if (!password) return std::move(password).error();
  if (options.concurrency == 0) {
    return makeError(Errc::kInvalidArgument, "--ssh-concurrency must be at least 1");
  }
  const std::string script = probeScript(options.probe);
  if (script.size() > kMaxCommandBytes) {
    return makeError(Errc::kInternal, "the probe script is too large for one command (" +
                                          std::to_string(script.size()) + " bytes)");
  }
  if (auto s = ssh::initLibssh2(); !s) return std::move(s).error();

  ssh::KnownHostsStore known_hosts(
      options.known_hosts.empty() ? defaultKnownHosts() : options.known_hosts, options.accept_new,
      options.hash_known_hosts);
  ssh::SessionSettings settings;
  settings.timeout_seconds = options.timeout_seconds;
  settings.keepalive_seconds = options.keepalive_seconds;
  settings.known_hosts = &known_hosts;
  settings.password = std::move(*password);

  std::vector<NodeOutcome> outcomes(targets->size());
  auto work = [&](std::size_t i) {
    const SshTarget& t = (*targets)[i];
    const std::string subject = "node/" + t.name;
    NodeOutcome& out = outcomes[i];
    if (!t.skip_reason.empty()) {
      out.facts = {{"probe", {{"skipped", true}, {"reason", t.skip_reason}}}};
      return;
    }
    try {
      const auto started = ssh::Clock::now();
      auto output = runOnNode(t, options, settings, probeCommand(t, script));
      if (!output) {
        spdlog::warn("ssh: node {}: {}", t.name, output.error().message);
        out.errors.push_back({subject, "*", "ssh", output.error().message});
        return;
      }
      ProbeResult parsed = parseProbeOutput(*output, subject, "ssh");
      if (options.after_parse) options.after_parse(*output, subject, parsed);
      out.facts = std::move(parsed.facts);
      out.errors = std::move(parsed.errors);
      spdlog::debug(
          "ssh: node {}: {} bytes in {} ms", t.name, output->size(),
          std::chrono::duration_cast<std::chrono::milliseconds>(ssh::Clock::now() - started)
              .count());
    } catch (const std::exception& e) {
      out.errors.push_back({subject, "*", "ssh", std::string("internal error: ") + e.what()});
    }
  };
  std::function<void(std::size_t, std::size_t)> progress;
  if (options.progress) {
    progress = [](std::size_t done, std::size_t total) {
      std::cerr << "\rssh: " << done << "/" << total << " nodes" << (done == total ? "\n" : "")
                << std::flush;
    };
  }
  ssh::runBounded(targets->size(), options.concurrency, work, progress);

  NodeCollection result;
  for (std::size_t i = 0; i < targets->size(); ++i) {
    const auto& t = (*targets)[i];
    auto& o = outcomes[i];
    // A node that could not be reached gets no facts entry: its error explains the absence.
    const bool unreachable = !o.errors.empty() && o.errors.front().fact == "*" && o.facts.empty();
    if (!unreachable) result.nodes[t.name] = std::move(o.facts);
    for (auto& e : o.errors) result.errors.push_back(std::move(e));
  }
  return result;
}

}  // namespace kpatrol::collect
