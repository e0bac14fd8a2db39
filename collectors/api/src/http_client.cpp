// SPDX-License-Identifier: Apache-2.0
#include "http_client.h"

#include <algorithm>
#include <array>
#include <random>
#include <thread>

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "kpatrol/core/fs.h"

namespace kpatrol::collect::api {
namespace {

void globalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

struct CurlString {
  char* p = nullptr;
  ~CurlString() { curl_free(p); }
};

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// "3s", "1.5s".
std::string seconds(long ms) {
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  std::string s = std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100);
  return s + "s";
}

std::int64_t epochNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Credentials

Credentials::Credentials(const ClientConfig& config, std::chrono::milliseconds exec_timeout)
    : config_(config), exec_timeout_(exec_timeout) {}

Result<Credentials::Current> Credentials::get() {
  Current cur;
  cur.cert_pem = config_.client_cert_pem;
  cur.key_pem = config_.client_key_pem;
  if (!config_.token.empty()) {
    cur.bearer = config_.token;
  } else if (!config_.token_file.empty()) {
    // Re-read every time: service-account tokens are rotated on disk (about hourly).
    auto text = readFile(config_.token_file, std::size_t{1} << 20);
    if (!text) {
      return makeError(Errc::kPermission, "token file " + config_.token_file + " of " +
                                              config_.describeUser() +
                                              " cannot be read: " + text.error().message);
    }
    cur.bearer = trimmed(std::move(*text));
  }
  if (config_.exec) {
    std::lock_guard lock(mu_);
    const bool expired =
        exec_cached_ && exec_cached_->expires_at && *exec_cached_->expires_at <= epochNow() + 10;
    if (!exec_cached_ || expired) {
      auto cred = runExecPlugin(config_, exec_timeout_);
      if (!cred) return std::move(cred).error();
      exec_cached_ = std::move(*cred);
    }
    if (!exec_cached_->token.empty()) cur.bearer = exec_cached_->token;
    if (!exec_cached_->client_cert_pem.empty()) {
      cur.cert_pem = exec_cached_->client_cert_pem;
      cur.key_pem = exec_cached_->client_key_pem;
    }
  }
  return cur;
}

bool Credentials::invalidate() {
  if (config_.exec) {
    std::lock_guard lock(mu_);
    exec_cached_.reset();
    return true;
  }
  return !config_.token_file.empty();
}

// ---------------------------------------------------------------------------------------------
// Share

class HttpShare {
 public:
  HttpShare() {
    share_ = curl_share_init();
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &HttpShare::lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &HttpShare::unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  }
  ~HttpShare() { curl_share_cleanup(share_); }
  HttpShare(const HttpShare&) = delete;
  HttpShare& operator=(const HttpShare&) = delete;
  CURLSH* get() const { return share_; }

 private:
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<HttpShare*>(self)->mutexes_[static_cast<std::size_t>(data) % kLocks].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<HttpShare*>(self)->mutexes_[static_cast<std::size_t>(data) % kLocks].unlock();
  }
  static constexpr std::size_t kLocks = CURL_LOCK_DATA_LAST;
  CURLSH* share_ = nullptr;
  std::array<std::mutex, kLocks> mutexes_;
};

std::shared_ptr<HttpShare> makeHttpShare() {
  globalInit();
  return std::make_shared<HttpShare>();
}

// ---------------------------------------------------------------------------------------------
// Connection

struct Connection::Impl {
  const ClientConfig* config = nullptr;
  Credentials* credentials = nullptr;
  std::shared_ptr<HttpShare> share;
  EasyPtr easy;
  SlistPtr connect_to;
  std::string base;  // scheme://host:port/prefix as requested (tls-server-name as the host)
  char errbuf[CURL_ERROR_SIZE] = {};
  // Per transfer:
  std::string body;
  std::size_t max_body = 0;
  bool too_big = false;
  std::string retry_after;

