// SPDX-License-Identifier: Apache-2.0
// The write side of the API client (POST, DELETE) and plain GETs outside the collection, for
// node collection through Jobs.
#include "kpatrol/collect/api_client.h"

#include <cctype>

#include "http_client.h"
#include "kubeconfig.h"

namespace kpatrol::collect {

struct ApiClient::Impl {
  api::ClientConfig config;
  std::unique_ptr<api::Credentials> creds;
  std::shared_ptr<api::HttpShare> share;
  std::unique_ptr<api::Connection> conn;
  api::FetchOptions fo;

  Result<ApiReply> call(const std::string& method, const std::string& path, const std::string& body,
                        std::chrono::steady_clock::time_point deadline) {
    api::FetchOptions o = fo;
    o.deadline = deadline;
    auto r = api::send(*conn, *creds, method, path, body, o);
    if (!r) return std::move(r).error();
    return ApiReply{r->status, std::move(r->body), std::move(r->url)};
  }
};

ApiClient::ApiClient() : impl_(std::make_unique<Impl>()) {}
ApiClient::~ApiClient() = default;

Result<std::unique_ptr<ApiClient>> ApiClient::open(const ApiClientOptions& options) {
  auto config = api::loadClientConfig({options.kubeconfig, options.context, options.in_cluster});
  if (!config) return std::move(config).error();
  std::unique_ptr<ApiClient> client(new ApiClient());
  Impl& im = *client->impl_;
  im.config = std::move(*config);
  const auto timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(options.request_timeout);
  im.creds = std::make_unique<api::Credentials>(im.config, timeout);
  im.share = api::makeHttpShare();
  auto conn = api::Connection::create(im.config, *im.creds, im.share);
  if (!conn) return std::move(conn).error();
  im.conn = std::move(*conn);
  im.fo.request_timeout = timeout;
  im.fo.max_body = options.max_response_bytes;
  return client;
}

Result<ApiReply> ApiClient::get(const std::string& path,
                                std::chrono::steady_clock::time_point deadline) {
  return impl_->call("GET", path, std::string(), deadline);
}

Result<ApiReply> ApiClient::post(const std::string& path, const std::string& json_body,
                                 std::chrono::steady_clock::time_point deadline) {
  return impl_->call("POST", path, json_body, deadline);
}

Result<ApiReply> ApiClient::del(const std::string& path, const std::string& json_options,
                                std::chrono::steady_clock::time_point deadline) {
  return impl_->call("DELETE", path, json_options, deadline);
}

Error replyError(const std::string& verb, const ApiReply& reply) {
  Errc code = Errc::kUnavailable;
  if (reply.status == 401 || reply.status == 403) code = Errc::kPermission;
  if (reply.status == 404) code = Errc::kNotFound;
  if (reply.status == 400 || reply.status == 422) code = Errc::kInvalidArgument;
  const std::string detail = api::statusMessage(reply.body);
  return makeError(code, verb + " " + reply.url + ": " + api::statusLine(reply.status) +
                             (detail.empty() ? "" : ": " + detail));
}

std::string queryEscape(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

}  // namespace kpatrol::collect
