// SPDX-License-Identifier: Apache-2.0
// The offline manifests source on real-world-shaped input (test/api_fixture/data/manifests):
// Helm output, kubectl get -o yaml|json Lists, raw typed lists, kustomize output, Secrets that
// must vanish, and malformed files that must be named with their line.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "kpatrol/collect/manifests.h"
#include "kpatrol/model/snapshot.h"

using namespace kpatrol;
namespace fs = std::filesystem;
using model::Json;

namespace {

const fs::path kData = fs::path(KPATROL_SOURCE_DIR) / "test/api_fixture/data/manifests";

std::size_t count(const Json& doc, const std::string& plural) {
  const auto& objects = doc.at("objects");
  return objects.contains(plural) ? objects.at(plural).size() : 0;
}

const Json* find(const Json& doc, const std::string& plural, const std::string& name) {
  if (!doc.at("objects").contains(plural)) return nullptr;
  for (const auto& o : doc.at("objects").at(plural)) {
    if (o.at("metadata").value("name", "") == name) return &o;
  }
  return nullptr;
}

// A scratch directory removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("kpatrol-manifests-" + std::to_string(::getpid()) + "-" + std::to_string(++counter()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  fs::path write(const std::string& name, const std::string& text) const {
    auto p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p;
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

}  // namespace

TEST_CASE("manifests: a directory of real-world YAML and JSON becomes one snapshot document") {
  auto doc = collect::loadManifests({kData / "good"});
  REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? "" : doc.error().message));

  // meta
  const auto& meta = doc->at("meta");
  CHECK(meta.at("cluster").at("name") == "manifests");
  CHECK(meta.at("cluster").at("flavour") == "unknown");
  CHECK(meta.at("cluster").at("version") == "");
  CHECK(meta.at("sources").at(0).at("type") == "manifests");
  CHECK(meta.at("sources").at(0).at("paths").at(0) == (kData / "good").string());
  CHECK(meta.at("created_at").get<std::string>().size() == 20);  // 2026-12-01T19:33:55Z
  CHECK(doc->at("nodes") == Json::object());
  CHECK(doc->at("errors") == Json::array());

  // Helm output (comments, '---', an empty template), kubectl Lists, a typed PodList, kustomize.
  CHECK(count(*doc, "serviceaccounts") == 1);
  CHECK(count(*doc, "configmaps") == 2);
  CHECK(count(*doc, "services") == 2);
  CHECK(count(*doc, "deployments") == 3);
  CHECK(count(*doc, "poddisruptionbudgets") == 1);
  // 3 Pods as written, plus one Pod built from each Deployment's template (none of the input's
  // Pods belongs to a Deployment).
  CHECK(count(*doc, "pods") == 6);
  CHECK(meta.at("sources").at(0).at("template_pods") == 3);
  CHECK(count(*doc, "namespaces") == 1);
  CHECK(count(*doc, "networkpolicies") == 1);
  CHECK(count(*doc, "clusterroles") == 1);
  CHECK(count(*doc, "rolebindings") == 1);
  CHECK(count(*doc, "servicemonitors") == 1);  // unknown kind: the plural guess
  CHECK_FALSE(doc->at("objects").contains("kustomizations"));
  CHECK_FALSE(doc->at("objects").contains("lists"));

  // Secrets vanish: no plural, and none of their bytes anywhere in the document.
  CHECK_FALSE(doc->at("objects").contains("secrets"));
  const std::string text = doc->dump();
  CHECK(text.find("c3VwZXJzZWNyZXQtZGItcGFzc3dvcmQ=") == std::string::npos);
  CHECK(text.find("LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t") == std::string::npos);
  CHECK(text.find("\"Secret\"") == std::string::npos);

  // Namespaced objects without a namespace land in "default", as kubectl apply puts them.
  const Json* sa = find(*doc, "serviceaccounts", "shop-web");
  REQUIRE(sa != nullptr);
  CHECK(sa->at("metadata").at("namespace") == "default");
  const Json* cr = find(*doc, "clusterroles", "staging-checkout-reader");
  REQUIRE(cr != nullptr);
  CHECK_FALSE(cr->at("metadata").contains("namespace"));

  // Items of a typed list (PodList from the raw API) get their kind and apiVersion.
  const Json* debug = find(*doc, "pods", "debug-shell");
  REQUIRE(debug != nullptr);
  CHECK(debug->at("kind") == "Pod");
  CHECK(debug->at("apiVersion") == "v1");

  // Block scalars and quoted numbers survive as strings.
  const Json* cm = find(*doc, "configmaps", "shop-web-config");
  REQUIRE(cm != nullptr);
  CHECK(cm->at("data").at("nginx.conf").get<std::string>().find("listen 8080;") !=
        std::string::npos);
  const Json* dep = find(*doc, "deployments", "shop-web");
  REQUIRE(dep != nullptr);
  CHECK(dep->at("spec").at("replicas") == 3);
  CHECK(dep->at("metadata").at("labels").at("app.kubernetes.io/instance") == "shop");

  // The privileged container of the kubectl List is there for the rules.
  const Json* gw = find(*doc, "pods", "legacy-gateway-7f9c6d5b8-x2k4q");
  REQUIRE(gw != nullptr);
  CHECK(gw->at("spec").at("containers").at(0).at("securityContext").at("privileged") == true);

  // The document is what Snapshot::fromJson takes.
  auto snap = model::Snapshot::fromJson(std::move(*doc), "manifests");
  REQUIRE_MESSAGE(snap.ok(), (snap.ok() ? "" : snap.error().message));
  CHECK((*snap)->meta().cluster_name == "manifests");
}

