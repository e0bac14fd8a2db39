// SPDX-License-Identifier: Apache-2.0
// exec credential plugins (client.authentication.k8s.io v1 / v1beta1), as kubectl runs them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kpatrol/core/result.h"
#include "kubeconfig.h"

namespace kpatrol::collect::api {

struct ExecCredential {
  std::string token;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::optional<std::int64_t> expires_at;  // epoch seconds
};

/// Parses the plugin's stdout (an ExecCredential object). `who` names the plugin and the user
/// entry in messages. Pure.
Result<ExecCredential> parseExecCredential(std::string_view text, const std::string& api_version,
                                           const std::string& who);

/// The KUBERNETES_EXEC_INFO value: an ExecCredential with spec.interactive=false and, when the
/// plugin asks for it (provideClusterInfo), spec.cluster.
std::string execInfo(const ClientConfig& config);

/// Runs the plugin (stdin /dev/null, its own process group), waits at most `timeout` (then
/// kills the group) and parses its output. Failures quote the plugin's stderr.
Result<ExecCredential> runExecPlugin(const ClientConfig& config, std::chrono::milliseconds timeout);

std::string encodeBase64(std::string_view data);

}  // namespace kpatrol::collect::api
