// SPDX-License-Identifier: Apache-2.0
// Node collection through Jobs, without sockets: the Job template builder, the facts line and
// Job outcomes (scanner/app/node_jobs.cpp), and the fixture server accepting exactly that Job,
// running its command, serving the log, listing by selector and deleting (workloads.cpp).
#include <doctest/doctest.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "api.h"
#include "node_jobs.h"
#include "options.h"
#include "state.h"

using namespace kpatrol;
using namespace kpatrol::app;
namespace fs = std::filesystem;
using model::Json;

namespace {

NodeJobSpec spec(const std::string& node) {
  NodeJobSpec s;
  s.node = node;
  s.job_name = nodeJobName(node, "run1");
  s.namespace_ = "kpatrol";
  s.image = "registry.example/kpatrol:1.2.3";
  s.run_id = "run1";
  s.deadline_seconds = 120;
  return s;
}

}  // namespace

TEST_CASE("node jobs: names are valid, bounded and unique per node and run") {
  const std::string a = nodeJobName("cn-hangzhou.192.168.0.12", "r1");
  CHECK(a.starts_with("kpatrol-node-cn-hangzhou-192-168-0-12-"));
  CHECK(a.size() <= 52);
  const std::string long_name = nodeJobName(std::string(200, 'N') + ".Example.COM", "r1");
  CHECK(long_name.size() <= 52);
  for (char c : long_name)
    CHECK((std::islower(static_cast<unsigned char>(c)) || std::isdigit(c) || c == '-'));
  CHECK(nodeJobName("w1", "r1") != nodeJobName("w1", "r2"));
  CHECK(nodeJobName("w1", "r1") != nodeJobName("w2", "r1"));
  CHECK(nodeJobName("w1", "r1") == nodeJobName("w1", "r1"));
  CHECK(nodeJobName("...", "r1").starts_with("kpatrol-node-"));
}

