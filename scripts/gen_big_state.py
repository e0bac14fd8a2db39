#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate a big recorded cluster for the memory and throughput benchmarks.

Writes a snapshot directory (docs/snapshot.md layout) with N pods on M nodes, served by
kpatrol-fixture-apiserver: nodes, namespaces, deployments with their replicasets and pods,
services, ServiceAccounts, Roles, ClusterRoles and their bindings (a few risky ones), and Warning
events. Pods look like what the API server returns (labels, owner references, probes, resources,
full status, managedFields), about 4 KB each, so 150,000 pods is ~650 MB of JSON. Specs and
states vary as in a real cluster: sidecars, missing limits or probes, a few privileged pods with
host access and mutable tags; CrashLoopBackOff, OOMKilled, ImagePullBackOff and unschedulable
Pending pods. Files are written item by item (streamed), never built in memory; 150,000 pods
take about a minute.

Deterministic: random.Random(--seed), fixed timestamps, uuid5 uids.

Usage: python3 scripts/gen_big_state.py --size large --out /tmp/big   (5,000 nodes, 150,000 pods)
       python3 scripts/gen_big_state.py --size small --out /tmp/mid   (1,000 nodes, 30,000 pods)
       python3 scripts/gen_big_state.py --pods 150000 --nodes 5000 --out /tmp/big
       [--pods-per-deployment 10] [--namespaces 0 (auto)] [--no-managed-fields] [--seed 1]
