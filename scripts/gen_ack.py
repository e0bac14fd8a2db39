#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate an ACK-shaped recorded cluster (fixtures/ack/) for the fixture API server.

An Alibaba Cloud ACK managed (Pro) cluster as the Kubernetes API shows it: the control plane is
managed, so there are no master nodes and no control-plane pods; four ECS worker nodes named
`cn-hangzhou.<ip>` in two zones with ACK labels and `cn-hangzhou.i-...` provider IDs; one
virtual-kubelet node for ECI (elastic container instances) with its taint; Terway (terway-eniip)
as the CNI, kube-proxy-worker, csi-plugin, CoreDNS; the eci-profile ConfigMap; a small shop
application (`mall`) with some pods on ECI, and a batch namespace whose job runs on ECI.

The layout is the snapshot directory format of docs/snapshot.md (objects/<plural>.json as
kubectl-style Lists, nodes/<node>.json host facts for two ECS nodes, with kubelet config so the
server's /api/v1/nodes/<n>/proxy/configz answers). The output is deterministic: random.Random(7),
fixed timestamps, uuid5 uids; running it twice gives byte-identical files.

Usage: python3 scripts/gen_ack.py [--out DIR]     (default: <repo>/fixtures/ack)
Python 3 standard library only.
"""

import argparse
import json
import random
import shutil
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

UTC = timezone.utc
RNG = random.Random(7)

SCAN = datetime(2026, 11, 30, 2, 0, 0, tzinfo=UTC)
CREATED = datetime(2026, 3, 14, 6, 30, 0, tzinfo=UTC)    # cluster created
UPGRADED = datetime(2026, 10, 20, 3, 0, 0, tzinfo=UTC)   # upgraded to 1.30.7, nodes rolled
DEPLOYED = datetime(2026, 11, 24, 9, 0, 0, tzinfo=UTC)   # last application rollout

K8S_VERSION = "v1.30.7-aliyun.1"
CLUSTER_NAME = "ack-prod-hz"
CLUSTER_ID = "c8f3b2a1d9e7c4f6a5b3d2e1f0a9b8c7d"
REGION = "cn-hangzhou"
CONTAINERD = "containerd://1.6.28"
OS_IMAGE = "Alibaba Cloud Linux 3.2104 U10 (OpenAnolis Edition)"
KERNEL = "5.10.134-17.2.al8.x86_64"
SERVICE_DNS = "192.168.0.10"
REGISTRY = "registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs"
VK_NODE = "virtual-kubelet-cn-hangzhou-k"

ECS_NODES = [
    # name ip zone instance-id nodepool
    ("cn-hangzhou.10.0.1.12", "10.0.1.12", "cn-hangzhou-j", "i-bp1a7c2d3e4f5g6h7i8j", "np4c1a9e3b7d"),
    ("cn-hangzhou.10.0.1.13", "10.0.1.13", "cn-hangzhou-j", "i-bp1b8d3e4f5g6h7i8j9k", "np4c1a9e3b7d"),
    ("cn-hangzhou.10.0.2.21", "10.0.2.21", "cn-hangzhou-k", "i-bp1c9e4f5g6h7i8j9k0l", "np4c1a9e3b7d"),
    ("cn-hangzhou.10.0.2.22", "10.0.2.22", "cn-hangzhou-k", "i-bp1d0f5g6h7i8j9k0l1m", "np9f2e7d6c5b"),
]
FACT_NODES = ["cn-hangzhou.10.0.1.12", "cn-hangzhou.10.0.2.21"]


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def uid(*parts):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "https://kpatrol.ack/" + "/".join(parts)))


SAFE = "bcdfghjklmnpqrstvwxz2456789"


def rand_str(n):
    return "".join(RNG.choice(SAFE) for _ in range(n))


def rand_hex(n):
    return "".join(RNG.choice("0123456789abcdef") for _ in range(n))


_RV = [51_200_000]


def rv():
    _RV[0] += RNG.randint(3, 700)
    return str(_RV[0])


OBJECTS = {}


def add(plural, obj):
    OBJECTS.setdefault(plural, []).append(obj)
    return obj


def meta(kind, name, ns=None, created=CREATED, labels=None, annotations=None, owner=None,
         generate_name=None):
    m = {"name": name}
    if generate_name:
        m["generateName"] = generate_name
    if ns is not None:
        m["namespace"] = ns
    m["uid"] = uid(kind, ns or "", name)
    m["resourceVersion"] = rv()
    m["creationTimestamp"] = ts(created)
    if labels:
        m["labels"] = dict(labels)
    if annotations:
        m["annotations"] = dict(annotations)
    if owner:
        m["ownerReferences"] = [{"apiVersion": owner[0], "kind": owner[1], "name": owner[2],
                                 "uid": uid(owner[1], ns or "", owner[2]), "controller": True,
                                 "blockOwnerDeletion": True}]
    return m


# --------------------------------------------------------------------------------------------
# Nodes
# --------------------------------------------------------------------------------------------
def ready_conditions(since):
    hb = ts(SCAN - timedelta(seconds=RNG.randint(5, 50)))
    out = []
    for ctype, reason, msg in [
            ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available")]:
        out.append({"type": ctype, "status": "False", "lastHeartbeatTime": hb,
                    "lastTransitionTime": ts(since), "reason": reason, "message": msg})
    out.append({"type": "Ready", "status": "True", "lastHeartbeatTime": hb,
                "lastTransitionTime": ts(since + timedelta(seconds=40)), "reason": "KubeletReady",
                "message": "kubelet is posting ready status"})
    return out


def build_nodes():
    for name, ip, zone, instance, pool in ECS_NODES:
        created = UPGRADED + timedelta(minutes=RNG.randint(1, 30))
        labels = {
            "ack.aliyun.com": CLUSTER_ID,
            "alibabacloud.com/nodepool-id": pool,
            "alibabacloud.com/instance-id": instance,
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/instance-type": "ecs.g7.2xlarge",
            "beta.kubernetes.io/os": "linux",
            "failure-domain.beta.kubernetes.io/region": REGION,
            "failure-domain.beta.kubernetes.io/zone": zone,
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "node.csi.alibabacloud.com/disktype.cloud_essd": "available",
            "node.kubernetes.io/instance-type": "ecs.g7.2xlarge",
            "topology.diskplugin.csi.alibabacloud.com/zone": zone,
            "topology.kubernetes.io/region": REGION,
            "topology.kubernetes.io/zone": zone,
        }
        annotations = {
            "node.alpha.kubernetes.io/ttl": "0",
            "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            "k8s.aliyun.com/eni-max-ips": "90",
        }
        add("nodes", {
            "apiVersion": "v1", "kind": "Node",
            "metadata": meta("Node", name, created=created, labels=labels, annotations=annotations),
            "spec": {"providerID": "%s.%s" % (REGION, instance)},
            "status": {
                "capacity": {"cpu": "8", "ephemeral-storage": "123722704Ki", "hugepages-1Gi": "0",
                             "hugepages-2Mi": "0", "memory": "32086468Ki", "pods": "64"},
                "allocatable": {"cpu": "7600m", "ephemeral-storage": "114022843818",
                                "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                                "memory": "28142532Ki", "pods": "64"},
                "conditions": ready_conditions(created),
                "addresses": [{"type": "InternalIP", "address": ip},
                              {"type": "Hostname", "address": name}],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                "nodeInfo": {"machineID": rand_hex(32), "systemUUID": str(uuid.UUID(rand_hex(32))),
                             "bootID": str(uuid.UUID(rand_hex(32))), "kernelVersion": KERNEL,
                             "osImage": OS_IMAGE, "containerRuntimeVersion": CONTAINERD,
                             "kubeletVersion": K8S_VERSION, "kubeProxyVersion": K8S_VERSION,
                             "operatingSystem": "linux", "architecture": "amd64"},
            },
        })
    # The ECI virtual node: capacity is the account quota, not a machine.
    add("nodes", {
        "apiVersion": "v1", "kind": "Node",
        "metadata": meta("Node", VK_NODE, created=CREATED + timedelta(hours=2), labels={
            "alibabacloud.com/virtual-node": "true",
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": VK_NODE,
            "kubernetes.io/os": "linux",
            "kubernetes.io/role": "agent",
            "service.alibabacloud.com/exclude-node": "true",
            "topology.kubernetes.io/region": REGION,
            "topology.kubernetes.io/zone": "cn-hangzhou-k",
            "type": "virtual-kubelet",
        }, annotations={"node.alpha.kubernetes.io/ttl": "0"}),
        "spec": {"taints": [{"key": "virtual-kubelet.io/provider", "value": "alibabacloud",
                             "effect": "NoSchedule"}]},
        "status": {
            "capacity": {"cpu": "1k", "ephemeral-storage": "40Ti", "memory": "6Ti", "pods": "1k"},
            "allocatable": {"cpu": "1k", "ephemeral-storage": "40Ti", "memory": "6Ti", "pods": "1k"},
            "conditions": ready_conditions(CREATED + timedelta(hours=2)),
            "addresses": [{"type": "InternalIP", "address": "10.0.2.250"}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"machineID": "", "systemUUID": "", "bootID": "", "kernelVersion": "",
                         "osImage": "", "containerRuntimeVersion": "", "kubeletVersion": K8S_VERSION,
                         "kubeProxyVersion": "", "operatingSystem": "linux",
                         "architecture": "amd64"},
        },
    })


def kubelet_config():
    return {
        "apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration",
        "address": "0.0.0.0",
        "authentication": {"anonymous": {"enabled": False},
                           "webhook": {"cacheTTL": "2m0s", "enabled": True},
                           "x509": {"clientCAFile": "/etc/kubernetes/pki/ca.crt"}},
        "authorization": {"mode": "Webhook",
                          "webhook": {"cacheAuthorizedTTL": "5m0s", "cacheUnauthorizedTTL": "30s"}},
        "cgroupDriver": "systemd",
        "clusterDNS": [SERVICE_DNS],
        "clusterDomain": "cluster.local",
        "containerLogMaxFiles": 5,
        "containerLogMaxSize": "10Mi",
        "cpuManagerPolicy": "none",
        "eventRecordQPS": 5,
        "evictionHard": {"imagefs.available": "15%", "memory.available": "300Mi",
                         "nodefs.available": "10%", "nodefs.inodesFree": "5%"},
        "featureGates": {"ExecProbeTimeout": True},
        "kubeReserved": {"cpu": "200m", "memory": "1846Mi", "pid": "1000"},
        "systemReserved": {"cpu": "200m", "memory": "1846Mi", "pid": "1000"},
        "maxPods": 64,
        "protectKernelDefaults": True,
        "readOnlyPort": 0,
        "rotateCertificates": True,
        "serverTLSBootstrap": True,
        "serializeImagePulls": False,
        "staticPodPath": "/etc/kubernetes/manifests",
        "streamingConnectionIdleTimeout": "4h0m0s",
        "tlsCipherSuites": ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
    }


def node_facts(name):
    return {"facts": {
        "os": {"id": "alinux", "version_id": "3", "pretty_name": "Alibaba Cloud Linux 3.2104 U10 (OpenAnolis Edition)"},
        "kernel": {"release": KERNEL},
        "uptime_seconds": int((SCAN - UPGRADED).total_seconds()) - RNG.randint(100, 900),
        "time_sync": {"synchronized": True, "service": "chronyd", "offset_ms": round(RNG.uniform(-0.5, 0.5), 3)},
        "swap": {"total_bytes": 0, "used_bytes": 0},
        "memory": {"total_bytes": 32086468 * 1024, "available_bytes": 32086468 * 1024 // 100 * RNG.randint(55, 70)},
        "kubelet": {
            "version": K8S_VERSION,
            "args": {"config": "/var/lib/kubelet/config.yaml",
                     "kubeconfig": "/etc/kubernetes/kubelet.conf",
                     "container-runtime-endpoint": "unix:///var/run/containerd/containerd.sock",
                     "hostname-override": name,
                     "provider-id": "%s.%s" % (REGION, [n for n in ECS_NODES if n[0] == name][0][3]),
                     "node-labels": "alibabacloud.com/nodepool-id=%s" % [n for n in ECS_NODES if n[0] == name][0][4]},
            "config_path": "/var/lib/kubelet/config.yaml",
            "config": kubelet_config(),
        },
        "container_runtime": {"name": "containerd", "version": "1.6.28", "healthy": True},
    }}


# --------------------------------------------------------------------------------------------
# Workloads and pods
# --------------------------------------------------------------------------------------------
SYSTEM_TOLERATIONS = [{"operator": "Exists"}]
ECI_TOLERATIONS = [{"key": "virtual-kubelet.io/provider", "operator": "Equal",
                    "value": "alibabacloud", "effect": "NoSchedule"}]
NOT_VIRTUAL = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
    "nodeSelectorTerms": [{"matchExpressions": [
        {"key": "type", "operator": "NotIn", "values": ["virtual-kubelet"]}]}]}}}


def container(name, image, cpu, mem, lim_cpu=None, lim_mem=None, privileged=False, ports=None,
              hardened=False):
    c = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent",
         "resources": {"requests": {"cpu": cpu, "memory": mem}},
         "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
    if lim_cpu or lim_mem:
        c["resources"]["limits"] = {k: v for k, v in (("cpu", lim_cpu), ("memory", lim_mem)) if v}
    if ports:
        c["ports"] = [{"containerPort": p, "protocol": "TCP"} for p in ports]
    if privileged:
        c["securityContext"] = {"privileged": True}
    elif hardened:
        c["securityContext"] = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                "capabilities": {"drop": ["ALL"]}}
    return c


def pod_status(p, node_ip, start, phase="Running"):
    containers = p["spec"]["containers"]
    pod_ip = node_ip if p["spec"].get("hostNetwork") else "10.0.%d.%d" % (RNG.randint(64, 95), RNG.randint(2, 250))
    ready = "True" if phase == "Running" else "False"
    statuses = []
    for c in containers:
        if phase == "Running":
            state = {"running": {"startedAt": ts(start + timedelta(seconds=6))}}
        else:
            state = {"terminated": {"exitCode": 0, "reason": "Completed",
                                    "startedAt": ts(start + timedelta(seconds=6)),
                                    "finishedAt": ts(start + timedelta(seconds=95))}}
        statuses.append({"name": c["name"], "state": state, "lastState": {},
                         "ready": phase == "Running", "restartCount": 0, "image": c["image"],
                         "imageID": c["image"].split(":")[0] + "@sha256:" + rand_hex(64),
                         "containerID": "containerd://" + rand_hex(64),
                         "started": phase == "Running"})
    qos = "Burstable"
    if all(c["resources"].get("limits") == c["resources"]["requests"] for c in containers):
        qos = "Guaranteed"
    p["status"] = {
        "phase": phase,
        "conditions": [
            {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": ts(start)},
            {"type": "Ready", "status": ready, "lastProbeTime": None,
             "lastTransitionTime": ts(start + timedelta(seconds=12))},
            {"type": "ContainersReady", "status": ready, "lastProbeTime": None,
             "lastTransitionTime": ts(start + timedelta(seconds=12))},
            {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": ts(start)},
        ],
        "hostIP": node_ip, "podIP": pod_ip, "podIPs": [{"ip": pod_ip}],
        "startTime": ts(start), "containerStatuses": statuses, "qosClass": qos,
    }


def node_ip(node):
    if node == VK_NODE:
        return "10.0.2.250"
    return [n for n in ECS_NODES if n[0] == node][0][1]


def make_pod(ns, name, owner, labels, spec, node, start, phase="Running", annotations=None,
             generate_name=None):
    spec = json.loads(json.dumps(spec))
    spec["nodeName"] = node
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    ann = dict(annotations or {})
    if node == VK_NODE:
        ann["k8s.aliyun.com/eci-instance-id"] = "eci-bp1" + rand_str(17)
        ann["k8s.aliyun.com/eci-instance-spec"] = "2.0-4.0Gi"
        ann["ProviderCreate"] = "done"
        labels = dict(labels, **{"alibabacloud.com/eci": "true"})
        spec["tolerations"] = ECI_TOLERATIONS + spec.get("tolerations", [])
    p = {"apiVersion": "v1", "kind": "Pod",
         "metadata": meta("Pod", name, ns, created=start, labels=labels, annotations=ann or None,
                          owner=owner, generate_name=generate_name),
         "spec": spec}
    pod_status(p, node_ip(node), start, phase)
    return add("pods", p)


def daemonset(ns, name, labels, spec, nodes):
    tmpl = {"metadata": {"labels": labels}, "spec": spec}
    n = len(nodes)
    add("daemonsets", {
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": dict(meta("DaemonSet", name, ns, labels=labels), generation=3),
        "spec": {"selector": {"matchLabels": labels}, "template": tmpl,
                 "updateStrategy": {"type": "RollingUpdate",
                                    "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                 "revisionHistoryLimit": 10},
        "status": {"currentNumberScheduled": n, "desiredNumberScheduled": n, "numberAvailable": n,
                   "numberMisscheduled": 0, "numberReady": n, "observedGeneration": 3,
                   "updatedNumberScheduled": n},
    })
    for node in nodes:
        make_pod(ns, "%s-%s" % (name, rand_str(5)), ("apps/v1", "DaemonSet", name),
                 dict(labels, **{"controller-revision-hash": rand_str(10), "pod-template-generation": "3"}),
                 spec, node, UPGRADED + timedelta(minutes=RNG.randint(31, 90)),
                 generate_name=name + "-")


def deployment(ns, name, labels, spec, nodes, created=DEPLOYED):
    replicas = len(nodes)
    tmpl_hash = rand_str(10)
    rs_name = "%s-%s" % (name, tmpl_hash)
    tmpl = {"metadata": {"labels": labels}, "spec": spec}
    add("deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": dict(meta("Deployment", name, ns, created=CREATED + timedelta(days=2), labels=labels,
                              annotations={"deployment.kubernetes.io/revision": "7"}), generation=7),
        "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "template": tmpl,
                 "strategy": {"type": "RollingUpdate",
                              "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                 "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
        "status": {"observedGeneration": 7, "replicas": replicas, "updatedReplicas": replicas,
                   "readyReplicas": replicas, "availableReplicas": replicas,
                   "conditions": [
                       {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                        "message": "Deployment has minimum availability.",
                        "lastUpdateTime": ts(created), "lastTransitionTime": ts(created)},
                       {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                        "message": 'ReplicaSet "%s" has successfully progressed.' % rs_name,
                        "lastUpdateTime": ts(created), "lastTransitionTime": ts(CREATED + timedelta(days=2))}]},
    })
    rs_labels = dict(labels, **{"pod-template-hash": tmpl_hash})
    add("replicasets", {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": dict(meta("ReplicaSet", rs_name, ns, created=created, labels=rs_labels,
                              annotations={"deployment.kubernetes.io/desired-replicas": str(replicas),
                                           "deployment.kubernetes.io/max-replicas": str(replicas + 1),
                                           "deployment.kubernetes.io/revision": "7"},
                              owner=("apps/v1", "Deployment", name)), generation=1),
        "spec": {"replicas": replicas, "selector": {"matchLabels": rs_labels},
                 "template": {"metadata": {"labels": rs_labels}, "spec": spec}},
        "status": {"replicas": replicas, "fullyLabeledReplicas": replicas, "readyReplicas": replicas,
                   "availableReplicas": replicas, "observedGeneration": 1},
    })
    for node in nodes:
        make_pod(ns, "%s-%s" % (rs_name, rand_str(5)), ("apps/v1", "ReplicaSet", rs_name), rs_labels,
                 spec, node, created + timedelta(seconds=RNG.randint(5, 300)),
                 generate_name=rs_name + "-")


ECS = [n[0] for n in ECS_NODES]


def build_kube_system():
    ns = "kube-system"
    daemonset(ns, "terway-eniip", {"app": "terway-eniip"}, {
        "hostNetwork": True, "hostPID": True, "priorityClassName": "system-node-critical",
        "serviceAccountName": "terway", "affinity": NOT_VIRTUAL, "tolerations": SYSTEM_TOLERATIONS,
        "initContainers": [container("terway-init", REGISTRY + "/terway:v1.9.3", "10m", "32Mi",
                                     privileged=True)],
        "containers": [
            container("terway", REGISTRY + "/terway:v1.9.3", "100m", "256Mi", None, "256Mi",
                      privileged=True),
            container("policy", REGISTRY + "/terway:v1.9.3", "250m", "256Mi", None, "512Mi",
                      privileged=True)],
    }, ECS)
    daemonset(ns, "kube-proxy-worker", {"k8s-app": "kube-proxy-worker"}, {
        "hostNetwork": True, "priorityClassName": "system-node-critical",
        "serviceAccountName": "kube-proxy", "affinity": NOT_VIRTUAL,
        "tolerations": SYSTEM_TOLERATIONS,
        "containers": [container("kube-proxy-worker", REGISTRY + "/kube-proxy:" + K8S_VERSION,
                                 "100m", "100Mi", privileged=True)],
    }, ECS)
    daemonset(ns, "csi-plugin", {"app": "csi-plugin"}, {
        "hostNetwork": True, "hostPID": True, "priorityClassName": "system-node-critical",
        "serviceAccountName": "csi-admin", "affinity": NOT_VIRTUAL,
        "tolerations": SYSTEM_TOLERATIONS,
        "containers": [
            container("csi-plugin", REGISTRY + "/csi-plugin:v1.30.4-5e8a5a3-aliyun", "100m", "128Mi",
                      None, "1Gi", privileged=True),
            container("disk-driver-registrar", REGISTRY + "/csi-node-driver-registrar:v2.9.0-d48d2e0-aliyun",
                      "10m", "16Mi", None, "256Mi")],
    }, ECS)
    deployment(ns, "coredns", {"k8s-app": "kube-dns"}, {
        "priorityClassName": "system-cluster-critical", "serviceAccountName": "coredns",
        "affinity": NOT_VIRTUAL,
        "containers": [dict(container("coredns", REGISTRY + "/coredns:v1.11.3.2-f57ea7ed6-aliyun",
                                      "100m", "70Mi", None, "2Gi", ports=[53, 9153], hardened=True),
                            args=["-conf", "/etc/coredns/Corefile"])],
    }, [ECS[0], ECS[2]], created=UPGRADED + timedelta(hours=1))
    deployment(ns, "metrics-server", {"k8s-app": "metrics-server"}, {
        "priorityClassName": "system-cluster-critical", "serviceAccountName": "metrics-server",
        "affinity": NOT_VIRTUAL,
        "containers": [container("metrics-server", REGISTRY + "/metrics-server:v0.7.1-1b4b7d3-aliyun",
                                 "100m", "200Mi", "1", "1Gi", ports=[443], hardened=True)],
    }, [ECS[1]], created=UPGRADED + timedelta(hours=1))
    deployment(ns, "csi-provisioner", {"app": "csi-provisioner"}, {
        "priorityClassName": "system-cluster-critical", "serviceAccountName": "csi-admin",
        "affinity": NOT_VIRTUAL,
        "containers": [container("csi-provisioner", REGISTRY + "/csi-plugin:v1.30.4-5e8a5a3-aliyun",
                                 "100m", "128Mi", "500m", "1Gi")],
    }, [ECS[1], ECS[3]], created=UPGRADED + timedelta(hours=1))


def app_spec(image, cpu, mem, lim_cpu, lim_mem, port, sa):
    return {"serviceAccountName": sa,
            "securityContext": {"runAsNonRoot": True, "runAsUser": 10001,
                                "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [container(sa, image, cpu, mem, lim_cpu, lim_mem, ports=[port],
                                     hardened=True)]}


def build_apps():
    ns = "mall"
    reg = "registry-vpc.cn-hangzhou.aliyuncs.com/mall"
    deployment(ns, "web", {"app": "web"},
               app_spec(reg + "/web:3.4.1", "250m", "256Mi", "1", "512Mi", 8080, "web"),
               [ECS[0], ECS[1], ECS[2]])
    deployment(ns, "order-api", {"app": "order-api"},
               app_spec(reg + "/order-api:2.12.0", "500m", "512Mi", "2", "1Gi", 8080, "order-api"),
               [ECS[3], VK_NODE])
    # Burst capacity on ECI only.
    deployment(ns, "search-worker", {"app": "search-worker", "alibabacloud.com/eci": "true"},
               dict(app_spec(reg + "/search-worker:1.8.2", "1", "2Gi", "1", "2Gi", 9090, "search-worker"),
                    nodeSelector={"type": "virtual-kubelet"}),
               [VK_NODE, VK_NODE])
    # A nightly job that runs on ECI.
    ns = "batch-eci"
    job = "report-daily-29934720"
    start = datetime(2026, 11, 29, 16, 0, 0, tzinfo=UTC)
    labels = {"job-name": job, "batch.kubernetes.io/job-name": job}
    spec = dict(app_spec(reg + "/report:5.0.0", "2", "4Gi", "2", "4Gi", 8080, "report"),
                restartPolicy="Never", nodeSelector={"type": "virtual-kubelet"})
    add("cronjobs", {
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": meta("CronJob", "report-daily", ns, created=CREATED + timedelta(days=20)),
        "spec": {"schedule": "0 0 * * *", "timeZone": "Asia/Shanghai", "concurrencyPolicy": "Forbid",
                 "jobTemplate": {"spec": {"template": {"metadata": {"labels": {"app": "report"}},
                                                       "spec": spec}}},
                 "successfulJobsHistoryLimit": 1, "failedJobsHistoryLimit": 1},
        "status": {"lastScheduleTime": ts(start), "lastSuccessfulTime": ts(start + timedelta(minutes=7))},
    })
    add("jobs", {
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": meta("Job", job, ns, created=start, labels=labels,
                         owner=("batch/v1", "CronJob", "report-daily")),
        "spec": {"completions": 1, "parallelism": 1, "backoffLimit": 2,
                 "template": {"metadata": {"labels": labels}, "spec": spec}},
        "status": {"succeeded": 1, "startTime": ts(start), "completionTime": ts(start + timedelta(minutes=7)),
                   "conditions": [{"type": "Complete", "status": "True",
                                   "lastProbeTime": ts(start + timedelta(minutes=7)),
                                   "lastTransitionTime": ts(start + timedelta(minutes=7))}]},
    })
    make_pod(ns, job + "-" + rand_str(5), ("batch/v1", "Job", job), labels, spec, VK_NODE, start,
             phase="Succeeded", generate_name=job + "-")


# --------------------------------------------------------------------------------------------
# Everything else
# --------------------------------------------------------------------------------------------
NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "mall", "batch-eci"]


def build_namespaces():
    for ns in NAMESPACES:
        add("namespaces", {"apiVersion": "v1", "kind": "Namespace",
                           "metadata": meta("Namespace", ns, labels={"kubernetes.io/metadata.name": ns}),
                           "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})


def build_configmaps():
    ns = "kube-system"
    add("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("ConfigMap", "coredns", ns),
                       "data": {"Corefile": ".:53 {\n    errors\n    health {\n       lameduck 15s\n    }\n"
                                            "    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n"
                                            "      pods verified\n      ttl 30\n      fallthrough in-addr.arpa ip6.arpa\n    }\n"
                                            "    prometheus :9153\n    forward . /etc/resolv.conf {\n"
                                            "      prefer_udp\n    }\n    cache 30\n    log\n    loop\n"
                                            "    reload\n    loadbalance\n}\n"}})
    add("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("ConfigMap", "eci-profile", ns),
                       "data": {"enableClusterIp": "true", "enableHybridMode": "false",
                                "enablePrivateZone": "false", "enableLinuxArm64Node": "false",
                                "regionId": REGION, "resourceGroupId": "",
                                "securityGroupId": "sg-bp1h3q5r7t9v2x4z6b8d",
                                "selectors": "", "slsMachineGroup": "",
                                "vSwitchIds": "vsw-bp1k7m9p2r4t6v8x0z2b,vsw-bp1q3s5u7w9y1a3c5e7g",
                                "vpcId": "vpc-bp1n5p7r9t1v3x5z7b9d"}})
    add("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("ConfigMap", "eni-config", ns),
                       "data": {"eni_conf": json.dumps({"version": "1", "max_pool_size": 5, "min_pool_size": 0,
                                                        "credential_path": "/var/addon/token-config",
                                                        "vswitches": {"cn-hangzhou-j": ["vsw-bp1k7m9p2r4t6v8x0z2b"],
                                                                      "cn-hangzhou-k": ["vsw-bp1q3s5u7w9y1a3c5e7g"]},
                                                        "eni_tags": {"ack.aliyun.com": CLUSTER_ID},
                                                        "service_cidr": "192.168.0.0/16",
                                                        "security_group": "sg-bp1h3q5r7t9v2x4z6b8d",
                                                        "ip_stack": "ipv4"}, indent=2),
                                "10-terway.conf": json.dumps({"cniVersion": "0.4.0", "name": "terway",
                                                              "type": "terway"}, indent=2),
                                "disable_network_policy": "false"}})
    add("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("ConfigMap", "kube-proxy-worker", ns),
                       "data": {"config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"
                                               "kind: KubeProxyConfiguration\nmode: ipvs\n"
                                               "clusterCIDR: 10.0.64.0/18\n"}})
    add("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("ConfigMap", "web-config", "mall"),
                       "data": {"LOG_LEVEL": "info", "UPSTREAM": "http://order-api.mall:8080"}})


def build_services():
    def svc(ns, name, ip, ports, selector, labels=None):
        add("services", {"apiVersion": "v1", "kind": "Service",
                         "metadata": meta("Service", name, ns, labels=labels),
                         "spec": {"type": "ClusterIP", "clusterIP": ip, "clusterIPs": [ip],
                                  "ports": ports, "selector": selector, "sessionAffinity": "None",
                                  "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack"},
                         "status": {"loadBalancer": {}}})
    add("services", {"apiVersion": "v1", "kind": "Service",
                     "metadata": meta("Service", "kubernetes", "default",
                                      labels={"component": "apiserver", "provider": "kubernetes"}),
                     "spec": {"type": "ClusterIP", "clusterIP": "192.168.0.1", "clusterIPs": ["192.168.0.1"],
                              "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                              "sessionAffinity": "None"},
                     "status": {"loadBalancer": {}}})
    svc("kube-system", "kube-dns", SERVICE_DNS,
        [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
         {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
         {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}],
        {"k8s-app": "kube-dns"}, {"k8s-app": "kube-dns", "kubernetes.io/name": "CoreDNS"})
    svc("kube-system", "metrics-server", "192.168.41.17",
        [{"port": 443, "protocol": "TCP", "targetPort": 443}], {"k8s-app": "metrics-server"})
    svc("mall", "web", "192.168.120.33", [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}],
        {"app": "web"})
    svc("mall", "order-api", "192.168.87.140",
        [{"name": "http", "port": 8080, "protocol": "TCP", "targetPort": 8080}], {"app": "order-api"})


def build_storage_and_rbac():
    for name, params, default in [
            ("alicloud-disk-essd", {"type": "cloud_essd"}, False),
            ("alicloud-disk-topology-alltype", {"type": "cloud_essd,cloud_ssd,cloud_efficiency"}, True)]:
        m = meta("StorageClass", name)
        if default:
            m["annotations"] = {"storageclass.kubernetes.io/is-default-class": "true"}
        add("storageclasses", {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": m,
                               "provisioner": "diskplugin.csi.alibabacloud.com", "parameters": params,
                               "reclaimPolicy": "Delete", "allowVolumeExpansion": True,
                               "volumeBindingMode": "WaitForFirstConsumer"})
    for name in ["diskplugin.csi.alibabacloud.com", "nasplugin.csi.alibabacloud.com",
                 "ossplugin.csi.alibabacloud.com"]:
        add("csidrivers", {"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver", "metadata": meta("CSIDriver", name),
                           "spec": {"attachRequired": name.startswith("disk"), "podInfoOnMount": True,
                                    "volumeLifecycleModes": ["Persistent"]}})
    add("clusterroles", {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                         "metadata": meta("ClusterRole", "cluster-admin",
                                          labels={"kubernetes.io/bootstrapping": "rbac-defaults"}),
                         "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                                   {"nonResourceURLs": ["*"], "verbs": ["*"]}]})
    add("clusterroles", {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                         "metadata": meta("ClusterRole", "terway-pod-reader"),
                         "rules": [{"apiGroups": [""], "resources": ["pods", "nodes", "namespaces"],
                                    "verbs": ["get", "watch", "list"]}]})
    add("clusterrolebindings", {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                                "metadata": meta("ClusterRoleBinding", "cluster-admin"),
                                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                            "name": "cluster-admin"},
                                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group",
                                              "name": "system:masters"}]})
    add("clusterrolebindings", {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                                "metadata": meta("ClusterRoleBinding", "terway-binding"),
                                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                            "name": "terway-pod-reader"},
                                "subjects": [{"kind": "ServiceAccount", "name": "terway", "namespace": "kube-system"}]})
    for ns, names in [("kube-system", ["coredns", "csi-admin", "kube-proxy", "metrics-server", "terway"]),
                      ("mall", ["default", "order-api", "search-worker", "web"]),
                      ("batch-eci", ["default", "report"]), ("default", ["default"])]:
        for name in names:
            add("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                    "metadata": meta("ServiceAccount", name, ns)})


def build_leases_and_events():
    for name in ECS + [VK_NODE]:
        add("leases", {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                       "metadata": meta("Lease", name, "kube-node-lease",
                                        owner=("v1", "Node", name)),
                       "spec": {"holderIdentity": name, "leaseDurationSeconds": 40,
                                "renewTime": (SCAN - timedelta(seconds=RNG.randint(1, 9))).strftime(
                                    "%Y-%m-%dT%H:%M:%S.%fZ")}})
    web_pod = [p for p in OBJECTS["pods"] if p["metadata"]["name"].startswith("web-")][0]
    eci_pod = [p for p in OBJECTS["pods"] if p["metadata"]["name"].startswith("search-worker-")][0]
    for ns, obj, etype, reason, msg, source, when in [
            ("mall", web_pod, "Warning", "Unhealthy",
             "Readiness probe failed: Get \"http://%s:8080/ready\": context deadline exceeded"
             % web_pod["status"]["podIP"], "kubelet", SCAN - timedelta(minutes=14)),
            ("mall", eci_pod, "Normal", "ProviderCreateSucceed",
             "Create ECI instance %s succeeded" % eci_pod["metadata"]["annotations"]["k8s.aliyun.com/eci-instance-id"],
             "virtual-kubelet", SCAN - timedelta(minutes=40))]:
        name = "%s.%s" % (obj["metadata"]["name"], rand_hex(16))
        add("events", {"apiVersion": "v1", "kind": "Event",
                       "metadata": meta("Event", name, ns, created=when),
                       "involvedObject": {"kind": "Pod", "namespace": ns, "name": obj["metadata"]["name"],
                                          "uid": obj["metadata"]["uid"], "apiVersion": "v1"},
                       "reason": reason, "message": msg, "source": {"component": source},
                       "firstTimestamp": ts(when), "lastTimestamp": ts(when), "count": 1, "type": etype,
                       "reportingComponent": source, "reportingInstance": ""})


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------
def dump(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, indent=1, sort_keys=False, ensure_ascii=False)
        f.write("\n")


def build():
    build_namespaces()
    build_nodes()
    build_kube_system()
    build_apps()
    build_configmaps()
    build_services()
    build_storage_and_rbac()
    build_leases_and_events()


def write(out):
    out = Path(out)
    for sub in ("objects", "nodes"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    dump(out / "snapshot.json", {
        "schema_version": 1,
        "created_at": ts(SCAN),
        "cluster": {"name": CLUSTER_NAME, "uid": uid("Namespace", "", "kube-system"),
                    "version": K8S_VERSION, "flavour": "ack-managed"},
        "tool_version": "0.1.0",
        "sources": [{"type": "fixture", "description": "ACK-shaped recorded cluster (fixtures/ack)"}],
    })
    dump(out / "errors.json", [])
    for plural in sorted(OBJECTS):
        items = sorted(OBJECTS[plural], key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        dump(out / "objects" / (plural + ".json"), {"apiVersion": "v1", "kind": "List", "items": items})
    for name in FACT_NODES:
        dump(out / "nodes" / (name + ".json"), node_facts(name))


def main():
    repo = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(repo / "fixtures" / "ack"), help="output directory")
    ap.add_argument("--quiet", action="store_true", help="no summary")
    a = ap.parse_args()
    build()
    write(a.out)
    if not a.quiet:
        pods = OBJECTS["pods"]
        on_eci = sum(1 for p in pods if p["spec"]["nodeName"] == VK_NODE)
        print("nodes: %d (%d ECS + 1 virtual-kubelet)  pods: %d (%d on ECI)" % (
            len(OBJECTS["nodes"]), len(ECS_NODES), len(pods), on_eci))
        print("objects: " + " ".join("%s=%d" % (k, len(v)) for k, v in sorted(OBJECTS.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
