// SPDX-License-Identifier: Apache-2.0
// kubeconfig and in-cluster configuration, read the way kubectl reads them. Parsing is pure
// (text in, values out) so it is tested on fixture text; only loadClientConfig touches the
// filesystem and the environment.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "kpatrol/core/result.h"

namespace kpatrol::collect::api {

/// users[].user.exec: a client-go credential plugin (client.authentication.k8s.io v1/v1beta1).
struct ExecConfig {
  std::string api_version;
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  bool provide_cluster_info = false;
  std::string interactive_mode;  // Never | IfAvailable | Always
  std::string install_hint;
  std::filesystem::path base_dir;  // relative commands with a '/' resolve against it
};

/// Everything needed to talk to one API server as one user. Secrets (token, key) are held in
/// memory only and never logged.
struct ClientConfig {
  std::string server;  // scheme://host[:port][/prefix], no trailing slash
  std::string ca_pem;  // empty: the system trust store
  std::string tls_server_name;
  std::string proxy_url;
  bool insecure_skip_tls_verify = false;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;
  std::string token_file;  // re-read before requests (rotated service-account tokens)
  std::optional<ExecConfig> exec;
  std::string namespace_;  // the context's (or the service account's) namespace
  // Where each part came from, for error messages.
  std::string context_name;
  std::string cluster_name;
  std::string user_name;
  std::string cluster_file;  // kubeconfig defining the cluster entry
  std::string user_file;     // kubeconfig defining the user entry
  bool in_cluster = false;

  /// "user \"alice\" in /path/config" or "the service account token /var/run/...".
  std::string describeUser() const;
  /// "cluster \"prod\" in /path/config" or "the in-cluster service".
  std::string describeCluster() const;
};

/// One named entry of clusters/users/contexts, with the file and line it came from.
struct NamedEntry {
  std::string name;
  YAML::Node body;  // the "cluster" / "user" / "context" mapping
  std::string file;
  int line = 0;
};

/// One parsed kubeconfig file (structure checked; entry fields are checked when used).
struct KubeconfigFile {
  std::string path;
  std::vector<NamedEntry> clusters;
  std::vector<NamedEntry> users;
  std::vector<NamedEntry> contexts;
  std::string current_context;
};

/// Parses one kubeconfig's text. Errors name path:line and the field.
Result<KubeconfigFile> parseKubeconfig(const std::string& text, const std::string& path);

/// kubectl's merge of several files: for clusters, users and contexts the first file that
/// defines a name wins; current-context comes from the first file that sets it.
KubeconfigFile mergeKubeconfigs(const std::vector<KubeconfigFile>& files);

/// Resolves `context` (empty: current-context) of a merged kubeconfig into a ClientConfig.
/// Reads referenced files (certificate-authority, client-certificate, client-key), resolving
/// relative paths against the directory of the kubeconfig that names them.
Result<ClientConfig> resolveContext(const KubeconfigFile& merged, const std::string& context);

/// The files $KUBECONFIG names (':'-separated, empties and duplicates dropped).
std::vector<std::string> splitKubeconfigEnv(const std::string& value);

struct LoadOptions {
  std::string kubeconfig;   // --kubeconfig
  std::string context;      // --context
  bool in_cluster = false;  // --in-cluster
};

/// kubectl's lookup: --kubeconfig, else $KUBECONFIG (merged; missing files skipped), else
/// ~/.kube/config; with none of them present and KUBERNETES_SERVICE_HOST set, the in-cluster
/// service account. --in-cluster forces the latter.
Result<ClientConfig> loadClientConfig(const LoadOptions& options);

/// In-cluster configuration: KUBERNETES_SERVICE_HOST/PORT and the service-account directory
/// ($KPATROL_SERVICEACCOUNT_DIR, else /var/run/secrets/kubernetes.io/serviceaccount).
Result<ClientConfig> inClusterConfig();
std::filesystem::path serviceAccountDir();

/// Standard base64 (whitespace ignored); nullopt when malformed.
std::optional<std::string> decodeBase64(std::string_view text);

}  // namespace kpatrol::collect::api