  static size_t onData(char* ptr, size_t size, size_t n, void* self_v) {
    auto* self = static_cast<Impl*>(self_v);
    const std::size_t len = size * n;
    if (self->body.size() + len > self->max_body) {
      self->too_big = true;
      return 0;  // aborts the transfer: CURLE_WRITE_ERROR
    }
    self->body.append(ptr, len);
    return len;
  }
  static size_t onHeader(char* ptr, size_t size, size_t n, void* self_v) {
    auto* self = static_cast<Impl*>(self_v);
    const std::size_t len = size * n;
    std::string_view line(ptr, len);
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size()) {
      std::string lower(line.substr(0, kName.size()));
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower == kName) self->retry_after = trimmed(std::string(line.substr(kName.size())));
    }
    return len;
  }
};

Result<std::unique_ptr<Connection>> Connection::create(const ClientConfig& config,
                                                       Credentials& credentials,
                                                       std::shared_ptr<HttpShare> share) {
  globalInit();
  std::unique_ptr<Connection> conn(new Connection());
  conn->impl_ = std::make_unique<Impl>();
  Impl& im = *conn->impl_;
  im.config = &config;
  im.credentials = &credentials;
  im.share = std::move(share);
  im.easy.reset(curl_easy_init());
  if (!im.easy) return makeError(Errc::kInternal, "curl_easy_init failed");

  // Split the server URL so tls-server-name can stand in for the host (certificate check and
  // SNI) while the TCP connection still goes to the real address (CURLOPT_CONNECT_TO).
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (curl_url_set(url.get(), CURLUPART_URL, config.server.c_str(), 0) != CURLUE_OK) {
    return makeError(Errc::kInvalidArgument, "server \"" + config.server + "\" of " +
                                                 config.describeCluster() + " is not a valid URL");
  }
  CurlString scheme, host, port, path;
  curl_url_get(url.get(), CURLUPART_SCHEME, &scheme.p, 0);
  curl_url_get(url.get(), CURLUPART_HOST, &host.p, 0);
  curl_url_get(url.get(), CURLUPART_PORT, &port.p, CURLU_DEFAULT_PORT);
  curl_url_get(url.get(), CURLUPART_PATH, &path.p, 0);
  std::string prefix = path.p != nullptr ? path.p : "";
  while (prefix.ends_with('/')) prefix.pop_back();
  const std::string real_host = host.p != nullptr ? host.p : "";
  const std::string port_s = port.p != nullptr ? port.p : "443";
  std::string req_host = real_host;
  if (!config.tls_server_name.empty()) {
    req_host = config.tls_server_name;
    const std::string rule = req_host + ":" + port_s + ":" + real_host + ":" + port_s;
    im.connect_to.reset(curl_slist_append(nullptr, rule.c_str()));
  }
  im.base = std::string(scheme.p != nullptr ? scheme.p : "https") + "://" + req_host + ":" +
            port_s + prefix;

  CURL* c = im.easy.get();
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_SHARE, im.share->get());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, im.errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Impl::onData);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &im);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &Impl::onHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &im);
  // gzip only, as kubectl asks: "" would also offer brotli, which costs an API server that
  // honours it minutes of CPU per large list (quality 11); kube-apiserver itself only gzips.
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "kpatrol/" KPATROL_TOOL_VERSION);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  // No TLS session resumption, like kubectl: connections are kept alive and reused instead,
  // and some servers that ask for client certificates refuse resumed sessions.
  curl_easy_setopt(c, CURLOPT_SSL_SESSIONID_CACHE, 0L);
  if (im.connect_to) curl_easy_setopt(c, CURLOPT_CONNECT_TO, im.connect_to.get());
  if (!config.proxy_url.empty()) {
    // proxy-url replaces the environment's proxy settings, NO_PROXY included (as in kubectl).
    curl_easy_setopt(c, CURLOPT_PROXY, config.proxy_url.c_str());
    curl_easy_setopt(c, CURLOPT_NOPROXY, "");
  }
  if (config.insecure_skip_tls_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  } else {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!config.ca_pem.empty()) {
      // Only the kubeconfig's CA is trusted, as kubectl does; not the system store.
      curl_easy_setopt(c, CURLOPT_CAINFO, nullptr);
      curl_easy_setopt(c, CURLOPT_CAPATH, nullptr);
      curl_blob blob{const_cast<char*>(config.ca_pem.data()), config.ca_pem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
    }
  }
  return conn;
}