TEST_CASE("manifests: single files, several paths, and managedFields") {
  auto one = collect::loadManifests({kData / "good/20-kubectl-get-pods.yaml"});
  REQUIRE(one.ok());
  CHECK(count(*one, "pods") == 2);
  CHECK(one->at("objects").size() == 1);

  auto two = collect::loadManifests(
      {kData / "good/30-deployments.json", kData / "good/kustomize/build-output.yaml"});
  REQUIRE(two.ok());
  CHECK(count(*two, "deployments") == 2);
  CHECK(two->at("meta").at("sources").at(0).at("paths").size() == 2);

  // managedFields are dropped by Snapshot::fromJson; the loader keeps objects as given.
  auto snap = model::Snapshot::fromJson(std::move(*one), "manifests");
  REQUIRE(snap.ok());
}

TEST_CASE("manifests: malformed YAML and JSON name the file and line") {
  auto yaml = collect::loadManifests({kData / "malformed/bad-indent.yaml"});
  REQUIRE_FALSE(yaml.ok());
  CHECK(yaml.error().code == Errc::kParse);
  CHECK_MESSAGE(yaml.error().message.find("bad-indent.yaml:12:") != std::string::npos,
                yaml.error().message);

  auto json = collect::loadManifests({kData / "malformed/bad.json"});
  REQUIRE_FALSE(json.ok());
  CHECK(json.error().code == Errc::kParse);
  CHECK_MESSAGE(json.error().message.find("bad.json:6:") != std::string::npos,
                json.error().message);

  // A directory with one bad file fails as a whole, naming that file.
  auto dir = collect::loadManifests({kData / "malformed"});
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.error().message.find("malformed/bad") != std::string::npos);
}

TEST_CASE("manifests: nothing to read is an error") {
  auto empty = collect::loadManifests({kData / "empty"});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == Errc::kNotFound);
  CHECK(empty.error().message.find("no manifests") != std::string::npos);

  auto missing = collect::loadManifests({kData / "does-not-exist"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::kNotFound);

  auto none = collect::loadManifests({});
  REQUIRE_FALSE(none.ok());
}