Python 3 standard library only.
"""

import argparse
import json
import random
import shutil
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

UTC = timezone.utc
SCAN = datetime(2026, 11, 30, 2, 0, 0, tzinfo=UTC)
BASE = datetime(2026, 6, 1, 0, 0, 0, tzinfo=UTC)
VERSION = "v1.28.3"
SAFE = "bcdfghjklmnpqrstvwxz2456789"
DUMPS = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def uid(*parts):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "https://kpatrol.big/" + "/".join(parts)))


class ListWriter:
    """Streams {"apiVersion":"v1","kind":"List","items":[...]} one item at a time."""

    def __init__(self, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.f = open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
        self.f.write('{"apiVersion":"v1","kind":"List","items":[\n')
        self.n = 0

    def add(self, obj):
        if self.n:
            self.f.write(",\n")
        self.f.write(DUMPS(obj))
        self.n += 1

    def close(self):
        self.f.write("\n]}\n")
        self.f.close()


class Gen:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.rv = 100_000_000

    def next_rv(self):
        self.rv += self.rng.randint(1, 50)
        return str(self.rv)

    def rand(self, n):
        return "".join(self.rng.choice(SAFE) for _ in range(n))

    def hexs(self, n):
        return "%0*x" % (n, self.rng.getrandbits(4 * n))

    def meta(self, kind, name, ns=None, created=BASE, labels=None, owner=None):
        m = {"name": name}
        if ns is not None:
            m["namespace"] = ns
        m["uid"] = uid(kind, ns or "", name)
        m["resourceVersion"] = self.next_rv()
        m["creationTimestamp"] = ts(created)
        if labels:
            m["labels"] = labels
        if owner:
            m["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1],
                                     "uid": uid(owner[0], ns or "", owner[1]), "controller": True,
                                     "blockOwnerDeletion": True}]
        return m

    def node_name(self, i):
        return "node-%05d" % i

    def node_ip(self, i):
        return "10.%d.%d.%d" % (16 + i // 65536, (i // 256) % 256, i % 256)

    def write_nodes(self, out):
        w = ListWriter(out / "objects" / "nodes.json")
        for i in range(self.a.nodes):
            name = self.node_name(i)
            zone = "zone-%s" % "abc"[i % 3]
            w.add({"apiVersion": "v1", "kind": "Node",
                   "metadata": self.meta("Node", name, labels={
                       "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                       "kubernetes.io/arch": "amd64", "topology.kubernetes.io/zone": zone,
                       "node.kubernetes.io/instance-type": "m6i.4xlarge"}),
                   "spec": {"podCIDR": "100.%d.%d.0/24" % (64 + i // 256, i % 256)},
                   "status": {
                       "capacity": {"cpu": "16", "memory": "65544340Ki", "pods": "110",
                                    "ephemeral-storage": "203070420Ki"},
                       "allocatable": {"cpu": "15890m", "memory": "64393364Ki", "pods": "110",
                                       "ephemeral-storage": "187149698763"},
                       "conditions": [{"type": t, "status": "False", "reason": r,
                                       "lastHeartbeatTime": ts(SCAN - timedelta(seconds=30)),
                                       "lastTransitionTime": ts(BASE)}
                                      for t, r in (("MemoryPressure", "KubeletHasSufficientMemory"),
                                                   ("DiskPressure", "KubeletHasNoDiskPressure"),
                                                   ("PIDPressure", "KubeletHasSufficientPID"))] +
                                     [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                       "message": "kubelet is posting ready status",
                                       "lastHeartbeatTime": ts(SCAN - timedelta(seconds=30)),
                                       "lastTransitionTime": ts(BASE)}],
                       "addresses": [{"type": "InternalIP", "address": self.node_ip(i)},
                                     {"type": "Hostname", "address": name}],
                       "nodeInfo": {"kernelVersion": "5.15.0-91-generic",
                                    "osImage": "Ubuntu 22.04.3 LTS",
                                    "containerRuntimeVersion": "containerd://1.7.2",
                                    "kubeletVersion": VERSION, "kubeProxyVersion": VERSION,
                                    "operatingSystem": "linux", "architecture": "amd64"}}})
        w.close()
        return w.n

    def pod(self, ns, dep, rs, labels, image, node_index, created, k):
        name = "%s-%s" % (rs, self.rand(5))
        node = self.node_name(node_index)
        pod_ip = "100.%d.%d.%d" % (64 + node_index // 256, node_index % 256, 2 + k % 250)
        crash = self.rng.random() < self.a.crash_ratio
        # Other states a large cluster always has a few of: OOM kills, image pulls, Pending.
        fault = None if crash else self.rng.choices(
            (None, "oom", "pull", "pending"), (0.985, 0.006, 0.004, 0.005))[0]
        started = created + timedelta(seconds=7)
        status_c = {"name": "app", "ready": not crash, "restartCount": 0, "started": not crash,
                    "image": image, "imageID": image.split(":")[0] + "@sha256:" + self.hexs(64),
                    "containerID": "containerd://" + self.hexs(64), "lastState": {},
                    "state": {"running": {"startedAt": ts(started)}}}
        if crash:
            status_c["restartCount"] = self.rng.randint(5, 40)
            status_c["state"] = {"waiting": {"reason": "CrashLoopBackOff",
                                             "message": "back-off 5m0s restarting failed container"}}
            status_c["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error",
                                                    "startedAt": ts(SCAN - timedelta(minutes=6)),
                                                    "finishedAt": ts(SCAN - timedelta(minutes=5))}}
        if fault == "oom":
            status_c["restartCount"] = self.rng.randint(1, 6)
            status_c["lastState"] = {"terminated": {"exitCode": 137, "reason": "OOMKilled",
                                                    "startedAt": ts(SCAN - timedelta(hours=3)),
                                                    "finishedAt": ts(SCAN - timedelta(hours=1))}}
        elif fault == "pull":
            status_c.update(ready=False, started=False, containerID=None)
            status_c["state"] = {"waiting": {"reason": "ImagePullBackOff",
                                             "message": 'Back-off pulling image "%s"' % image}}
        ready = "False" if crash or fault in ("pull", "pending") else "True"
        m = self.meta("Pod", name, ns, created, dict(labels, **{"pod-template-hash": rs.rsplit("-", 1)[1]}),
                      ("ReplicaSet", rs))
        m["generateName"] = rs + "-"
        if self.a.managed_fields:
            m["managedFields"] = [
                {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
                 "time": ts(created), "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {},
                                                                                "f:pod-template-hash": {}},
                                             "f:ownerReferences": {".": {}, 'k:{"uid":"%s"}' % uid("ReplicaSet", ns, rs): {}}},
                              "f:spec": {"f:containers": {'k:{"name":"app"}': {
                                  ".": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {},
                                  "f:ports": {".": {}, 'k:{"containerPort":8080,"protocol":"TCP"}': {
                                      ".": {}, "f:containerPort": {}, "f:name": {}, "f:protocol": {}}},
                                  "f:resources": {".": {}, "f:limits": {".": {}, "f:cpu": {}, "f:memory": {}},
                                                  "f:requests": {".": {}, "f:cpu": {}, "f:memory": {}}}}},
                                  "f:dnsPolicy": {}, "f:restartPolicy": {}, "f:schedulerName": {}}}},
                {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": ts(started),
                 "fieldsType": "FieldsV1", "subresource": "status",
                 "fieldsV1": {"f:status": {"f:conditions": {}, "f:containerStatuses": {}, "f:hostIP": {},
                                           "f:phase": {}, "f:podIP": {}, "f:podIPs": {}, "f:startTime": {}}}}]
        pod = {
            "apiVersion": "v1", "kind": "Pod", "metadata": m,
            "spec": {
                "volumes": [{"name": "kube-api-access-" + self.rand(5), "projected": {"defaultMode": 420, "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}}],
                "containers": [{
                    "name": "app", "image": image, "imagePullPolicy": "IfNotPresent",
                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                    "env": [{"name": "SERVICE_NAME", "value": dep}, {"name": "LOG_FORMAT", "value": "json"}],
                    "resources": {"limits": {"cpu": "500m", "memory": "512Mi"},
                                  "requests": {"cpu": "100m", "memory": "128Mi"}},
                    "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"},
                                      "periodSeconds": 20, "timeoutSeconds": 1, "failureThreshold": 3},
                    "readinessProbe": {"httpGet": {"path": "/ready", "port": "http", "scheme": "HTTP"},
                                       "periodSeconds": 10, "timeoutSeconds": 1, "failureThreshold": 3},
                    "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                        "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}},
                    "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}],
                "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                "serviceAccountName": "default", "serviceAccount": "default", "nodeName": node,
                "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                "schedulerName": "default-scheduler",
                "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                                 "effect": "NoExecute", "tolerationSeconds": 300},
                                {"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                                 "effect": "NoExecute", "tolerationSeconds": 300}],
                "priority": 0, "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority"},
            "status": {
                "phase": "Running",
                "conditions": [{"type": "Initialized", "status": "True", "lastProbeTime": None,
                                "lastTransitionTime": ts(created)},
                               {"type": "Ready", "status": ready, "lastProbeTime": None,
                                "lastTransitionTime": ts(started)},
                               {"type": "ContainersReady", "status": ready, "lastProbeTime": None,
                                "lastTransitionTime": ts(started)},
                               {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                                "lastTransitionTime": ts(created)}],
                "hostIP": self.node_ip(node_index), "podIP": pod_ip, "podIPs": [{"ip": pod_ip}],
                "startTime": ts(created), "containerStatuses": [status_c], "qosClass": "Burstable"}}
        self.vary(pod, fault, created)
        return pod

    def vary(self, pod, fault, created):
        """Spec variety: sidecars, missing limits and probes, privileged and host access, tags."""
        spec, status = pod["spec"], pod["status"]
        app = spec["containers"][0]
        r = self.rng.random()
        if r < 0.20:  # a logging sidecar
            spec["containers"].append({
                "name": "log-agent", "image": "registry.example.com/infra/log-agent:2.4.1",
                "resources": {"requests": {"cpu": "20m", "memory": "32Mi"},
                              "limits": {"cpu": "100m", "memory": "64Mi"}},
                "volumeMounts": [{"name": "varlog", "mountPath": "/var/log/app"}],
                "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"})
            spec["volumes"].append({"name": "varlog", "emptyDir": {}})
            sc = dict(status["containerStatuses"][0], name="log-agent", restartCount=0, ready=True,
                      image="registry.example.com/infra/log-agent:2.4.1", lastState={},
                      state={"running": {"startedAt": ts(created + timedelta(seconds=6))}})
            status["containerStatuses"].append(sc)
        elif r < 0.25:  # no limits, BestEffort-ish
            app["resources"] = {"requests": {"cpu": "50m"}}
        elif r < 0.27:  # no probes
            app.pop("livenessProbe")
            app.pop("readinessProbe")
        elif r < 0.275:  # privileged with host access
            app["securityContext"] = {"privileged": True}
            spec["hostNetwork"] = True
            spec["volumes"].append({"name": "host", "hostPath": {"path": "/", "type": "Directory"}})
            app["volumeMounts"] = [{"name": "host", "mountPath": "/host", "readOnly": True}]
        elif r < 0.28:  # a mutable tag
            app["image"] = app["image"].rsplit(":", 1)[0] + ":latest"
        if fault == "pending":
            for k in ("nodeName", "hostIP", "podIP", "podIPs", "startTime", "containerStatuses"):
                spec.pop(k, None)
                status.pop(k, None)
            status["phase"] = "Pending"
            status["conditions"] = [{"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                                     "lastTransitionTime": ts(SCAN - timedelta(hours=2)),
                                     "reason": "Unschedulable",
                                     "message": "0/%d nodes are available: %d Insufficient memory."
                                                % (self.a.nodes, self.a.nodes)}]

    def write_rbac(self, out, namespaces):
        """ServiceAccounts, Roles and bindings per namespace, and cluster-wide roles, a few risky."""
        sa = ListWriter(out / "objects" / "serviceaccounts.json")
        roles = ListWriter(out / "objects" / "roles.json")
        rbs = ListWriter(out / "objects" / "rolebindings.json")
        crs = ListWriter(out / "objects" / "clusterroles.json")
        crbs = ListWriter(out / "objects" / "clusterrolebindings.json")
        rbac = "rbac.authorization.k8s.io/v1"
        for ns in namespaces:
            for name in ("default", "app", "deployer"):
                sa.add({"apiVersion": "v1", "kind": "ServiceAccount",
                        "metadata": self.meta("ServiceAccount", name, ns)})
            roles.add({"apiVersion": rbac, "kind": "Role", "metadata": self.meta("Role", "deployer", ns),
                       "rules": [{"apiGroups": ["apps"], "resources": ["deployments", "replicasets"],
                                  "verbs": ["get", "list", "watch", "create", "update", "patch"]},
                                 {"apiGroups": [""], "resources": ["pods", "services", "configmaps"],
                                  "verbs": ["get", "list", "watch"]}]})
            rbs.add({"apiVersion": rbac, "kind": "RoleBinding", "metadata": self.meta("RoleBinding", "deployer", ns),
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "deployer"},
                     "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": ns}]})
        cluster_roles = [
            ("cluster-admin", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                               {"nonResourceURLs": ["*"], "verbs": ["*"]}]),
            ("view", [{"apiGroups": ["", "apps", "batch"], "resources": ["pods", "services", "deployments", "jobs"],
                       "verbs": ["get", "list", "watch"]}]),
            ("secret-reader", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]}]),
            ("pod-exec", [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}]),
        ]
        for name, rules in cluster_roles:
            crs.add({"apiVersion": rbac, "kind": "ClusterRole", "metadata": self.meta("ClusterRole", name),
                     "rules": rules})
        bindings = [("cluster-admin", "cluster-admin", [{"kind": "Group", "name": "system:masters",
                                                         "apiGroup": "rbac.authorization.k8s.io"}]),
                    ("ci-admin", "cluster-admin", [{"kind": "ServiceAccount", "name": "deployer",
                                                    "namespace": namespaces[-1]}]),
                    ("monitoring-secrets", "secret-reader", [{"kind": "ServiceAccount", "name": "app",
                                                              "namespace": namespaces[-1]}]),
                    ("all-view", "view", [{"kind": "Group", "name": "system:authenticated",
                                           "apiGroup": "rbac.authorization.k8s.io"}])]
        for name, role, subjects in bindings:
            crbs.add({"apiVersion": rbac, "kind": "ClusterRoleBinding",
                      "metadata": self.meta("ClusterRoleBinding", name),
                      "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
                      "subjects": subjects})
        for w in (sa, roles, rbs, crs, crbs):
            w.close()
        return {"serviceaccounts": sa.n, "roles": roles.n, "clusterrolebindings": crbs.n}

    def write_workloads(self, out):
        a = self.a
        per = max(1, a.pods_per_deployment)
        deployments = (a.pods + per - 1) // per
        namespaces = a.namespaces or max(1, min(2000, deployments // 20))
        names = ["default", "kube-system", "kube-public", "kube-node-lease"] + \
                ["team-%04d" % i for i in range(namespaces)]
        w = ListWriter(out / "objects" / "namespaces.json")
        for ns in names:
            w.add({"apiVersion": "v1", "kind": "Namespace",
                   "metadata": self.meta("Namespace", ns, labels={"kubernetes.io/metadata.name": ns}),
                   "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        w.close()
        rbac_counts = self.write_rbac(out, names)
        dw = ListWriter(out / "objects" / "deployments.json")
        rw = ListWriter(out / "objects" / "replicasets.json")
        pw = ListWriter(out / "objects" / "pods.json")
        sw = ListWriter(out / "objects" / "services.json")
        ew = ListWriter(out / "objects" / "events.json")
        made = 0
        node = 0
        for d in range(deployments):
            ns = "team-%04d" % (d % namespaces)
            dep = "svc-%06d" % d
            replicas = min(per, a.pods - made)
            labels = {"app": dep}
            image = "registry.example.com/%s/%s:1.%d.%d" % (ns, dep, d % 7, d % 13)
            rs = "%s-%s" % (dep, self.rand(10))
            created = BASE + timedelta(minutes=d % 100000)
            template = {"metadata": {"labels": labels}, "spec": {"containers": [{
                "name": "app", "image": image,
                "resources": {"limits": {"cpu": "500m", "memory": "512Mi"},
                              "requests": {"cpu": "100m", "memory": "128Mi"}}}]}}
            dw.add({"apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": self.meta("Deployment", dep, ns, created, labels),
                    "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "template": template},
                    "status": {"replicas": replicas, "updatedReplicas": replicas, "readyReplicas": replicas,
                               "availableReplicas": replicas, "observedGeneration": 1}})
            rw.add({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                    "metadata": self.meta("ReplicaSet", rs, ns, created, labels, ("Deployment", dep)),
                    "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "template": template},
                    "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas}})
            sw.add({"apiVersion": "v1", "kind": "Service", "metadata": self.meta("Service", dep, ns, created),
                    "spec": {"type": "ClusterIP", "clusterIP": "10.%d.%d.%d" % (96 + d // 65536, (d // 256) % 256, d % 256),
                             "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}],
                             "selector": labels}})
            for k in range(replicas):
                p = self.pod(ns, dep, rs, labels, image, node, created + timedelta(seconds=k), made)
                pw.add(p)
                status = (p["status"].get("containerStatuses") or [{}])[0]
                if "waiting" in status.get("state", {}) and status["state"]["waiting"]["reason"] == "CrashLoopBackOff":
                    ew.add({"apiVersion": "v1", "kind": "Event",
                            "metadata": self.meta("Event", p["metadata"]["name"] + "." + self.hexs(16), ns,
                                                  SCAN - timedelta(minutes=5)),
                            "involvedObject": {"kind": "Pod", "namespace": ns, "name": p["metadata"]["name"],
                                               "uid": p["metadata"]["uid"], "apiVersion": "v1"},
                            "reason": "BackOff", "message": "Back-off restarting failed container app",
                            "type": "Warning", "count": status["restartCount"],
                            "firstTimestamp": ts(SCAN - timedelta(hours=2)),
                            "lastTimestamp": ts(SCAN - timedelta(minutes=5)),
                            "source": {"component": "kubelet", "host": p["spec"]["nodeName"]}})
                node = (node + 1) % a.nodes
                made += 1
        for w in (dw, rw, pw, sw, ew):
            w.close()
        return dict({"namespaces": len(names), "deployments": dw.n, "pods": pw.n, "events": ew.n},
                    **rbac_counts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=("small", "large"),
                    help="small: 1,000 nodes / 30,000 pods; large: 5,000 nodes / 150,000 pods")
    ap.add_argument("--pods", type=int)
    ap.add_argument("--nodes", type=int)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pods-per-deployment", type=int, default=10)
    ap.add_argument("--namespaces", type=int, default=0, help="0: one per 20 deployments (max 2000)")
    ap.add_argument("--crash-ratio", type=float, default=0.002, help="share of CrashLoopBackOff pods")
    ap.add_argument("--no-managed-fields", dest="managed_fields", action="store_false")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    preset = {"small": (1000, 30000), "large": (5000, 150000), None: (None, None)}[a.size]
    a.nodes = a.nodes if a.nodes is not None else preset[0]
    a.pods = a.pods if a.pods is not None else preset[1]
    if a.pods is None or a.nodes is None:
        ap.error("give --size small|large, or --pods and --nodes")
    if a.pods < 0 or a.nodes < 1:
        ap.error("--pods must be >= 0 and --nodes >= 1")
    out = Path(a.out)
    for sub in ("objects", "nodes"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    g = Gen(a)
    with open(out / "snapshot.json", "w") as f:
        json.dump({"schema_version": 1, "created_at": ts(SCAN),
                   "cluster": {"name": "big-%dp-%dn" % (a.pods, a.nodes), "uid": uid("Namespace", "", "kube-system"),
                               "version": VERSION, "flavour": "kubeadm"},
                   "tool_version": "0.1.0",
                   "sources": [{"type": "fixture", "description": "scripts/gen_big_state.py"}]}, f, indent=1)
        f.write("\n")
    with open(out / "errors.json", "w") as f:
        f.write("[]\n")
    nodes = g.write_nodes(out)
    counts = g.write_workloads(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print("nodes=%d %s  %.1f MB in %s  (%.1fs)" % (
        nodes, " ".join("%s=%d" % kv for kv in counts.items()), size / 1e6, out, time.monotonic() - t0),
        file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