TEST_CASE("node jobs: the Job template pins the node, tolerates all, mounts / read-only") {
  const Json job = nodeJobManifest(spec("worker-1"));
  CHECK(job["apiVersion"] == "batch/v1");
  CHECK(job["kind"] == "Job");
  CHECK(job["metadata"]["namespace"] == "kpatrol");
  CHECK(job["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "kpatrol");
  CHECK(job["metadata"]["labels"]["kpatrol.io/node-collector"] == "true");
  CHECK(job["metadata"]["labels"]["kpatrol.io/run"] == "run1");
  CHECK(job["metadata"]["annotations"]["kpatrol.io/node"] == "worker-1");
  CHECK(job["spec"]["activeDeadlineSeconds"] == 120);
  CHECK(job["spec"]["backoffLimit"] == 0);
  const Json& ps = job["spec"]["template"]["spec"];
  CHECK(job["spec"]["template"]["metadata"]["labels"] == job["metadata"]["labels"]);
  CHECK(ps["nodeName"] == "worker-1");
  CHECK(ps["hostPID"] == true);
  CHECK(ps["restartPolicy"] == "Never");
  CHECK(ps["automountServiceAccountToken"] == false);
  REQUIRE(ps["tolerations"].size() == 1);
  CHECK(ps["tolerations"][0] == Json{{"operator", "Exists"}});
  REQUIRE(ps["volumes"].size() == 1);
  CHECK(ps["volumes"][0]["hostPath"]["path"] == "/");
  REQUIRE(ps["containers"].size() == 1);
  const Json& c = ps["containers"][0];
  CHECK(c["image"] == "registry.example/kpatrol:1.2.3");
  CHECK(c["command"] == Json{"kpatrol", "collect", "node", "--host-root", "/host", "--node-name",
                             "worker-1", "--out", "-"});
  CHECK(c["volumeMounts"][0] == Json{{"name", "host"}, {"mountPath", "/host"}, {"readOnly", true}});
  const Json& sc = c["securityContext"];
  CHECK(sc["privileged"] == false);
  CHECK(sc["allowPrivilegeEscalation"] == false);
  CHECK(sc["readOnlyRootFilesystem"] == true);
  CHECK(sc["capabilities"]["drop"] == Json{"ALL"});
  CHECK(sc["capabilities"]["add"] == Json{"DAC_READ_SEARCH"});
  CHECK(c["resources"]["limits"]["memory"] == "256Mi");
  CHECK(nodeJobSelector() == "app.kubernetes.io/managed-by=kpatrol,kpatrol.io/node-collector=true");
}

TEST_CASE("node jobs: the facts line round-trips through a pod log with stderr around it") {
  const Json nodes = {{"w1", {{"os", {{"id", "ubuntu"}}}}}};
  const Json errors = Json::array({{{"subject", "node/w1"},
                                    {"fact", "sshd"},
                                    {"source", "host-root"},
                                    {"message", "sshd -T runs only on /"}}});
  const std::string line = nodeFactsLine(nodes, errors);
  CHECK(line.find('\n') == std::string::npos);
  const std::string log =
      "2026-12-02 warning: something on stderr\n" + line + "\r\nkpatrol: done\n";
  auto got = parseNodeFactsLog(log);
  REQUIRE_MESSAGE(got.ok(), (got.ok() ? "" : got.error().message));
  CHECK(got->nodes == nodes);
  CHECK(got->errors == errors);

  auto none = parseNodeFactsLog("exec /usr/bin/kpatrol: exec format error\n");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message.find("exec format error") != std::string::npos);
  CHECK_FALSE(parseNodeFactsLog("").ok());
  // A line that looks like ours but is cut short (log rotation, size limit) is not accepted.
  CHECK_FALSE(parseNodeFactsLog(line.substr(0, line.size() / 2) + "\n").ok());
}

TEST_CASE("node jobs: how a Job ended, with the pod's reason") {
  const Json done = Json::parse(R"({"status":{"succeeded":1,"conditions":[
      {"type":"Complete","status":"True"}]}})");
  CHECK(nodeJobState(done, nullptr).phase == NodeJobState::Phase::kSucceeded);

  const Json deadline = Json::parse(R"({"status":{"failed":1,"conditions":[{"type":"Failed",
      "status":"True","reason":"DeadlineExceeded","message":"Job was active longer than specified deadline"}]}})");
  const Json pod =
      Json::parse(R"({"status":{"phase":"Failed","containerStatuses":[{"name":"collect",
      "state":{"terminated":{"exitCode":137,"reason":"Error"}}}]}})");
  auto st = nodeJobState(deadline, &pod);
  CHECK(st.phase == NodeJobState::Phase::kFailed);
  CHECK(st.reason.find("DeadlineExceeded") != std::string::npos);
  CHECK(st.reason.find("exit code 137") != std::string::npos);

  const Json running = Json::parse(R"({"status":{"active":1}})");
  const Json pulling = Json::parse(R"({"status":{"phase":"Pending","containerStatuses":[{"name":
      "collect","state":{"waiting":{"reason":"ImagePullBackOff","message":"Back-off pulling image"}}}]}})");
  st = nodeJobState(running, &pulling);
  CHECK(st.phase == NodeJobState::Phase::kRunning);
  CHECK(st.reason.find("ImagePullBackOff") != std::string::npos);
  // A False condition is not an end.
  const Json not_failed =
      Json::parse(R"({"status":{"conditions":[{"type":"Failed","status":"False"}]}})");
  CHECK(nodeJobState(not_failed, nullptr).phase == NodeJobState::Phase::kRunning);
}

namespace {

using fixture::ApiRequest;
using fixture::ApiResponse;

ApiRequest request(const std::string& method, const std::string& path, std::string body = {},
                   std::map<std::string, std::string> params = {}) {
  ApiRequest req;
  req.method = method;
  req.path = path;
  req.body = std::move(body);
  req.params = std::move(params);
  req.bearer_token = "good";
  return req;
}

}  // namespace

