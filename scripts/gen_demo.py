#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate the embedded kpatrol demo cluster snapshot (fixtures/demo/).

The demo cluster is a realistic three-master, five-worker kubeadm cluster ("demo", v1.28.3)
with a small, documented set of planted faults (see fixtures/README.md). The layout is the
snapshot directory format of docs/snapshot.md:

    fixtures/demo/snapshot.json
    fixtures/demo/errors.json
    fixtures/demo/objects/<plural>.json   kubectl-style {"apiVersion":"v1","kind":"List",...}
    fixtures/demo/nodes/<node>.json       {"facts": {...}}

The output is fully deterministic: one random.Random(42) drives every "random" choice, every
timestamp is derived from the fixed scan time, and uids are uuid5 of the object's identity.
Running the script twice gives byte-identical files.

Usage: python3 scripts/gen_demo.py [--out DIR]     (default: <repo>/fixtures/demo)
Python 3 standard library only.
"""

import argparse
import copy
import hashlib
import json
import shutil
import sys
import uuid
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

UTC = timezone.utc
RNG = random.Random(42)

# --------------------------------------------------------------------------------------------
# Fixed points in time. Nothing here reads the clock.
# --------------------------------------------------------------------------------------------
SCAN = datetime(2026, 11, 30, 2, 0, 0, tzinfo=UTC)          # snapshot created_at
CLUSTER_INIT = datetime(2025, 12, 19, 10, 0, 0, tzinfo=UTC)  # kubeadm init: CA not_before
CERT_RENEWAL = datetime(2026, 9, 25, 9, 30, 0, tzinfo=UTC)   # kubeadm upgrade to v1.28.3
SYSTEM_ROLLOUT = datetime(2026, 11, 5, 8, 0, 0, tzinfo=UTC)  # kube-system add-ons re-rolled

K8S_VERSION = "v1.28.3"
CONTAINERD_VERSION = "1.7.2"
KERNEL = "5.15.0-91-generic"
OS_IMAGE = "Ubuntu 22.04.3 LTS"
API_ENDPOINT = "k8s-api.demo.internal"
CLUSTER_NAME = "demo"
MEM_CAPACITY_KI = 32781564
MEM_BYTES = MEM_CAPACITY_KI * 1024
PAUSE_IMAGE = "registry.k8s.io/pause:3.9"
CALICO_VERSION = "v3.26.4"


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def ts_micro(dt, micros):
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % micros


def ts_nano(dt, nanos):
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % nanos


def uid(*parts):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "https://kpatrol.demo/" + "/".join(parts)))


SAFE = "bcdfghjklmnpqrstvwxz2456789"  # k8s rand.SafeEncodeString alphabet


def rand_str(n):
    return "".join(RNG.choice(SAFE) for _ in range(n))


def rand_hex(n):
    return "".join(RNG.choice("0123456789abcdef") for _ in range(n))


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def jitter(lo, hi):
    return timedelta(seconds=RNG.randint(lo, hi))


_RV = [9_184_000]


def rv():
    _RV[0] += RNG.randint(3, 911)
    return str(_RV[0])


OBJECTS = {}  # plural -> [items]


def add(plural, obj):
    OBJECTS.setdefault(plural, []).append(obj)
    return obj


def meta(kind, name, ns=None, created=None, labels=None, annotations=None, owners=None,
         generation=None, generate_name=None):
    m = {"name": name}
    if generate_name:
        m["generateName"] = generate_name
    if ns is not None:
        m["namespace"] = ns
    m["uid"] = uid(kind, ns or "", name)
    m["resourceVersion"] = rv()
    if generation is not None:
        m["generation"] = generation
    m["creationTimestamp"] = ts(created)
    if labels:
        m["labels"] = labels
    if annotations:
        m["annotations"] = annotations
    if owners:
        m["ownerReferences"] = owners
    return m


def owner_ref(api_version, kind, name, ns, controller=True):
    ref = {"apiVersion": api_version, "kind": kind, "name": name, "uid": uid(kind, ns or "", name)}
    if controller:
        ref["controller"] = True
        ref["blockOwnerDeletion"] = True
    return ref


def cond(type_, status, when, reason=None, message=None, probe=False, update=None):
    c = {"type": type_, "status": status}
    if probe:
        c["lastProbeTime"] = None
    if update is not None:
        c["lastUpdateTime"] = ts(update)
    c["lastTransitionTime"] = ts(when)
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


# --------------------------------------------------------------------------------------------
# Nodes
# --------------------------------------------------------------------------------------------
NODES = []
for i in range(8):
    master = i < 3
    name = "master-%d" % (i + 1) if master else "worker-%d" % (i - 2)
    if master:
        joined = CLUSTER_INIT + timedelta(minutes=4 + 17 * i, seconds=12 + 7 * i)
        boot = datetime(2026, 11, 2, 3, 10, 0, tzinfo=UTC) + timedelta(minutes=30 * i)
    else:
        joined = CLUSTER_INIT + timedelta(hours=1, minutes=6 * (i - 3), seconds=41 + 3 * i)
        boot = datetime(2026, 11, 3, 3, 10, 0, tzinfo=UTC) + timedelta(minutes=30 * (i - 3))
    NODES.append({
        "name": name, "master": master, "idx": i, "ip": "10.0.0.%d" % (11 + i),
        "cidr": "10.244.%d.0/24" % i, "joined": joined,
        "boot": boot + jitter(0, 59), "next_ip": 2,
        "cpu_req": 0, "mem_req": 0,
    })
NODE = {n["name"]: n for n in NODES}
MASTERS = [n for n in NODES if n["master"]]
WORKERS = [n for n in NODES if not n["master"]]


def pod_ip(node):
    ip = "10.244.%d.%d" % (node["idx"], node["next_ip"])
    node["next_ip"] += RNG.randint(1, 4)
    return ip


def spread(n, pool=None, distinct=False):
    pool = pool or WORKERS
    if distinct and n > len(pool):
        raise ValueError("cannot spread %d replicas over %d nodes" % (n, len(pool)))
    off = RNG.randrange(len(pool))
    return [pool[(off + i) % len(pool)] for i in range(n)]


# --------------------------------------------------------------------------------------------
# Container / pod spec helpers
# --------------------------------------------------------------------------------------------
def res(cpu_req=None, mem_req=None, cpu_lim=None, mem_lim=None):
    r = {}
    lim = {}
    if cpu_lim:
        lim["cpu"] = cpu_lim
    if mem_lim:
        lim["memory"] = mem_lim
    if lim:
        r["limits"] = lim
    req = {}
    if cpu_req:
        req["cpu"] = cpu_req
    if mem_req:
        req["memory"] = mem_req
    if req:
        r["requests"] = req
    return r


def http_probe(path, port, scheme="HTTP", delay=10, period=10, timeout=1, failure=3, host=None):
    get = {}
    if host:
        get["host"] = host
    get.update({"path": path, "port": port, "scheme": scheme})
    return {"httpGet": get, "initialDelaySeconds": delay, "timeoutSeconds": timeout,
            "periodSeconds": period, "successThreshold": 1, "failureThreshold": failure}


def tcp_probe(port, delay=15, period=10):
    return {"tcpSocket": {"port": port}, "initialDelaySeconds": delay, "timeoutSeconds": 1,
            "periodSeconds": period, "successThreshold": 1, "failureThreshold": 3}


def exec_probe(cmd, delay=10, period=10, timeout=5):
    return {"exec": {"command": cmd}, "initialDelaySeconds": delay, "timeoutSeconds": timeout,
            "periodSeconds": period, "successThreshold": 1, "failureThreshold": 3}


HARDENED = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]}}


def container(name, image, resources, ports=None, command=None, args=None, env=None,
              mounts=None, liveness=None, readiness=None, startup=None, sc=None, pull=None):
    c = {"name": name, "image": image}
    if command:
        c["command"] = command
    if args:
        c["args"] = args
    if ports:
        c["ports"] = ports
    if env:
        c["env"] = env
    c["resources"] = resources
    if mounts:
        c["volumeMounts"] = mounts
    if liveness:
        c["livenessProbe"] = liveness
    if readiness:
        c["readinessProbe"] = readiness
    if startup:
        c["startupProbe"] = startup
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    if pull is None:
        tag = image.rsplit("/", 1)[-1]
        pull = "Always" if (":" not in tag or tag.endswith(":latest")) else "IfNotPresent"
    c["imagePullPolicy"] = pull
    if sc is not None:
        c["securityContext"] = sc
    return c


def port(p, name=None, proto="TCP", host=False):
    d = {}
    if name:
        d["name"] = name
    d["containerPort"] = p
    if host:
        d["hostPort"] = p
    d["protocol"] = proto
    return d


def env_val(name, value):
    return {"name": name, "value": value}


def env_field(name, path):
    return {"name": name, "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": path}}}


def env_secret(name, secret, key):
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def host_path_vol(name, path, type_=""):
    return {"name": name, "hostPath": {"path": path, "type": type_}}


def cm_vol(name, cm, mode=420):
    return {"name": name, "configMap": {"name": cm, "defaultMode": mode}}


def secret_vol(name, secret, mode=420):
    return {"name": name, "secret": {"secretName": secret, "defaultMode": mode}}


def empty_vol(name, medium=None):
    return {"name": name, "emptyDir": {"medium": medium} if medium else {}}


def mount(name, path, ro=False):
    m = {"name": name, "mountPath": path}
    if ro:
        m["readOnly"] = True
    return m


def app_psc(user):
    return {"runAsUser": user, "runAsGroup": user, "runAsNonRoot": True, "fsGroup": user,
            "seccompProfile": {"type": "RuntimeDefault"}}


DEFAULT_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
     "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
     "tolerationSeconds": 300},
]

DS_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
]

PRIORITY = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}


def pod_spec(containers, sa=None, volumes=None, init=None, psc=None, host_network=False,
             host_pid=False, tolerations=None, priority_class=None, affinity=None,
             restart="Always", grace=30, dns_policy=None, node_selector=None, hostname=None,
             subdomain=None, automount=None):
    s = {}
    if volumes:
        s["volumes"] = volumes
    if init:
        s["initContainers"] = init
    s["containers"] = containers
    s["restartPolicy"] = restart
    s["terminationGracePeriodSeconds"] = grace
    s["dnsPolicy"] = dns_policy or ("ClusterFirstWithHostNet" if host_network else "ClusterFirst")
    if node_selector:
        s["nodeSelector"] = node_selector
    if sa:
        s["serviceAccountName"] = sa
        s["serviceAccount"] = sa
    if automount is not None:
        s["automountServiceAccountToken"] = automount
    if host_network:
        s["hostNetwork"] = True
    if host_pid:
        s["hostPID"] = True
    s["securityContext"] = psc or {}
    if hostname:
        s["hostname"] = hostname
    if subdomain:
        s["subdomain"] = subdomain
    if affinity:
        s["affinity"] = affinity
    s["schedulerName"] = "default-scheduler"
    if tolerations:
        s["tolerations"] = tolerations
    if priority_class:
        s["priorityClassName"] = priority_class
    s["priority"] = PRIORITY.get(priority_class, 0)
    s["enableServiceLinks"] = True
    s["preemptionPolicy"] = "PreemptLowerPriority"
    return s


# --------------------------------------------------------------------------------------------
# Pod instantiation and status
# --------------------------------------------------------------------------------------------
def parse_cpu(v):
    if v is None:
        return 0
    return int(v[:-1]) if v.endswith("m") else int(float(v) * 1000)


UNITS = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40}


def parse_mem(v):
    if v is None:
        return 0
    for suf, mul in UNITS.items():
        if v.endswith(suf):
            return int(v[:-2]) * mul
    return int(v)


def qos_class(spec):
    ctrs = spec.get("containers", []) + spec.get("initContainers", [])
    any_set = False
    guaranteed = True
    for c in ctrs:
        r = c.get("resources", {})
        req, lim = r.get("requests", {}), r.get("limits", {})
        if req or lim:
            any_set = True
        for k in ("cpu", "memory"):
            if k not in lim or req.get(k, lim.get(k)) != lim[k]:
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def normalize_image(image):
    """The image reference as containerd reports it in containerStatuses[].image."""
    name = image
    last = name.rsplit("/", 1)[-1]
    if ":" not in last and "@" not in last:
        name += ":latest"
    first = name.split("/", 1)[0]
    if "/" not in name:
        name = "docker.io/library/" + name
    elif "." not in first and ":" not in first and first != "localhost":
        name = "docker.io/" + name
    return name


def image_id(image):
    ref = normalize_image(image)
    repo = ref.rsplit(":", 1)[0]
    return "%s@sha256:%s" % (repo, sha("digest:" + ref))


def container_status(c, started, ready=True, restarts=0, state=None, last_state=None):
    st = {"name": c["name"]}
    st["state"] = state or {"running": {"startedAt": ts(started)}}
    st["lastState"] = last_state or {}
    st["ready"] = ready
    st["restartCount"] = restarts
    st["image"] = normalize_image(c["image"])
    st["imageID"] = image_id(c["image"])
    st["containerID"] = "containerd://" + rand_hex(64)
    st["started"] = "running" in st["state"]
    return st


def instantiate(template_spec, node, sa_token=True):
    """A pod spec as the API server stores it: template + nodeName + token volume."""
    spec = copy.deepcopy(template_spec)
    if sa_token and spec.get("automountServiceAccountToken", True) is not False:
        token = "kube-api-access-" + rand_str(5)
        spec.setdefault("volumes", []).append(token_volume(token))
        for key in ("initContainers", "containers"):
            for c in spec.get(key, []):
                c.setdefault("volumeMounts", []).append(
                    mount(token, "/var/run/secrets/kubernetes.io/serviceaccount", ro=True))
                # the usual key order: volumeMounts before the probes
                order = ["name", "image", "command", "args", "ports", "env", "resources",
                         "volumeMounts"]
                reordered = {k: c[k] for k in order if k in c}
                reordered.update({k: v for k, v in c.items() if k not in reordered})
                c.clear()
                c.update(reordered)
    out = {}
    if "volumes" in spec:
        out["volumes"] = spec.pop("volumes")
    anchor = next(k for k in ("serviceAccount", "nodeSelector", "dnsPolicy") if k in spec)
    for k, v in spec.items():
        out[k] = v
        if k == anchor and node is not None:
            out["nodeName"] = node["name"]
        if k == "schedulerName" and "tolerations" not in spec:
            out["tolerations"] = copy.deepcopy(DEFAULT_TOLERATIONS)
    return out


def token_volume(name):
    return {"name": name, "projected": {"sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
            "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
    ], "defaultMode": 420}}


def charge(node, spec):
    for c in spec["containers"]:
        req = c.get("resources", {}).get("requests", {})
        lim = c.get("resources", {}).get("limits", {})
        node["cpu_req"] += parse_cpu(req.get("cpu", lim.get("cpu")))
        node["mem_req"] += parse_mem(req.get("memory", lim.get("memory")))


def make_pod(ns, name, labels, template_spec, node, created, owners=None, annotations=None,
             generate_name=None, sa_token=True, phase="Running", finished=None):
    spec = instantiate(template_spec, node, sa_token=sa_token)
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": meta("Pod", name, ns, created, labels=labels, annotations=annotations,
                            owners=owners, generate_name=generate_name),
           "spec": spec}
    host_net = spec.get("hostNetwork", False)
    scheduled = created + timedelta(seconds=1)
    ip = node["ip"] if host_net else pod_ip(node)
    t = scheduled + jitter(1, 4)
    status = {"phase": phase}
    init_statuses = []
    for ic in spec.get("initContainers", []):
        t_start = t
        t = t + jitter(2, 6)
        st = container_status(ic, t_start, ready=True, state={"terminated": {
            "exitCode": 0, "reason": "Completed", "startedAt": ts(t_start), "finishedAt": ts(t),
            "containerID": "containerd://" + rand_hex(64)}})
        st["started"] = False
        init_statuses.append(st)
    started = t + jitter(1, 8)
    statuses = []
    for c in spec["containers"]:
        if phase == "Succeeded":
            st = container_status(c, started, ready=False, state={"terminated": {
                "exitCode": 0, "reason": "Completed", "startedAt": ts(started),
                "finishedAt": ts(finished), "containerID": "containerd://" + rand_hex(64)}})
        else:
            st = container_status(c, started + jitter(0, 2))
        statuses.append(st)
    ready_at = started + jitter(5, 40)
    if phase == "Succeeded":
        status["conditions"] = [
            cond("Initialized", "True", scheduled, reason="PodCompleted", probe=True),
            cond("Ready", "False", finished, reason="PodCompleted", probe=True),
            cond("ContainersReady", "False", finished, reason="PodCompleted", probe=True),
            cond("PodScheduled", "True", scheduled, probe=True),
        ]
    else:
        status["conditions"] = [
            cond("Initialized", "True", t if init_statuses else scheduled, probe=True),
            cond("Ready", "True", ready_at, probe=True),
            cond("ContainersReady", "True", ready_at, probe=True),
            cond("PodScheduled", "True", scheduled, probe=True),
        ]
    status["hostIP"] = node["ip"]
    status["hostIPs"] = [{"ip": node["ip"]}]
    status["podIP"] = ip
    status["podIPs"] = [{"ip": ip}]
    status["startTime"] = ts(scheduled)
    if init_statuses:
        status["initContainerStatuses"] = init_statuses
    status["containerStatuses"] = statuses
    status["qosClass"] = qos_class(spec)
    pod["status"] = status
    if phase == "Running":
        charge(node, spec)
    return add("pods", pod)


def pod_ready(pod):
    for c in pod["status"].get("conditions", []):
        if c["type"] == "Ready":
            return c["status"] == "True"
    return False


def template(labels, spec, annotations=None):
    md = {"creationTimestamp": None, "labels": dict(labels)}
    if annotations:
        md["annotations"] = annotations
    return {"metadata": md, "spec": spec}


# --------------------------------------------------------------------------------------------
# Workload builders
# --------------------------------------------------------------------------------------------
def deployment(ns, name, replicas, spec, labels, created, rollout, nodes=None, revision=1,
               pod_hook=None, deploy_labels=None, annotations=None, template_annotations=None):
    """A Deployment, its current ReplicaSet and the ReplicaSet's pods."""
    selector = dict(labels)
    nodes = nodes if nodes is not None else spread(replicas, distinct=replicas <= len(WORKERS))
    tmpl_hash = rand_str(10)
    rs_name = "%s-%s" % (name, tmpl_hash)
    pod_labels = dict(labels)
    pod_labels["pod-template-hash"] = tmpl_hash
    pods = []
    for i in range(replicas):
        pname = "%s-%s" % (rs_name, rand_str(5))
        created_i = rollout + timedelta(seconds=RNG.randint(1, 25) + 11 * i)
        p = make_pod(ns, pname, dict(pod_labels), spec, nodes[i], created_i,
                     owners=[owner_ref("apps/v1", "ReplicaSet", rs_name, ns)],
                     annotations=copy.deepcopy(template_annotations), generate_name=rs_name + "-")
        if pod_hook:
            pod_hook(i, p)
        pods.append(p)
    ready = sum(1 for p in pods if pod_ready(p))
    dl = dict(deploy_labels or labels)
    ann = {"deployment.kubernetes.io/revision": str(revision)}
    if annotations:
        ann.update(annotations)
    d = {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": meta("Deployment", name, ns, created, labels=dl, annotations=ann,
                          generation=revision),
         "spec": {"replicas": replicas, "selector": {"matchLabels": selector},
                  "template": template(labels, spec, template_annotations),
                  "strategy": {"type": "RollingUpdate",
                               "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                  "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600}}
    status = {"observedGeneration": revision, "replicas": replicas, "updatedReplicas": replicas}
    if ready:
        status["readyReplicas"] = ready
        status["availableReplicas"] = ready
    if replicas - ready:
        status["unavailableReplicas"] = replicas - ready
    last = max(datetime.strptime(p["metadata"]["creationTimestamp"], "%Y-%m-%dT%H:%M:%SZ")
               .replace(tzinfo=UTC) for p in pods) + timedelta(seconds=40)
    max_unavail = replicas // 4
    if ready >= replicas - max_unavail and ready > 0:
        avail = cond("Available", "True", last, "MinimumReplicasAvailable",
                     "Deployment has minimum availability.", update=last)
        prog = cond("Progressing", "True", rollout, "NewReplicaSetAvailable",
                    'ReplicaSet "%s" has successfully progressed.' % rs_name, update=last)
    else:
        avail = cond("Available", "False", rollout, "MinimumReplicasUnavailable",
                     "Deployment does not have minimum availability.", update=rollout)
        dead = rollout + timedelta(seconds=601)
        prog = cond("Progressing", "False", dead, "ProgressDeadlineExceeded",
                    'ReplicaSet "%s" has timed out progressing.' % rs_name, update=dead)
    status["conditions"] = [avail, prog]
    d["status"] = status
    add("deployments", d)
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": meta("ReplicaSet", rs_name, ns, rollout, labels=dict(pod_labels),
                           annotations={"deployment.kubernetes.io/desired-replicas": str(replicas),
                                        "deployment.kubernetes.io/max-replicas":
                                            str(replicas + (replicas + 3) // 4),
                                        "deployment.kubernetes.io/revision": str(revision)},
                           owners=[owner_ref("apps/v1", "Deployment", name, ns)], generation=1),
          "spec": {"replicas": replicas, "selector": {"matchLabels": dict(pod_labels)},
                   "template": template(pod_labels, spec, template_annotations)},
          "status": {"replicas": replicas, "fullyLabeledReplicas": replicas}}
    if ready:
        rs["status"]["readyReplicas"] = ready
        rs["status"]["availableReplicas"] = ready
    rs["status"]["observedGeneration"] = 1
    add("replicasets", rs)
    return pods


