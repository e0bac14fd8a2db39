// SPDX-License-Identifier: Apache-2.0
// HTTPS to the API server with libcurl: verified TLS (in-memory CA, client certificate and key),
// tls-server-name, proxies, bearer tokens from a kubeconfig, a token file or an exec plugin,
// size-capped bodies, and retries with backoff. No secret is ever logged.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "exec_credential.h"
#include "kpatrol/core/result.h"
#include "kubeconfig.h"
#include "retry.h"

namespace kpatrol::collect::api {

/// The user's credentials, shared by all connections (thread-safe). An exec plugin runs once
/// per collection and again only when its credential expires or the server answers 401.
class Credentials {
 public:
  Credentials(const ClientConfig& config, std::chrono::milliseconds exec_timeout);
  struct Current {
    std::string bearer;
    std::string cert_pem;
    std::string key_pem;
  };
  Result<Current> get();
  /// After a 401: forget a cached exec credential. Returns whether anything can change.
  bool invalidate();

 private:
  const ClientConfig& config_;
  std::chrono::milliseconds exec_timeout_;
  std::mutex mu_;
  std::optional<ExecCredential> exec_cached_;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string retry_after;
  std::string url;
};

/// Shared by every connection: the DNS and connection caches (a curl share).
class HttpShare;
std::shared_ptr<HttpShare> makeHttpShare();

/// One curl easy handle, reused for every request a worker makes (keep-alive).
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> create(const ClientConfig& config,
                                                    Credentials& credentials,
                                                    std::shared_ptr<HttpShare> share);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// One GET of server + path (path includes the query). Transport failures are errors;
  /// any HTTP status is a response. lastTransient() tells whether a failure may pass on retry.
  Result<HttpResponse> get(const std::string& path, std::chrono::milliseconds timeout,
                           std::size_t max_body);
  /// Any method (GET, POST, DELETE) with an optional JSON body; same error handling as get().
  Result<HttpResponse> request(const std::string& method, const std::string& path,
                               const std::string& body, std::chrono::milliseconds timeout,
                               std::size_t max_body);
  bool lastTransient() const { return last_transient_; }
  std::string urlFor(const std::string& path) const;

 private:
  Connection() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool last_transient_ = false;
};

struct FetchOptions {
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::steady_clock::time_point deadline;  // the whole collection's
  std::size_t max_body = std::size_t{256} << 20;
  RetryPolicy retry;
};

/// GET with retries: 429 and 5xx (honouring Retry-After), transient transport failures, and
/// one retry after a 401 when the credential can be refreshed (exec plugin, token file).
Result<HttpResponse> fetch(Connection& conn, Credentials& credentials, const std::string& path,
                           const FetchOptions& options);

/// fetch() for any method. A POST that may have reached the server is retried only on 429 and
/// 503 (the server did not act on it) and on transient transport failures; the caller treats a
/// 409 AlreadyExists after a retry as its own earlier request having succeeded.
Result<HttpResponse> send(Connection& conn, Credentials& credentials, const std::string& method,
                          const std::string& path, const std::string& body,
                          const FetchOptions& options);

/// The `message` of a Kubernetes Status body, else the start of the body (printable only).
std::string statusMessage(const std::string& body);

/// "<status> <reason>" (e.g. "403 Forbidden").
std::string statusLine(long status);

}  // namespace kpatrol::collect::api