TEST_CASE("fixture server: accepts the scanner's Job, runs its command, serves the log, deletes") {
  const fs::path fixtures = fs::path(KPATROL_SOURCE_DIR) / "fixtures";
  auto state = fixture::loadState(fixtures / "kubeadm");
  REQUIRE(state.ok());
  fixture::Options opt;
  opt.tokens = {"good"};
  opt.node_jobs.kpatrol = "/bin/echo";  // prints the Job's command line as the "facts"
  opt.node_jobs.roots = {{"cp-1", "/srv/roots/master"}};
  opt.node_jobs.run_ms = 50;
  fixture::Api api(std::move(*state), opt);
  const std::string jobs = "/apis/batch/v1/namespaces/kpatrol/jobs";

  // Shape checks: a Job without hostPID, or with / writable, is refused with the field named.
  Json bad = nodeJobManifest(spec("cp-1"));
  bad["spec"]["template"]["spec"]["hostPID"] = false;
  auto res = api.handle(request("POST", jobs, bad.dump()));
  CHECK(res.status == 422);
  CHECK(res.body.find("hostPID") != std::string::npos);
  bad = nodeJobManifest(spec("cp-1"));
  bad["spec"]["template"]["spec"]["containers"][0]["volumeMounts"][0]["readOnly"] = false;
  CHECK(api.handle(request("POST", jobs, bad.dump())).status == 422);
  // cp-1 carries the control-plane NoSchedule taint: a toleration for another key is refused.
  bad = nodeJobManifest(spec("cp-1"));
  bad["spec"]["template"]["spec"]["tolerations"] =
      Json::array({{{"key", "other"}, {"operator", "Exists"}}});
  res = api.handle(request("POST", jobs, bad.dump()));
  CHECK(res.status == 422);
  CHECK(res.body.find("node-role.kubernetes.io/control-plane") != std::string::npos);

  const Json good = nodeJobManifest(spec("cp-1"));
  res = api.handle(request("POST", jobs, good.dump()));
  REQUIRE_MESSAGE(res.status == 201, res.body);
  CHECK(api.handle(request("POST", jobs, good.dump())).status == 409);
  const std::string name = good["metadata"]["name"];

  // Wait (hang guard 10 s) for the Job to complete.
  Json job;
  for (int i = 0; i < 500; ++i) {
    job = Json::parse(api.handle(request("GET", jobs + "/" + name)).body);
    if (nodeJobState(job, nullptr).phase != NodeJobState::Phase::kRunning) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(nodeJobState(job, nullptr).phase == NodeJobState::Phase::kSucceeded);

  // The pod, found as the scanner finds it, and its log: the Job's own command, run with the
  // binary given and the node's root in place of /host.
  auto pods = Json::parse(api.handle(request("GET", "/api/v1/namespaces/kpatrol/pods", {},
                                             {{"labelSelector", "job-name=" + name}}))
                              .body);
  REQUIRE(pods["items"].size() == 1);
  CHECK(pods["items"][0]["metadata"]["labels"]["controller-uid"] == job["metadata"]["uid"]);
  const std::string pod = pods["items"][0]["metadata"]["name"];
  res = api.handle(request("GET", "/api/v1/namespaces/kpatrol/pods/" + pod + "/log"));
  CHECK(res.status == 200);
  CHECK(res.body == "collect node --host-root /srv/roots/master --node-name cp-1 --out -\n");

  // Listing by the leftover selector finds it; deleting removes it (and its pod soon after).
  auto list = Json::parse(
      api.handle(request("GET", jobs, {}, {{"labelSelector", nodeJobSelector()}})).body);
  CHECK(list["items"].size() == 1);
  list = Json::parse(
      api.handle(request("GET", jobs, {}, {{"labelSelector", "kpatrol.io/run=other"}})).body);
  CHECK(list["items"].empty());
  CHECK(api.handle(request("DELETE", jobs + "/" + name, R"({"propagationPolicy":"Background"})"))
            .status == 200);
  CHECK(api.handle(request("GET", jobs + "/" + name)).status == 404);
  CHECK(api.handle(request("DELETE", jobs + "/" + name)).status == 404);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  pods = Json::parse(api.handle(request("GET", "/api/v1/namespaces/kpatrol/pods")).body);
  CHECK(pods["items"].empty());

  const auto stats = Json::parse(api.handle(request("GET", "/fixture/node-jobs")).body);
  CHECK(stats["created"] == 1);
  CHECK(stats["deleted"] == 1);
  CHECK(stats["rejected"] == 3);
  CHECK(stats["jobs"].empty());
}
