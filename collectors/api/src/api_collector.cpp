// SPDX-License-Identifier: Apache-2.0
// Orchestrates one collection: configuration, /version, discovery, bounded parallel paged
// lists, kubelet configz, and the snapshot document.
#include "kpatrol/collect/api_collector.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "discovery.h"
#include "flavour.h"
#include "http_client.h"
#include "kpatrol/core/time.h"
#include "kpatrol/model/json_get.h"
#include "kubeconfig.h"
#include "list_page.h"

namespace kpatrol::collect {
namespace {

using api::Connection;
using api::Credentials;
using api::FetchOptions;
using api::ListTarget;

constexpr int kMaxRelists = 2;

std::string percentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

Errc errcForStatus(long status) {
  if (status == 401 || status == 403) return Errc::kPermission;
  if (status == 404) return Errc::kNotFound;
  return Errc::kUnavailable;
}

Error statusError(const api::HttpResponse& r) {
  std::string msg = api::statusLine(r.status) + ": ";
  const std::string detail = api::statusMessage(r.body);
  msg += detail.empty() ? "GET " + r.url : detail;
  return makeError(errcForStatus(r.status), msg);
}

// Where list pages go: one store for every kind, written under a mutex (lists run in parallel;
// the fetches do not hold it, only the parse of a page into the store).
struct PageSink {
  model::JsonBuilder& builder;
  std::mutex& mu;
};

// Lists one kind page by page, each page parsed into the store and its body dropped; a 410
// Gone on an expired continue token relists from the start (the items parsed so far are
// forgotten; their bytes stay in the store's arena, unused).
Result<std::vector<model::JsonView>> listKind(Connection& conn, Credentials& creds,
                                              const ListTarget& t, const FetchOptions& fo,
                                              unsigned page_size, PageSink& sink) {
  std::vector<model::JsonView> items;
  std::string cont;
  int relists = 0;
  while (true) {
    std::string query;
    if (page_size > 0) query += "&limit=" + std::to_string(page_size);
    if (!t.selector.empty()) query += "&" + t.selector;
    if (!cont.empty()) query += "&continue=" + percentEncode(cont);
    const std::string path = query.empty() ? t.path : t.path + "?" + query.substr(1);
    auto r = api::fetch(conn, creds, path, fo);
    if (!r) return std::move(r).error();
    if (r->status == 410 && !cont.empty() && relists < kMaxRelists) {
      ++relists;
      spdlog::info("{}: continue token expired (410 Gone); listing again from the start", t.plural);
      items.clear();
      cont.clear();
      continue;
    }
    if (r->status != 200) return statusError(*r);
    Result<api::PageInfo> page = makeError(Errc::kInternal, "not parsed");
    {
      std::lock_guard lock(sink.mu);
      page = api::parseListPage(r->body, r->url, t.plural, sink.builder, items);
    }
    r->body = std::string();  // the page is in the store now
    if (!page) return std::move(page).error();
    if (page->continue_token.empty()) return items;
    cont = std::move(page->continue_token);
  }
}

// Runs tasks [0, n) on at most `workers` threads, each with its own connection.
template <typename Fn>
void runParallel(unsigned workers, std::size_t n, const api::ClientConfig& config,
                 Credentials& creds, const std::shared_ptr<api::HttpShare>& share, Fn&& fn) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    auto conn = Connection::create(config, creds, share);
    for (std::size_t i = next++; i < n; i = next++) fn(conn ? conn->get() : nullptr, i);
  };
  const unsigned threads = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, workers), n));
  std::vector<std::jthread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work);
  if (threads > 0) work();
}

// The first requests decide whether collection can happen at all; their failures name the
// server, the context and the kubeconfig entries.
Error fatal(const api::ClientConfig& cfg, const Error& e) {
  std::string where = cfg.in_cluster ? "in-cluster API server " + cfg.server
                                     : "API server " + cfg.server + " (context \"" +
                                           cfg.context_name + "\", " + cfg.describeCluster() + ")";
  return makeError(e.code, "collecting from " + where + ": " + e.message);
}