def daemonset(ns, name, spec, labels, created, rollout, nodes=None, ds_labels=None):
    nodes = nodes or NODES
    rev = "%d%s" % (RNG.randint(5, 9), rand_str(9))
    pods = []
    for k, node in enumerate(nodes):
        pl = dict(labels)
        pl["controller-revision-hash"] = rev
        pl["pod-template-generation"] = "1"
        s = copy.deepcopy(spec)
        aff = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [
                {"key": "metadata.name", "operator": "In", "values": [node["name"]]}]}]}}}
        s2 = {}
        for key, val in s.items():
            if key == "schedulerName":
                s2["affinity"] = aff
            s2[key] = val
        s2["tolerations"] = s2.get("tolerations", []) + [
            t for t in DS_TOLERATIONS if t not in s2.get("tolerations", [])]
        if s2.get("hostNetwork"):
            s2["tolerations"].append({"key": "node.kubernetes.io/network-unavailable",
                                      "operator": "Exists", "effect": "NoSchedule"})
        created_k = max(rollout, node["boot"] + timedelta(minutes=2)) + \
            timedelta(seconds=17 * k + RNG.randint(0, 9))
        pods.append(make_pod(ns, "%s-%s" % (name, rand_str(5)), pl, s2, node, created_k,
                             owners=[owner_ref("apps/v1", "DaemonSet", name, ns)],
                             generate_name=name + "-"))
    n = len(nodes)
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet",
          "metadata": meta("DaemonSet", name, ns, created, labels=dict(ds_labels or labels),
                           annotations={"deprecated.daemonset.template.generation": "1"},
                           generation=1),
          "spec": {"selector": {"matchLabels": dict(labels)}, "template": template(labels, spec),
                   "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {
                       "maxUnavailable": 1, "maxSurge": 0}},
                   "revisionHistoryLimit": 10},
          "status": {"currentNumberScheduled": n, "numberMisscheduled": 0,
                     "desiredNumberScheduled": n, "numberReady": n, "observedGeneration": 1,
                     "updatedNumberScheduled": n, "numberAvailable": n}}
    add("daemonsets", ds)
    return pods


PVCS = []  # (ns, claim, node, size, labels, created)


def statefulset(ns, name, replicas, spec, labels, created, rollout, service, nodes=None,
                claims=None, pod_hook=None, sts_labels=None):
    """claims: [(template_name, size)] -> volumeClaimTemplates + PVCs + local PVs."""
    nodes = nodes or spread(replicas, distinct=True)
    rev = "%s-%s" % (name, rand_str(10))
    claims = claims or []
    pods = []
    for i in range(replicas):
        pname = "%s-%d" % (name, i)
        pl = dict(labels)
        pl["apps.kubernetes.io/pod-index"] = str(i)
        pl["controller-revision-hash"] = rev
        pl["statefulset.kubernetes.io/pod-name"] = pname
        s = copy.deepcopy(spec)
        vols = [{"name": cn, "persistentVolumeClaim": {"claimName": "%s-%s" % (cn, pname)}}
                for cn, _ in claims]
        s["volumes"] = vols + s.get("volumes", [])
        s2 = {}
        for key, val in s.items():
            if key == "schedulerName":
                s2["hostname"] = pname
                s2["subdomain"] = service
            s2[key] = val
        s2 = {"volumes": s2.pop("volumes"), **s2}
        created_i = rollout + timedelta(seconds=35 * i + RNG.randint(0, 9))
        for cn, size in claims:
            PVCS.append((ns, "%s-%s" % (cn, pname), nodes[i], size, dict(labels), created_i))
        p = make_pod(ns, pname, pl, s2, nodes[i], created_i,
                     owners=[owner_ref("apps/v1", "StatefulSet", name, ns)], generate_name=name + "-")
        if pod_hook:
            pod_hook(i, p)
        pods.append(p)
    ready = sum(1 for p in pods if pod_ready(p))
    sts_spec = {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                "template": template(labels, spec), "serviceName": service,
                "podManagementPolicy": "OrderedReady",
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                "revisionHistoryLimit": 10,
                "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain",
                                                         "whenScaled": "Retain"}}
    if claims:
        sts_spec["volumeClaimTemplates"] = [{
            "apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": cn, "creationTimestamp": None},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "local-storage",
                     "volumeMode": "Filesystem", "resources": {"requests": {"storage": size}}},
            "status": {"phase": "Pending"}} for cn, size in claims]
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet",
           "metadata": meta("StatefulSet", name, ns, created, labels=dict(sts_labels or labels),
                            generation=1),
           "spec": sts_spec,
           "status": {"observedGeneration": 1, "replicas": replicas, "readyReplicas": ready,
                      "currentReplicas": replicas, "updatedReplicas": replicas,
                      "currentRevision": rev, "updateRevision": rev, "collisionCount": 0,
                      "availableReplicas": ready}}
    add("statefulsets", sts)
    return pods


def job(ns, name, spec, labels, created, duration, node, cron=None, backoff=6):
    """A completed Job with its one Succeeded pod."""
    job_uid = uid("Job", ns, name)
    pl = dict(labels)
    pl.update({"batch.kubernetes.io/controller-uid": job_uid, "batch.kubernetes.io/job-name": name,
               "controller-uid": job_uid, "job-name": name})
    finished = created + duration
    pod_name = "%s-%s" % (name, rand_str(5))
    make_pod(ns, pod_name, pl, spec, node, created,
             owners=[owner_ref("batch/v1", "Job", name, ns)], generate_name=name + "-",
             phase="Succeeded", finished=finished)
    owners = [owner_ref("batch/v1", "CronJob", cron, ns)] if cron else None
    jl = dict(labels)
    jl.update({"batch.kubernetes.io/controller-uid": job_uid, "batch.kubernetes.io/job-name": name,
               "controller-uid": job_uid, "job-name": name})
    ann = {"batch.kubernetes.io/job-tracking": ""}
    if cron:
        ann["batch.kubernetes.io/cronjob-scheduled-timestamp"] = ts(created)
    j = {"apiVersion": "batch/v1", "kind": "Job",
         "metadata": meta("Job", name, ns, created, labels=jl, annotations=ann, owners=owners,
                          generation=1),
         "spec": {"parallelism": 1, "completions": 1, "backoffLimit": backoff,
                  "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": job_uid}},
                  "manualSelector": False, "template": template(pl, spec),
                  "completionMode": "NonIndexed", "suspend": False},
         "status": {"conditions": [cond("Complete", "True", finished + timedelta(seconds=1),
                                        probe=True)],
                    "startTime": ts(created), "completionTime": ts(finished + timedelta(seconds=1)),
                    "succeeded": 1, "uncountedTerminatedPods": {}, "ready": 0}}
    j["status"]["conditions"][0]["lastProbeTime"] = ts(finished + timedelta(seconds=1))
    add("jobs", j)
    return j


# --------------------------------------------------------------------------------------------
# Cluster-level objects
# --------------------------------------------------------------------------------------------
NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "monitoring",
              "ingress-nginx", "shop", "payments", "data", "batch"]
NS_CREATED = {
    "default": CLUSTER_INIT + timedelta(minutes=3, seconds=31),
    "kube-system": CLUSTER_INIT + timedelta(minutes=3, seconds=31),
    "kube-public": CLUSTER_INIT + timedelta(minutes=3, seconds=31),
    "kube-node-lease": CLUSTER_INIT + timedelta(minutes=3, seconds=31),
    "monitoring": datetime(2025, 12, 19, 14, 12, 7, tzinfo=UTC),
    "ingress-nginx": datetime(2025, 12, 19, 13, 40, 55, tzinfo=UTC),
    "shop": datetime(2026, 1, 12, 9, 3, 44, tzinfo=UTC),
    "payments": datetime(2026, 1, 14, 15, 20, 9, tzinfo=UTC),
    "data": datetime(2026, 1, 8, 11, 47, 30, tzinfo=UTC),
    "batch": datetime(2026, 2, 2, 8, 15, 2, tzinfo=UTC),
}
NS_EXTRA_LABELS = {
    "monitoring": {"app.kubernetes.io/part-of": "kube-prometheus"},
    "ingress-nginx": {"app.kubernetes.io/instance": "ingress-nginx",
                      "app.kubernetes.io/name": "ingress-nginx"},
    "shop": {"team": "storefront"},
    "payments": {"team": "payments", "compliance": "pci-dss"},
    "data": {"team": "platform-data"},
    "batch": {"team": "analytics"},
}


def build_namespaces():
    for ns in NAMESPACES:
        labels = {"kubernetes.io/metadata.name": ns}
        labels.update(NS_EXTRA_LABELS.get(ns, {}))
        add("namespaces", {"apiVersion": "v1", "kind": "Namespace",
                           "metadata": meta("Namespace", ns, None, NS_CREATED[ns], labels=labels),
                           "spec": {"finalizers": ["kubernetes"]},
                           "status": {"phase": "Active"}})


def build_nodes():
    for n in NODES:
        labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                  "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": n["name"],
                  "kubernetes.io/os": "linux"}
        if n["master"]:
            labels["node-role.kubernetes.io/control-plane"] = ""
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        ann = {"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
               "node.alpha.kubernetes.io/ttl": "0",
               "projectcalico.org/IPv4Address": n["ip"] + "/24",
               "projectcalico.org/IPv4IPIPTunnelAddr": "10.244.%d.1" % n["idx"],
               "volumes.kubernetes.io/controller-managed-attach-detach": "true"}
        spec = {"podCIDR": n["cidr"], "podCIDRs": [n["cidr"]]}
        if n["master"]:
            spec["taints"] = [{"key": "node-role.kubernetes.io/control-plane",
                               "effect": "NoSchedule"}]
        root_ki = 98831908
        eph_alloc = str(int(root_ki * 1024 * 0.9))
        cap = {"cpu": "8", "ephemeral-storage": "%dKi" % root_ki, "hugepages-1Gi": "0",
               "hugepages-2Mi": "0", "memory": "%dKi" % MEM_CAPACITY_KI, "pods": "110"}
        alloc = {"cpu": "8", "ephemeral-storage": eph_alloc, "hugepages-1Gi": "0",
                 "hugepages-2Mi": "0", "memory": "%dKi" % (MEM_CAPACITY_KI - 102400),
                 "pods": "110"}
        hb = SCAN - jitter(20, 280)
        up = n["boot"] + jitter(35, 70)
        conditions = [
            {"type": "NetworkUnavailable", "status": "False", "lastHeartbeatTime": ts(up + jitter(30, 90)),
             "lastTransitionTime": ts(up + jitter(30, 90)), "reason": "CalicoIsUp",
             "message": "Calico is running on this node"},
            {"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": ts(hb),
             "lastTransitionTime": ts(up), "reason": "KubeletHasSufficientMemory",
             "message": "kubelet has sufficient memory available"},
            {"type": "DiskPressure", "status": "False", "lastHeartbeatTime": ts(hb),
             "lastTransitionTime": ts(up), "reason": "KubeletHasNoDiskPressure",
             "message": "kubelet has no disk pressure"},
            {"type": "PIDPressure", "status": "False", "lastHeartbeatTime": ts(hb),
             "lastTransitionTime": ts(up), "reason": "KubeletHasSufficientPID",
             "message": "kubelet has sufficient PID available"},
            {"type": "Ready", "status": "True", "lastHeartbeatTime": ts(hb),
             "lastTransitionTime": ts(up + jitter(8, 25)), "reason": "KubeletReady",
             "message": "kubelet is posting ready status. AppArmor enabled"},
        ]
        status = {
            "capacity": cap, "allocatable": alloc, "conditions": conditions,
            "addresses": [{"type": "InternalIP", "address": n["ip"]},
                          {"type": "Hostname", "address": n["name"]}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"machineID": rand_hex(32), "systemUUID": str(uuid.UUID(rand_hex(32))),
                         "bootID": str(uuid.UUID(rand_hex(32))), "kernelVersion": KERNEL,
                         "osImage": OS_IMAGE, "containerRuntimeVersion": "containerd://" + CONTAINERD_VERSION,
                         "kubeletVersion": K8S_VERSION, "kubeProxyVersion": K8S_VERSION,
                         "operatingSystem": "linux", "architecture": "amd64"},
        }
        add("nodes", {"apiVersion": "v1", "kind": "Node",
                      "metadata": meta("Node", n["name"], None, n["joined"], labels=labels,
                                       annotations=ann),
                      "spec": spec, "status": status})


# --------------------------------------------------------------------------------------------
# Control plane: argv shared by static pods (objects) and host processes (facts)
# --------------------------------------------------------------------------------------------
def apiserver_argv(n):
    ip = n["ip"]
    return ["kube-apiserver",
            "--advertise-address=" + ip,
            "--allow-privileged=true",
            "--audit-log-maxage=30",
            "--audit-log-maxbackup=10",
            "--audit-log-maxsize=100",
            "--audit-log-path=/var/log/kubernetes/audit.log",
            "--audit-policy-file=/etc/kubernetes/audit-policy.yaml",
            "--authorization-mode=Node,RBAC",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            "--enable-admission-plugins=NodeRestriction",
            "--enable-bootstrap-token-auth=true",
            "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
            "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
            "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
            "--etcd-servers=https://127.0.0.1:2379",
            "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
            "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
            "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
            "--requestheader-allowed-names=front-proxy-client",
            "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
            "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            "--requestheader-group-headers=X-Remote-Group",
            "--requestheader-username-headers=X-Remote-User",
            "--secure-port=6443",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
            "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
            "--service-cluster-ip-range=10.96.0.0/12",
            "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
            "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key"]


def controller_manager_argv(n):
    return ["kube-controller-manager",
            "--allocate-node-cidrs=true",
            "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--bind-address=127.0.0.1",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            "--cluster-cidr=10.244.0.0/16",
            "--cluster-name=" + CLUSTER_NAME,
            "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
            "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
            "--controllers=*,bootstrapsigner,tokencleaner",
            "--kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--leader-elect=true",
            "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
            "--root-ca-file=/etc/kubernetes/pki/ca.crt",
            "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
            "--service-cluster-ip-range=10.96.0.0/12",
            "--use-service-account-credentials=true"]


def scheduler_argv(n):
    return ["kube-scheduler",
            "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--bind-address=127.0.0.1",
            "--kubeconfig=/etc/kubernetes/scheduler.conf",
            "--leader-elect=true"]


def etcd_argv(n):
    ip = n["ip"]
    k = MASTERS.index(n)
    members = ",".join("%s=https://%s:2380" % (m["name"], m["ip"]) for m in MASTERS[:k + 1])
    argv = ["etcd",
            "--advertise-client-urls=https://%s:2379" % ip,
            "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
            "--client-cert-auth=true",
            "--data-dir=/var/lib/etcd",
            "--experimental-initial-corrupt-check=true",
            "--experimental-watch-progress-notify-interval=5s",
            "--initial-advertise-peer-urls=https://%s:2380" % ip,
            "--initial-cluster=" + members]
    if k > 0:
        argv.append("--initial-cluster-state=existing")
    argv += ["--key-file=/etc/kubernetes/pki/etcd/server.key",
             "--listen-client-urls=https://127.0.0.1:2379,https://%s:2379" % ip,
             "--listen-metrics-urls=http://127.0.0.1:2381",
             "--listen-peer-urls=https://%s:2380" % ip,
             "--name=" + n["name"],
             "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
             "--peer-client-cert-auth=true",
             "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
             "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
             "--snapshot-count=10000",
             "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"]
    return argv


KUBE_PROXY_ARGV = ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf"]

KUBELET_ARGV = ["/usr/bin/kubelet",
                "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf",
                "--kubeconfig=/etc/kubernetes/kubelet.conf",
                "--config=/var/lib/kubelet/config.yaml",
                "--container-runtime-endpoint=unix:///run/containerd/containerd.sock",
                "--pod-infra-container-image=" + PAUSE_IMAGE]

CA_CERT_VOLS = [
    ("ca-certs", "/etc/ssl/certs", "DirectoryOrCreate"),
    ("etc-ca-certificates", "/etc/ca-certificates", "DirectoryOrCreate"),
    ("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates", "DirectoryOrCreate"),
    ("usr-share-ca-certificates", "/usr/share/ca-certificates", "DirectoryOrCreate"),
]


def static_pod(component, n, argv, image, resources, vols, probes, extra_ann=None):
    name = "%s-%s" % (component, n["name"])
    mounts = [mount(v, p, ro=(ro and True)) for v, p, _, ro in vols]
    c = container(component, image, resources, command=argv, mounts=mounts,
                  liveness=probes[0], readiness=probes[1], startup=probes[2])
    spec = pod_spec([c], volumes=[host_path_vol(v, p, t) for v, p, t, _ in vols],
                    host_network=True, psc={"seccompProfile": {"type": "RuntimeDefault"}},
                    tolerations=[{"operator": "Exists", "effect": "NoExecute"}],
                    priority_class="system-node-critical", dns_policy="ClusterFirst")
    h = rand_hex(32)
    seen = n["boot"] + jitter(20, 40)
    ann = dict(extra_ann or {})
    ann.update({"kubernetes.io/config.hash": h, "kubernetes.io/config.mirror": h,
                "kubernetes.io/config.seen": ts_nano(seen, RNG.randint(0, 999999999)),
                "kubernetes.io/config.source": "file"})
    return make_pod("kube-system", name, {"component": component, "tier": "control-plane"},
                    spec, n, seen + jitter(5, 30),
                    owners=[{"apiVersion": "v1", "kind": "Node", "name": n["name"],
                             "uid": uid("Node", "", n["name"]), "controller": True}],
                    annotations=ann, sa_token=False)


