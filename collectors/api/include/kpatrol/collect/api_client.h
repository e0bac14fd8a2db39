// SPDX-License-Identifier: Apache-2.0
// A small Kubernetes API client for the few requests outside the read-only collection: node
// collection through Jobs creates, polls, reads pod logs of and deletes its own Jobs. Same
// credentials, TLS checks, retries and redaction as the collector (nothing secret is logged:
// errors name the URL and the server's Status message, never a header or a request body).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "kpatrol/core/result.h"

namespace kpatrol::collect {

struct ApiClientOptions {
  std::string kubeconfig;
  std::string context;
  bool in_cluster = false;
  std::chrono::seconds request_timeout{30};
  std::size_t max_response_bytes = std::size_t{64} << 20;
};

/// An HTTP answer that is not an error of transport: status, body, and the URL asked.
struct ApiReply {
  long status = 0;
  std::string body;
  std::string url;
};

class ApiClient {
 public:
  /// Loads the kubeconfig / service account as `collect api` does. Not thread-safe: one
  /// connection, used by one thread.
  static Result<std::unique_ptr<ApiClient>> open(const ApiClientOptions& options);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  /// GET; `path` includes the query. Retries 429/5xx and transient failures within `deadline`.
  Result<ApiReply> get(const std::string& path, std::chrono::steady_clock::time_point deadline);
  /// POST of a JSON document (create). Retried only where the server did not act on it.
  Result<ApiReply> post(const std::string& path, const std::string& json_body,
                        std::chrono::steady_clock::time_point deadline);
  /// DELETE with a DeleteOptions JSON body (e.g. {"propagationPolicy":"Background"}).
  Result<ApiReply> del(const std::string& path, const std::string& json_options,
                       std::chrono::steady_clock::time_point deadline);

 private:
  ApiClient();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// An error for a non-2xx reply: "<verb> <url>: 403 Forbidden: <server's message>".
Error replyError(const std::string& verb, const ApiReply& reply);

/// Percent-encodes a query parameter value (label selectors: '=' and ',').
std::string queryEscape(const std::string& value);

}  // namespace kpatrol::collect
