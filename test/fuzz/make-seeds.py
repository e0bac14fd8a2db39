#!/usr/bin/env python3
"""Writes the committed seed corpora (test/fuzz/corpus/<target>/) from the repository's fixtures.

Run from anywhere: python3 test/fuzz/make-seeds.py. Small on purpose (a few files per target,
each cut to a few KiB): libFuzzer grows the corpus from there; these are the shapes it starts
from and what fuzz_replay runs in the normal suite.
"""
import gzip
import hashlib
import io
import json
import os
import pathlib
import shutil
import subprocess
import tarfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "test/fuzz/corpus"


def put(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)


def kubeconfig():
    base = ROOT / "fixtures/nodes/roots/kubeadm-master/etc"
    for f in ["kubernetes/admin.conf", "kubernetes/kubelet.conf", "cni/net.d/calico-kubeconfig"]:
        put("kubeconfig", pathlib.Path(f).name, (base / f).read_bytes())
    put("kubeconfig", "exec.yaml", """apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster: {server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true, proxy-url: "http://p:3128"}
users:
- name: alice
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./get-token
      args: [--cluster, prod]
      env: [{name: A, value: b}]
      interactiveMode: Never
- name: bob
  user: {token: abc, tokenFile: /tmp/t}
contexts:
- name: prod
  context: {cluster: prod, user: alice, namespace: kube-system}
""")


def list_page():
    # First byte: the plural index of targets/list_page.cpp (0 pods, 1 events, 2 crds, 3 nodes).
    for idx, name in [(0, "pods"), (1, "events"), (3, "nodes"), (4, "services")]:
        doc = json.loads((ROOT / f"fixtures/demo/objects/{name}.json").read_text())
        doc["items"] = doc["items"][:2]
        doc["metadata"] = {"resourceVersion": "12345", "continue": "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ"}
        put("list_page", f"{name}.json", bytes([idx]) + json.dumps(doc).encode())
    put("list_page", "status-error.json", b"\x00" + json.dumps({
        "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Expired",
        "message": "continue token expired", "code": 410}).encode())
    crd = {"kind": "CustomResourceDefinitionList", "apiVersion": "apiextensions.k8s.io/v1",
           "metadata": {}, "items": [{"metadata": {"name": "a.example.com", "managedFields": [{}]},
                                      "spec": {"group": "example.com", "versions": [
                                          {"name": "v1", "schema": {"openAPIV3Schema": {}}}]}}]}
    put("list_page", "crds.json", b"\x02" + json.dumps(crd).encode())


def probe_output():
    script = (ROOT / "collectors/probe/script/probe.sh").read_text()
    for root in ["worker", "kubeadm-master"]:
        path = ROOT / "fixtures/nodes/roots" / root
        prefix = f"R='{path}'\nD=cluster.local\nS=10.96.0.10\nX=kubernetes.default\nM=4096\n"
        out = subprocess.run(["sh", "-s"], input=(prefix + script).encode(), capture_output=True,
                             timeout=120).stdout
        out = out.replace(str(path).encode(), b"/host")
        put("probe_output", f"{root}.txt", out)


PARSERS = {  # captured file -> index in targets/probe_parsers.cpp
    "os-release": 0, "redhat-release": 1, "meminfo": 3, "swaps": 4, "stat.txt": 9,
    "nf_conntrack.txt": 12, "df-P.txt": 13, "df-Pi.txt": 14, "resolv.conf": 15, "dmesg.txt": 16,
    "dig.txt": 17, "dig-refused.txt": 17, "nslookup.txt": 18, "nslookup-timeout.txt": 18,
    "getent.txt": 19, "login.defs": 20, "sshd-T.txt": 21, "auditctl-s.txt": 22,
    "auditctl-l.txt": 23, "chronyc-tracking.txt": 29, "timedatectl.txt": 30, "ntpq.txt": 31,
}


