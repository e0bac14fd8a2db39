-- Data for the breakers of each target version (ref_upgrade.md §3, §4): `require("breakers")`.
local M = {}

-- In-tree volume plugins: removal minor and, for those migrated to CSI, the CSI driver that
-- must be installed for the in-tree spec to keep working ("redirect").
M.volumes = {
  photonPersistentDisk = { rem = 16 },
  scaleIO = { rem = 22 },
  flocker = { rem = 25 },
  quobyte = { rem = 25 },
  storageos = { rem = 25 },
  cinder = { rem = 26, csi = "cinder.csi.openstack.org" },
  glusterfs = { rem = 26 },
  awsElasticBlockStore = { rem = 27, csi = "ebs.csi.aws.com" },
  azureDisk = { rem = 27, csi = "disk.csi.azure.com" },
  gcePersistentDisk = { rem = 28, csi = "pd.csi.storage.gke.io" },
  azureFile = { rem = 30, csi = "file.csi.azure.com" },
  vsphereVolume = { rem = 30, csi = "csi.vsphere.vmware.com" },
  cephfs = { rem = 31 },
  rbd = { rem = 31 },
  gitRepo = { rem = 33, note = "disabled by default in 1.33, gone in 1.36" },
  portworxVolume = { rem = 36, csi = "pxd.portworx.com" },
}

-- In-tree StorageClass provisioners -> the volume type they create.
M.provisioners = {
  ["kubernetes.io/aws-ebs"] = "awsElasticBlockStore",
  ["kubernetes.io/gce-pd"] = "gcePersistentDisk",
  ["kubernetes.io/azure-disk"] = "azureDisk",
  ["kubernetes.io/azure-file"] = "azureFile",
  ["kubernetes.io/cinder"] = "cinder",
  ["kubernetes.io/vsphere-volume"] = "vsphereVolume",
  ["kubernetes.io/portworx-volume"] = "portworxVolume",
  ["kubernetes.io/glusterfs"] = "glusterfs",
  ["kubernetes.io/rbd"] = "rbd",
  ["kubernetes.io/quobyte"] = "quobyte",
  ["kubernetes.io/storageos"] = "storageos",
  ["kubernetes.io/scaleio"] = "scaleIO",
}

-- Kubelet flags removed by a minor version ([U] = unverified in the reference; kept because a
-- kubelet that meets an unknown flag refuses to start, so a false alarm costs a look).
M.kubelet_flags = {
  { flag = "network-plugin", rem = 24, why = "dockershim removal" },
  { flag = "cni-bin-dir", rem = 24, why = "dockershim removal" },
  { flag = "cni-conf-dir", rem = 24, why = "dockershim removal" },
  { flag = "cni-cache-dir", rem = 24, why = "dockershim removal" },
  { flag = "docker-endpoint", rem = 24, why = "dockershim removal" },
  { flag = "image-pull-progress-deadline", rem = 24, why = "dockershim removal" },
  { flag = "experimental-dockershim-root-directory", rem = 24, why = "dockershim removal" },
  { flag = "network-plugin-mtu", rem = 24, why = "dockershim removal" },
  { flag = "dynamic-config-dir", rem = 24, why = "dynamic kubelet config removed" },
  { flag = "log-dir", rem = 26, why = "klog flags removed" },
  { flag = "log-file", rem = 26, why = "klog flags removed" },
  { flag = "log-flush-frequency", rem = 26, why = "klog flags removed", keep = true },
  { flag = "logtostderr", rem = 26, why = "klog flags removed" },
  { flag = "alsologtostderr", rem = 26, why = "klog flags removed" },
  { flag = "one-output", rem = 26, why = "klog flags removed" },
  { flag = "stderrthreshold", rem = 26, why = "klog flags removed" },
  { flag = "log-file-max-size", rem = 26, why = "klog flags removed" },
  { flag = "skip-log-headers", rem = 26, why = "klog flags removed" },
  { flag = "skip-headers", rem = 26, why = "klog flags removed" },
  { flag = "add-dir-header", rem = 26, why = "klog flags removed" },
  { flag = "container-runtime", rem = 27, why = "only remote runtimes remain" },
  { flag = "master-service-namespace", rem = 27, why = "removed" },
  { flag = "keep-terminated-pod-volumes", rem = 31, why = "removed" },
}

-- CoreDNS installed by kubeadm per Kubernetes minor, and etcd (x.y.0 release).
M.coredns = {
  [16] = "1.6.2", [17] = "1.6.5", [18] = "1.6.7", [19] = "1.7.0", [20] = "1.7.0", [21] = "1.8.0",
  [22] = "1.8.4", [23] = "1.8.6", [24] = "1.8.6", [25] = "1.9.3", [26] = "1.9.3", [27] = "1.10.1",
  [28] = "1.10.1", [29] = "1.11.1", [30] = "1.11.1", [31] = "1.11.1", [32] = "1.11.3",
  [33] = "1.12.0", [34] = "1.12.1", [35] = "1.13.1", [36] = "1.14.2",
}
M.etcd = {
  [16] = "3.3.15", [17] = "3.4.3", [18] = "3.4.3", [19] = "3.4.13", [20] = "3.4.13", [21] = "3.4.13",
  [22] = "3.5.0", [23] = "3.5.1", [24] = "3.5.3", [25] = "3.5.4", [26] = "3.5.6", [27] = "3.5.7",
  [28] = "3.5.9", [29] = "3.5.10", [30] = "3.5.12", [31] = "3.5.15", [32] = "3.5.16",
  [33] = "3.5.21", [34] = "3.6.4", [35] = "3.6.6", [36] = "3.6.8",
}

-- Corefile plugins / kubernetes options removed in a CoreDNS version (coredns/corefile-migration).
M.corefile = {
  { pattern = "^%s*proxy%s", what = "plugin proxy", removed = "1.5.0", fix = "use forward" },
  { pattern = "^%s*federation%s", what = "plugin federation", removed = "1.7.0", fix = "remove it" },
  { pattern = "^%s*upstream", what = "kubernetes option upstream", removed = "1.7.0", fix = "remove it", in_kubernetes = true },
  { pattern = "^%s*resyncperiod", what = "kubernetes option resyncperiod", removed = "1.7.0", fix = "remove it", in_kubernetes = true },
  { pattern = "^%s*transfer", what = "kubernetes option transfer", removed = "1.8.0", fix = "use the transfer plugin", in_kubernetes = true },
}

return M