Result<nlohmann::json> getJson(Connection& conn, Credentials& creds, const std::string& path,
                               const FetchOptions& fo, const api::ClientConfig& cfg) {
  auto r = api::fetch(conn, creds, path, fo);
  if (!r) return fatal(cfg, r.error());
  if (r->status == 401) {
    return fatal(cfg, makeError(Errc::kPermission,
                                "401 Unauthorized from " + r->url +
                                    ": the server rejected the "
                                    "credentials of " +
                                    cfg.describeUser() +
                                    " (expired or revoked token, or a client certificate it does "
                                    "not trust); renew them and retry. Server says: " +
                                    api::statusMessage(r->body)));
  }
  if (r->status != 200) {
    return fatal(
        cfg, makeError(errcForStatus(r->status), api::statusLine(r->status) + " from " + r->url +
                                                     ": " + api::statusMessage(r->body)));
  }
  auto doc = nlohmann::json::parse(r->body, nullptr, false);
  if (doc.is_discarded()) {
    return fatal(
        cfg, makeError(Errc::kParse, "the response from " + r->url + " is not JSON (it starts: \"" +
                                         api::bodyExcerpt(r->body) + "\")"));
  }
  return doc;
}

// Keeps the targets whose group version lists their plural (GET /api/v1, /apis/<gv>): a
// group can be served without every kind kpatrol knows (csidrivers on old servers). When a
// resource list cannot be read, its kinds are tried anyway.
std::vector<ListTarget> servedTargets(std::vector<ListTarget> targets, Connection& conn,
                                      Credentials& creds, const FetchOptions& fo) {
  std::map<std::string, std::optional<std::vector<std::string>>> lists;
  for (const auto& t : targets) lists[t.group_version];
  for (auto& [gv, plurals] : lists) {
    auto r = api::fetch(conn, creds, api::groupVersionPath(gv), fo);
    if (!r || r->status != 200) continue;
    auto parsed = api::parseResourceList(r->body);
    if (parsed) plurals = std::move(*parsed);
  }
  std::vector<ListTarget> out;
  for (auto& t : targets) {
    const auto& plurals = lists[t.group_version];
    if (plurals && std::find(plurals->begin(), plurals->end(), t.plural) == plurals->end()) {
      spdlog::debug("{} is not served by {}; not collected", t.plural, t.group_version);
      continue;
    }
    out.push_back(std::move(t));
  }
  return out;
}

struct KindOutcome {
  bool done = false;
  Result<std::vector<model::JsonView>> items = makeError(Errc::kInternal, "not collected");
};

// VmHWM of this process, for the collection's summary line (memory grows with what is kept).
long peakRssMib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) return std::atol(line.c_str() + 6) / 1024;
  }
  return -1;
}

model::Json errorEntry(const std::string& subject, const std::string& fact,
                       const std::string& message) {
  return {{"subject", subject}, {"fact", fact}, {"source", "api"}, {"message", message}};
}

}  // namespace