def probe_parsers():
    captured = ROOT / "fixtures/nodes/captured"
    for distro in sorted(os.listdir(captured)):
        for f, idx in PARSERS.items():
            p = captured / distro / f
            if p.is_file():
                put("probe_parsers", f"{idx:02d}-{distro}-{f}", bytes([idx]) + p.read_bytes()[:4096])
    extra = {
        2: "12345.67 54321.00\n",
        5: "/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0--v\0002\0--rotate-certificates\0",
        6: "Kubernetes v1.28.3\n",
        7: "root:0:0:/bin/bash\nkube:1000:1000:/sbin/nologin\nroot:0\nwheel:10\n",
        8: "644 0 0 1024 1700000000 regular file\n",
        10: "count 2\nempty alice\nlocked bob\n",
        11: "/proc/sys/net/ipv4/ip_forward:1\nnet.core.somaxconn=4096\n",
        24: "kubelet.service loaded active running kubelet\n",
        25: "kubelet.service enabled enabled\n",
        26: "/etc/systemd/system/multi-user.target.wants/kubelet.service\n",
        27: "State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 4096 *:10250 *:*\n",
        28: "  sl  local_address rem_address   st\n   0: 00000000:2A9A 00000000:0000 0A 00000000:00000000\n",
        32: "junk\nKP-fuzz item /etc/pam.d/system-auth\npassword requisite pam_pwquality.so minlen=8\n"
            "KP-fuzz item /etc/ssh/sshd_config\nPermitRootLogin no\n"
            "KP-fuzz item /etc/profile\numask 027\nTMOUT=600\n",
        33: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
    }
    for idx, text in extra.items():
        put("probe_parsers", f"{idx:02d}-extra", bytes([idx]) + text.encode())
    first = sorted((OUT / "probe_output").iterdir())[0].read_bytes()[:3000]
    put("probe_parsers", "34-framing", bytes([34]) + first)


def pem():
    base = ROOT / "fixtures/nodes/roots/kubeadm-master"
    put("pem", "ca.crt", (base / "etc/kubernetes/pki/ca.crt").read_bytes())
    put("pem", "apiserver.crt", (base / "etc/kubernetes/pki/apiserver.crt").read_bytes())
    put("pem", "kubelet-client.pem",
        (base / "var/lib/kubelet/pki/kubelet-client-2025-11-30-10-00-00.pem").read_bytes())
    put("pem", "kubelet.crt", (base / "var/lib/kubelet/pki/kubelet.crt").read_bytes())
    put("pem", "not-a-cert.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")


def tar_gz(files):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path, data in sorted(files.items()):
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), 0o600, 0
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def bundle():
    files = {"snapshot.json": (ROOT / "fixtures/demo/snapshot.json").read_bytes()[:2048],
             "nodes/master-1.json": b'{"name": "master-1"}\n', "errors.json": b"[]\n"}
    members = {p: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
               for p, d in sorted(files.items())}
    manifest = {"schema_version": 1, "kind": "kpatrol.bundle",
                "created_at": "2026-01-01T00:00:00Z", "members": members}
    good = dict(files)
    good["manifest.json"] = (json.dumps(manifest, indent=2) + "\n").encode()
    put("bundle", "good.tar.gz", tar_gz(good))
    bad = dict(good)
    bad["errors.json"] = b"[1]\n"
    put("bundle", "altered-member.tar.gz", tar_gz(bad))
    put("bundle", "no-manifest.tar.gz", tar_gz(files))


def rule():
    for f in ["rules/health/pod-crashloop.lua", "fixtures/packs/broken/wrong-type.lua",
              "fixtures/packs/broken/syntax-error.lua", "fixtures/packs/hostile/error-table.lua"]:
        p = ROOT / f
        if p.is_file():
            put("rule", p.name, p.read_bytes())
    # A few real rules of each built-in pack, smallest first.
    for pack in ["health", "cis-k8s", "mlps-l3", "workload", "upgrade"]:
        d = ROOT / "rules" / pack
        if d.is_dir():
            lua = sorted((p for p in d.glob("*.lua")), key=lambda p: p.stat().st_size)[:2]
            for p in lua:
                put("rule", f"{pack}-{p.name}", p.read_bytes())


def profile():
    for p in sorted((ROOT / "rules/profiles").glob("*.yaml")):
        put("profile", p.name, p.read_bytes())


def waivers():
    put("waivers", "waivers.yaml", (ROOT / "deploy/waivers.yaml").read_bytes())
    put("waivers", "expired.yaml", """waivers:
- rule: "cis-4.*"
  subject: "node/worker-*"
  owner: ops@example.com
  reason: accepted until the migration
  expires: 2020-02-30
""")


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    for fn in [kubeconfig, list_page, probe_output, probe_parsers, pem, bundle, rule, profile,
               waivers]:
        fn()
    for d in sorted(OUT.iterdir()):
        n = len(list(d.iterdir()))
        size = sum(p.stat().st_size for p in d.iterdir())
        print(f"{d.name}: {n} files, {size} bytes")