TEST_CASE("manifests: plurals, duplicates, lists of secrets, hidden directories") {
  TempDir dir;
  dir.write(
      "a.yaml",
      "apiVersion: example.com/v1\nkind: Foo\nmetadata: {name: f, namespace: x}\n---\n"
      "apiVersion: example.com/v1\nkind: NetworkPolicyReport\nmetadata: {name: p}\n---\n"
      "apiVersion: example.com/v1\nkind: Gateway\nmetadata: {name: g}\n---\n"
      "apiVersion: example.com/v1\nkind: Endpoints\nmetadata: {name: e}\n---\n"
      "apiVersion: example.com/v1\nkind: Mailbox\nmetadata: {name: m}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup, namespace: ns}\ndata: {v: '1'}\n");
  dir.write(
      "b.yml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup, namespace: ns}\ndata: {v: '2'}\n"
      "---\napiVersion: v1\nkind: SecretList\nitems:\n"
      "- metadata: {name: s1}\n  data: {k: dG9wc2VjcmV0}\n");
  dir.write(".git/config.yaml", "this: [is not, parsed\n");
  dir.write("notes.txt", "not a manifest: ignored by extension\n");
  auto doc = collect::loadManifests({dir.path});
  REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? "" : doc.error().message));
  CHECK(count(*doc, "foos") == 1);
  CHECK(count(*doc, "networkpolicyreports") == 1);
  CHECK(count(*doc, "gateways") == 1);
  CHECK(count(*doc, "endpoints") == 1);
  CHECK(count(*doc, "mailboxes") == 1);
  REQUIRE(count(*doc, "configmaps") == 1);  // the later definition wins
  CHECK(doc->at("objects").at("configmaps").at(0).at("data").at("v") == "2");
  CHECK_FALSE(doc->at("objects").contains("secrets"));
  CHECK(doc->dump().find("dG9wc2VjcmV0") == std::string::npos);
}

TEST_CASE("manifests: a JSON array and YAML with only comments") {
  TempDir dir;
  dir.write("arr.json", R"([{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}},)"
                        R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"b"}}])");
  dir.write("c.yaml", "# nothing here\n---\n# still nothing\n");
  auto doc = collect::loadManifests({dir.path});
  REQUIRE(doc.ok());
  CHECK(count(*doc, "namespaces") == 2);

  auto only_comments = collect::loadManifests({dir.path / "c.yaml"});
  REQUIRE(only_comments.ok());  // a file with no objects is valid, just empty
  CHECK(only_comments->at("objects") == Json::object());
}

TEST_CASE("manifests: workload templates are checked as Pods, once per workload") {
  TempDir dir;
  dir.write("app.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    metadata: { labels: { app: web }, annotations: { note: kept } }
    spec:
      containers: [ { name: c, image: "nginx:1.25", securityContext: { privileged: true } } ]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: ops }
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [ { name: job, image: "busybox:1.36" } ]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec:
  template:
    spec:
      containers: [ { name: db, image: "postgres:16" } ]
---
apiVersion: v1
kind: Pod
metadata:
  name: db-0
  namespace: shop
  ownerReferences: [ { apiVersion: apps/v1, kind: StatefulSet, name: db } ]
spec:
  containers: [ { name: db, image: "postgres:16" } ]
)");
  auto doc = collect::loadManifests({dir.path});
  REQUIRE(doc.ok());
  // web and nightly get a template Pod; db already has its Pod in the input.
  CHECK(count(*doc, "pods") == 3);
  const Json* web = find(*doc, "pods", "web-template");
  REQUIRE(web != nullptr);
  CHECK(web->at("metadata").at("namespace") == "shop");
  CHECK(web->at("metadata").at("labels").at("app") == "web");
  CHECK(web->at("metadata").at("annotations").at("note") == "kept");
  CHECK(web->at("metadata").at("annotations").at("kpatrol.io/pod-template-of") == "Deployment/web");
  CHECK(web->at("metadata").at("ownerReferences").at(0).at("kind") == "Deployment");
  CHECK(web->at("spec").at("containers").at(0).at("securityContext").at("privileged") == true);
  const Json* nightly = find(*doc, "pods", "nightly-template");
  REQUIRE(nightly != nullptr);
  CHECK(nightly->at("spec").at("restartPolicy") == "Never");
  CHECK(find(*doc, "pods", "db-template") == nullptr);
  CHECK(doc->at("meta").at("sources").at(0).at("template_pods") == 2);
  // The snapshot makes them pod subjects, so every pod rule checks the templates.
  auto snap = model::Snapshot::fromJson(std::move(*doc), "manifests");
  REQUIRE(snap.ok());
  CHECK((*snap)->subjects(model::Scope::kPod).size() == 3);
}
