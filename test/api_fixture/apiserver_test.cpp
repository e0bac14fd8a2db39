// SPDX-License-Identifier: Apache-2.0
// The fixture API server's request handling without sockets: discovery, lists, paging,
// selectors, Tables, auth decisions and every injected fault, on the demo and ACK states.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "api.h"
#include "options.h"
#include "selectors.h"
#include "state.h"
#include "table.h"

using namespace kpatrol;
using namespace kpatrol::fixture;
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

const fs::path kFixtures = fs::path(KPATROL_SOURCE_DIR) / "fixtures";

const State& demoState() {
  static const State state = [] {
    auto s = loadState(kFixtures / "demo");
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
    return std::move(*s);
  }();
  return state;
}

Options baseOptions() {
  Options opt;
  opt.state_dir = (kFixtures / "demo").string();
  opt.tokens = {"good"};
  opt.expired_tokens = {"old"};
  return opt;
}

ApiRequest get(const std::string& path, std::map<std::string, std::string> params = {}) {
  ApiRequest req;
  req.path = path;
  req.params = std::move(params);
  req.bearer_token = "good";
  return req;
}

Json body(const ApiResponse& res) { return Json::parse(res.body); }

std::size_t fixtureCount(const std::string& plural) {
  const auto* col = demoState().find(plural);
  return col == nullptr ? 0 : col->items.size();
}

}  // namespace

TEST_CASE("fixture apiserver: options") {
  auto ok = parseOptions({"--state", "d", "--tls-cert", "c", "--tls-key", "k", "--ready-file", "r",
                          "--token", "t", "--forbid", "roles", "--slow", "pods=250", "--huge",
                          "events=3", "--max-page", "50"});
  REQUIRE(ok.ok());
  CHECK(ok->faults.forbid.count("roles") == 1);
  CHECK(ok->faults.slow_ms.at("pods") == 250);
  CHECK(ok->faults.huge_mb.at("events") == 3);
  CHECK(ok->faults.max_page == 50);
  CHECK_FALSE(
      parseOptions({"--state", "d", "--tls-cert", "c", "--tls-key", "k", "--ready-file", "r"})
          .ok());  // no auth at all
  CHECK_FALSE(parseOptions({"--state", "d", "--tls-cert", "c", "--tls-key", "k", "--ready-file",
                            "r", "--token", "t", "--slow", "pods"})
                  .ok());
  CHECK_FALSE(parseOptions({"--bogus"}).ok());
}

TEST_CASE("fixture apiserver: state loading keeps objects compact and sorted") {
  const auto& s = demoState();
  CHECK(s.git_version == "v1.28.3");
  REQUIRE(s.find("pods") != nullptr);
  CHECK(s.find("secrets") == nullptr);
  const auto& pods = s.find("pods")->items;
  for (std::size_t i = 1; i < pods.size(); ++i) {
    CHECK(std::tie(pods[i - 1].ns, pods[i - 1].name) < std::tie(pods[i].ns, pods[i].name));
  }
  CHECK(pods.front().json.find("managedFields") == std::string::npos);
  CHECK(s.configz.count("worker-1") == 1);
  CHECK(Json::parse(s.configz.at("worker-1")).at("kubeletconfig").contains("authentication"));
}

TEST_CASE("fixture apiserver: authentication") {
  Api api(demoState(), baseOptions());
  auto req = get("/api/v1/nodes");
  CHECK(api.handle(req).status == 200);
  req.bearer_token = "wrong";
  auto res = api.handle(req);
  CHECK(res.status == 401);
  CHECK(body(res).at("reason") == "Unauthorized");
  req.bearer_token = "old";  // --expired-token
  CHECK(api.handle(req).status == 401);
  req.bearer_token = "";
  req.client_cert_verified = true;  // no --client-ca: a certificate does not count
  CHECK(api.handle(req).status == 401);
  auto with_ca = baseOptions();
  with_ca.client_ca = "ca.crt";
  Api api2(demoState(), with_ca);
  CHECK(api2.handle(req).status == 200);
  CHECK(api2.handle(get("/healthz")).status == 200);
}

