#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generates the upgrade pre-check fixtures (fixtures/upgrade/<from>-to-<to>/).

Each fixture is a snapshot directory (docs/snapshot.md) of a small kubeadm cluster that is
healthy except for deliberate upgrade blockers; test/precheck/precheck_test.sh asserts the exact
set of blockers `kpatrol precheck --to <to>` reports for each (see fixtures/upgrade/README.md).

    python3 scripts/gen_upgrade_fixtures.py            # rewrites fixtures/upgrade/
    python3 scripts/gen_upgrade_fixtures.py --check    # fails if the files are out of date

Deterministic: no clock, no randomness. The snapshot time is 2026-11-30T02:00:00Z.
"""
import argparse
import copy
import json
import os
import sys

CREATED = "2026-11-30T02:00:00Z"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "upgrade")


def meta(name, version, uid):
    return {
        "schema_version": 1,
        "created_at": CREATED,
        "cluster": {"name": name, "uid": uid, "version": version, "flavour": "kubeadm"},
        "tool_version": "0.1.0",
        "sources": [{"type": "fixture",
                     "description": "upgrade pre-check fixture (scripts/gen_upgrade_fixtures.py)"}],
    }


def md(name, ns=None, labels=None, annotations=None, owner=None):
    m = {"name": name}
    if ns:
        m["namespace"] = ns
    if labels:
        m["labels"] = labels
    if annotations:
        m["annotations"] = annotations
    if owner:
        m["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1],
                                 "controller": True}]
    return m


def last_applied(api, kind, name, ns=None):
    m = {"annotations": {}, "name": name}
    if ns:
        m["namespace"] = ns
    return {"kubectl.kubernetes.io/last-applied-configuration":
            json.dumps({"apiVersion": api, "kind": kind, "metadata": m}, separators=(",", ":"),
                       sort_keys=True)}


def node(name, version, cp=False, runtime="containerd://1.7.2", ready=True, annotations=None):
    labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
              "kubernetes.io/arch": "amd64"}
    if cp:
        labels["node-role.kubernetes.io/control-plane"] = ""
    cond = {"type": "Ready", "status": "True", "reason": "KubeletReady",
            "message": "kubelet is posting ready status",
            "lastTransitionTime": "2026-11-01T00:00:00Z"}
    if not ready:
        cond = {"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown",
                "message": "Kubelet stopped posting node status.",
                "lastTransitionTime": "2026-11-30T01:20:00Z"}
    n = {"apiVersion": "v1", "kind": "Node",
         "metadata": md(name, labels=labels, annotations=annotations or {
             "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock"}),
         "spec": {},
         "status": {"allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"},
                    "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
                    "conditions": [cond],
                    "nodeInfo": {"kubeletVersion": version, "kubeProxyVersion": version,
                                 "containerRuntimeVersion": runtime,
                                 "osImage": "Ubuntu 22.04.3 LTS",
                                 "kernelVersion": "5.15.0-91-generic",
                                 "operatingSystem": "linux", "architecture": "amd64"}}}
    if cp:
        n["spec"]["taints"] = [{"key": "node-role.kubernetes.io/control-plane",
                                "effect": "NoSchedule"}]
    return n


def facts(name, version, cp=False, swap=0, extra_args=None, certs=None):
    args = {"config": "/var/lib/kubelet/config.yaml",
            "kubeconfig": "/etc/kubernetes/kubelet.conf",
            "container-runtime-endpoint": "unix:///run/containerd/containerd.sock"}
    args.update(extra_args or {})
    argv = ["/usr/bin/kubelet"] + ["--%s=%s" % (k, v) for k, v in args.items()]
    procs = {"kubelet": {"pid": 1201, "argv": argv},
             "containerd": {"pid": 801, "argv": ["/usr/bin/containerd"]},
             "kube-proxy": {"pid": 2101, "argv": ["/usr/local/bin/kube-proxy",
                                                  "--config=/var/lib/kube-proxy/config.conf"]}}
    cert_list = certs if certs is not None else [
        {"path": "/var/lib/kubelet/pki/kubelet-client-current.pem",
         "subject": "CN=system:node:%s,O=system:nodes" % name, "issuer": "CN=kubernetes",
         "not_before": "2026-10-12T08:10:22Z", "not_after": "2027-10-12T08:15:22Z",
         "sans": [], "key_type": "RSA", "key_bits": 2048, "is_ca": False}]
    if cp and certs is None:
        cert_list = cert_list + [
            {"path": "/etc/kubernetes/pki/apiserver.crt", "subject": "CN=kube-apiserver",
             "issuer": "CN=kubernetes", "not_before": "2026-06-01T00:00:00Z",
             "not_after": "2027-06-01T00:00:00Z", "sans": ["kubernetes"], "key_type": "RSA",
             "key_bits": 2048, "is_ca": False}]
    return {"facts": {
        "os": {"id": "ubuntu", "version_id": "22.04", "pretty_name": "Ubuntu 22.04.3 LTS"},
        "kernel": {"release": "5.15.0-91-generic"},
        "swap": {"total_bytes": swap, "used_bytes": 0},
        "kubelet": {"version": version, "args": args, "config": {"failSwapOn": True}},
        "container_runtime": {"name": "containerd", "version": "1.7.2", "healthy": True},
        "processes": procs,
        "certificates": cert_list,
    }}


def container(name, image, cpu="100m", mem="128Mi", command=None):
    c = {"name": name, "image": image,
         "resources": {"requests": {"cpu": cpu, "memory": mem}}}
    if command:
        c["command"] = command
    return c


def running_pod(name, ns, node_name, containers, labels=None, owner=None, annotations=None,
                ready=True, statuses=None):
    p = {"apiVersion": "v1", "kind": "Pod",
         "metadata": md(name, ns, labels=labels, owner=owner, annotations=annotations),
         "spec": {"nodeName": node_name, "containers": containers},
         "status": {"phase": "Running",
                    "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
                    "containerStatuses": statuses or [
                        {"name": c["name"], "ready": ready, "restartCount": 0,
                         "state": {"running": {"startedAt": "2026-11-01T00:00:00Z"}}}
                        for c in containers]}}
    return p


def deployment(name, ns, replicas, image, extra_meta=None, template_annotations=None,
               node_selector=None):
    tmpl = {"metadata": {"labels": {"app": name}}, "spec": {"containers": [container(name, image)]}}
    if template_annotations:
        tmpl["metadata"]["annotations"] = template_annotations
    if node_selector:
        tmpl["spec"]["nodeSelector"] = node_selector
    m = md(name, ns, labels={"app": name})
    if extra_meta:
        m.update(extra_meta)
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": m,
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": tmpl},
            "status": {"replicas": replicas, "readyReplicas": replicas,
                       "availableReplicas": replicas}}


def lst(items):
    return {"apiVersion": "v1", "kind": "List", "items": items}


COREFILE = (".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n"
            "    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n"
            "       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n"
            "    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n"
            "    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n")

COREDNS_IMAGE = {"v1.21": "registry.k8s.io/coredns/coredns:v1.8.0",
                 "v1.24": "registry.k8s.io/coredns/coredns:v1.8.6",
                 "v1.28": "registry.k8s.io/coredns/coredns:v1.10.1"}
ETCD_IMAGE = {"v1.21": "registry.k8s.io/etcd:3.4.13-0", "v1.24": "registry.k8s.io/etcd:3.5.6-0",
              "v1.28": "registry.k8s.io/etcd:3.5.9-0"}


def base(name, uid, version, workers):
    """A healthy kubeadm cluster: one control-plane node, `workers` workers, system Pods,
    a backed-up etcd, a webhook with endpoints, an available APIService, a permissive PDB."""
    minor = version.rsplit(".", 1)[0]
    snap = {"meta": meta(name, version, uid), "objects": {}, "nodes": {}}
    o = snap["objects"]
    cp = "cp-1"
    worker_names = ["w%02d" % i for i in range(1, workers + 1)]
    o["nodes"] = [node(cp, version, cp=True)] + [node(w, version) for w in worker_names]
    snap["nodes"][cp] = facts(cp, version, cp=True)
    for w in worker_names:
        snap["nodes"][w] = facts(w, version)
    img = "registry.k8s.io/%s:" + version
    pods = []
    for comp in ("kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        pods.append(running_pod("%s-%s" % (comp, cp), "kube-system", cp,
                                [container(comp, img % comp, "250m", "256Mi",
                                           command=[comp])],
                                labels={"component": comp, "tier": "control-plane"},
                                annotations={"kubernetes.io/config.mirror": "x"}))
    pods.append(running_pod("etcd-" + cp, "kube-system", cp,
                            [container("etcd", ETCD_IMAGE[minor], "100m", "100Mi",
                                       command=["etcd"])],
                            labels={"component": "etcd", "tier": "control-plane"},
                            annotations={"kubernetes.io/config.mirror": "x"}))
    for i, n in enumerate([cp] + worker_names):
        pods.append(running_pod("kube-proxy-%05d" % i, "kube-system", n,
                                [container("kube-proxy", img % "kube-proxy", "10m", "32Mi")],
                                labels={"k8s-app": "kube-proxy"},
                                owner=("DaemonSet", "kube-proxy")))
    for i in range(2):
        pods.append(running_pod("coredns-5d78c9869d-%d" % i, "kube-system", worker_names[i],
                                [container("coredns", COREDNS_IMAGE[minor], "100m", "70Mi")],
                                labels={"k8s-app": "kube-dns"},
                                owner=("ReplicaSet", "coredns-5d78c9869d")))
    # Applications: 3-replica web and a policy webhook backend, spread over the workers.
    for i in range(3):
        pods.append(running_pod("web-7c9d8-%d" % i, "shop", worker_names[i % len(worker_names)],
                                [container("web", "nginx:1.25.3", "500m", "512Mi")],
                                labels={"app": "web"}, owner=("ReplicaSet", "web-7c9d8")))
    for i in range(2):
        pods.append(running_pod("policy-webhook-66f-%d" % i, "policy",
                                worker_names[(i + 1) % len(worker_names)],
                                [container("webhook", "example/policy-webhook:1.4.0")],
                                labels={"app": "policy-webhook"},
                                owner=("ReplicaSet", "policy-webhook-66f")))
    o["pods"] = pods
    o["deployments"] = [
        deployment("coredns", "kube-system", 2, COREDNS_IMAGE[minor]),
        deployment("web", "shop", 3, "nginx:1.25.3"),
        deployment("policy-webhook", "policy", 2, "example/policy-webhook:1.4.0"),
    ]
    o["daemonsets"] = [{"apiVersion": "apps/v1", "kind": "DaemonSet",
                        "metadata": md("kube-proxy", "kube-system", labels={"k8s-app": "kube-proxy"}),
                        "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
                                 "template": {"metadata": {"labels": {"k8s-app": "kube-proxy"}},
                                              "spec": {"containers": [
                                                  container("kube-proxy", img % "kube-proxy")]}}}}]
    o["statefulsets"] = []
    o["cronjobs"] = [{"apiVersion": "batch/v1", "kind": "CronJob",
                      "metadata": md("etcd-backup", "kube-system"),
                      "spec": {"schedule": "0 1 * * *", "jobTemplate": {"spec": {"template": {
                          "spec": {"containers": [container(
                              "backup", ETCD_IMAGE[minor], command=[
                                  "sh", "-c",
                                  "etcdctl snapshot save /backup/etcd-$(date +%F).db"])],
                              "restartPolicy": "OnFailure"}}}}},
                      "status": {"lastScheduleTime": "2026-11-30T01:00:00Z",
                                 "lastSuccessfulTime": "2026-11-30T01:01:10Z"}}]
    o["configmaps"] = [{"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": md("coredns", "kube-system"), "data": {"Corefile": COREFILE}}]
    o["clusterroles"] = [{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                          "metadata": md("system:coredns"),
                          "rules": [{"apiGroups": [""],
                                     "resources": ["endpoints", "services", "pods", "namespaces"],
                                     "verbs": ["list", "watch"]},
                                    {"apiGroups": ["discovery.k8s.io"],
                                     "resources": ["endpointslices"],
                                     "verbs": ["list", "watch"]}]}]
    o["validatingwebhookconfigurations"] = [{
        "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
        "metadata": md("policy"),
        "webhooks": [{"name": "check.policy.example.com", "admissionReviewVersions": ["v1"],
                      "failurePolicy": "Fail", "sideEffects": "None", "matchPolicy": "Equivalent",
                      "clientConfig": {"service": {"namespace": "policy",
                                                   "name": "policy-webhook"}},
                      "rules": [{"apiGroups": ["apps"], "apiVersions": ["v1"],
                                 "resources": ["deployments"], "operations": ["CREATE"]}]}]}]
    o["mutatingwebhookconfigurations"] = []
    o["endpointslices"] = [{"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                            "metadata": md("policy-webhook-x1", "policy", labels={
                                "kubernetes.io/service-name": "policy-webhook"}),
                            "endpoints": [{"addresses": ["10.244.1.7"],
                                           "conditions": {"ready": True}}]}]
    o["apiservices"] = [{"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
                         "metadata": md("v1beta1.metrics.k8s.io"),
                         "spec": {"group": "metrics.k8s.io", "version": "v1beta1",
                                  "service": {"namespace": "kube-system",
                                              "name": "metrics-server"}},
                         "status": {"conditions": [{"type": "Available", "status": "True",
                                                    "reason": "Passed"}]}}]
    o["customresourcedefinitions"] = []
    o["poddisruptionbudgets"] = [{"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                                  "metadata": md("web", "shop"),
                                  "spec": {"maxUnavailable": 1,
                                           "selector": {"matchLabels": {"app": "web"}}},
                                  "status": {"disruptionsAllowed": 1, "currentHealthy": 3,
                                             "desiredHealthy": 2, "expectedPods": 3}}]
    o["persistentvolumes"] = []
    o["storageclasses"] = [{"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                            "metadata": md("local-path"), "provisioner": "rancher.io/local-path"}]
    o["csidrivers"] = []
    o["ingresses"] = [{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                       "metadata": md("web", "shop"),
                       "spec": {"rules": [{"host": "shop.example.com"}]}}]
    o["namespaces"] = [{"apiVersion": "v1", "kind": "Namespace", "metadata": md(n)}
                       for n in ("default", "kube-system", "shop", "policy", "data", "ops")]
    return snap


def fixture_121_122():
    """1.21 -> 1.22: the big API removal."""
    s = base("upgrade-121", "a1b2c3d4-0121-4000-8000-000000000121", "v1.21.14", 3)
    o = s["objects"]
    # Ingress last applied as extensions/v1beta1; a CRD last applied as apiextensions v1beta1.
    o["ingresses"][0]["metadata"]["annotations"] = last_applied(
        "extensions/v1beta1", "Ingress", "web", "shop")
    o["customresourcedefinitions"] = [{
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": md("widgets.example.com", annotations=last_applied(
            "apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "widgets.example.com")),
        "spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"},
                 "scope": "Namespaced",
                 "versions": [{"name": "v1", "served": True, "storage": True}]},
        "status": {"storedVersions": ["v1"]}}]
    # CoreDNS 1.8.4 (1.22) watches EndpointSlices: the ClusterRole lacks them.
    o["clusterroles"][0]["rules"] = o["clusterroles"][0]["rules"][:1]
    # w03 still runs a 1.19 kubelet: 3 minors behind 1.22 (at most 2 for kubelets < 1.25).
    o["nodes"][3]["status"]["nodeInfo"]["kubeletVersion"] = "v1.19.16"
    s["nodes"]["w03"]["facts"]["kubelet"]["version"] = "v1.19.16"
    # A database whose PDB allows no disruption.
    o["statefulsets"] = [{"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": md("db", "data"),
                          "spec": {"replicas": 3, "serviceName": "db",
                                   "selector": {"matchLabels": {"app": "db"}},
                                   "template": {"metadata": {"labels": {"app": "db"}},
                                                "spec": {"containers": [container("db", "postgres:15.5")]}}}}]
    o["poddisruptionbudgets"].append({
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": md("db", "data"),
        "spec": {"minAvailable": 3, "selector": {"matchLabels": {"app": "db"}}},
        "status": {"disruptionsAllowed": 0, "currentHealthy": 3, "desiredHealthy": 3,
                   "expectedPods": 3}})
    # A warning: a single-replica tool.
    o["deployments"].append(deployment("toolbox", "ops", 1, "busybox:1.36"))
    return s


def fixture_124_125():
    """1.24 -> 1.25: PodSecurityPolicy and dockershim."""
    s = base("upgrade-124", "a1b2c3d4-0124-4000-8000-000000000124", "v1.24.17", 3)
    o = s["objects"]
    o["podsecuritypolicies"] = [{"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy",
                                 "metadata": md("restricted"),
                                 "spec": {"privileged": False, "runAsUser": {"rule": "MustRunAsNonRoot"},
                                          "seLinux": {"rule": "RunAsAny"},
                                          "fsGroup": {"rule": "RunAsAny"},
                                          "supplementalGroups": {"rule": "RunAsAny"}}}]
    for p in o["pods"]:
        if p["metadata"]["name"].startswith("kube-apiserver-"):
            p["spec"]["containers"][0]["command"] = [
                "kube-apiserver", "--enable-admission-plugins=NodeRestriction,PodSecurityPolicy"]
    # w02 still runs Docker through dockershim, with the dockershim kubelet flags.
    w2 = o["nodes"][2]
    w2["status"]["nodeInfo"]["containerRuntimeVersion"] = "docker://20.10.24"
    w2["metadata"]["annotations"]["kubeadm.alpha.kubernetes.io/cri-socket"] = "/var/run/dockershim.sock"
    f = s["nodes"]["w02"]["facts"]
    f["kubelet"]["args"] = {"config": "/var/lib/kubelet/config.yaml",
                            "kubeconfig": "/etc/kubernetes/kubelet.conf",
                            "network-plugin": "cni", "cni-bin-dir": "/opt/cni/bin",
                            "pod-infra-container-image": "registry.k8s.io/pause:3.7"}
    f["processes"]["kubelet"]["argv"] = ["/usr/bin/kubelet"] + [
        "--%s=%s" % kv for kv in f["kubelet"]["args"].items()]
    f["container_runtime"] = {"name": "docker", "version": "20.10.24", "healthy": True}
    # w03 is NotReady.
    o["nodes"][3]["status"]["conditions"] = [node("x", "v1", ready=False)["status"]["conditions"][0]]
    # The policy webhook lost its backend: fail-closed with no ready endpoint.
    o["endpointslices"][0]["endpoints"][0]["conditions"]["ready"] = False
    # A CronJob last applied as batch/v1beta1 (removed in 1.25).
    o["cronjobs"].append({"apiVersion": "batch/v1", "kind": "CronJob",
                          "metadata": md("report", "ops", annotations=last_applied(
                              "batch/v1beta1", "CronJob", "report", "ops")),
                          "spec": {"schedule": "0 6 * * *", "jobTemplate": {"spec": {"template": {
                              "spec": {"containers": [container("report", "example/report:2.1")],
                                       "restartPolicy": "OnFailure"}}}}},
                          "status": {"lastScheduleTime": "2026-11-29T06:00:00Z"}})
    # A warning: seccomp by annotation only.
    o["deployments"][1]["spec"]["template"]["metadata"]["annotations"] = {
        "seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}
    return s


def fixture_128_129():
    """1.28 -> 1.29: flowcontrol v1beta2, skew, certificates, swap, system Pods; 24 workers."""
    s = base("upgrade-128", "a1b2c3d4-0128-4000-8000-000000000128", "v1.28.3", 24)
    o = s["objects"]
    o["flowschemas"] = [{"apiVersion": "flowcontrol.apiserver.k8s.io/v1",
                         "kind": "FlowSchema",
                         "metadata": md("batch-jobs", annotations=last_applied(
                             "flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", "batch-jobs")),
                         "spec": {"matchingPrecedence": 1000,
                                  "priorityLevelConfiguration": {"name": "workload-low"}}}]
    # w02 runs a 1.25 kubelet: 4 minors behind 1.29.
    o["nodes"][2]["status"]["nodeInfo"]["kubeletVersion"] = "v1.25.16"
    s["nodes"]["w02"]["facts"]["kubelet"]["version"] = "v1.25.16"
    # The apiserver certificate expires in 10 days (inside the 30-day window).
    for c in s["nodes"]["cp-1"]["facts"]["certificates"]:
        if c["path"] == "/etc/kubernetes/pki/apiserver.crt":
            c["not_after"] = "2026-12-10T02:00:00Z"
    # Swap on w01 with failSwapOn (the default).
    s["nodes"]["w01"]["facts"]["swap"] = {"total_bytes": 4294967296, "used_bytes": 0}
    # metrics-server crash-loops, so its APIService is unavailable.
    o["pods"].append(running_pod(
        "metrics-server-6d94bc8694-x2x7k", "kube-system", "w03",
        [container("metrics-server", "registry.k8s.io/metrics-server/metrics-server:v0.6.4")],
        labels={"k8s-app": "metrics-server"}, owner=("ReplicaSet", "metrics-server-6d94bc8694"),
        ready=False,
        statuses=[{"name": "metrics-server", "ready": False, "restartCount": 37,
                   "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]))
    o["deployments"].append(deployment("metrics-server", "kube-system", 2,
                                       "registry.k8s.io/metrics-server/metrics-server:v0.6.4"))
    o["apiservices"][0]["status"]["conditions"] = [{
        "type": "Available", "status": "False", "reason": "MissingEndpoints",
        "message": "endpoints for service/metrics-server in \"kube-system\" have no addresses"}]
    return s


def clean_128_129():
    """A cluster ready for 1.29: GO."""
    return base("upgrade-clean", "a1b2c3d4-0128-4000-8000-0000000c1ea9", "v1.28.3", 4)


FIXTURES = {
    "1.21-to-1.22": fixture_121_122,
    "1.24-to-1.25": fixture_124_125,
    "1.28-to-1.29": fixture_128_129,
    "clean-1.28-to-1.29": clean_128_129,
}


def files_of(snap):
    out = {"snapshot.json": snap["meta"]}
    for plural, items in sorted(snap["objects"].items()):
        out["objects/%s.json" % plural] = lst(items)
    for name, f in sorted(snap["nodes"].items()):
        out["nodes/%s.json" % name] = f
    return {k: json.dumps(v, indent=1, ensure_ascii=False) + "\n" for k, v in out.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the files are out of date")
    args = ap.parse_args()
    stale = []
    for name, make in FIXTURES.items():
        d = os.path.normpath(os.path.join(ROOT, name))
        want = files_of(copy.deepcopy(make()))
        have = set()
        if os.path.isdir(d):
            for base_dir, _, names in os.walk(d):
                for n in names:
                    have.add(os.path.relpath(os.path.join(base_dir, n), d))
        for rel, text in want.items():
            path = os.path.join(d, rel)
            old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
            if old != text:
                stale.append(path)
                if not args.check:
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "w", encoding="utf-8") as fh:
                        fh.write(text)
        for rel in sorted(have - set(want)):
            stale.append(os.path.join(d, rel))
            if not args.check:
                os.remove(os.path.join(d, rel))
    if args.check and stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