def build_control_plane():
    for n in MASTERS:
        ip = n["ip"]
        ca = [(v, p, t, True) for v, p, t in CA_CERT_VOLS]
        static_pod("etcd", n, etcd_argv(n), "registry.k8s.io/etcd:3.5.9-0",
                   res("200m", "512Mi", "2", "4Gi"),
                   [("etcd-certs", "/etc/kubernetes/pki/etcd", "DirectoryOrCreate", False),
                    ("etcd-data", "/var/lib/etcd", "DirectoryOrCreate", False)],
                   (http_probe("/health?exclude=NOSPACE&serializable=true", 2381, delay=10,
                               timeout=15, failure=8, host="127.0.0.1"),
                    None,
                    http_probe("/health?serializable=false", 2381, delay=10, timeout=15,
                               failure=24, host="127.0.0.1")),
                   {"kubeadm.kubernetes.io/etcd.advertise-client-urls": "https://%s:2379" % ip})
        static_pod("kube-apiserver", n, apiserver_argv(n),
                   "registry.k8s.io/kube-apiserver:" + K8S_VERSION,
                   res("250m", "1Gi", "4", "8Gi"),
                   [("audit-log", "/var/log/kubernetes", "DirectoryOrCreate", False),
                    ("audit-policy", "/etc/kubernetes/audit-policy.yaml", "File", True)] + ca[:2] +
                   [("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate", True)] + ca[2:],
                   (http_probe("/livez", 6443, "HTTPS", 10, 10, 15, 8, host=ip),
                    http_probe("/readyz", 6443, "HTTPS", 0, 1, 15, 3, host=ip),
                    http_probe("/livez", 6443, "HTTPS", 10, 10, 15, 24, host=ip)),
                   {"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": ip + ":6443"})
        static_pod("kube-controller-manager", n, controller_manager_argv(n),
                   "registry.k8s.io/kube-controller-manager:" + K8S_VERSION,
                   res("200m", "256Mi", "2", "1Gi"),
                   ca[:2] + [("flexvolume-dir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec",
                              "DirectoryOrCreate", False),
                             ("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate", True),
                             ("kubeconfig", "/etc/kubernetes/controller-manager.conf", "FileOrCreate",
                              True)] + ca[2:],
                   (http_probe("/healthz", 10257, "HTTPS", 10, 10, 15, 8, host="127.0.0.1"),
                    None,
                    http_probe("/healthz", 10257, "HTTPS", 10, 10, 15, 24, host="127.0.0.1")))
        static_pod("kube-scheduler", n, scheduler_argv(n),
                   "registry.k8s.io/kube-scheduler:" + K8S_VERSION,
                   res("100m", "128Mi", "1", "512Mi"),
                   [("kubeconfig", "/etc/kubernetes/scheduler.conf", "FileOrCreate", True)],
                   (http_probe("/healthz", 10259, "HTTPS", 10, 10, 15, 8, host="127.0.0.1"),
                    None,
                    http_probe("/healthz", 10259, "HTTPS", 10, 10, 15, 24, host="127.0.0.1")))


