#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Scales the demo cluster up for `kpatrol diagnose` timing (a benchmark note, not a test):

    python3 test/health/gen_scaled_demo.py --nodes 100 --out /tmp/kp-100
    time kpatrol diagnose pod shop/cart-2bztbb4hrw-hkg8c --snapshot /tmp/kp-100

Workers are clones of the demo's worker nodes (objects and host facts, renamed); every
namespaced object except the kube-system ones is copied once per 8 extra nodes with a
"-c<N>" suffix and its Pods spread over the new workers, so the Pod count grows with the nodes.
The planted faults of the demo stay where they are (their copies carry them too).
"""
import argparse
import copy
import json
import os
import shutil

ap = argparse.ArgumentParser()
ap.add_argument("--nodes", type=int, default=100)
ap.add_argument("--demo", default=os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "demo"))
ap.add_argument("--out", required=True)
ap.add_argument("--copies", type=int, default=0, help="copies of the namespaced objects (default: nodes added / 8)")
args = ap.parse_args()

shutil.rmtree(args.out, ignore_errors=True)
shutil.copytree(args.demo, args.out)
objs = os.path.join(args.out, "objects")


def load(kind):
    with open(os.path.join(objs, kind + ".json")) as f:
        return json.load(f)


def save(kind, doc):
    with open(os.path.join(objs, kind + ".json"), "w") as f:
        json.dump(doc, f)


nodes = load("nodes")
workers = [n for n in nodes["items"] if n["metadata"]["name"].startswith("worker-")]
extra = args.nodes - len(nodes["items"])
new_names = []
for i in range(extra):
    src = workers[i % len(workers)]
    n = copy.deepcopy(src)
    name = "worker-x%03d" % i
    n["metadata"]["name"] = name
    n["metadata"].setdefault("labels", {})["kubernetes.io/hostname"] = name
    n["spec"]["podCIDR"] = "10.245.%d.0/24" % (i % 256)
    n["spec"]["podCIDRs"] = [n["spec"]["podCIDR"]]
    for a in n["status"].get("addresses", []):
        if a["type"] == "InternalIP":
            a["address"] = "10.1.%d.%d" % (i // 250, i % 250 + 1)
        if a["type"] == "Hostname":
            a["address"] = name
    nodes["items"].append(n)
    with open(os.path.join(args.out, "nodes", src["metadata"]["name"] + ".json")) as f:
        facts = f.read()
    with open(os.path.join(args.out, "nodes", name + ".json"), "w") as f:
        f.write(facts)
    new_names.append(name)
save("nodes", nodes)

copies = args.copies or max(1, extra // 8)
kinds = ["pods", "deployments", "replicasets", "statefulsets", "services", "configmaps",
         "persistentvolumeclaims"]
for kind in kinds:
    doc = load(kind)
    base = [o for o in doc["items"] if o["metadata"].get("namespace") not in (None, "kube-system")]
    for c in range(copies):
        for o in base:
            o2 = copy.deepcopy(o)
            o2["metadata"]["name"] = o["metadata"]["name"] + "-c%d" % c
            refs = o2["metadata"].get("ownerReferences", [])
            for r in refs:
                r["name"] = r["name"] + "-c%d" % c
            if kind == "pods" and o2.get("spec", {}).get("nodeName") and new_names:
                o2["spec"]["nodeName"] = new_names[(c * 31 + len(doc["items"])) % len(new_names)]
            doc["items"].append(o2)
    save(kind, doc)
print("nodes:", len(nodes["items"]), "pods:", len(load("pods")["items"]))