TEST_CASE("fixture apiserver: discovery") {
  Api api(demoState(), baseOptions());
  auto version = body(api.handle(get("/version")));
  CHECK(version.at("gitVersion") == "v1.28.3");
  CHECK(version.at("major") == "1");
  CHECK(version.at("minor") == "28");

  auto core = body(api.handle(get("/api")));
  CHECK(core.at("kind") == "APIVersions");
  CHECK(core.at("versions") == Json::array({"v1"}));

  auto v1 = body(api.handle(get("/api/v1")));
  CHECK(v1.at("kind") == "APIResourceList");
  bool pods = false, secrets = false, deployments = false;
  for (const auto& r : v1.at("resources")) {
    if (r.at("name") == "pods") pods = r.at("namespaced") == true && r.at("kind") == "Pod";
    if (r.at("name") == "secrets") secrets = true;
    if (r.at("name") == "deployments") deployments = true;
  }
  CHECK(pods);
  CHECK(secrets);
  CHECK_FALSE(deployments);

  auto groups = body(api.handle(get("/apis")));
  CHECK(groups.at("kind") == "APIGroupList");
  bool apps = false, apiext = false;
  for (const auto& g : groups.at("groups")) {
    if (g.at("name") == "apps") apps = g.at("preferredVersion").at("groupVersion") == "apps/v1";
    if (g.at("name") == "apiextensions.k8s.io") apiext = true;
  }
  CHECK(apps);
  CHECK(apiext);  // built-in kinds are served (empty) like a real kube-apiserver
  bool snapshots = false;
  for (const auto& g : groups.at("groups")) snapshots |= g.at("name") == "snapshot.storage.k8s.io";
  CHECK_FALSE(snapshots);  // an add-on's CRD: only when recorded

  auto appsv1 = body(api.handle(get("/apis/apps/v1")));
  CHECK(appsv1.at("groupVersion") == "apps/v1");
  CHECK(body(api.handle(get("/apis/apps"))).at("kind") == "APIGroup");
  CHECK(api.handle(get("/apis/apps/v2")).status == 404);
  CHECK(api.handle(get("/apis/snapshot.storage.k8s.io/v1")).status == 404);
  auto crds = api.handle(get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions"));
  CHECK(crds.status == 200);
  CHECK(body(crds).at("items").empty());

  // --only-recorded: just the kinds with a file.
  auto recorded = loadState(kFixtures / "demo", true);
  REQUIRE(recorded.ok());
  Api only(std::move(*recorded), baseOptions());
  CHECK(only.handle(get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")).status == 404);
  CHECK(only.handle(get("/apis/apiextensions.k8s.io/v1")).status == 404);
}

TEST_CASE("fixture apiserver: lists, namespaces, get by name, 404s") {
  Api api(demoState(), baseOptions());
  auto all = body(api.handle(get("/api/v1/pods")));
  CHECK(all.at("kind") == "PodList");
  CHECK(all.at("apiVersion") == "v1");
  CHECK(all.at("metadata").at("resourceVersion") == demoState().resource_version);
  CHECK(all.at("items").size() == fixtureCount("pods"));

  auto shop = body(api.handle(get("/api/v1/namespaces/shop/pods")));
  CHECK(shop.at("items").size() > 0);
  for (const auto& p : shop.at("items")) CHECK(p.at("metadata").at("namespace") == "shop");

  auto deploys = body(api.handle(get("/apis/apps/v1/deployments")));
  CHECK(deploys.at("kind") == "DeploymentList");
  CHECK(deploys.at("apiVersion") == "apps/v1");
  CHECK(api.handle(get("/api/v1/deployments")).status == 404);  // wrong group

  auto ns = api.handle(get("/api/v1/namespaces/shop"));
  CHECK(ns.status == 200);
  CHECK(body(ns).at("kind") == "Namespace");
  auto node = body(api.handle(get("/api/v1/nodes/worker-1")));
  CHECK(node.at("metadata").at("name") == "worker-1");
  auto missing = api.handle(get("/api/v1/namespaces/shop/pods/nope"));
  CHECK(missing.status == 404);
  CHECK(body(missing).at("reason") == "NotFound");
  CHECK(body(missing).at("message") == "pods \"nope\" not found");
  CHECK(api.handle(get("/api/v1/namespaces/shop/nodes")).status == 404);  // cluster-scoped
  auto unknown = api.handle(get("/not/a/path"));
  CHECK(unknown.status == 404);
  CHECK(body(unknown).at("kind") == "Status");
  auto post = get("/api/v1/pods");
  post.method = "POST";
  CHECK(api.handle(post).status == 405);
}

TEST_CASE("fixture apiserver: paging with opaque continue tokens") {
  Api api(demoState(), baseOptions());
  std::size_t seen = 0;
  std::string cont;
  std::string last;
  int pages = 0;
  do {
    std::map<std::string, std::string> params = {{"limit", "20"}};
    if (!cont.empty()) params["continue"] = cont;
    auto page = body(api.handle(get("/api/v1/pods", params)));
    REQUIRE(page.at("items").size() <= 20);
    for (const auto& p : page.at("items")) {
      std::string key = p.at("metadata").at("namespace").get<std::string>() + "/" +
                        p.at("metadata").at("name").get<std::string>();
      CHECK(key > last);
      last = key;
    }
    seen += page.at("items").size();
    cont = page.at("metadata").value("continue", "");
    if (!cont.empty()) {
      CHECK(page.at("metadata").at("remainingItemCount") == fixtureCount("pods") - seen);
    }
    ++pages;
  } while (!cont.empty() && pages < 100);
  CHECK(seen == fixtureCount("pods"));
  CHECK(pages == static_cast<int>((fixtureCount("pods") + 19) / 20));

  auto bad = api.handle(get("/api/v1/pods", {{"continue", "not-a-token!"}}));
  CHECK(bad.status == 400);
  // A token from another resource is refused too.
  auto p1 = body(api.handle(get("/api/v1/events", {{"limit", "1"}})));
  auto cross = api.handle(get("/api/v1/pods", {{"continue", p1["metadata"]["continue"]}}));
  CHECK(cross.status == 400);
}

TEST_CASE("fixture apiserver: label and field selectors") {
  Api api(demoState(), baseOptions());
  auto warnings = body(api.handle(get("/api/v1/events", {{"fieldSelector", "type=Warning"}})));
  REQUIRE(warnings.at("items").size() > 0);
  for (const auto& e : warnings.at("items")) CHECK(e.at("type") == "Warning");

  auto ns = body(api.handle(get("/api/v1/pods", {{"fieldSelector", "metadata.namespace=shop"}})));
  auto direct = body(api.handle(get("/api/v1/namespaces/shop/pods")));
  CHECK(ns.at("items").size() == direct.at("items").size());

  auto not_ks =
      body(api.handle(get("/api/v1/pods", {{"fieldSelector", "metadata.namespace!=kube-system"}})));
  for (const auto& p : not_ks.at("items")) CHECK(p.at("metadata").at("namespace") != "kube-system");

  auto pending = body(api.handle(get("/api/v1/pods", {{"fieldSelector", "spec.nodeName="}})));
  CHECK(pending.at("items").size() == 1);  // the unschedulable report-generator pod

  auto cart = body(api.handle(get("/api/v1/namespaces/shop/pods",
                                  {{"labelSelector", "app.kubernetes.io/name in (cart)"}})));
  CHECK(cart.at("items").size() == 4);
  auto bad = api.handle(get("/api/v1/pods", {{"fieldSelector", "spec.bogus=1"}}));
  CHECK(bad.status == 400);
  CHECK(body(bad).at("message") == "field label not supported: spec.bogus");

  auto sel = parseLabelSelector("a=1,b!=2,c in (x, y),d notin (z),e,!f");
  REQUIRE(sel.ok());
  CHECK(matches(*sel, {{"a", "1"}, {"b", "3"}, {"c", "y"}, {"e", ""}}, false));
  CHECK_FALSE(matches(*sel, {{"a", "1"}, {"b", "3"}, {"c", "y"}, {"e", ""}, {"f", "1"}}, false));
  CHECK_FALSE(matches(*sel, {{"a", "1"}, {"b", "3"}, {"c", "y"}, {"d", "z"}, {"e", ""}}, false));
  CHECK_FALSE(parseLabelSelector("a in (x").ok());
}

TEST_CASE("fixture apiserver: Tables for kubectl") {
  Api api(demoState(), baseOptions());
  auto req = get("/api/v1/nodes");
  req.accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  auto table = body(api.handle(req));
  CHECK(table.at("kind") == "Table");
  CHECK(table.at("apiVersion") == "meta.k8s.io/v1");
  CHECK(table.at("columnDefinitions").at(0).at("name") == "Name");
  CHECK(table.at("columnDefinitions").at(1).at("name") == "Status");
  REQUIRE(table.at("rows").size() == fixtureCount("nodes"));
  const auto& row = table.at("rows").at(0);
  CHECK(row.at("cells").at(0) == "master-1");
  CHECK(row.at("cells").at(1) == "Ready");
  CHECK(row.at("cells").at(2) == "control-plane");
  CHECK(row.at("object").at("kind") == "PartialObjectMetadata");
  CHECK(row.at("object").at("metadata").at("name") == "master-1");

  req = get("/api/v1/namespaces/shop/pods", {{"limit", "2"}, {"includeObject", "None"}});
  req.accept = "application/json;as=Table;v=v1;g=meta.k8s.io";
  auto pods = body(api.handle(req));
  CHECK(pods.at("rows").size() == 2);
  CHECK_FALSE(pods.at("rows").at(0).contains("object"));
  CHECK(pods.at("metadata").contains("continue"));

  CHECK(humanAge(45) == "45s");
  CHECK(humanAge(185) == "3m5s");
  CHECK(humanAge(3 * 3600 + 60) == "3h1m");
  CHECK(humanAge(30 * 3600) == "30h");
  CHECK(humanAge(3 * 86400 + 7200) == "3d2h");
  CHECK(humanAge(400 * 86400) == "400d");
  CHECK(humanAge(-5) == "<invalid>");
}

TEST_CASE("fixture apiserver: configz") {
  Api api(demoState(), baseOptions());
  auto res = api.handle(get("/api/v1/nodes/worker-5/proxy/configz"));
  REQUIRE(res.status == 200);
  auto cfg = body(res).at("kubeletconfig");
  CHECK(cfg.at("authentication").at("anonymous").at("enabled") == true);  // planted fault 10
  CHECK_FALSE(cfg.contains("kind"));
  CHECK(api.handle(get("/api/v1/nodes/nope/proxy/configz")).status == 404);
  CHECK(api.handle(get("/api/v1/nodes/worker-5/proxy/metrics")).status == 404);
}

TEST_CASE("fixture apiserver: secrets are never served") {
  Api api(demoState(), baseOptions());
  auto res = api.handle(get("/api/v1/namespaces/default/secrets"));
  CHECK(res.status == 403);
  CHECK(body(res).at("reason") == "Forbidden");
  CHECK(api.handle(get("/api/v1/secrets")).status == 403);
}

TEST_CASE("fixture apiserver: injected faults") {
  auto opt = baseOptions();
  opt.faults.forbid = {"roles"};
  opt.faults.throttle_once = {"pods"};
  opt.faults.fail_once = {"nodes"};
  opt.faults.slow_ms = {{"services", 300}};
  opt.faults.truncate = {"configmaps"};
  opt.faults.expire_continue = {"events"};
  opt.faults.non_json = {"leases"};
  opt.faults.huge_mb = {{"deployments", 2}};
  opt.faults.max_page = 7;
  Api api(demoState(), opt);

  auto forbidden = api.handle(get("/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles"));
  CHECK(forbidden.status == 403);
  CHECK(body(forbidden).at("message").get<std::string>().find("in the namespace \"shop\"") !=
        std::string::npos);

  auto throttled = api.handle(get("/api/v1/pods"));
  CHECK(throttled.status == 429);
  CHECK(throttled.headers.at(0) == std::make_pair(std::string("Retry-After"), std::string("1")));
  CHECK(api.handle(get("/api/v1/pods")).status == 200);

  CHECK(api.handle(get("/api/v1/nodes")).status == 500);
  CHECK(api.handle(get("/api/v1/nodes")).status == 200);

  CHECK(api.handle(get("/api/v1/services")).delay_ms == 300);

  auto truncated = api.handle(get("/api/v1/configmaps"));
  CHECK(truncated.truncated);
  CHECK(truncated.declared_length > truncated.body.size());

  auto first = body(api.handle(get("/api/v1/events")));  // max-page caps even without limit
  CHECK(first.at("items").size() == 7);
  const std::string token = first.at("metadata").at("continue");
  auto expired = api.handle(get("/api/v1/events", {{"continue", token}}));
  CHECK(expired.status == 410);
  CHECK(body(expired).at("reason") == "Expired");
  CHECK(api.handle(get("/api/v1/events", {{"continue", token}})).status == 200);

  auto html = api.handle(get("/apis/coordination.k8s.io/v1/leases"));
  CHECK(html.status == 200);
  CHECK(html.content_type.find("text/html") == 0);
  CHECK_FALSE(Json::accept(html.body));

  auto huge = api.handle(get("/apis/apps/v1/deployments"));
  REQUIRE(huge.generator);
  std::string all;
  int guard = 0;
  while (huge.generator(all) && ++guard < 100000) {
  }
  CHECK(all.size() == huge.generated_length);
  CHECK(all.size() >= (std::size_t{2} << 20) - 65536);
  auto parsed = Json::parse(all);
  CHECK(parsed.at("kind") == "DeploymentList");
  CHECK(parsed.at("items").size() > 20);
}

TEST_CASE("fixture apiserver: the ACK state") {
  auto state = loadState(kFixtures / "ack");
  REQUIRE(state.ok());
  CHECK(state->git_version == "v1.30.7-aliyun.1");
  Api api(std::move(*state), baseOptions());
  auto version = body(api.handle(get("/version")));
  CHECK(version.at("minor") == "30");
  auto vk = body(api.handle(get("/api/v1/nodes/virtual-kubelet-cn-hangzhou-k")));
  CHECK(vk.at("spec").at("taints").at(0).at("key") == "virtual-kubelet.io/provider");
  auto eci = body(api.handle(
      get("/api/v1/pods", {{"fieldSelector", "spec.nodeName=virtual-kubelet-cn-hangzhou-k"}})));
  CHECK(eci.at("items").size() >= 2);
  CHECK(api.handle(get("/api/v1/nodes/cn-hangzhou.10.0.1.12/proxy/configz")).status == 200);
  CHECK(api.handle(get("/api/v1/nodes/cn-hangzhou.10.0.1.13/proxy/configz")).status == 404);
  auto ds = api.handle(get("/apis/apps/v1/namespaces/kube-system/daemonsets/terway-eniip"));
  CHECK(ds.status == 200);
}