Result<model::SnapshotDraft> collectApi(const ApiCollectOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const std::string created_at = nowRfc3339();
  auto config_r = api::loadClientConfig({options.kubeconfig, options.context, options.in_cluster});
  if (!config_r) return std::move(config_r).error();
  const api::ClientConfig config = std::move(*config_r);
  if (config.insecure_skip_tls_verify) {
    spdlog::warn(
        "!!! TLS VERIFICATION IS OFF for {}: insecure-skip-tls-verify is set in {}. Anyone on "
        "the network path can impersonate the API server and read the credentials kpatrol "
        "sends. Set certificate-authority-data instead. !!!",
        config.server, config.describeCluster());
  }
  spdlog::info("collecting from {} as {} (context {})", config.server, config.describeUser(),
               config.context_name);

  const auto request_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(options.request_timeout);
  Credentials creds(config, request_timeout);
  auto share = api::makeHttpShare();
  FetchOptions fo;
  fo.request_timeout = request_timeout;
  fo.deadline = started + options.total_timeout;
  fo.max_body = options.max_response_bytes;
  FetchOptions discovery_fo = fo;
  discovery_fo.max_body = std::min<std::size_t>(fo.max_body, std::size_t{64} << 20);
  // Refused connections and TLS failures are not retried (fetch only retries transient
  // failures), so an unreachable server is reported at once.

  auto conn0 = Connection::create(config, creds, share);
  if (!conn0) return fatal(config, conn0.error());
  auto version = getJson(**conn0, creds, "/version", discovery_fo, config);
  if (!version) return std::move(version).error();
  const std::string git_version = version->value("gitVersion", std::string());
  auto api_doc = getJson(**conn0, creds, "/api", discovery_fo, config);
  if (!api_doc) return std::move(api_doc).error();
  auto apis_doc = getJson(**conn0, creds, "/apis", discovery_fo, config);
  if (!apis_doc) return std::move(apis_doc).error();
  auto served = api::parseDiscovery(api_doc->dump(), apis_doc->dump());
  if (!served) return fatal(config, served.error());
  const auto targets =
      servedTargets(api::planTargets(*served, options.namespace_), **conn0, creds, discovery_fo);
  if (options.planned) options.planned(targets.size());

  model::SnapshotDraft draft;
  model::JsonBuilder builder(*draft.store);
  std::mutex store_mu;
  PageSink sink{builder, store_mu};
  std::vector<KindOutcome> outcomes(targets.size());
  std::mutex progress_mu;
  runParallel(
      options.parallel, targets.size(), config, creds, share, [&](Connection* conn, std::size_t i) {
        Result<std::vector<model::JsonView>> got =
            conn != nullptr
                ? listKind(*conn, creds, targets[i], fo, options.page_size, sink)
                : Result<std::vector<model::JsonView>>(makeError(Errc::kInternal, "no connection"));
        const long n = got ? static_cast<long>(got->size()) : -1;
        if (!got) spdlog::warn("{}: {}", targets[i].plural, got.error().message);
        outcomes[i].items = std::move(got);
        outcomes[i].done = true;
        if (options.progress) {
          std::lock_guard lock(progress_mu);
          options.progress(targets[i].plural, n);
        }
      });

  model::Json errors = model::Json::array();
  std::size_t ok = 0;
  std::size_t unauthorized = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    auto& o = outcomes[i];
    if (o.items) {
      // The pages' items become one array: one 16-byte node per item, the items are shared.
      auto list = builder.array(*o.items);
      if (!list) return std::move(list).error();
      draft.objects[targets[i].plural] = *list;
      o.items = std::vector<model::JsonView>();
      ++ok;
    } else {
      if (o.items.error().message.starts_with("401")) ++unauthorized;
      errors.push_back(
          errorEntry("cluster", "objects." + targets[i].plural, o.items.error().message));
    }
  }
  if (ok == 0 && unauthorized > 0) {
    return fatal(config, makeError(Errc::kPermission,
                                   "every list was refused with 401 Unauthorized: the server "
                                   "rejected the credentials of " +
                                       config.describeUser()));
  }

  // Cluster identity: the kube-system namespace's uid.
  std::string uid;
  if (auto ns = draft.objects.find("namespaces"); ns != draft.objects.end()) {
    for (std::size_t i = 0; i < ns->second.size(); ++i) {
      const model::JsonView m = ns->second[i].find("metadata");
      if (m && m.find("name") && m.find("name").stringOr() == "kube-system")
        uid = std::string(m.find("uid") ? m.find("uid").stringOr() : "");
    }
  }
  if (uid.empty()) {
    auto r = api::fetch(**conn0, creds, "/api/v1/namespaces/kube-system", discovery_fo);
    if (r && r->status == 200) {
      auto ks = nlohmann::json::parse(r->body, nullptr, false);
      uid = model::stringAt(ks, {"metadata", "uid"});
    }
  }

  // Kubelet configuration through the API server's node proxy, for nodes SSH cannot reach.
  model::Json nodes_facts = model::Json::object();
  // The node list as nlohmann (for the flavour and virtual-node checks): a few thousand nodes at
  // most, dropped before returning. ConfigMaps: only kube-system/kubeadm-config matters there.
  const bool have_nodes = draft.objects.contains("nodes");
  const model::Json node_json = draft.objectsJson("nodes");
  const model::Json* node_list = have_nodes ? &node_json : nullptr;
  if (options.kubelet_configz && node_list != nullptr && !node_list->empty()) {
    std::vector<std::string> names;
    for (const auto& n : *node_list) {
      // Virtual nodes (ECI) have no kubelet: nothing to read, and nothing missing either.
      if (std::string name = model::stringAt(n, {"metadata", "name"});
          !name.empty() && !api::isVirtualNode(n))
        names.push_back(std::move(name));
    }
    std::vector<Result<model::Json>> configs(names.size(), makeError(Errc::kInternal, ""));
    FetchOptions cfo = fo;
    cfo.retry.max_attempts = 2;
    cfo.max_body = std::min<std::size_t>(fo.max_body, std::size_t{16} << 20);
    std::atomic<bool> forbidden{false};
    std::string forbidden_message;
    std::mutex forbidden_mu;
    auto one = [&](Connection* conn, std::size_t i) {
      if (forbidden) {
        std::lock_guard lock(forbidden_mu);
        configs[i] = makeError(Errc::kPermission, forbidden_message);
        return;
      }
      if (conn == nullptr) return;
      auto r = api::fetch(*conn, creds,
                          "/api/v1/nodes/" + percentEncode(names[i]) + "/proxy/configz", cfo);
      if (!r) {
        configs[i] = std::move(r).error();
      } else if (r->status != 200) {
        configs[i] = statusError(*r);
        if (r->status == 403) {
          std::lock_guard lock(forbidden_mu);
          forbidden_message = configs[i].error().message;
          forbidden = true;
        }
      } else {
        auto j = model::Json::parse(r->body, nullptr, false);
        if (j.is_object() && j.contains("kubeletconfig") && j["kubeletconfig"].is_object()) {
          configs[i] = std::move(j["kubeletconfig"]);
        } else {
          configs[i] = makeError(Errc::kParse, "the response from " + r->url +
                                                   " is not a configz document (it starts: \"" +
                                                   api::bodyExcerpt(r->body) + "\")");
        }
      }
    };
    // One node first: when RBAC refuses nodes/proxy, it refuses it for every node.
    if (!names.empty()) one(conn0->get(), 0);
    if (names.size() > 1) {
      runParallel(options.parallel, names.size() - 1, config, creds, share,
                  [&](Connection* conn, std::size_t i) { one(conn, i + 1); });
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (configs[i]) {
        nodes_facts[names[i]] = {
            {"kubelet", {{"config", std::move(*configs[i])}, {"config_source", "api-configz"}}}};
      } else {
        errors.push_back(
            errorEntry("node/" + names[i], "kubelet.config",
                       "kubelet configz through the API: " + configs[i].error().message));
      }
    }
  }

  model::Json kubeadm_cms = model::Json::array();
  const auto cms = draft.objects.find("configmaps");
  if (cms != draft.objects.end()) {
    for (std::size_t i = 0; i < cms->second.size(); ++i) {
      const model::JsonView m = cms->second[i].find("metadata");
      if (m && m.find("name") && m.find("name").stringOr() == "kubeadm-config" &&
          m.find("namespace") && m.find("namespace").stringOr() == "kube-system") {
        kubeadm_cms.push_back(cms->second[i].toJson());
      }
    }
  }
  const std::string flavour = api::detectFlavour(
      git_version, node_list, cms != draft.objects.end() ? &kubeadm_cms : nullptr);
  model::Json source = {{"type", "api"}, {"server", config.server}};
  if (config.in_cluster) {
    source["in_cluster"] = true;
  } else {
    source["context"] = config.context_name;
    source["user"] = config.user_name;
  }
  if (!options.namespace_.empty()) source["namespace"] = options.namespace_;
  model::Json& doc = draft.doc;
  doc["meta"] = {{"schema_version", model::kSnapshotSchemaVersion},
                 {"created_at", created_at},
                 {"cluster",
                  {{"name", config.cluster_name},
                   {"uid", uid},
                   {"version", git_version},
                   {"flavour", flavour}}},
                 {"sources", model::Json::array({source})}};
  doc["nodes"] = std::move(nodes_facts);
  doc["errors"] = std::move(errors);
  spdlog::info("collected {} kinds ({} failed) in {:.1f}s; peak RSS so far {} MiB", ok,
               targets.size() - ok,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
               peakRssMib());
  return draft;
}

}  // namespace kpatrol::collect