# --------------------------------------------------------------------------------------------
# kube-system add-ons
# --------------------------------------------------------------------------------------------
def build_kube_system():
    ks = "kube-system"
    # kube-proxy (privileged: a legitimate system workload)
    kp_labels = {"k8s-app": "kube-proxy"}
    kp = container("kube-proxy", "registry.k8s.io/kube-proxy:" + K8S_VERSION,
                   res("50m", "64Mi", "500m", "256Mi"),
                   command=["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                            "--hostname-override=$(NODE_NAME)"],
                   env=[env_field("NODE_NAME", "spec.nodeName")],
                   mounts=[mount("kube-proxy", "/var/lib/kube-proxy"),
                           mount("xtables-lock", "/run/xtables.lock"),
                           mount("lib-modules", "/lib/modules", ro=True)],
                   liveness=http_probe("/healthz", 10256, host="127.0.0.1", delay=15),
                   sc={"privileged": True})
    spec = pod_spec([kp], sa="kube-proxy", host_network=True,
                    volumes=[cm_vol("kube-proxy", "kube-proxy"),
                             host_path_vol("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
                             host_path_vol("lib-modules", "/lib/modules")],
                    tolerations=[{"operator": "Exists"}], priority_class="system-node-critical",
                    node_selector={"kubernetes.io/os": "linux"}, dns_policy="ClusterFirst")
    daemonset(ks, "kube-proxy", spec, kp_labels, CLUSTER_INIT + timedelta(minutes=3, seconds=40),
              SYSTEM_ROLLOUT)

    # calico-node (CNI, privileged: a legitimate system workload)
    cn_labels = {"k8s-app": "calico-node"}
    calico_img = "docker.io/calico/node:" + CALICO_VERSION
    install = container("install-cni", "docker.io/calico/cni:" + CALICO_VERSION,
                        res("50m", "64Mi", "500m", "128Mi"),
                        command=["/opt/cni/bin/install"],
                        env=[env_val("CNI_CONF_NAME", "10-calico.conflist"),
                             env_val("SLEEP", "false"),
                             {"name": "CNI_NETWORK_CONFIG", "valueFrom": {"configMapKeyRef": {
                                 "name": "calico-config", "key": "cni_network_config"}}}],
                        mounts=[mount("cni-bin-dir", "/host/opt/cni/bin"),
                                mount("cni-net-dir", "/host/etc/cni/net.d")],
                        sc={"privileged": True})
    node_c = container(
        "calico-node", calico_img, res("250m", "256Mi", "1", "1Gi"),
        env=[env_val("DATASTORE_TYPE", "kubernetes"), env_val("WAIT_FOR_DATASTORE", "true"),
             env_field("NODENAME", "spec.nodeName"),
             env_val("CALICO_NETWORKING_BACKEND", "bird"), env_val("CLUSTER_TYPE", "k8s,bgp"),
             env_val("IP", "autodetect"), env_val("IP_AUTODETECTION_METHOD", "cidr=10.0.0.0/24"),
             env_val("CALICO_IPV4POOL_IPIP", "Always"), env_val("CALICO_IPV4POOL_CIDR", "10.244.0.0/16"),
             env_val("CALICO_DISABLE_FILE_LOGGING", "true"),
             env_val("FELIX_DEFAULTENDPOINTTOHOSTACTION", "ACCEPT"),
             env_val("FELIX_IPV6SUPPORT", "false"), env_val("FELIX_HEALTHENABLED", "true")],
        mounts=[mount("host-local-net-dir", "/var/lib/cni/networks"),
                mount("lib-modules", "/lib/modules", ro=True),
                mount("xtables-lock", "/run/xtables.lock"),
                mount("var-run-calico", "/var/run/calico"),
                mount("var-lib-calico", "/var/lib/calico"),
                mount("policysync", "/var/run/nodeagent"),
                mount("cni-log-dir", "/var/log/calico/cni", ro=True)],
        liveness=exec_probe(["/bin/calico-node", "-felix-live", "-bird-live"], delay=10, period=10,
                            timeout=10),
        readiness=exec_probe(["/bin/calico-node", "-felix-ready", "-bird-ready"], delay=0,
                             period=10, timeout=10),
        sc={"privileged": True})
    spec = pod_spec([node_c], init=[install], sa="calico-node", host_network=True, grace=0,
                    volumes=[host_path_vol("lib-modules", "/lib/modules"),
                             host_path_vol("var-run-calico", "/var/run/calico"),
                             host_path_vol("var-lib-calico", "/var/lib/calico"),
                             host_path_vol("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
                             host_path_vol("cni-bin-dir", "/opt/cni/bin"),
                             host_path_vol("cni-net-dir", "/etc/cni/net.d"),
                             host_path_vol("cni-log-dir", "/var/log/calico/cni"),
                             host_path_vol("host-local-net-dir", "/var/lib/cni/networks"),
                             host_path_vol("policysync", "/var/run/nodeagent", "DirectoryOrCreate")],
                    tolerations=[{"operator": "Exists", "effect": "NoSchedule"},
                                 {"key": "CriticalAddonsOnly", "operator": "Exists"},
                                 {"operator": "Exists", "effect": "NoExecute"}],
                    priority_class="system-node-critical",
                    node_selector={"kubernetes.io/os": "linux"})
    daemonset(ks, "calico-node", spec, cn_labels, CLUSTER_INIT + timedelta(minutes=9, seconds=2),
              SYSTEM_ROLLOUT + timedelta(minutes=20))

    # calico-kube-controllers
    ckc = container("calico-kube-controllers", "docker.io/calico/kube-controllers:" + CALICO_VERSION,
                    res("50m", "64Mi", "500m", "256Mi"),
                    env=[env_val("ENABLED_CONTROLLERS", "node"), env_val("DATASTORE_TYPE", "kubernetes")],
                    liveness=exec_probe(["/usr/bin/check-status", "-l"], delay=10, period=10, timeout=10),
                    readiness=exec_probe(["/usr/bin/check-status", "-r"], delay=0, period=10, timeout=10),
                    sc=dict(HARDENED))
    spec = pod_spec([ckc], sa="calico-kube-controllers", psc=app_psc(999),
                    tolerations=[{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                 {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
                    priority_class="system-cluster-critical",
                    node_selector={"kubernetes.io/os": "linux"})
    deployment(ks, "calico-kube-controllers", 1, spec, {"k8s-app": "calico-kube-controllers"},
               CLUSTER_INIT + timedelta(minutes=9, seconds=2), SYSTEM_ROLLOUT + timedelta(minutes=24))

    # coredns: 2 replicas on different workers
    cd = container("coredns", "registry.k8s.io/coredns/coredns:v1.10.1",
                   res("100m", "70Mi", "500m", "170Mi"), args=["-conf", "/etc/coredns/Corefile"],
                   ports=[port(53, "dns", "UDP"), port(53, "dns-tcp"), port(9153, "metrics")],
                   mounts=[mount("config-volume", "/etc/coredns", ro=True)],
                   liveness=http_probe("/health", 8080, delay=60, timeout=5, failure=5),
                   readiness=http_probe("/ready", 8181, delay=0, period=10),
                   sc={"allowPrivilegeEscalation": False,
                       "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
                       "readOnlyRootFilesystem": True})
    spec = pod_spec([cd], sa="coredns", dns_policy="Default",
                    volumes=[{"name": "config-volume", "configMap": {
                        "name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}],
                        "defaultMode": 420}}],
                    affinity={"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 100, "podAffinityTerm": {"labelSelector": {"matchExpressions": [
                            {"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]},
                            "topologyKey": "kubernetes.io/hostname"}}]}},
                    tolerations=[{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                 {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
                    priority_class="system-cluster-critical",
                    node_selector={"kubernetes.io/os": "linux"})
    deployment(ks, "coredns", 2, spec, {"k8s-app": "kube-dns"},
               CLUSTER_INIT + timedelta(minutes=3, seconds=38), SYSTEM_ROLLOUT + timedelta(minutes=5),
               nodes=spread(2, distinct=True), revision=3)

    # metrics-server
    ms = container("metrics-server", "registry.k8s.io/metrics-server/metrics-server:v0.6.4",
                   res("100m", "200Mi", "500m", "400Mi"),
                   args=["--cert-dir=/tmp", "--secure-port=10250",
                         "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                         "--kubelet-use-node-status-port", "--metric-resolution=15s"],
                   ports=[port(10250, "https")], mounts=[mount("tmp-dir", "/tmp")],
                   liveness=http_probe("/livez", "https", "HTTPS", 0, 10),
                   readiness=http_probe("/readyz", "https", "HTTPS", 20, 10),
                   sc=dict(HARDENED))
    spec = pod_spec([ms], sa="metrics-server", volumes=[empty_vol("tmp-dir")],
                    psc=app_psc(1000), priority_class="system-cluster-critical",
                    node_selector={"kubernetes.io/os": "linux"})
    deployment(ks, "metrics-server", 1, spec, {"k8s-app": "metrics-server"},
               datetime(2025, 12, 19, 13, 2, 40, tzinfo=UTC), SYSTEM_ROLLOUT + timedelta(minutes=31),
               revision=2)


# --------------------------------------------------------------------------------------------
# Applications
# --------------------------------------------------------------------------------------------
def web_app(ns, name, image, replicas, req, lim, rollout, created, port_no=8080, user=10001,
            env=None, part_of=None, revision=None, probe_path="/healthz", hook=None, extra_sc=None,
            sa=None, extra_mounts=None, extra_vols=None):
    labels = {"app.kubernetes.io/name": name}
    if part_of:
        labels["app.kubernetes.io/part-of"] = part_of
    sc = dict(HARDENED) if extra_sc is None else extra_sc
    c = container(name, image, res(*req, *lim) if lim else res(*req),
                  ports=[port(port_no, "http")], env=env,
                  mounts=[mount("tmp", "/tmp")] + (extra_mounts or []),
                  liveness=http_probe(probe_path, "http", delay=15, period=20),
                  readiness=http_probe("/ready" if probe_path == "/healthz" else probe_path, "http",
                                       delay=5, period=10),
                  sc=sc)
    spec = pod_spec([c], sa=sa or name, psc=app_psc(user),
                    volumes=[empty_vol("tmp")] + (extra_vols or []))
    rev = revision if revision is not None else RNG.randint(2, 14)
    pods = deployment(ns, name, replicas, spec, labels, created, rollout, revision=rev,
                      pod_hook=hook,
                      template_annotations={"prometheus.io/scrape": "true",
                                            "prometheus.io/port": str(port_no)})
    SERVICES.append((ns, name, labels, [("http", 80, "http")]))
    SAS.append((ns, sa or name))
    return pods


SERVICES = []  # (ns, name, selector, [(port name, port, targetPort)], extras)
SAS = []       # (ns, name)
CRASH = {}     # facts about the planted faults, filled while building
EVENTS = []


def rollout_time(day, hour, minute):
    return datetime(2026, 11, day, hour, minute, 0, tzinfo=UTC) + jitter(0, 59)


def build_shop():
    ns = "shop"
    created = NS_CREATED[ns] + timedelta(minutes=4)
    reg = "registry.example.com/shop/"
    common_env = [env_val("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.monitoring:4317"),
                  env_val("LOG_FORMAT", "json")]
    # Fault 5: frontend on :latest (every replica)
    web_app(ns, "frontend", reg + "frontend:latest", 6, ("200m", "256Mi"), ("1", "512Mi"),
            rollout_time(29, 16, 20), created, env=common_env + [
                env_val("CART_URL", "http://cart"), env_val("CATALOG_URL", "http://catalog"),
                env_val("CHECKOUT_URL", "http://checkout")], part_of="shop")

    # Fault 1: one cart replica in CrashLoopBackOff
    def cart_hook(i, pod):
        if i != 2:
            return
        crash_created = datetime(2026, 11, 29, 23, 41, 17, tzinfo=UTC)
        set_created(pod, crash_created)
        cs = pod["status"]["containerStatuses"][0]
        last_start = datetime(2026, 11, 30, 1, 54, 8, tzinfo=UTC)
        last_end = datetime(2026, 11, 30, 1, 54, 11, tzinfo=UTC)
        name = pod["metadata"]["name"]
        cs["state"] = {"waiting": {"reason": "CrashLoopBackOff", "message":
                       "back-off 5m0s restarting failed container=cart pod=%s_shop(%s)"
                       % (name, pod["metadata"]["uid"])}}
        cs["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error",
                                          "startedAt": ts(last_start), "finishedAt": ts(last_end),
                                          "containerID": cs["containerID"]}}
        cs["ready"] = False
        cs["restartCount"] = 27
        cs["started"] = False
        msg = "containers with unready status: [cart]"
        sched = crash_created + timedelta(seconds=1)
        pod["status"]["conditions"] = [
            cond("Initialized", "True", sched, probe=True),
            cond("Ready", "False", last_end, "ContainersNotReady", msg, probe=True),
            cond("ContainersReady", "False", last_end, "ContainersNotReady", msg, probe=True),
            cond("PodScheduled", "True", sched, probe=True),
        ]
        pod["status"]["startTime"] = ts(sched)
        CRASH["cart"] = pod
        EVENTS.append(("Warning", "BackOff", pod, "kubelet",
                       "Back-off restarting failed container cart in pod %s_shop(%s)"
                       % (name, pod["metadata"]["uid"]),
                       datetime(2026, 11, 29, 23, 42, 5, tzinfo=UTC),
                       datetime(2026, 11, 30, 1, 58, 41, tzinfo=UTC), 583, "spec.containers{cart}"))

    web_app(ns, "cart", reg + "cart:1.14.2", 4, ("100m", "128Mi"), ("500m", "256Mi"),
            rollout_time(27, 10, 5), created, part_of="shop", hook=cart_hook,
            env=common_env + [env_val("REDIS_ADDR", "redis-0.redis-headless.data:6379")])
    # Fault 6: catalog has requests but no limits
    web_app(ns, "catalog", reg + "catalog:2.3.0", 5, ("250m", "384Mi"), None,
            rollout_time(24, 14, 40), created, part_of="shop", env=common_env + [
                env_val("DB_HOST", "postgres.data"), env_secret("DB_PASSWORD", "catalog-db", "password")])
    web_app(ns, "checkout", reg + "checkout:1.8.1", 4, ("200m", "256Mi"), ("1", "512Mi"),
            rollout_time(25, 9, 12), created, part_of="shop",
            env=common_env + [env_val("PAYMENTS_URL", "http://payments-api.payments")])
    for name, ver, n, req, lim, day in [
            ("recommendations", "0.19.4", 4, ("200m", "512Mi"), ("1", "1Gi"), 18),
            ("search", "3.0.2", 4, ("300m", "512Mi"), ("1", "1Gi"), 21),
            ("shipping", "1.2.9", 3, ("100m", "128Mi"), ("500m", "256Mi"), 12),
            ("currency", "1.0.7", 3, ("50m", "64Mi"), ("250m", "128Mi"), 9),
            ("email", "0.8.3", 2, ("50m", "64Mi"), ("250m", "128Mi"), 9),
            ("ads", "2.1.0", 2, ("100m", "128Mi"), ("500m", "256Mi"), 15),
            ("reviews", "1.4.1", 3, ("100m", "192Mi"), ("500m", "384Mi"), 19),
            ("inventory", "2.6.0", 3, ("150m", "192Mi"), ("500m", "384Mi"), 23),
            ("web-bff", "4.2.3", 3, ("200m", "256Mi"), ("1", "512Mi"), 26),
            ("auth", "1.11.0", 3, ("100m", "128Mi"), ("500m", "256Mi"), 20)]:
        web_app(ns, name, "%s%s:%s" % (reg, name, ver), n, req, lim,
                rollout_time(day, RNG.randint(8, 17), RNG.randint(0, 59)), created, part_of="shop",
                env=common_env)


def set_created(pod, created):
    pod["metadata"]["creationTimestamp"] = ts(created)


def build_payments():
    ns = "payments"
    created = NS_CREATED[ns] + timedelta(minutes=6)
    reg = "registry.example.com/payments/"
    env = [env_val("LOG_FORMAT", "json"), env_secret("HSM_PIN", "hsm-credentials", "pin")]
    web_app(ns, "payments-api", reg + "payments-api:5.3.1", 4, ("300m", "512Mi"), ("1", "1Gi"),
            rollout_time(26, 11, 0), created, part_of="payments", env=env)
    # Fault 4: a privileged application container
    web_app(ns, "legacy-gateway", reg + "legacy-gateway:3.2.7", 1, ("250m", "256Mi"),
            ("1", "512Mi"), rollout_time(16, 13, 30), created, part_of="payments",
            extra_sc={"privileged": True, "readOnlyRootFilesystem": True,
                      "capabilities": {"drop": ["ALL"]}},
            env=[env_val("UPSTREAM", "https://acquirer.example.net:8443")])
    web_app(ns, "fraud-detector", reg + "fraud-detector:2.8.0", 3, ("500m", "1Gi"), ("2", "2Gi"),
            rollout_time(22, 15, 45), created, part_of="payments", env=env)
    web_app(ns, "ledger", reg + "ledger:1.17.2", 3, ("200m", "384Mi"), ("1", "768Mi"),
            rollout_time(19, 10, 10), created, part_of="payments", env=env)
    web_app(ns, "notifications", reg + "notifications:0.12.5", 2, ("100m", "128Mi"),
            ("500m", "256Mi"), rollout_time(14, 9, 50), created, part_of="payments")
    # a queue worker: no Service
    labels = {"app.kubernetes.io/name": "payouts-worker", "app.kubernetes.io/part-of": "payments"}
    c = container("payouts-worker", reg + "payouts-worker:1.6.0", res("200m", "256Mi", "1", "512Mi"),
                  args=["--queue=payouts", "--concurrency=4"], env=env,
                  mounts=[mount("tmp", "/tmp")],
                  liveness=http_probe("/healthz", 9090, delay=15, period=20),
                  readiness=http_probe("/ready", 9090, delay=5), sc=dict(HARDENED))
    spec = pod_spec([c], sa="payouts-worker", psc=app_psc(10001), volumes=[empty_vol("tmp")])
    deployment(ns, "payouts-worker", 2, spec, labels, created, rollout_time(26, 11, 20), revision=6)
    SAS.append((ns, "payouts-worker"))


def build_data():
    ns = "data"
    created = NS_CREATED[ns] + timedelta(minutes=2)
    sts_rollout = datetime(2026, 11, 12, 6, 30, 0, tzinfo=UTC)

    # postgres
    labels = {"app.kubernetes.io/name": "postgres", "app.kubernetes.io/component": "database"}
    pg = container("postgres", "docker.io/library/postgres:15.5", res("500m", "1Gi", "2", "2Gi"),
                   ports=[port(5432, "postgres")],
                   env=[env_val("PGDATA", "/var/lib/postgresql/data/pgdata"),
                        env_secret("POSTGRES_PASSWORD", "postgres-superuser", "password")],
                   mounts=[mount("data", "/var/lib/postgresql/data"), mount("run", "/var/run/postgresql"),
                           mount("tmp", "/tmp")],
                   liveness=exec_probe(["pg_isready", "-U", "postgres"], delay=30),
                   readiness=exec_probe(["pg_isready", "-U", "postgres"], delay=5),
                   sc=dict(HARDENED))
    spec = pod_spec([pg], sa="postgres", psc=app_psc(999), volumes=[empty_vol("run"), empty_vol("tmp")],
                    grace=60)
    statefulset(ns, "postgres", 3, spec, labels, created, sts_rollout, "postgres-headless",
                claims=[("data", "100Gi")])
    SERVICES.append((ns, "postgres", labels, [("postgres", 5432, "postgres")]))
    SERVICES.append((ns, "postgres-headless", labels, [("postgres", 5432, "postgres")], "None"))
    SAS.append((ns, "postgres"))

    # pgbouncer
    web_labels = {"app.kubernetes.io/name": "pgbouncer", "app.kubernetes.io/component": "pooler"}
    pb = container("pgbouncer", "docker.io/bitnami/pgbouncer:1.21.0", res("100m", "64Mi", "500m", "128Mi"),
                   ports=[port(6432, "pgbouncer")],
                   env=[env_val("POSTGRESQL_HOST", "postgres"),
                        env_secret("POSTGRESQL_PASSWORD", "postgres-superuser", "password")],
                   mounts=[mount("tmp", "/tmp")],
                   liveness=tcp_probe("pgbouncer"), readiness=tcp_probe("pgbouncer", delay=5),
                   sc=dict(HARDENED))
    spec = pod_spec([pb], sa="pgbouncer", psc=app_psc(1001), volumes=[empty_vol("tmp")])
    deployment(ns, "pgbouncer", 2, spec, web_labels, created, rollout_time(12, 7, 0), revision=4)
    SERVICES.append((ns, "pgbouncer", web_labels, [("pgbouncer", 6432, "pgbouncer")]))
    SAS.append((ns, "pgbouncer"))

    # redis (Fault 2: redis-0 was OOMKilled, limit 256Mi)
    labels = {"app.kubernetes.io/name": "redis", "app.kubernetes.io/component": "cache"}
    rd = container("redis", "docker.io/library/redis:7.2.3", res("100m", "192Mi", "500m", "256Mi"),
                   command=["redis-server", "/etc/redis/redis.conf"], ports=[port(6379, "redis")],
                   mounts=[mount("data", "/data"), mount("config", "/etc/redis", ro=True)],
                   liveness=exec_probe(["redis-cli", "ping"], delay=20, period=5),
                   readiness=exec_probe(["redis-cli", "ping"], delay=5, period=5),
                   sc=dict(HARDENED))
    ex = container("redis-exporter", "docker.io/oliver006/redis_exporter:v1.55.0",
                   res("25m", "32Mi", "100m", "64Mi"), ports=[port(9121, "metrics")],
                   liveness=http_probe("/health", "metrics", delay=10), sc=dict(HARDENED))
    spec = pod_spec([rd, ex], sa="redis", psc=app_psc(999), volumes=[cm_vol("config", "redis-config")])

    def redis_hook(i, pod):
        if i != 0:
            return
        cs = pod["status"]["containerStatuses"][0]
        killed_start = datetime(2026, 11, 29, 19, 40, 11, tzinfo=UTC)
        killed = datetime(2026, 11, 30, 1, 12, 2, tzinfo=UTC)
        restarted = datetime(2026, 11, 30, 1, 12, 4, tzinfo=UTC)
        cs["state"] = {"running": {"startedAt": ts(restarted)}}
        cs["lastState"] = {"terminated": {"exitCode": 137, "reason": "OOMKilled",
                                          "startedAt": ts(killed_start), "finishedAt": ts(killed),
                                          "containerID": "containerd://" + rand_hex(64)}}
        cs["restartCount"] = 4
        ready_at = restarted + timedelta(seconds=7)
        for c in pod["status"]["conditions"]:
            if c["type"] in ("Ready", "ContainersReady"):
                c["lastTransitionTime"] = ts(ready_at)
        CRASH["redis"] = pod
        node = NODE[pod["spec"]["nodeName"]]
        EVENTS.append(("Warning", "OOMKilling", node, "kernel-monitor",
                       "Memory cgroup out of memory: Killed process %d (redis-server) "
                       "total-vm:412336kB, anon-rss:261204kB, file-rss:4312kB, shmem-rss:0kB, "
                       "UID:999 pgtables:612kB oom_score_adj:992" % RNG.randint(1200000, 2900000),
                       datetime(2026, 11, 29, 9, 31, 40, tzinfo=UTC), killed, 4, None))

    statefulset(ns, "redis", 3, spec, labels, created, sts_rollout + timedelta(hours=1),
                "redis-headless", claims=[("data", "20Gi")], pod_hook=redis_hook)
    SERVICES.append((ns, "redis", labels, [("redis", 6379, "redis")]))
    SERVICES.append((ns, "redis-headless", labels, [("redis", 6379, "redis")], "None"))
    SAS.append((ns, "redis"))

    # zookeeper + kafka
    for name, image, req_lim, p, size, user, extra_ports in [
            ("zookeeper", "docker.io/bitnami/zookeeper:3.9.1", ("250m", "512Mi", "1", "1Gi"),
             ("client", 2181), "10Gi", 1001, [port(2888, "follower"), port(3888, "election")]),
            ("kafka", "docker.io/bitnami/kafka:3.6.0", ("500m", "2Gi", "2", "4Gi"),
             ("kafka", 9092), "200Gi", 1001, [port(9093, "controller")])]:
        labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/component": "messaging"}
        c = container(name, image, res(*req_lim), ports=[port(p[1], p[0])] + extra_ports,
                      env=[env_val("BITNAMI_DEBUG", "false"), env_field("MY_POD_NAME", "metadata.name")],
                      mounts=[mount("data", "/bitnami/" + name), mount("tmp", "/tmp")],
                      liveness=tcp_probe(p[0], delay=30), readiness=tcp_probe(p[0], delay=5),
                      sc=dict(HARDENED))
        spec = pod_spec([c], sa=name, psc=app_psc(user), volumes=[empty_vol("tmp")])
        statefulset(ns, name, 3, spec, labels, created, sts_rollout + timedelta(hours=2, minutes=len(name)),
                    name + "-headless", claims=[("data", size)])
        SERVICES.append((ns, name, labels, [(p[0], p[1], p[0])]))
        SERVICES.append((ns, name + "-headless", labels, [(p[0], p[1], p[0])], "None"))
        SAS.append((ns, name))

    # minio
    labels = {"app.kubernetes.io/name": "minio", "app.kubernetes.io/component": "object-store"}
    c = container("minio", "quay.io/minio/minio:RELEASE.2023-11-20T22-40-07Z",
                  res("250m", "512Mi", "1", "1Gi"),
                  command=["minio", "server", "http://minio-{0...2}.minio-headless.data.svc.cluster.local/export",
                           "--console-address", ":9001"],
                  ports=[port(9000, "api"), port(9001, "console")],
                  env=[env_secret("MINIO_ROOT_USER", "minio-root", "user"),
                       env_secret("MINIO_ROOT_PASSWORD", "minio-root", "password")],
                  mounts=[mount("export", "/export"), mount("tmp", "/tmp")],
                  liveness=http_probe("/minio/health/live", "api", delay=20),
                  readiness=http_probe("/minio/health/ready", "api", delay=5),
                  sc=dict(HARDENED))
    spec = pod_spec([c], sa="minio", psc=app_psc(1000), volumes=[empty_vol("tmp")])
    statefulset(ns, "minio", 3, spec, labels, created, sts_rollout + timedelta(hours=3),
                "minio-headless", claims=[("export", "200Gi")])
    SERVICES.append((ns, "minio", labels, [("api", 9000, "api"), ("console", 9001, "console")]))
    SERVICES.append((ns, "minio-headless", labels, [("api", 9000, "api")], "None"))
    SAS.append((ns, "minio"))


def build_monitoring():
    ns = "monitoring"
    created = NS_CREATED[ns] + timedelta(minutes=1)
    rollout = datetime(2026, 11, 6, 10, 0, 0, tzinfo=UTC)
    part = {"app.kubernetes.io/part-of": "kube-prometheus"}

    # node-exporter (hostNetwork/hostPID: a legitimate system workload)
    labels = {"app.kubernetes.io/name": "node-exporter", **part}
    c = container("node-exporter", "quay.io/prometheus/node-exporter:v1.6.1",
                  res("50m", "64Mi", "250m", "180Mi"),
                  args=["--web.listen-address=127.0.0.1:9100", "--path.procfs=/host/proc",
                        "--path.sysfs=/host/sys", "--path.rootfs=/host/root",
                        "--no-collector.wifi", "--no-collector.hwmon",
                        "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/k3s/containerd/.+|var/lib/docker/.+|var/lib/kubelet/pods/.+)($|/)"],
                  ports=[port(9100, "metrics", host=True)],
                  mounts=[mount("proc", "/host/proc", ro=True), mount("sys", "/host/sys", ro=True),
                          mount("root", "/host/root", ro=True)],
                  liveness=http_probe("/", 9100, delay=10, host="127.0.0.1"),
                  sc=dict(HARDENED))
    spec = pod_spec([c], sa="node-exporter", host_network=True, host_pid=True,
                    psc=app_psc(65534), tolerations=[{"operator": "Exists"}],
                    volumes=[host_path_vol("proc", "/proc"), host_path_vol("sys", "/sys"),
                             host_path_vol("root", "/")],
                    priority_class="system-node-critical",
                    node_selector={"kubernetes.io/os": "linux"})
    daemonset(ns, "node-exporter", spec, labels, created, rollout)
    SERVICES.append((ns, "node-exporter", labels, [("metrics", 9100, "metrics")], "None"))
    SAS.append((ns, "node-exporter"))

    # prometheus (StatefulSet, 2 replicas)
    labels = {"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "k8s", **part}
    prom = container("prometheus", "quay.io/prometheus/prometheus:v2.47.2",
                     res("500m", "2Gi", "2", "4Gi"),
                     args=["--web.console.templates=/etc/prometheus/consoles",
                           "--web.console.libraries=/etc/prometheus/console_libraries",
                           "--config.file=/etc/prometheus/config_out/prometheus.env.yaml",
                           "--web.enable-lifecycle", "--web.route-prefix=/",
                           "--storage.tsdb.retention.time=15d",
                           "--storage.tsdb.path=/prometheus", "--web.config.file=/etc/prometheus/web_config/web-config.yaml"],
                     ports=[port(9090, "web")],
                     mounts=[mount("prometheus-k8s-db", "/prometheus"),
                             mount("config-out", "/etc/prometheus/config_out", ro=True),
                             mount("web-config", "/etc/prometheus/web_config/web-config.yaml", ro=True)],
                     liveness=http_probe("/-/healthy", "web", delay=0, period=5, timeout=3, failure=6),
                     readiness=http_probe("/-/ready", "web", delay=0, period=5, timeout=3),
                     startup=http_probe("/-/ready", "web", delay=0, period=15, timeout=3, failure=60),
                     sc=dict(HARDENED))
    rel = container("config-reloader", "quay.io/prometheus-operator/prometheus-config-reloader:v0.69.1",
                    res("10m", "50Mi", "100m", "50Mi"),
                    command=["/bin/prometheus-config-reloader"],
                    args=["--listen-address=:8080", "--reload-url=http://localhost:9090/-/reload",
                          "--config-file=/etc/prometheus/config/prometheus.yaml.gz",
                          "--config-envsubst-file=/etc/prometheus/config_out/prometheus.env.yaml"],
                    ports=[port(8080, "reloader-web")],
                    mounts=[mount("config", "/etc/prometheus/config"),
                            mount("config-out", "/etc/prometheus/config_out")],
                    sc=dict(HARDENED))
    spec = pod_spec([prom, rel], sa="prometheus-k8s", psc=app_psc(1000), grace=600,
                    volumes=[secret_vol("config", "prometheus-k8s"), empty_vol("config-out"),
                             secret_vol("web-config", "prometheus-k8s-web-config")])
    statefulset(ns, "prometheus-k8s", 2, spec, labels, created, rollout + timedelta(minutes=10),
                "prometheus-operated", claims=[("prometheus-k8s-db", "100Gi")])
    SERVICES.append((ns, "prometheus-k8s", labels, [("web", 9090, "web"), ("reloader-web", 8080, "reloader-web")]))
    SERVICES.append((ns, "prometheus-operated", labels, [("web", 9090, "web")], "None"))
    SAS.append((ns, "prometheus-k8s"))

    # alertmanager (StatefulSet, 3 replicas)
    labels = {"app.kubernetes.io/name": "alertmanager", "app.kubernetes.io/instance": "main", **part}
    am = container("alertmanager", "quay.io/prometheus/alertmanager:v0.26.0",
                   res("100m", "128Mi", "500m", "256Mi"),
                   args=["--config.file=/etc/alertmanager/config_out/alertmanager.env.yaml",
                         "--storage.path=/alertmanager", "--data.retention=120h",
                         "--cluster.listen-address=[$(POD_IP)]:9094", "--web.listen-address=:9093",
                         "--web.route-prefix=/",
                         "--cluster.peer=alertmanager-main-0.alertmanager-operated:9094",
                         "--cluster.peer=alertmanager-main-1.alertmanager-operated:9094",
                         "--cluster.peer=alertmanager-main-2.alertmanager-operated:9094"],
                   ports=[port(9093, "web"), port(9094, "mesh-tcp"), port(9094, "mesh-udp", "UDP")],
                   env=[env_field("POD_IP", "status.podIP")],
                   mounts=[mount("config-out", "/etc/alertmanager/config_out", ro=True),
                           mount("alertmanager-main-db", "/alertmanager")],
                   liveness=http_probe("/-/healthy", "web", delay=0, period=10, timeout=3, failure=10),
                   readiness=http_probe("/-/ready", "web", delay=3, period=5, timeout=3, failure=10),
                   sc=dict(HARDENED))
    spec = pod_spec([am], sa="alertmanager-main", psc=app_psc(1000), grace=120,
                    volumes=[empty_vol("config-out"), empty_vol("alertmanager-main-db")])
    statefulset(ns, "alertmanager-main", 3, spec, labels, created, rollout + timedelta(minutes=12),
                "alertmanager-operated")
    SERVICES.append((ns, "alertmanager-main", labels, [("web", 9093, "web")]))
    SERVICES.append((ns, "alertmanager-operated", labels, [("web", 9093, "web"), ("tcp-mesh", 9094, "mesh-tcp")], "None"))
    SAS.append((ns, "alertmanager-main"))

    # simple deployments
    for name, image, req_lim, user, p, replicas, args in [
            ("grafana", "docker.io/grafana/grafana:10.2.2", ("100m", "256Mi", "500m", "512Mi"), 472,
             ("http", 3000), 2, None),
            ("kube-state-metrics", "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.10.1",
             ("100m", "190Mi", "500m", "380Mi"), 65534, ("http-metrics", 8080), 1,
             ["--port=8080", "--telemetry-port=8081"]),
            ("prometheus-operator", "quay.io/prometheus-operator/prometheus-operator:v0.69.1",
             ("100m", "100Mi", "500m", "200Mi"), 65534, ("http", 8080), 1,
             ["--kubelet-service=kube-system/kubelet",
              "--prometheus-config-reloader=quay.io/prometheus-operator/prometheus-config-reloader:v0.69.1"]),
            ("blackbox-exporter", "quay.io/prometheus/blackbox-exporter:v0.24.0",
             ("10m", "20Mi", "100m", "40Mi"), 65534, ("http", 9115), 1,
             ["--config.file=/etc/blackbox_exporter/config.yml", "--web.listen-address=:9115"]),
            ("prometheus-adapter", "registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.11.2",
             ("100m", "180Mi", "250m", "360Mi"), 65534, ("https", 6443), 2,
             ["--cert-dir=/var/run/serving-cert", "--config=/etc/adapter/config.yaml",
              "--prometheus-url=http://prometheus-k8s.monitoring.svc:9090/", "--secure-port=6443"])]:
        labels = {"app.kubernetes.io/name": name, **part}
        scheme = "HTTPS" if p[0] == "https" else "HTTP"
        path = {"grafana": "/api/health", "blackbox-exporter": "/-/healthy"}.get(name, "/healthz")
        c = container(name, image, res(*req_lim), args=args, ports=[port(p[1], p[0])],
                      mounts=[mount("tmp", "/tmp")],
                      liveness=http_probe(path, p[0], scheme, delay=10, period=10),
                      readiness=http_probe(path, p[0], scheme, delay=5),
                      sc=dict(HARDENED))
        spec = pod_spec([c], sa=name, psc=app_psc(user), volumes=[empty_vol("tmp")],
                        node_selector={"kubernetes.io/os": "linux"})
        deployment(ns, name, replicas, spec, labels, created, rollout + timedelta(minutes=RNG.randint(1, 9)),
                   revision=RNG.randint(2, 5))
        SERVICES.append((ns, name, labels, [(p[0], p[1], p[0])]))
        SAS.append((ns, name))


def build_ingress():
    ns = "ingress-nginx"
    created = NS_CREATED[ns] + timedelta(seconds=3)
    labels = {"app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx",
              "app.kubernetes.io/name": "ingress-nginx"}
    c = container("controller", "registry.k8s.io/ingress-nginx/controller:v1.9.4",
                  res("100m", "90Mi", "1", "512Mi"),
                  args=["/nginx-ingress-controller", "--election-id=ingress-nginx-leader",
                        "--controller-class=k8s.io/ingress-nginx", "--ingress-class=nginx",
                        "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
                        "--validating-webhook=:8443",
                        "--validating-webhook-certificate=/usr/local/certificates/cert",
                        "--validating-webhook-key=/usr/local/certificates/key"],
                  ports=[port(80, "http"), port(443, "https"), port(8443, "webhook")],
                  env=[env_field("POD_NAME", "metadata.name"), env_field("POD_NAMESPACE", "metadata.namespace"),
                       env_val("LD_PRELOAD", "/usr/local/lib/libmimalloc.so")],
                  mounts=[mount("webhook-cert", "/usr/local/certificates/", ro=True)],
                  liveness=http_probe("/healthz", 10254, delay=10, failure=5),
                  readiness=http_probe("/healthz", 10254, delay=10),
                  sc={"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": False,
                      "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
                      "runAsNonRoot": True, "runAsUser": 101})
    spec = pod_spec([c], sa="ingress-nginx", grace=300, psc={"seccompProfile": {"type": "RuntimeDefault"}},
                    volumes=[secret_vol("webhook-cert", "ingress-nginx-admission")],
                    node_selector={"kubernetes.io/os": "linux"})
    pods = deployment(ns, "ingress-nginx-controller", 2, spec, labels, created,
                      datetime(2026, 9, 26, 8, 44, 0, tzinfo=UTC) + timedelta(days=45), revision=3)
    INGRESS_IPS.extend(sorted({p["status"]["hostIP"] for p in pods}))
    SERVICES.append((ns, "ingress-nginx-controller", labels,
                     [("http", 80, "http", 30080), ("https", 443, "https", 30443)], "NodePort"))
    SERVICES.append((ns, "ingress-nginx-controller-admission", labels, [("https-webhook", 443, "webhook")]))
    SAS.append((ns, "ingress-nginx"))
    SAS.append((ns, "ingress-nginx-admission"))
    # the admission certgen jobs (completed)
    install = datetime(2026, 9, 26, 8, 43, 30, tzinfo=UTC)
    for k, verb in enumerate(("create", "patch")):
        jl = {"app.kubernetes.io/component": "admission-webhook", "app.kubernetes.io/instance": "ingress-nginx",
              "app.kubernetes.io/name": "ingress-nginx"}
        args = (["create", "--host=ingress-nginx-controller-admission,ingress-nginx-controller-admission.$(POD_NAMESPACE).svc",
                 "--namespace=$(POD_NAMESPACE)", "--secret-name=ingress-nginx-admission"] if verb == "create" else
                ["patch", "--webhook-name=ingress-nginx-admission", "--namespace=$(POD_NAMESPACE)",
                 "--patch-mutating=false", "--secret-name=ingress-nginx-admission", "--patch-failure-policy=Fail"])
        c = container(verb, "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20231011-8b53cabe0",
                      res("10m", "20Mi", "100m", "64Mi"), args=args,
                      env=[env_field("POD_NAMESPACE", "metadata.namespace")], sc=dict(HARDENED))
        spec = pod_spec([c], sa="ingress-nginx-admission", psc=app_psc(65532), restart="OnFailure",
                        node_selector={"kubernetes.io/os": "linux"})
        job(ns, "ingress-nginx-admission-" + verb, spec, jl, install + timedelta(seconds=20 * k),
            timedelta(seconds=6 + k), WORKERS[k])


INGRESS_IPS = []


def build_batch():
    ns = "batch"
    reg = "registry.example.com/batch/"
    # Fault 3: report-generator cannot be scheduled (asks for 40Gi)
    labels = {"app.kubernetes.io/name": "report-generator", "app.kubernetes.io/part-of": "analytics"}
    c = container("report-generator", reg + "report-generator:2.0.1", res("2", "40Gi", "2", "40Gi"),
                  ports=[port(8080, "http")], mounts=[mount("tmp", "/tmp")],
                  liveness=http_probe("/healthz", "http", delay=30, period=20),
                  readiness=http_probe("/ready", "http", delay=10),
                  sc=dict(HARDENED))
    spec = pod_spec([c], sa="report-generator", psc=app_psc(10001), volumes=[empty_vol("tmp")])
    rollout = datetime(2026, 11, 28, 8, 0, 12, tzinfo=UTC)
    tmpl_hash = rand_str(10)
    rs_name = "report-generator-" + tmpl_hash
    pname = rs_name + "-" + rand_str(5)
    pl = dict(labels)
    pl["pod-template-hash"] = tmpl_hash
    pending_spec = instantiate(spec, None)
    pending = {"apiVersion": "v1", "kind": "Pod",
               "metadata": meta("Pod", pname, ns, rollout + timedelta(seconds=1), labels=pl,
                                owners=[owner_ref("apps/v1", "ReplicaSet", rs_name, ns)],
                                generate_name=rs_name + "-"),
               "spec": pending_spec}
    msg = ("0/8 nodes are available: 3 node(s) had untolerated taint "
           "{node-role.kubernetes.io/control-plane: }, 5 Insufficient memory. preemption: 0/8 nodes "
           "are available: 3 Preemption is not helpful for scheduling, 5 No preemption victims found "
           "for incoming pod..")
    pending["status"] = {"phase": "Pending", "conditions": [
        cond("PodScheduled", "False", rollout + timedelta(seconds=1), "Unschedulable", msg, probe=True)],
        "qosClass": qos_class(pending_spec)}
    add("pods", pending)
    CRASH["pending"] = pending
    EVENTS.append(("Warning", "FailedScheduling", pending, "default-scheduler", msg,
                   rollout + timedelta(seconds=1), datetime(2026, 11, 30, 1, 55, 12, tzinfo=UTC), 412, None))
    created = rollout
    d = {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": meta("Deployment", "report-generator", ns, created, labels=dict(labels),
                          annotations={"deployment.kubernetes.io/revision": "1"}, generation=1),
         "spec": {"replicas": 1, "selector": {"matchLabels": dict(labels)},
                  "template": template(labels, spec),
                  "strategy": {"type": "RollingUpdate",
                               "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                  "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
         "status": {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1,
                    "unavailableReplicas": 1, "conditions": [
                        cond("Available", "False", created + timedelta(seconds=1),
                             "MinimumReplicasUnavailable",
                             "Deployment does not have minimum availability.",
                             update=created + timedelta(seconds=1)),
                        cond("Progressing", "False", created + timedelta(seconds=601),
                             "ProgressDeadlineExceeded",
                             'ReplicaSet "%s" has timed out progressing.' % rs_name,
                             update=created + timedelta(seconds=601))]}}
    add("deployments", d)
    add("replicasets", {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": meta("ReplicaSet", rs_name, ns, created, labels=dict(pl),
                         annotations={"deployment.kubernetes.io/desired-replicas": "1",
                                      "deployment.kubernetes.io/max-replicas": "2",
                                      "deployment.kubernetes.io/revision": "1"},
                         owners=[owner_ref("apps/v1", "Deployment", "report-generator", ns)],
                         generation=1),
        "spec": {"replicas": 1, "selector": {"matchLabels": dict(pl)}, "template": template(pl, spec)},
        "status": {"replicas": 1, "fullyLabeledReplicas": 1, "observedGeneration": 1}})
    SAS.append((ns, "report-generator"))

    # CronJobs with their three most recent (completed) Jobs
    for cj, image, schedule, runs, dur, args in [
            ("nightly-export", reg + "nightly-export:1.4.0", "0 1 * * *",
             [datetime(2026, 11, d, 1, 0, 0, tzinfo=UTC) for d in (28, 29, 30)], (600, 1300),
             ["--target=s3://exports/nightly", "--since=24h"]),
            ("invoice-sync", reg + "invoice-sync:3.1.0", "15 * * * *",
             [datetime(2026, 11, 29, 23, 15, 0, tzinfo=UTC), datetime(2026, 11, 30, 0, 15, 0, tzinfo=UTC),
              datetime(2026, 11, 30, 1, 15, 0, tzinfo=UTC)], (40, 200), ["--mode=incremental"]),
            ("cleanup-tmp", reg + "cleanup:0.9.3", "*/30 * * * *",
             [datetime(2026, 11, 30, 0, 30, 0, tzinfo=UTC), datetime(2026, 11, 30, 1, 0, 0, tzinfo=UTC),
              datetime(2026, 11, 30, 1, 30, 0, tzinfo=UTC)], (5, 30), ["--older-than=6h"])]:
        labels = {"app.kubernetes.io/name": cj, "app.kubernetes.io/part-of": "analytics"}
        c = container(cj, image, res("250m", "256Mi", "1", "512Mi"), args=args,
                      mounts=[mount("tmp", "/tmp")], sc=dict(HARDENED))
        spec = pod_spec([c], sa=cj, psc=app_psc(10001), restart="Never", volumes=[empty_vol("tmp")])
        cj_created = datetime(2026, 2, 3, 10, 0, 0, tzinfo=UTC) + jitter(0, 86400 * 20)
        last = None
        for t in runs:
            jname = "%s-%d" % (cj, int(t.timestamp()) // 60)
            node = WORKERS[RNG.randrange(len(WORKERS))]
            j = job(ns, jname, spec, labels, t + jitter(0, 1), timedelta(seconds=RNG.randint(*dur)), node,
                    cron=cj, backoff=2)
            last = j
            if t >= SCAN - timedelta(hours=1):
                jpod = OBJECTS["pods"][-1]
                JOB_EVENTS.append((j, jpod, node))
        add("cronjobs", {
            "apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": meta("CronJob", cj, ns, cj_created, labels=dict(labels), generation=1),
            "spec": {"schedule": schedule, "timeZone": "Etc/UTC", "concurrencyPolicy": "Forbid",
                     "suspend": False,
                     "jobTemplate": {"metadata": {"creationTimestamp": None}, "spec": {
                         "backoffLimit": 2, "template": template(labels, spec)}},
                     "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1},
            "status": {"lastScheduleTime": ts(runs[-1]),
                       "lastSuccessfulTime": last["status"]["completionTime"]}})
        SAS.append((ns, cj))
    # a one-off migration Job
    labels = {"app.kubernetes.io/name": "db-migrate", "app.kubernetes.io/part-of": "analytics"}
    c = container("db-migrate", reg + "db-migrate:42", res("100m", "128Mi", "500m", "256Mi"),
                  args=["up", "--to=42"], env=[env_secret("DATABASE_URL", "analytics-db", "url")],
                  sc=dict(HARDENED))
    spec = pod_spec([c], sa="db-migrate", psc=app_psc(10001), restart="Never")
    job(ns, "db-migrate-v42", spec, labels, datetime(2026, 11, 24, 7, 58, 3, tzinfo=UTC),
        timedelta(seconds=48), WORKERS[2], backoff=0)
    SAS.append((ns, "db-migrate"))


JOB_EVENTS = []


def build_default():
    # Faults 5 + 6: a bare pod, image without a tag, no resources at all
    c = container("debug-shell", "busybox", {}, command=["sleep", "infinity"],
                  sc=dict(HARDENED))
    c["stdin"] = True
    c["tty"] = True
    spec = pod_spec([c], sa="default", psc={"runAsUser": 65534, "runAsGroup": 65534,
                                            "runAsNonRoot": True,
                                            "seccompProfile": {"type": "RuntimeDefault"}})
    # the default ServiceAccount does not automount its token
    p = make_pod("default", "debug-shell", {"run": "debug-shell"}, spec, WORKERS[1],
                 datetime(2026, 11, 21, 15, 12, 48, tzinfo=UTC), sa_token=False)
    CRASH["debug"] = p


# --------------------------------------------------------------------------------------------
# Services, endpoint slices, ingresses
# --------------------------------------------------------------------------------------------
_used_ips = {"10.96.0.1", "10.96.0.10"}


def cluster_ip():
    while True:
        ip = "10.%d.%d.%d" % (RNG.randint(96, 111), RNG.randint(0, 255), RNG.randint(2, 254))
        if ip not in _used_ips:
            _used_ips.add(ip)
            return ip


def matches(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())


def build_services():
    def svc(ns, name, selector, ports, kind="ClusterIP", ip=None, created=None, labels=None):
        headless = kind == "None"
        ip = "None" if headless else (ip or cluster_ip())
        spec = {}
        sp = []
        for p in ports:
            d = {"name": p[0], "protocol": p[3] if len(p) > 3 and isinstance(p[3], str) else "TCP",
                 "port": p[1], "targetPort": p[2]}
            if kind == "NodePort":
                d["nodePort"] = p[3]
            sp.append(d)
        spec["ports"] = sp
        if selector:
            spec["selector"] = dict(selector)
        spec["clusterIP"] = ip
        spec["clusterIPs"] = [ip]
        spec["type"] = "NodePort" if kind == "NodePort" else "ClusterIP"
        spec["sessionAffinity"] = "None"
        if kind == "NodePort":
            spec["externalTrafficPolicy"] = "Local"
        spec["ipFamilies"] = ["IPv4"]
        spec["ipFamilyPolicy"] = "SingleStack"
        spec["internalTrafficPolicy"] = "Cluster"
        created = created or NS_CREATED[ns] + timedelta(minutes=RNG.randint(2, 600))
        s = {"apiVersion": "v1", "kind": "Service",
             "metadata": meta("Service", name, ns, created, labels=labels or dict(selector or {})),
             "spec": spec, "status": {"loadBalancer": {}}}
        add("services", s)
        # EndpointSlice
        if selector:
            eps = []
            for pod in OBJECTS["pods"]:
                if pod["metadata"]["namespace"] != ns or "nodeName" not in pod["spec"]:
                    continue
                if pod["status"]["phase"] != "Running":
                    continue
                if not matches(selector, pod["metadata"].get("labels", {})):
                    continue
                ready = pod_ready(pod)
                ep = {"addresses": [pod["status"]["podIP"]],
                      "conditions": {"ready": ready, "serving": ready, "terminating": False}}
                if headless and "hostname" in pod["spec"]:
                    ep["hostname"] = pod["spec"]["hostname"]
                ep["targetRef"] = {"kind": "Pod", "namespace": ns, "name": pod["metadata"]["name"],
                                   "uid": pod["metadata"]["uid"]}
                ep["nodeName"] = pod["spec"]["nodeName"]
                eps.append(ep)
            named = {}
            for pod in OBJECTS["pods"]:
                if pod["metadata"]["namespace"] == ns and matches(selector, pod["metadata"].get("labels", {})):
                    for c in pod["spec"]["containers"]:
                        for cp in c.get("ports", []):
                            if "name" in cp:
                                named[cp["name"]] = cp["containerPort"]
                    break
            ports_out = [{"name": p["name"], "protocol": p["protocol"],
                          "port": named.get(p["targetPort"], p["targetPort"])
                          if isinstance(p["targetPort"], str) else p["targetPort"]} for p in sp]
            endpoint_slice(ns, name, eps, ports_out, created)
        return s

    kube = svc("default", "kubernetes", None, [("https", 443, 6443)], ip="10.96.0.1",
               created=NS_CREATED["default"], labels={"component": "apiserver", "provider": "kubernetes"})
    endpoint_slice("default", "kubernetes", [{"addresses": [m["ip"]],
                                              "conditions": {"ready": True}} for m in MASTERS],
                   [{"name": "https", "protocol": "TCP", "port": 6443}], NS_CREATED["default"],
                   name="kubernetes", mirror=True)
    del kube
    dns_sel = {"k8s-app": "kube-dns"}
    svc("kube-system", "kube-dns", dns_sel, [("dns", 53, 53, "UDP"), ("dns-tcp", 53, 53),
                                             ("metrics", 9153, 9153)], ip="10.96.0.10",
        created=NS_CREATED["kube-system"] + timedelta(seconds=8),
        labels={"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                "kubernetes.io/name": "CoreDNS"})
    svc("kube-system", "metrics-server", {"k8s-app": "metrics-server"}, [("https", 443, "https")],
        labels={"k8s-app": "metrics-server"})
    for entry in SERVICES:
        ns, name, selector, ports = entry[:4]
        kind = entry[4] if len(entry) > 4 else "ClusterIP"
        svc(ns, name, selector, ports, kind=kind)


def endpoint_slice(ns, service, endpoints, ports, created, name=None, mirror=False):
    name = name or "%s-%s" % (service, rand_str(5))
    labels = {"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
              "kubernetes.io/service-name": service}
    if mirror:
        labels = {"kubernetes.io/service-name": service}
    owners = None if mirror else [owner_ref("v1", "Service", service, ns)]
    add("endpointslices", {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                           "metadata": meta("EndpointSlice", name, ns, created, labels=labels,
                                            generate_name=None if mirror else service + "-",
                                            owners=owners,
                                            annotations={"endpoints.kubernetes.io/last-change-trigger-time":
                                                         ts(SCAN - jitter(600, 86400))}
                                            if not mirror else None),
                           "addressType": "IPv4", "endpoints": endpoints, "ports": ports})


def build_ingresses():
    for ns, name, host, svc_name, svc_port, secret in [
            ("shop", "storefront", "shop.example.com", "frontend", 80, "shop-example-com-tls"),
            ("shop", "storefront-api", "api.shop.example.com", "web-bff", 80, "api-shop-example-com-tls"),
            ("monitoring", "grafana", "grafana.demo.internal", "grafana", 3000, "grafana-tls")]:
        add("ingresses", {
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": meta("Ingress", name, ns, NS_CREATED[ns] + timedelta(hours=2),
                             annotations={"nginx.ingress.kubernetes.io/ssl-redirect": "true"},
                             generation=1),
            "spec": {"ingressClassName": "nginx", "tls": [{"hosts": [host], "secretName": secret}],
                     "rules": [{"host": host, "http": {"paths": [{
                         "path": "/", "pathType": "Prefix",
                         "backend": {"service": {"name": svc_name, "port": {"number": svc_port}}}}]}}]},
            "status": {"loadBalancer": {"ingress": [{"ip": ip} for ip in INGRESS_IPS]}}})


# --------------------------------------------------------------------------------------------
# ConfigMaps
# --------------------------------------------------------------------------------------------
def yaml_scalar(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    if s == "" or s[0] in "*&!%@`{[]}#|>'\"-?:,0123456789." or s in ("true", "false", "null", "yes", "no") \
            or ": " in s or " #" in s:
        return json.dumps(s)
    return s


def to_yaml(obj, indent=0):
    pad = "  " * indent
    lines = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, dict) and v:
                lines.append("%s%s:" % (pad, k))
                lines.append(to_yaml(v, indent + 1))
            elif isinstance(v, list) and v:
                lines.append("%s%s:" % (pad, k))
                for item in v:
                    if isinstance(item, dict):
                        sub = to_yaml(item, indent + 1).lstrip()
                        lines.append("%s- %s" % (pad, sub))
                    else:
                        lines.append("%s- %s" % (pad, yaml_scalar(item)))
            elif isinstance(v, dict):
                lines.append("%s%s: {}" % (pad, k))
            elif isinstance(v, list):
                lines.append("%s%s: []" % (pad, k))
            else:
                lines.append("%s%s: %s" % (pad, k, yaml_scalar(v)))
    return "\n".join(lines)


COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
"""

KUBE_PROXY_CONF = """apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: "iptables"
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForVersion: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""
"""

KUBE_PROXY_KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://%s:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
""" % API_ENDPOINT

CLUSTER_CONFIGURATION = """apiServer:
  certSANs:
  - %(ep)s
  - 10.0.0.10
  extraArgs:
    audit-log-maxage: "30"
    audit-log-maxbackup: "10"
    audit-log-maxsize: "100"
    audit-log-path: /var/log/kubernetes/audit.log
    audit-policy-file: /etc/kubernetes/audit-policy.yaml
    authorization-mode: Node,RBAC
  extraVolumes:
  - hostPath: /etc/kubernetes/audit-policy.yaml
    mountPath: /etc/kubernetes/audit-policy.yaml
    name: audit-policy
    pathType: File
    readOnly: true
  - hostPath: /var/log/kubernetes
    mountPath: /var/log/kubernetes
    name: audit-log
    pathType: DirectoryOrCreate
  timeoutForControlPlane: 4m0s
apiVersion: kubeadm.k8s.io/v1beta3
certificatesDir: /etc/kubernetes/pki
clusterName: %(name)s
controlPlaneEndpoint: %(ep)s:6443
controllerManager: {}
dns: {}
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: %(ver)s
networking:
  dnsDomain: cluster.local
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
scheduler: {}
""" % {"ep": API_ENDPOINT, "name": CLUSTER_NAME, "ver": K8S_VERSION}

CALICO_CNI = """{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "calico",
      "log_level": "info",
      "log_file_path": "/var/log/calico/cni/cni.log",
      "datastore_type": "kubernetes",
      "nodename": "__KUBERNETES_NODE_NAME__",
      "mtu": __CNI_MTU__,
      "ipam": {
          "type": "host-local",
          "subnet": "usePodCidr"
      },
      "policy": {
          "type": "k8s"
      },
      "kubernetes": {
          "kubeconfig": "__KUBECONFIG_FILEPATH__"
      }
    },
    {
      "type": "portmap",
      "snat": true,
      "capabilities": {"portMappings": true}
    },
    {
      "type": "bandwidth",
      "capabilities": {"bandwidth": true}
    }
  ]
}"""


def build_configmaps():
    ks = "kube-system"

    def cm(ns, name, data, created, labels=None, annotations=None):
        add("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": meta("ConfigMap", name, ns, created, labels=labels,
                                            annotations=annotations),
                           "data": data})

    init = CLUSTER_INIT + timedelta(minutes=3, seconds=33)
    cm(ks, "calico-config", {"calico_backend": "bird", "cni_network_config": CALICO_CNI,
                             "typha_service_name": "none", "veth_mtu": "0"},
       CLUSTER_INIT + timedelta(minutes=9))
    cm(ks, "coredns", {"Corefile": COREFILE}, init)
    cm(ks, "kube-proxy", {"config.conf": KUBE_PROXY_CONF, "kubeconfig.conf": KUBE_PROXY_KUBECONFIG},
       init, labels={"app": "kube-proxy"})
    cm(ks, "kubeadm-config", {"ClusterConfiguration": CLUSTER_CONFIGURATION}, init)
    cm(ks, "kubelet-config", {"kubelet": to_yaml(kubelet_config(None)) + "\n"}, init,
       annotations={"kubeadm.kubernetes.io/component-config.hash":
                    "sha256:" + sha("kubelet-config")})
    cm("ingress-nginx", "ingress-nginx-controller",
       {"allow-snippet-annotations": "false", "use-forwarded-headers": "true",
        "ssl-protocols": "TLSv1.2 TLSv1.3", "hsts": "true"},
       NS_CREATED["ingress-nginx"] + timedelta(seconds=2),
       labels={"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "ingress-nginx"})
    cm("data", "redis-config", {"redis.conf": "maxmemory 200mb\nmaxmemory-policy allkeys-lru\n"
                                              "appendonly yes\nsave \"\"\nprotected-mode yes\n"},
       NS_CREATED["data"] + timedelta(minutes=3))
    cm("shop", "frontend-config", {"FEATURE_FLAGS": "new-checkout,recommendations-v2",
                                   "CURRENCY_DEFAULT": "EUR"},
       NS_CREATED["shop"] + timedelta(minutes=2))


# --------------------------------------------------------------------------------------------
# Storage
# --------------------------------------------------------------------------------------------
def build_storage():
    add("storageclasses", {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                           "metadata": meta("StorageClass", "local-storage", None,
                                            datetime(2026, 1, 8, 11, 30, 0, tzinfo=UTC),
                                            annotations={"storageclass.kubernetes.io/is-default-class": "true"}),
                           "provisioner": "kubernetes.io/no-provisioner", "reclaimPolicy": "Retain",
                           "volumeBindingMode": "WaitForFirstConsumer"})
    disk_no = {}
    for ns, claim, node, size, labels, created in PVCS:
        k = disk_no.get(node["name"], 0)
        disk_no[node["name"]] = k + 1
        pv_name = "local-pv-" + rand_hex(8)
        pvc_uid = uid("PersistentVolumeClaim", ns, claim)
        add("persistentvolumes", {
            "apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": meta("PersistentVolume", pv_name, None, datetime(2026, 1, 8, 11, 35, 0, tzinfo=UTC)
                             + timedelta(minutes=k),
                             labels={"storage.demo.internal/disk": "ssd%d" % k},
                             annotations={"pv.kubernetes.io/bound-by-controller": "yes",
                                          "pv.kubernetes.io/provisioned-by": "local-volume-provisioner-" + node["name"]}),
            "spec": {"capacity": {"storage": size},
                     "local": {"path": "/mnt/disks/ssd%d" % k},
                     "accessModes": ["ReadWriteOnce"],
                     "claimRef": {"kind": "PersistentVolumeClaim", "namespace": ns, "name": claim,
                                  "uid": pvc_uid, "apiVersion": "v1", "resourceVersion": rv()},
                     "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "local-storage",
                     "volumeMode": "Filesystem",
                     "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                         {"key": "kubernetes.io/hostname", "operator": "In", "values": [node["name"]]}]}]}}},
            "status": {"phase": "Bound"}})
        pvc_created = min(created, datetime(2026, 1, 9, 10, 0, 0, tzinfo=UTC) + jitter(0, 7200))
        add("persistentvolumeclaims", {
            "apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": meta("PersistentVolumeClaim", claim, ns, pvc_created, labels=labels,
                             annotations={"pv.kubernetes.io/bind-completed": "yes",
                                          "pv.kubernetes.io/bound-by-controller": "yes",
                                          "volume.kubernetes.io/selected-node": node["name"]}),
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}},
                     "volumeName": pv_name, "storageClassName": "local-storage",
                     "volumeMode": "Filesystem"},
            "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": size}}})


# --------------------------------------------------------------------------------------------
# RBAC, service accounts, network policies, leases, events
# --------------------------------------------------------------------------------------------
def build_rbac():
    created = CLUSTER_INIT + timedelta(minutes=3, seconds=32)

    def role(kind, name, ns, rules, labels=None, c=None, annotations=None):
        plural = "clusterroles" if kind == "ClusterRole" else "roles"
        add(plural, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
                     "metadata": meta(kind, name, ns, c or created, labels=labels, annotations=annotations),
                     "rules": rules})

    def binding(kind, name, ns, role_kind, role_name, subjects, labels=None, c=None):
        plural = "clusterrolebindings" if kind == "ClusterRoleBinding" else "rolebindings"
        add(plural, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
                     "metadata": meta(kind, name, ns, c or created, labels=labels),
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name},
                     "subjects": subjects})

    def sa(ns, name):
        return {"kind": "ServiceAccount", "name": name, "namespace": ns}

    def group(name):
        return {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": name}

    boot = {"kubernetes.io/bootstrapping": "rbac-defaults"}
    auto = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
    role("ClusterRole", "cluster-admin", None,
         [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
          {"nonResourceURLs": ["*"], "verbs": ["*"]}], labels=boot, annotations=auto)
    ro = ["get", "list", "watch"]
    role("ClusterRole", "view", None,
         [{"apiGroups": [""], "resources": ["configmaps", "endpoints", "persistentvolumeclaims", "pods",
                                            "replicationcontrollers", "services"], "verbs": ro},
          {"apiGroups": ["apps"], "resources": ["daemonsets", "deployments", "replicasets", "statefulsets"],
           "verbs": ro},
          {"apiGroups": ["batch"], "resources": ["cronjobs", "jobs"], "verbs": ro}],
         labels={**boot, "rbac.authorization.k8s.io/aggregate-to-edit": "true"}, annotations=auto)
    role("ClusterRole", "edit", None,
         [{"apiGroups": ["", "apps", "batch"], "resources": ["configmaps", "deployments", "pods", "services",
                                                           "jobs", "cronjobs", "statefulsets"],
           "verbs": ["create", "delete", "deletecollection", "patch", "update"]}],
         labels={**boot, "rbac.authorization.k8s.io/aggregate-to-admin": "true"}, annotations=auto)
    role("ClusterRole", "system:node-proxier", None,
         [{"apiGroups": [""], "resources": ["endpoints", "services"], "verbs": ["list", "watch"]},
          {"apiGroups": [""], "resources": ["nodes"], "verbs": ro},
          {"apiGroups": ["", "events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch", "update"]},
          {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": ["list", "watch"]}],
         labels=boot, annotations=auto)
    role("ClusterRole", "system:coredns", None,
         [{"apiGroups": [""], "resources": ["endpoints", "services", "pods", "namespaces"], "verbs": ["list", "watch"]},
          {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": ["list", "watch"]}])
    role("ClusterRole", "calico-node", None,
         [{"apiGroups": [""], "resources": ["pods", "nodes", "namespaces"], "verbs": ["get"]},
          {"apiGroups": [""], "resources": ["nodes/status"], "verbs": ["patch", "update"]},
          {"apiGroups": ["crd.projectcalico.org"], "resources": ["ippools", "ipamblocks", "blockaffinities",
                                                                 "felixconfigurations", "bgpconfigurations"],
           "verbs": ["get", "list", "watch", "create", "update"]}], c=CLUSTER_INIT + timedelta(minutes=9))
    role("ClusterRole", "prometheus-k8s", None,
         [{"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]},
          {"nonResourceURLs": ["/metrics", "/metrics/slis"], "verbs": ["get"]}],
         c=NS_CREATED["monitoring"] + timedelta(minutes=1))
    role("ClusterRole", "ingress-nginx", None,
         [{"apiGroups": [""], "resources": ["configmaps", "endpoints", "nodes", "pods", "secrets", "namespaces"],
           "verbs": ["list", "watch"]},
          {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses", "ingressclasses"], "verbs": ro},
          {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses/status"], "verbs": ["update"]}],
         c=NS_CREATED["ingress-nginx"])
    role("ClusterRole", "kubeadm:get-nodes", None,
         [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get"]}])
    role("ClusterRole", "system:node-bootstrapper", None,
         [{"apiGroups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests"],
           "verbs": ["create", "get", "list", "watch"]}], labels=boot, annotations=auto)
    for kind in ("nodeclient", "selfnodeclient"):
        role("ClusterRole", "system:certificates.k8s.io:certificatesigningrequests:" + kind, None,
             [{"apiGroups": ["certificates.k8s.io"],
               "resources": ["certificatesigningrequests/" + kind], "verbs": ["create"]}],
             labels=boot, annotations=auto)
    binding("ClusterRoleBinding", "cluster-admin", None, "ClusterRole", "cluster-admin",
            [group("system:masters")], labels=boot)
    binding("ClusterRoleBinding", "kubeadm:get-nodes", None, "ClusterRole", "kubeadm:get-nodes",
            [group("system:bootstrappers:kubeadm:default-node-token")])
    binding("ClusterRoleBinding", "kubeadm:kubelet-bootstrap", None, "ClusterRole", "system:node-bootstrapper",
            [group("system:bootstrappers:kubeadm:default-node-token")])
    binding("ClusterRoleBinding", "kubeadm:node-autoapprove-bootstrap", None, "ClusterRole",
            "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
            [group("system:bootstrappers:kubeadm:default-node-token")])
    binding("ClusterRoleBinding", "kubeadm:node-autoapprove-certificate-rotation", None, "ClusterRole",
            "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [group("system:nodes")])
    binding("ClusterRoleBinding", "kubeadm:node-proxier", None, "ClusterRole", "system:node-proxier",
            [sa("kube-system", "kube-proxy")])
    binding("ClusterRoleBinding", "system:coredns", None, "ClusterRole", "system:coredns",
            [sa("kube-system", "coredns")])
    binding("ClusterRoleBinding", "calico-node", None, "ClusterRole", "calico-node",
            [sa("kube-system", "calico-node")], c=CLUSTER_INIT + timedelta(minutes=9))
    binding("ClusterRoleBinding", "prometheus-k8s", None, "ClusterRole", "prometheus-k8s",
            [sa("monitoring", "prometheus-k8s")], c=NS_CREATED["monitoring"] + timedelta(minutes=1))
    binding("ClusterRoleBinding", "ingress-nginx", None, "ClusterRole", "ingress-nginx",
            [sa("ingress-nginx", "ingress-nginx")], c=NS_CREATED["ingress-nginx"])
    role("Role", "kube-proxy", "kube-system",
         [{"apiGroups": [""], "resourceNames": ["kube-proxy"], "resources": ["configmaps"], "verbs": ["get"]}])
    role("Role", "kubeadm:nodes-kubeadm-config", "kube-system",
         [{"apiGroups": [""], "resourceNames": ["kubeadm-config"], "resources": ["configmaps"], "verbs": ["get"]}])
    role("Role", "kubeadm:kubelet-config", "kube-system",
         [{"apiGroups": [""], "resourceNames": ["kubelet-config"], "resources": ["configmaps"], "verbs": ["get"]}])
    binding("RoleBinding", "kube-proxy", "kube-system", "Role", "kube-proxy",
            [group("system:bootstrappers:kubeadm:default-node-token")])
    binding("RoleBinding", "kubeadm:nodes-kubeadm-config", "kube-system", "Role", "kubeadm:nodes-kubeadm-config",
            [group("system:bootstrappers:kubeadm:default-node-token"), group("system:nodes")])
    binding("RoleBinding", "kubeadm:kubelet-config", "kube-system", "Role", "kubeadm:kubelet-config",
            [group("system:nodes"), group("system:bootstrappers:kubeadm:default-node-token")])
    for ns, team in (("shop", "storefront"), ("payments", "payments"), ("batch", "analytics")):
        binding("RoleBinding", "%s-developers" % team, ns, "ClusterRole", "edit",
                [group("oidc:team-%s" % team)], c=NS_CREATED[ns] + timedelta(minutes=10))
        binding("RoleBinding", "sre-view", ns, "ClusterRole", "view", [group("oidc:sre")],
                c=NS_CREATED[ns] + timedelta(minutes=10))


def build_service_accounts():
    seen = set()
    sys_sas = [("kube-system", n) for n in ("kube-proxy", "calico-node", "calico-kube-controllers",
                                            "coredns", "metrics-server")]
    for ns in NAMESPACES:
        entries = [(ns, "default")] + [x for x in sys_sas + SAS if x[0] == ns and x[1] != "default"]
        for ns_, name in entries:
            if (ns_, name) in seen:
                continue
            seen.add((ns_, name))
            o = {"apiVersion": "v1", "kind": "ServiceAccount",
                 "metadata": meta("ServiceAccount", name, ns_, NS_CREATED[ns_] + timedelta(
                     seconds=0 if name == "default" else RNG.randint(5, 3600)))}
            if name == "default":
                o["automountServiceAccountToken"] = False
            add("serviceaccounts", o)


def build_network_policies():
    ns = "payments"
    created = NS_CREATED[ns] + timedelta(hours=1)
    add("networkpolicies", {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                            "metadata": meta("NetworkPolicy", "default-deny", ns, created, generation=1),
                            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}})
    add("networkpolicies", {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": meta("NetworkPolicy", "allow-api-from-shop", ns, created + timedelta(minutes=5), generation=1),
        "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "payments-api"}},
                 "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}}},
                                       {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}],
                              "ports": [{"protocol": "TCP", "port": 8080}]}],
                 "policyTypes": ["Ingress"]}})
    add("networkpolicies", {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": meta("NetworkPolicy", "allow-dns-egress", ns, created + timedelta(minutes=6), generation=1),
        "spec": {"podSelector": {},
                 "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                                     "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                             "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]},
                            {"to": [{"podSelector": {}}]},
                            {"to": [{"ipBlock": {"cidr": "0.0.0.0/0",
                                                 "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}}],
                             "ports": [{"protocol": "TCP", "port": 8443}]}],
                 "policyTypes": ["Egress"]}})


def build_leases():
    for n in NODES:
        renew = SCAN - timedelta(seconds=RNG.randint(1, 9))
        add("leases", {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                       "metadata": meta("Lease", n["name"], "kube-node-lease", n["joined"] + timedelta(seconds=2),
                                        owners=[{"apiVersion": "v1", "kind": "Node", "name": n["name"],
                                                 "uid": uid("Node", "", n["name"])}]),
                       "spec": {"holderIdentity": n["name"], "leaseDurationSeconds": 40,
                                "renewTime": ts_micro(renew, RNG.randint(0, 999999))}})
    for name, holder in (("kube-controller-manager", MASTERS[0]), ("kube-scheduler", MASTERS[2])):
        renew = SCAN - timedelta(seconds=RNG.randint(1, 2))
        add("leases", {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                       "metadata": meta("Lease", name, "kube-system", CLUSTER_INIT + timedelta(minutes=3)),
                       "spec": {"holderIdentity": "%s_%s" % (holder["name"], uid("holder", name)),
                                "leaseDurationSeconds": 15,
                                "acquireTime": ts_micro(holder["boot"] + timedelta(minutes=40), 118233),
                                "renewTime": ts_micro(renew, RNG.randint(0, 999999)),
                                "leaseTransitions": RNG.randint(9, 19)}})


def build_events():
    def event(type_, reason, obj, component, message, first, last, count, field_path=None, host=None):
        is_node = obj is not None and "master" in obj and "idx" in obj  # a NODES entry
        if is_node:
            ns, kind, name, o_uid, api = "default", "Node", obj["name"], obj["name"], "v1"
            host = obj["name"]
        else:
            kind = obj["kind"]
            ns = obj["metadata"]["namespace"]
            name = obj["metadata"]["name"]
            o_uid = obj["metadata"]["uid"]
            api = obj["apiVersion"]
            host = host or obj.get("spec", {}).get("nodeName")
        ev_name = "%s.%s" % (name, rand_hex(16))
        inv = {"kind": kind}
        if not is_node:
            inv["namespace"] = ns
        inv["name"] = name
        inv["uid"] = o_uid
        if not is_node:
            inv["apiVersion"] = api
            inv["resourceVersion"] = obj["metadata"]["resourceVersion"]
        if field_path:
            inv["fieldPath"] = field_path
        src = {"component": component}
        if host and component in ("kubelet", "kernel-monitor"):
            src["host"] = host
        add("events", {"apiVersion": "v1", "kind": "Event",
                       "metadata": meta("Event", ev_name, ns, first),
                       "involvedObject": inv, "reason": reason, "message": message, "source": src,
                       "firstTimestamp": ts(first), "lastTimestamp": ts(last), "count": count,
                       "type": type_, "eventTime": None,
                       "reportingComponent": component,
                       "reportingInstance": host if component in ("kubelet", "kernel-monitor") else ""})

    for e in EVENTS:
        event(*e)
    # routine Normal events for the Jobs of the last hour
    for j, pod, node in JOB_EVENTS:
        start = datetime.strptime(j["status"]["startTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        done = datetime.strptime(j["status"]["completionTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        cron = j["metadata"]["ownerReferences"][0]["name"]
        cj = next(c for c in OBJECTS["cronjobs"] if c["metadata"]["name"] == cron)
        event("Normal", "SuccessfulCreate", cj, "cronjob-controller",
              "Created job %s" % j["metadata"]["name"], start, start, 1)
        event("Normal", "SuccessfulCreate", j, "job-controller",
              "Created pod: %s" % pod["metadata"]["name"], start, start, 1)
        event("Normal", "Scheduled", pod, "default-scheduler",
              "Successfully assigned %s/%s to %s" % (pod["metadata"]["namespace"], pod["metadata"]["name"],
                                                     node["name"]), start, start, 1)
        c = pod["spec"]["containers"][0]
        fp = "spec.containers{%s}" % c["name"]
        event("Normal", "Pulled", pod, "kubelet",
              'Container image "%s" already present on machine' % c["image"], start + timedelta(seconds=2),
              start + timedelta(seconds=2), 1, fp)
        event("Normal", "Created", pod, "kubelet", "Created container " + c["name"],
              start + timedelta(seconds=2), start + timedelta(seconds=2), 1, fp)
        event("Normal", "Started", pod, "kubelet", "Started container " + c["name"],
              start + timedelta(seconds=3), start + timedelta(seconds=3), 1, fp)
        event("Normal", "Completed", j, "job-controller", "Job completed", done, done, 1)


# --------------------------------------------------------------------------------------------
# Host facts
# --------------------------------------------------------------------------------------------
def kubelet_config(n):
    cfg = {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "authentication": {
            "anonymous": {"enabled": False},
            "webhook": {"cacheTTL": "2m0s", "enabled": True},
            "x509": {"clientCAFile": "/etc/kubernetes/pki/ca.crt"},
        },
        "authorization": {"mode": "Webhook",
                          "webhook": {"cacheAuthorizedTTL": "5m0s", "cacheUnauthorizedTTL": "30s"}},
        "cgroupDriver": "systemd",
        "clusterDNS": ["10.96.0.10"],
        "clusterDomain": "cluster.local",
        "containerRuntimeEndpoint": "",
        "cpuManagerReconcilePeriod": "10s",
        "eventRecordQPS": 5,
        "evictionHard": {"imagefs.available": "15%", "memory.available": "100Mi",
                         "nodefs.available": "10%", "nodefs.inodesFree": "5%"},
        "evictionPressureTransitionPeriod": "5m0s",
        "fileCheckFrequency": "20s",
        "healthzBindAddress": "127.0.0.1",
        "healthzPort": 10248,
        "httpCheckFrequency": "20s",
        "imageMinimumGCAge": "2m0s",
        "logging": {"flushFrequency": 0, "options": {"json": {"infoBufferSize": "0"}}, "verbosity": 0},
        "makeIPTablesUtilChains": True,
        "memorySwap": {},
        "nodeStatusReportFrequency": "5m0s",
        "nodeStatusUpdateFrequency": "10s",
        "readOnlyPort": 0,
        "resolvConf": "/run/systemd/resolve/resolv.conf",
        "rotateCertificates": True,
        "runtimeRequestTimeout": "2m0s",
        "serverTLSBootstrap": False,
        "shutdownGracePeriod": "0s",
        "shutdownGracePeriodCriticalPods": "0s",
        "staticPodPath": "/etc/kubernetes/manifests",
        "streamingConnectionIdleTimeout": "4h0m0s",
        "syncFrequency": "1m0s",
        "tlsCertFile": "/var/lib/kubelet/pki/kubelet.crt",
        "tlsPrivateKeyFile": "/var/lib/kubelet/pki/kubelet.key",
        "volumeStatsAggPeriod": "1m0s",
    }
    if n is not None and n["name"] == "worker-4":  # Fault 9
        out = {}
        for k, v in cfg.items():
            if k == "fileCheckFrequency":
                out["failSwapOn"] = False
            out[k] = v
        cfg = out
    if n is not None and n["name"] == "worker-5":  # Fault 10
        cfg["authentication"]["anonymous"]["enabled"] = True
    return cfg


def kubelet_argv(n):
    argv = list(KUBELET_ARGV)
    if n["name"] == "worker-5":  # Fault 10 (KUBELET_EXTRA_ARGS in /etc/default/kubelet)
        argv.append("--anonymous-auth=true")
    return argv


def argv_to_args(argv):
    args = {}
    for a in argv[1:]:
        if a.startswith("--"):
            k, _, v = a[2:].partition("=")
            args[k] = v
    return args


def cert(path, subject, issuer, not_before, not_after, sans, is_ca=False):
    return {"path": path, "subject": subject, "issuer": issuer, "not_before": ts(not_before),
            "not_after": ts(not_after), "sans": sans, "key_type": "RSA", "key_bits": 2048,
            "is_ca": is_ca}


CA_NOT_AFTER = CLUSTER_INIT + timedelta(days=3650)
YEAR = timedelta(days=365)


def certificates(n):
    certs = []
    pki = "/etc/kubernetes/pki/"
    name, ip = n["name"], n["ip"]
    if n["master"]:
        renewed = CERT_RENEWAL + timedelta(minutes=25 * MASTERS.index(n)) + jitter(0, 59)
        leaf_end = renewed + YEAR
        certs.append(cert(pki + "ca.crt", "CN=kubernetes", "CN=kubernetes", CLUSTER_INIT, CA_NOT_AFTER,
                          ["kubernetes"], is_ca=True))
        api_sans = ["kubernetes", "kubernetes.default", "kubernetes.default.svc",
                    "kubernetes.default.svc.cluster.local", API_ENDPOINT, name,
                    "10.96.0.1", ip, "10.0.0.10"]
        if name == "master-2":  # Fault 7: missed by the certificate renewal, 20 days left
            certs.append(cert(pki + "apiserver.crt", "CN=kube-apiserver", "CN=kubernetes", CLUSTER_INIT,
                              SCAN + timedelta(days=20), api_sans))
        else:
            certs.append(cert(pki + "apiserver.crt", "CN=kube-apiserver", "CN=kubernetes", CLUSTER_INIT,
                              leaf_end, api_sans))
        certs.append(cert(pki + "apiserver-kubelet-client.crt", "CN=kube-apiserver-kubelet-client,O=system:masters",
                          "CN=kubernetes", CLUSTER_INIT, leaf_end, []))
        certs.append(cert(pki + "apiserver-etcd-client.crt", "CN=kube-apiserver-etcd-client", "CN=etcd-ca",
                          CLUSTER_INIT, leaf_end, []))
        certs.append(cert(pki + "front-proxy-ca.crt", "CN=front-proxy-ca", "CN=front-proxy-ca", CLUSTER_INIT,
                          CA_NOT_AFTER, ["front-proxy-ca"], is_ca=True))
        certs.append(cert(pki + "front-proxy-client.crt", "CN=front-proxy-client", "CN=front-proxy-ca",
                          CLUSTER_INIT, leaf_end, []))
        certs.append(cert(pki + "etcd/ca.crt", "CN=etcd-ca", "CN=etcd-ca", CLUSTER_INIT, CA_NOT_AFTER,
                          ["etcd-ca"], is_ca=True))
        etcd_sans = [name, "localhost", ip, "127.0.0.1", "::1"]
        certs.append(cert(pki + "etcd/server.crt", "CN=" + name, "CN=etcd-ca", CLUSTER_INIT, leaf_end, etcd_sans))
        certs.append(cert(pki + "etcd/peer.crt", "CN=" + name, "CN=etcd-ca", CLUSTER_INIT, leaf_end, etcd_sans))
        certs.append(cert(pki + "etcd/healthcheck-client.crt", "CN=kube-etcd-healthcheck-client", "CN=etcd-ca",
                          CLUSTER_INIT, leaf_end, []))
    else:
        certs.append(cert(pki + "ca.crt", "CN=kubernetes", "CN=kubernetes", CLUSTER_INIT, CA_NOT_AFTER,
                          ["kubernetes"], is_ca=True))
    # kubelet client cert (rotated by the kubelet) and the self-signed serving cert
    rotated = datetime(2026, 10, 1, 0, 0, 0, tzinfo=UTC) + jitter(0, 86400 * 20)
    certs.append(cert("/var/lib/kubelet/pki/kubelet-client-current.pem",
                      "CN=system:node:%s,O=system:nodes" % name, "CN=kubernetes",
                      rotated - timedelta(minutes=5), rotated + YEAR, []))
    served = CERT_RENEWAL + timedelta(minutes=5 + 9 * n["idx"]) + jitter(0, 59)
    stamp = int(served.timestamp())
    certs.append(cert("/var/lib/kubelet/pki/kubelet.crt", "CN=%s@%d" % (name, stamp),
                      "CN=%s-ca@%d" % (name, stamp), served - timedelta(hours=1), served + YEAR, [name]))
    return certs


def endpoint_certificates(n, certs):
    """What the node's TLS endpoints serve (the probe's `openssl s_client`): copies of the files
    (no stale certificate is planted), the in-memory self-signed certificates of
    kube-controller-manager and kube-scheduler, closed ports on workers. No RNG draw here."""
    by_path = {c["path"]: c for c in certs}
    name, ip = n["name"], n["ip"]
    pki = "/etc/kubernetes/pki/"

    def ok(endpoint, component, cert, configured=None):
        served = dict(cert, path="endpoint " + endpoint)
        e = {"endpoint": endpoint, "component": component, "port": int(endpoint.rsplit(":", 1)[1]),
             "status": "ok", "certificate": served}
        if configured:
            e["configured_file"] = configured
        return e

    def closed(endpoint, component):
        return {"endpoint": endpoint, "component": component,
                "port": int(endpoint.rsplit(":", 1)[1]), "status": "closed",
                "reason": "connection refused"}

    out = []
    if n["master"]:
        out.append(ok("127.0.0.1:6443", "kube-apiserver", by_path[pki + "apiserver.crt"],
                      pki + "apiserver.crt"))
    else:
        out.append(closed("127.0.0.1:6443", "kube-apiserver"))
    out.append(ok("127.0.0.1:10250", "kubelet", by_path["/var/lib/kubelet/pki/kubelet.crt"],
                  "/var/lib/kubelet/pki/kubelet.crt"))
    if n["master"]:
        started = CERT_RENEWAL + timedelta(minutes=25 * MASTERS.index(n) + 2)
        for port, component in ((10257, "kube-controller-manager"), (10259, "kube-scheduler")):
            stamp = int(started.timestamp()) + port % 7
            out.append(ok("127.0.0.1:%d" % port, component,
                          cert("", "CN=localhost@%d" % stamp, "CN=localhost-ca@%d" % stamp,
                               started - timedelta(hours=1), started + YEAR, ["localhost"])))
        out.append(ok("127.0.0.1:2379", "etcd", by_path[pki + "etcd/server.crt"],
                      pki + "etcd/server.crt"))
        out.append(ok("%s:2380" % ip, "etcd-peer", by_path[pki + "etcd/peer.crt"],
                      pki + "etcd/peer.crt"))
    else:
        for port, component in ((10257, "kube-controller-manager"), (10259, "kube-scheduler"),
                                (2379, "etcd"), (2380, "etcd-peer")):
            out.append(closed("127.0.0.1:%d" % port, component))
    return out


def file_entry(mode, owner="root", group="root"):
    return {"exists": True, "mode": mode, "owner": owner, "group": group}


def files(n):
    f = {}
    if n["master"]:
        for m in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"):
            f["/etc/kubernetes/manifests/%s.yaml" % m] = file_entry("0600")
        for conf in ("admin.conf", "controller-manager.conf", "scheduler.conf"):
            f["/etc/kubernetes/" + conf] = file_entry("0600")
        f["/etc/kubernetes/audit-policy.yaml"] = file_entry("0600")
    f["/etc/kubernetes/kubelet.conf"] = file_entry("0600")
    f["/etc/kubernetes/pki"] = file_entry("0755")
    f["/etc/kubernetes/pki/ca.crt"] = file_entry("0644")
    if n["master"]:
        f["/etc/kubernetes/pki/ca.key"] = file_entry("0600")
        for base in ("apiserver", "apiserver-kubelet-client", "apiserver-etcd-client", "front-proxy-ca",
                     "front-proxy-client"):
            f["/etc/kubernetes/pki/%s.crt" % base] = file_entry("0644")
            f["/etc/kubernetes/pki/%s.key" % base] = file_entry("0600")
        f["/etc/kubernetes/pki/sa.key"] = file_entry("0600")
        f["/etc/kubernetes/pki/sa.pub"] = file_entry("0644")
        f["/etc/kubernetes/pki/etcd"] = file_entry("0755")
        for base in ("ca", "server", "peer", "healthcheck-client"):
            f["/etc/kubernetes/pki/etcd/%s.crt" % base] = file_entry("0644")
            f["/etc/kubernetes/pki/etcd/%s.key" % base] = file_entry("0600")
        f["/var/lib/etcd"] = file_entry("0700", "etcd", "etcd")
    f["/var/lib/kubelet/config.yaml"] = file_entry("0600")
    f["/var/lib/kubelet/pki/kubelet-client-current.pem"] = file_entry("0600")
    f["/var/lib/kubelet/pki/kubelet.crt"] = file_entry("0644")
    f["/var/lib/kubelet/pki/kubelet.key"] = file_entry("0600")
    f["/usr/lib/systemd/system/kubelet.service"] = file_entry("0644")
    f["/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf"] = file_entry("0644")
    f["/etc/cni/net.d/10-calico.conflist"] = file_entry("0600")
    f["/etc/cni/net.d/calico-kubeconfig"] = file_entry("0600")
    f["/etc/containerd/config.toml"] = file_entry("0644")
    return f


GIB = 1 << 30


def node_facts(n):
    name = n["name"]
    uptime = int((SCAN - n["boot"]).total_seconds())
    used_mem = int(MEM_BYTES * RNG.uniform(0.28, 0.52))
    swap = {"total_bytes": 0, "used_bytes": 0}
    if name == "worker-4":  # Fault 9
        swap = {"total_bytes": 4 * GIB, "used_bytes": 512 * (1 << 20)}
    pid = RNG.randint(700, 1200)
    procs = {"containerd": {"pid": pid, "argv": ["/usr/bin/containerd"]},
             "kubelet": {"pid": pid + RNG.randint(200, 900), "argv": kubelet_argv(n)}}
    base = procs["kubelet"]["pid"] + RNG.randint(300, 1500)
    if n["master"]:
        for k, (proc, argv) in enumerate((("etcd", etcd_argv(n)), ("kube-apiserver", apiserver_argv(n)),
                                          ("kube-controller-manager", controller_manager_argv(n)),
                                          ("kube-scheduler", scheduler_argv(n)))):
            procs[proc] = {"pid": base + 37 * k + RNG.randint(0, 30), "argv": argv}
    procs["kube-proxy"] = {"pid": base + 400 + RNG.randint(0, 300),
                           "argv": KUBE_PROXY_ARGV + ["--hostname-override=" + name]}
    # keep a stable, readable order
    order = ["kubelet", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd",
             "kube-proxy", "containerd"]
    procs = {k: procs[k] for k in order if k in procs}

    kargv = kubelet_argv(n)
    conntrack_max = 262144
    if name == "worker-3":  # Fault 8
        conntrack = {"count": 249037, "max": conntrack_max,
                     "stats": {"insert_failed": 1873, "drop": 1873, "early_drop": 41286}}
    else:
        conntrack = {"count": RNG.randint(9000, 48000) if not n["master"] else RNG.randint(4000, 15000),
                     "max": conntrack_max, "stats": {"insert_failed": 0, "drop": 0, "early_drop": 0}}

    root_size = 98831908 * 1024
    ctr_size = 205374420 * 1024
    root_used = int(root_size * RNG.uniform(0.18, 0.42))
    ctr_used = int(ctr_size * RNG.uniform(0.22, 0.58))
    fs = {"/": {"size_bytes": root_size, "used_bytes": root_used,
                "inodes_total": 6291456, "inodes_used": RNG.randint(310000, 620000)},
          "/var/lib/containerd": {"size_bytes": ctr_size, "used_bytes": ctr_used,
                                  "inodes_total": 13107200, "inodes_used": RNG.randint(400000, 1900000)}}
    facts = {
        "os": {"id": "ubuntu", "version_id": "22.04", "pretty_name": OS_IMAGE},
        "kernel": {"release": KERNEL},
        "uptime_seconds": uptime,
        "time_sync": {"synchronized": True, "service": "chronyd",
                      "offset_ms": round(RNG.uniform(-0.9, 0.9), 3)},
        "swap": swap,
        "memory": {"total_bytes": MEM_BYTES, "available_bytes": MEM_BYTES - used_mem},
        "processes": procs,
        "kubelet": {"version": K8S_VERSION, "args": argv_to_args(kargv),
                    "config_path": "/var/lib/kubelet/config.yaml", "config": kubelet_config(n)},
        "container_runtime": {"name": "containerd", "version": CONTAINERD_VERSION, "healthy": True},
        "files": files(n),
        "sysctl": {"fs.file-max": "9223372036854775807",
                   "fs.inotify.max_user_instances": "8192",
                   "fs.inotify.max_user_watches": "524288",
                   "kernel.panic": "10",
                   "kernel.panic_on_oops": "1",
                   "kernel.pid_max": "4194304",
                   "net.bridge.bridge-nf-call-ip6tables": "1",
                   "net.bridge.bridge-nf-call-iptables": "1",
                   "net.ipv4.ip_forward": "1",
                   "net.netfilter.nf_conntrack_max": str(conntrack_max),
                   "vm.overcommit_memory": "1",
                   "vm.panic_on_oom": "0",
                   "vm.swappiness": "60"},
        "conntrack": conntrack,
        "filesystems": fs,
        "fd": {"allocated": RNG.randint(9000, 26000), "max": 9223372036854775807},
        "pids": {"current": RNG.randint(650, 1600), "max": 4194304},
        "dns": {"resolv_conf": {"nameservers": ["10.0.0.2"], "search": [], "options": {}}},
        "certificates": certificates(n),
    }
    facts["endpoint_certificates"] = endpoint_certificates(n, facts["certificates"])
    facts["files"].update(mlps_files(n))
    facts.update(mlps_facts(n))
    return {"facts": facts}


# --------------------------------------------------------------------------------------------
# 等保 2.0 三级 (MLPS level 3): host baseline facts and the cluster objects the mlps-l3 pack reads.
# Nothing here draws from RNG (the planted faults above depend on the sequence of draws), and
# objects get resourceVersions from their own counter.
# --------------------------------------------------------------------------------------------
MLPS_NO_FAILLOCK = "worker-1"      # MLPS fault A: pam_faillock missing from common-auth
MLPS_PASS_MAX_DAYS = "worker-2"    # MLPS fault B: PASS_MAX_DAYS 99999 / PASS_MIN_DAYS 0
MLPS_AUDITD_STOPPED = "worker-3"   # MLPS fault C: auditd stopped
MLPS_ROOT_SSH = "master-1"         # MLPS fault D: PermitRootLogin yes, password logins on
MLPS_RPCBIND = "master-3"          # MLPS fault E: rpcbind (nfs-common) listening on 0.0.0.0:111

_MLPS_RV = [9_990_000]


def mlps_meta(kind, name, ns, created, labels=None, annotations=None, generation=None):
    _MLPS_RV[0] += 17
    m = {"name": name}
    if ns is not None:
        m["namespace"] = ns
    m["uid"] = uid(kind, ns or "", name)
    m["resourceVersion"] = str(_MLPS_RV[0])
    if generation is not None:
        m["generation"] = generation
    m["creationTimestamp"] = ts(created)
    if labels:
        m["labels"] = labels
    if annotations:
        m["annotations"] = annotations
    return m


def pam_line(type_, control, module, args=None):
    return {"type": type_, "control": control, "module": module, "args": args or {}}


def mlps_facts(n):
    """The 等保 host facts of node n, in the node probe's shapes (collectors/probe)."""
    name, idx = n["name"], n["idx"]
    base_pid = 600 + 7 * idx
    login_defs = {"MAIL_DIR": "/var/mail", "FAILLOG_ENAB": "yes", "LOG_UNKFAIL_ENAB": "no",
                  "LOG_OK_LOGINS": "no", "SYSLOG_SU_ENAB": "yes", "SYSLOG_SG_ENAB": "yes",
                  "FTMP_FILE": "/var/log/btmp", "SU_NAME": "su", "HUSHLOGIN_FILE": ".hushlogin",
                  "ENV_SUPATH": "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                  "ENV_PATH": "PATH=/usr/local/bin:/usr/bin:/bin", "TTYGROUP": "tty",
                  "TTYPERM": "0600", "ERASECHAR": "0177", "KILLCHAR": "025", "UMASK": "027",
                  "HOME_MODE": "0750", "PASS_MAX_DAYS": 90, "PASS_MIN_DAYS": 1,
                  "PASS_WARN_AGE": 7, "UID_MIN": 1000, "UID_MAX": 60000, "SYS_UID_MIN": 100,
                  "SYS_UID_MAX": 999, "GID_MIN": 1000, "GID_MAX": 60000, "SYS_GID_MIN": 100,
                  "SYS_GID_MAX": 999, "LOGIN_RETRIES": 5, "LOGIN_TIMEOUT": 60,
                  "CHFN_RESTRICT": "rwh", "DEFAULT_HOME": "yes", "USERGROUPS_ENAB": "yes",
                  "ENCRYPT_METHOD": "YESCRYPT"}
    if name == MLPS_PASS_MAX_DAYS:  # the Ubuntu defaults were never changed on this node
        login_defs["PASS_MAX_DAYS"] = 99999
        login_defs["PASS_MIN_DAYS"] = 0
    auth = []
    if name != MLPS_NO_FAILLOCK:
        auth.append(pam_line("auth", "required", "pam_faillock.so", {"preauth": True}))
    auth.append(pam_line("auth", "[success=1 default=ignore]", "pam_unix.so", {"nullok": True}))
    if name != MLPS_NO_FAILLOCK:
        auth.append(pam_line("auth", "[default=die]", "pam_faillock.so", {"authfail": True}))
    auth += [pam_line("auth", "requisite", "pam_deny.so"), pam_line("auth", "required", "pam_permit.so")]
    account = [pam_line("account", "[success=1 new_authtok_reqd=done default=ignore]", "pam_unix.so"),
               pam_line("account", "requisite", "pam_deny.so"),
               pam_line("account", "required", "pam_permit.so")]
    if name != MLPS_NO_FAILLOCK:
        account.append(pam_line("account", "required", "pam_faillock.so"))
    password = [pam_line("password", "requisite", "pam_pwquality.so", {"retry": 3}),
                pam_line("password", "required", "pam_pwhistory.so",
                         {"remember": 5, "use_authtok": True}),
                pam_line("password", "[success=1 default=ignore]", "pam_unix.so",
                         {"obscure": True, "use_authtok": True, "try_first_pass": True,
                          "yescrypt": True}),
                pam_line("password", "requisite", "pam_deny.so"),
                pam_line("password", "required", "pam_permit.so")]
    session = [pam_line("session", "[default=1]", "pam_permit.so"),
               pam_line("session", "requisite", "pam_deny.so"),
               pam_line("session", "required", "pam_permit.so"),
               pam_line("session", "optional", "pam_umask.so"),
               pam_line("session", "required", "pam_unix.so")]
    pam = {
        "files": {
            "/etc/pam.d/common-account": account,
            "/etc/pam.d/common-auth": auth,
            "/etc/pam.d/common-password": password,
            "/etc/pam.d/common-session": session,
            "/etc/pam.d/sshd": [{"include": "common-auth"}, pam_line("account", "required", "pam_nologin.so"),
                                {"include": "common-account"},
                                pam_line("session", "required", "pam_loginuid.so"),
                                {"include": "common-session"}, {"include": "common-password"}],
            "/etc/pam.d/su": [pam_line("auth", "sufficient", "pam_rootok.so"),
                              pam_line("auth", "required", "pam_wheel.so", {"use_uid": True}),
                              {"include": "common-auth"}, {"include": "common-account"},
                              {"include": "common-session"}],
        },
        "pwquality": {"minlen": 8, "minclass": 3, "maxrepeat": 3, "dictcheck": 1,
                      "enforce_for_root": True, "retry": 3, "module": "pam_pwquality"},
        "lockout": ({"module": None} if name == MLPS_NO_FAILLOCK else
                    {"deny": 5, "unlock_time": 600, "fail_interval": 900, "audit": True,
                     "module": "pam_faillock"}),
        "remember": 5,
    }
    root_ssh = name == MLPS_ROOT_SSH
    sshd = {"source": "sshd -T", "settings": {
        "port": "22", "addressfamily": "any", "listenaddress": "0.0.0.0:22,[::]:22",
        "usepam": "yes", "logingracetime": "60", "maxauthtries": "4", "maxsessions": "10",
        "clientaliveinterval": "300", "clientalivecountmax": "1",
        "permitrootlogin": "yes" if root_ssh else "no",
        "passwordauthentication": "yes" if root_ssh else "no",
        "kbdinteractiveauthentication": "no", "pubkeyauthentication": "yes",
        "permitemptypasswords": "no", "authenticationmethods": "any", "x11forwarding": "no",
        "allowtcpforwarding": "no", "banner": "/etc/issue.net", "loglevel": "VERBOSE",
        "ciphers": "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
                   "aes128-gcm@openssh.com,aes256-gcm@openssh.com",
        "macs": "umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
                "hmac-sha2-512-etm@openssh.com",
        "kexalgorithms": "sntrup761x25519-sha512@openssh.com,curve25519-sha256,"
                         "curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,"
                         "diffie-hellman-group18-sha512"}}
    stopped = name == MLPS_AUDITD_STOPPED
    audit = {"auditd_running": not stopped}
    if not stopped:
        audit["enabled"] = 1
        audit["status"] = {"enabled": 1, "failure": 1, "pid": base_pid, "rate_limit": 0,
                           "backlog_limit": 8192, "lost": 0, "backlog": 0}
    audit["rules_count"] = 21
    audit["rules_source"] = "rules files" if stopped else "auditctl -l"
    audit["auditd_conf"] = {"local_events": "yes", "write_logs": "yes",
                            "log_file": "/var/log/audit/audit.log", "log_group": "adm",
                            "log_format": "ENRICHED", "flush": "INCREMENTAL_ASYNC", "freq": 50,
                            "max_log_file": 100, "num_logs": 10, "name_format": "HOSTNAME",
                            "max_log_file_action": "keep_logs", "space_left": "25%",
                            "space_left_action": "SYSLOG", "admin_space_left": "10%",
                            "admin_space_left_action": "SUSPEND", "disk_full_action": "SUSPEND",
                            "disk_error_action": "SUSPEND"}
    shell = {"tmout": 600, "tmout_file": "/etc/profile.d/tmout.sh", "tmout_readonly": True,
             "umask": "027",
             "settings": [{"file": "/etc/profile", "umask": "027"},
                          {"file": "/etc/profile.d/tmout.sh", "tmout": 600, "readonly": True}],
             "login_defs_umask": login_defs["UMASK"]}
    accounts = {"uid0": ["root"], "count": 31, "empty_password": {"count": 0, "names": []}}
    services = {"systemd-journald": {"running": True, "pid": 300 + idx},
                "cron": {"running": True, "pid": base_pid + 2},
                "rsyslogd": {"running": True, "pid": base_pid + 3},
                "chronyd": {"running": True, "pid": base_pid + 4},
                "sshd": {"running": True, "pid": base_pid + 5}}
    if not stopped:
        services["auditd"] = {"running": True, "pid": base_pid}
    services = dict(sorted(services.items()))
    units = {"apparmor.service": {"active": True, "enabled": True},
             "auditd.service": {"active": not stopped, "enabled": True},
             "chrony.service": {"active": True, "enabled": True},
             "clamav-daemon.service": {"active": True, "enabled": True},
             "clamav-freshclam.service": {"active": True, "enabled": True},
             "containerd.service": {"active": True, "enabled": True},
             "cron.service": {"active": True, "enabled": True},
             "kubelet.service": {"active": True, "enabled": True},
             "rsyslog.service": {"active": True, "enabled": True},
             "ssh.service": {"active": True, "enabled": True},
             "systemd-journald.service": {"active": True, "enabled": True},
             "ufw.service": {"active": False, "enabled": False},
             "unattended-upgrades.service": {"active": True, "enabled": True}}
    listening = [{"proto": "tcp", "address": "0.0.0.0", "port": 22, "process": "sshd"},
                 {"proto": "tcp", "address": "127.0.0.1", "port": 10248, "process": "kubelet"},
                 {"proto": "tcp", "address": "*", "port": 10250, "process": "kubelet"},
                 {"proto": "tcp", "address": "127.0.0.1", "port": 10249, "process": "kube-proxy"},
                 {"proto": "tcp", "address": "*", "port": 10256, "process": "kube-proxy"},
                 {"proto": "tcp", "address": "0.0.0.0", "port": 179, "process": "bird"},
                 {"proto": "tcp", "address": "127.0.0.1", "port": 9099, "process": "calico-node"},
                 {"proto": "udp", "address": "127.0.0.53", "port": 53, "process": "systemd-resolve"},
                 {"proto": "udp", "address": "127.0.0.1", "port": 323, "process": "chronyd"}]
    if n["master"]:
        ip = n["ip"]
        listening += [{"proto": "tcp", "address": "*", "port": 6443, "process": "kube-apiserver"},
                      {"proto": "tcp", "address": "127.0.0.1", "port": 2379, "process": "etcd"},
                      {"proto": "tcp", "address": ip, "port": 2379, "process": "etcd"},
                      {"proto": "tcp", "address": ip, "port": 2380, "process": "etcd"},
                      {"proto": "tcp", "address": "127.0.0.1", "port": 2381, "process": "etcd"},
                      {"proto": "tcp", "address": "127.0.0.1", "port": 10257,
                       "process": "kube-controller"},
                      {"proto": "tcp", "address": "127.0.0.1", "port": 10259,
                       "process": "kube-scheduler"}]
    if name == MLPS_RPCBIND:  # nfs-common pulled in rpcbind
        units["rpcbind.service"] = {"active": True, "enabled": True}
        units["rpcbind.socket"] = {"active": True, "enabled": True}
        listening += [{"proto": "tcp", "address": "0.0.0.0", "port": 111, "process": "rpcbind"},
                      {"proto": "udp", "address": "0.0.0.0", "port": 111, "process": "rpcbind"}]
    units = dict(sorted(units.items()))
    listening.sort(key=lambda l: (l["proto"], l["port"], l["address"]))
    return {"login_defs": login_defs, "pam": pam, "sshd": sshd, "audit": audit, "shell": shell,
            "accounts": accounts, "services": services, "units": units, "listening": listening}


def mlps_files(n):
    """File facts the 等保 rules read (added to facts.files; the node probe's file set)."""
    f = {"/var/log/audit": file_entry("0700"),
         "/etc/passwd": file_entry("0644"), "/etc/group": file_entry("0644"),
         "/etc/shadow": file_entry("0640", "root", "shadow"),
         "/etc/gshadow": file_entry("0640", "root", "shadow"),
         "/etc/sudoers": file_entry("0440"), "/etc/crontab": file_entry("0600"),
         "/etc/login.defs": file_entry("0644"), "/etc/ssh/sshd_config": file_entry("0600"),
         "/boot/grub/grub.cfg": file_entry("0600"), "/boot/grub2/grub.cfg": {"exists": False}}
    for alg in ("ecdsa", "ed25519", "rsa"):
        f["/etc/ssh/ssh_host_%s_key" % alg] = file_entry("0600")
        f["/etc/ssh/ssh_host_%s_key.pub" % alg] = file_entry("0644")
    return f


def build_mlps_objects():
    """ResourceQuotas/LimitRanges per application namespace and the etcd backup CronJob."""
    created = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
    quotas = {  # namespace -> (hard, with a LimitRange)
        "shop": ({"requests.cpu": "24", "requests.memory": "48Gi", "limits.cpu": "48",
                  "limits.memory": "96Gi", "pods": "120"}, True),
        "payments": ({"requests.cpu": "8", "requests.memory": "16Gi", "limits.cpu": "16",
                      "limits.memory": "32Gi", "pods": "40"}, True),
        "monitoring": ({"requests.cpu": "8", "requests.memory": "24Gi", "limits.cpu": "16",
                        "limits.memory": "48Gi"}, True),
        "data": ({"requests.cpu": "16", "requests.memory": "64Gi", "limits.memory": "96Gi",
                  "persistentvolumeclaims": "20"}, False),   # no LimitRange: a warning
    }
    for ns, (hard, with_range) in sorted(quotas.items()):
        add("resourcequotas", {
            "apiVersion": "v1", "kind": "ResourceQuota",
            "metadata": mlps_meta("ResourceQuota", "compute", ns, created),
            "spec": {"hard": hard},
            "status": {"hard": hard, "used": {k: "0" for k in hard}}})
        if with_range:
            add("limitranges", {
                "apiVersion": "v1", "kind": "LimitRange",
                "metadata": mlps_meta("LimitRange", "container-defaults", ns, created),
                "spec": {"limits": [{"type": "Container",
                                     "default": {"cpu": "500m", "memory": "512Mi"},
                                     "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
                                     "max": {"cpu": "4", "memory": "8Gi"}}]}})
    # Fill the actual usage from the pods of the namespace (requests only, like the quota
    # controller does for requests.*).
    for q in OBJECTS["resourcequotas"]:
        ns = q["metadata"]["namespace"]
        cpu = mem = 0
        npods = 0
        for p in OBJECTS["pods"]:
            if p["metadata"]["namespace"] != ns or p["status"]["phase"] in ("Succeeded", "Failed"):
                continue
            npods += 1
            for c in p["spec"]["containers"]:
                r = c.get("resources", {}).get("requests", {})
                cpu += parse_cpu(r.get("cpu", "0"))
                mem += parse_mem(r.get("memory", "0"))
        used = q["status"]["used"]
        if "requests.cpu" in used:
            used["requests.cpu"] = "%dm" % cpu
        if "requests.memory" in used:
            used["requests.memory"] = "%dMi" % (mem >> 20)
        if "pods" in used:
            used["pods"] = str(npods)
    # etcd snapshots: a daily CronJob on a control-plane node, copied off the cluster by the
    # storage team's sync (no Jobs kept: successfulJobsHistoryLimit 0).
    labels = {"app.kubernetes.io/name": "etcd-backup", "app.kubernetes.io/part-of": "platform"}
    etcd_image = "registry.k8s.io/etcd:3.5.9-0"
    script = ("ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 "
              "--cacert=/etc/kubernetes/pki/etcd/ca.crt "
              "--cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt "
              "--key=/etc/kubernetes/pki/etcd/healthcheck-client.key "
              "snapshot save /backup/etcd-$(date +%Y%m%d-%H%M).db && "
              "find /backup -name 'etcd-*.db' -mtime +14 -delete")
    spec = {"containers": [{
                "name": "etcd-backup", "image": etcd_image, "imagePullPolicy": "IfNotPresent",
                "command": ["/bin/sh", "-c", script],
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"},
                              "limits": {"cpu": "500m", "memory": "512Mi"}},
                "volumeMounts": [{"name": "etcd-certs", "mountPath": "/etc/kubernetes/pki/etcd",
                                  "readOnly": True},
                                 {"name": "backup", "mountPath": "/backup"}]}],
            "hostNetwork": True, "restartPolicy": "OnFailure",
            "nodeSelector": {"node-role.kubernetes.io/control-plane": ""},
            "tolerations": [{"key": "node-role.kubernetes.io/control-plane",
                             "effect": "NoSchedule"}],
            "priorityClassName": "system-cluster-critical",
            "volumes": [{"name": "etcd-certs", "hostPath": {"path": "/etc/kubernetes/pki/etcd",
                                                            "type": "Directory"}},
                        {"name": "backup", "hostPath": {"path": "/var/backups/etcd",
                                                        "type": "DirectoryOrCreate"}}]}
    last = SCAN - timedelta(hours=3)
    add("cronjobs", {
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": mlps_meta("CronJob", "etcd-backup", "kube-system",
                              datetime(2026, 1, 9, 14, 0, 0, tzinfo=UTC), labels=dict(labels),
                              generation=1),
        "spec": {"schedule": "0 23 * * *", "timeZone": "Etc/UTC", "concurrencyPolicy": "Forbid",
                 "suspend": False,
                 "jobTemplate": {"metadata": {"creationTimestamp": None}, "spec": {
                     "backoffLimit": 2, "template": {"metadata": {"creationTimestamp": None,
                                                                  "labels": dict(labels)},
                                                     "spec": spec}}},
                 "successfulJobsHistoryLimit": 0, "failedJobsHistoryLimit": 1},
        "status": {"lastScheduleTime": ts(last), "lastSuccessfulTime": ts(last + timedelta(seconds=38))}})


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------
def dump(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, indent=1, sort_keys=False, ensure_ascii=False)
        f.write("\n")


def sort_items(plural, items):
    def key(o):
        m = o["metadata"]
        return (m.get("namespace", ""), m["name"])
    if plural == "events":
        return sorted(items, key=lambda o: (o["metadata"]["namespace"], o["lastTimestamp"],
                                            o["metadata"]["name"]))
    return sorted(items, key=key)


def build():
    build_namespaces()
    build_nodes()
    build_control_plane()
    build_kube_system()
    build_monitoring()
    build_ingress()
    build_shop()
    build_payments()
    build_data()
    build_batch()
    build_default()
    build_services()
    build_ingresses()
    build_configmaps()
    build_storage()
    build_rbac()
    build_service_accounts()
    build_network_policies()
    build_leases()
    build_events()
    build_mlps_objects()


def write(out):
    out = Path(out)
    # start from a clean tree so that stale files never survive a regeneration
    for sub in ("objects", "nodes"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    for stale in ("snapshot.json", "errors.json"):
        if (out / stale).exists():
            (out / stale).unlink()
    kube_system_uid = uid("Namespace", "", "kube-system")
    dump(out / "snapshot.json", {
        "schema_version": 1,
        "created_at": ts(SCAN),
        "cluster": {"name": CLUSTER_NAME, "uid": kube_system_uid, "version": K8S_VERSION,
                    "flavour": "kubeadm"},
        "tool_version": "0.1.0",
        "sources": [{"type": "demo", "description": "embedded demo cluster (fixtures/demo)"}],
    })
    dump(out / "errors.json", [])
    for plural in sorted(OBJECTS):
        dump(out / "objects" / (plural + ".json"),
             {"apiVersion": "v1", "kind": "List", "items": sort_items(plural, OBJECTS[plural])})
    for n in NODES:
        dump(out / "nodes" / (n["name"] + ".json"), node_facts(n))


def summary(out):
    pods = OBJECTS["pods"]
    by_phase = {}
    for p in pods:
        by_phase[p["status"]["phase"]] = by_phase.get(p["status"]["phase"], 0) + 1
    by_ns = {}
    for p in pods:
        by_ns[p["metadata"]["namespace"]] = by_ns.get(p["metadata"]["namespace"], 0) + 1
    total = sum(f.stat().st_size for f in Path(out).rglob("*") if f.is_file())
    print("pods: %d  %s" % (len(pods), " ".join("%s=%d" % kv for kv in sorted(by_phase.items()))))
    print("  by namespace: " + " ".join("%s=%d" % kv for kv in sorted(by_ns.items())))
    print("objects: " + " ".join("%s=%d" % (k, len(v)) for k, v in sorted(OBJECTS.items())))
    for n in NODES:
        npods = sum(1 for p in pods if p["spec"].get("nodeName") == n["name"] and p["status"]["phase"] == "Running")
        print("  %-9s pods=%3d cpu_req=%5dm (%.0f%%) mem_req=%6dMi (%.0f%%)" % (
            n["name"], npods, n["cpu_req"], n["cpu_req"] / 80.0, n["mem_req"] >> 20,
            100.0 * n["mem_req"] / ((MEM_CAPACITY_KI - 102400) * 1024)))
    print("total size: %d bytes (%.2f MB) in %s" % (total, total / 1e6, out))


def main():
    repo = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(repo / "fixtures" / "demo"), help="output directory")
    ap.add_argument("--quiet", action="store_true", help="no summary")
    a = ap.parse_args()
    build()
    write(a.out)
    if not a.quiet:
        summary(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