Connection::~Connection() = default;

std::string Connection::urlFor(const std::string& path) const { return impl_->base + path; }

Result<HttpResponse> Connection::get(const std::string& path, std::chrono::milliseconds timeout,
                                     std::size_t max_body) {
  return request("GET", path, std::string(), timeout, max_body);
}

Result<HttpResponse> Connection::request(const std::string& method, const std::string& path,
                                         const std::string& req_body,
                                         std::chrono::milliseconds timeout, std::size_t max_body) {
  Impl& im = *impl_;
  last_transient_ = false;
  CURL* c = im.easy.get();
  const std::string url = urlFor(path);
  auto creds = im.credentials->get();
  if (!creds) return std::move(creds).error();
  SlistPtr headers(curl_slist_append(nullptr, "Accept: application/json"));
  if (!creds->bearer.empty()) {
    const std::string auth = "Authorization: Bearer " + creds->bearer;
    headers.reset(curl_slist_append(headers.release(), auth.c_str()));
  }
  if (!creds->cert_pem.empty()) {
    curl_blob cert{creds->cert_pem.data(), creds->cert_pem.size(), CURL_BLOB_COPY};
    curl_blob key{creds->key_pem.data(), creds->key_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
    curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, &key);
  }
  if (!req_body.empty()) {
    headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
  }
  // The handle is reused: reset the method each time (GET is the default).
  if (method == "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, nullptr);
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, nullptr);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req_body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req_body.size()));
  }
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  const long ms = std::max<long>(1, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(ms, 10000));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_body));
  im.body.clear();
  im.body.shrink_to_fit();
  im.max_body = max_body;
  im.too_big = false;
  im.retry_after.clear();
  im.errbuf[0] = '\0';
  spdlog::debug("{} {}", method, url);
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  if (method != "GET") {
    // Leave the handle as a GET for the next request.
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, nullptr);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, nullptr);
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  std::string detail = im.errbuf[0] != '\0' ? std::string(im.errbuf) : curl_easy_strerror(rc);
  const std::string cluster = im.config->describeCluster();
  if (im.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
    im.body.clear();
    im.body.shrink_to_fit();
    return makeError(Errc::kIntegrity, "response from " + url + " is larger than the " +
                                           std::to_string(max_body >> 20) +
                                           " MiB limit (--max-response-mib); not kept");
  }
  switch (rc) {
    case CURLE_OK:
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
      return makeError(
          Errc::kUnavailable,
          "TLS verification of " + url + " failed: " + detail +
              ". kpatrol never falls back to an unverified connection. To fix it: if the "
              "server's certificate is signed by another CA, set certificate-authority or "
              "certificate-authority-data of " +
              cluster +
              " to that CA; if the certificate does not name the address in `server`, set "
              "tls-server-name of " +
              cluster + " to a name the certificate carries");
    case CURLE_SSL_CACERT_BADFILE:
      return makeError(Errc::kInvalidArgument, "the certificate authority of " + cluster +
                                                   " could not be loaded: " + detail);
    case CURLE_SSL_CERTPROBLEM:
      return makeError(Errc::kInvalidArgument, "the client certificate/key of " +
                                                   im.config->describeUser() +
                                                   " could not be used: " + detail);
    case CURLE_OPERATION_TIMEDOUT:
      return makeError(Errc::kTimeout, method + " " + url + " timed out after " + seconds(ms) +
                                           " (--request-timeout): " + detail);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return makeError(Errc::kUnavailable,
                       "cannot reach the API server " + url + " (" + cluster + "): " + detail);
    case CURLE_SSL_CONNECT_ERROR:
      last_transient_ = false;
      return makeError(Errc::kUnavailable,
                       "TLS handshake with " + url + " failed: " + detail +
                           " (does the server require a client certificate, or speak TLS at all?)");
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
      last_transient_ = true;
      return makeError(Errc::kUnavailable, method + " " + url + " failed: " + detail);
    default:
      return makeError(Errc::kUnavailable, method + " " + url + " failed: " + detail);
  }
  HttpResponse resp;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  resp.body = std::move(im.body);
  im.body = std::string();
  resp.retry_after = im.retry_after;
  resp.url = url;
  spdlog::debug("{} {} -> {} ({} bytes)", method, url, resp.status, resp.body.size());
  return resp;
}

// ---------------------------------------------------------------------------------------------

Result<HttpResponse> fetch(Connection& conn, Credentials& credentials, const std::string& path,
                           const FetchOptions& options) {
  return send(conn, credentials, "GET", path, std::string(), options);
}

Result<HttpResponse> send(Connection& conn, Credentials& credentials, const std::string& method,
                          const std::string& path, const std::string& body,
                          const FetchOptions& options) {
  const bool idempotent = method != "POST";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  bool refreshed = false;
  for (int attempt = 1;; ++attempt) {
    const auto now = std::chrono::steady_clock::now();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(options.deadline - now);
    if (left.count() <= 0) {
      return makeError(Errc::kTimeout, method + " " + conn.urlFor(path) +
                                           ": the collection time limit (--collect-timeout) "
                                           "was reached");
    }
    const bool budget_bound = left < options.request_timeout;
    auto resp =
        conn.request(method, path, body, std::min(options.request_timeout, left), options.max_body);
    std::optional<std::chrono::milliseconds> delay;
    if (!resp && resp.error().code == Errc::kTimeout && budget_bound) {
      return makeError(Errc::kTimeout, method + " " + conn.urlFor(path) +
                                           ": the collection time limit (--collect-timeout) "
                                           "was reached before it answered");
    }
    if (!resp) {
      if (!conn.lastTransient()) return resp;
      delay = retryDelay(options.retry, attempt, std::nullopt, uniform(rng));
      if (!delay) return resp;
      spdlog::debug("{}; retry {} in {}ms", resp.error().message, attempt, delay->count());
    } else if (resp->status == 401 && !refreshed && credentials.invalidate()) {
      refreshed = true;
      continue;
    } else if (retryableStatus(resp->status) &&
               (idempotent || resp->status == 429 || resp->status == 503)) {
      const auto ra = parseRetryAfter(resp->retry_after,
                                      std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
      delay = retryDelay(options.retry, attempt, ra, uniform(rng));
      if (!delay) return resp;
      spdlog::debug("{} {} -> {}; retry {} in {}ms", method, resp->url, resp->status, attempt,
                    delay->count());
    } else {
      return resp;
    }
    if (std::chrono::steady_clock::now() + *delay >= options.deadline) return resp;
    std::this_thread::sleep_for(*delay);
  }
}

std::string statusMessage(const std::string& body) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_object()) {
    if (auto m = doc.find("message"); m != doc.end() && m->is_string())
      return m->get<std::string>();
  }
  std::string out;
  for (char ch : body.substr(0, 200)) {
    out.push_back(ch >= 0x20 && ch < 0x7f ? ch : ' ');
  }
  return trimmed(out);
}

std::string statusLine(long status) {
  switch (status) {
    case 400:
      return "400 Bad Request";
    case 401:
      return "401 Unauthorized";
    case 403:
      return "403 Forbidden";
    case 404:
      return "404 Not Found";
    case 405:
      return "405 Method Not Allowed";
    case 406:
      return "406 Not Acceptable";
    case 409:
      return "409 Conflict";
    case 410:
      return "410 Gone";
    case 422:
      return "422 Unprocessable Entity";
    case 429:
      return "429 Too Many Requests";
    case 500:
      return "500 Internal Server Error";
    case 502:
      return "502 Bad Gateway";
    case 503:
      return "503 Service Unavailable";
    case 504:
      return "504 Gateway Timeout";
    default:
      return "HTTP " + std::to_string(status);
  }
}

}  // namespace kpatrol::collect::api
