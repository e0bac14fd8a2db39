# kpatrol node probe, format 1. Read-only: it writes no file, reads no private key and prints
# no password hash. POSIX sh (dash, bash, busybox ash). The scanner prepends the options as
# quoted assignments: R (host root, "/" for the live host), D (cluster domain), S (cluster DNS
# address, may be empty), X (external name to resolve), M (byte cap per section), E (extra
# serving endpoints "host:port,..." whose certificates to read, may be empty).
#
# Output: a header line "KPATROL-PROBE 1 <nonce> max=<M>", then sections
#   <nonce> begin <name>\n <raw bytes> \n<nonce> end <name> rc=<exit status>\n
# and, inside a section, items "\n<nonce> item <label>\n". The nonce is drawn on the node at run
# time and never passed to a child process, so nothing the node's users control (file content,
# process argv, log lines) can print a marker the parser would accept.
LC_ALL=C
export LC_ALL
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
R=${R%/}
case $M in '' | *[!0-9]*) M=1048576 ;; esac
case $S in *[!0-9a-fA-F:.]*) S= ;; esac
case $D in '' | *[!A-Za-z0-9.-]*) D=cluster.local ;; esac
case $X in *[!A-Za-z0-9.-]*) X= ;; esac
case $E in *[!A-Za-z0-9.:,-]*) E= ;; esac
F=262144

N=
if [ -r /proc/sys/kernel/random/uuid ]; then read -r N </proc/sys/kernel/random/uuid; fi
case $N in
  ????????-????-????-????-????????????) ;;
  *) N=$(od -An -N16 -tx1 /dev/urandom 2>/dev/null | tr -d ' \n') ;;
esac
[ ${#N} -ge 16 ] || N=$$x$(date +%s 2>/dev/null)x$PPID
N=KP-$N

# Bounds for secn: the live-only sections print nothing under a root (ZR), dns nothing without
# a DNS address (ZS); otherwise they are unbounded (empty).
ZR=${R:+0}
ZS=0
[ -z "$S" ] || ZS=

HAVE_TIMEOUT=
command -v timeout >/dev/null 2>&1 && HAVE_TIMEOUT=1

exec 4>&1
printf 'KPATROL-PROBE 1 %s max=%s\n' "$N" "$M"

# sec <name> <command...>: one section, capped at M+1 bytes (the parser sees the truncation),
# with the command's exit status. The command runs without fds 3 and 4, and with stdin from
# /dev/null (when the script itself is fed on stdin, nothing may read the rest of it).
sec() {
  _s=$1
  shift
  printf '%s begin %s\n' "$N" "$_s"
  _rc=$({ { "$@" </dev/null 3>&- 4>&- 2>/dev/null; echo $? >&3; } | head -c $((M + 1)) >&4; } 3>&1)
  printf '\n%s end %s rc=%s\n' "$N" "$_s" "$_rc"
}
# secn <bound> <name> <command...>: the same section, run in this shell (no fork, no head)
# when its command cannot print more than <bound> bytes and <bound> <= M, so the cap cannot
# cut it: the output is the one sec would give. An empty or non-numeric bound means sec.
# (Forks dominate the script's cost: sec's subshells and head are 3 forks and an exec.)
secn() {
  case $1 in '' | *[!0-9]*) _sb=x ;; *) _sb=$1 ;; esac
  shift
  if [ "$_sb" = x ] || [ "$_sb" -gt "$M" ]; then
    sec "$@"
    return
  fi
  printf '%s begin %s\n' "$N" "$1"
  _sn=$1
  shift
  "$@" </dev/null 3>&- 4>&- 2>/dev/null
  printf '\n%s end %s rc=%s\n' "$N" "$_sn" "$?"
}
item() { printf '\n%s item %s\n' "$N" "$1"; }
to() {
  _t=$1
  shift
  if [ -n "$HAVE_TIMEOUT" ]; then timeout "$_t" "$@"; else "$@"; fi
}
# rp <node path>: (uses _rest _cur _n _c _t) NP = the node path with every symbolic link resolved component by
# component inside R (absolute targets restart at R, ".." stops at R), RP = R/NP. So a link
# planted in the root cannot lead a read outside it; a link loop gives a path that does not
# exist.
rp() {
  _rest=$1
  _cur=
  _n=0
  while [ -n "$_rest" ]; do
    _rest=${_rest#/}
    _c=${_rest%%/*}
    case $_rest in */*) _rest=${_rest#*/} ;; *) _rest= ;; esac
    case $_c in
      '' | .) continue ;;
      ..)
        _cur=${_cur%/*}
        continue
        ;;
    esac
    if [ -L "$R$_cur/$_c" ]; then
      _n=$((_n + 1))
      _t=$(readlink "$R$_cur/$_c")
      if [ $_n -gt 32 ] || [ -z "$_t" ]; then
        _cur=/.kpatrol-unresolvable-link
        _rest=
        break
      fi
      case $_t in /*) _cur= ;; esac
      _rest=$_t/$_rest
    else
      _cur=$_cur/$_c
    fi
  done
  NP=${_cur:-/}
  RP=$R$NP
  [ "$NP" != / ] || RP=${R:-/}
}
rp /proc
P=$RP
# PLIVE: P is a real procfs (the live /proc, or the node's mounted at R/proc), whose own links
# (/proc/net -> self/net) are the kernel's and are read as they are.
PLIVE=
[ -r "$P/meminfo" ] || P=/proc
[ "$(stat -f -c %T "$P" 2>/dev/null)" = proc ] && PLIVE=1
# pp <path under /proc>: RP = the file to read. A real /proc has no links on these paths, so
# under a root any link (proc/meminfo -> /etc/shadow) makes the file unreadable.
pp() {
  if [ -n "$PLIVE" ]; then
    RP=$P/$1
  else
    rp "/proc/$1"
    [ "$NP" = "/proc/$1" ] || RP=$R/.kpatrol-link-refused
  fi
}
# pidok <pid dir>: a process directory and its files are not links (a real /proc has none).
# (Regular files only, here and below: a FIFO planted in a root would block the read.)
pidok() {
  [ ! -L "$1" ] && [ ! -L "$1/comm" ] && [ ! -L "$1/cmdline" ] && [ ! -L "$1/status" ] &&
    [ -f "$1/comm" ] && [ -f "$1/cmdline" ] && [ -f "$1/status" ]
}
catf() {
  rp "$1"
  [ -f "$RP" ] || return 2
  head -c $F -- "$RP"
}
# each <node dir> <pattern> <function>: calls <function> <node path> <path under R> for every
# entry of the directory (resolved inside R) that matches the pattern, in name order.
each() {
  rp "$1"
  _ed=$NP
  [ "$_ed" = / ] && _ed=
  for _ef in "$RP"/$2; do
    [ -e "$_ef" ] || [ -L "$_ef" ] || continue
    "$3" "$_ed/${_ef##*/}"
  done
}
# catitems <node path or dir/glob>...: one item per readable regular file, comments dropped.
catitem() {
  rp "$1"
  [ -f "$RP" ] && [ -r "$RP" ] || return 0
  item "$1"
  head -c $F -- "$RP" | grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$'
}
catitems() {
  for _g in "$@"; do
    case ${_g##*/} in
      *'*'*) each "${_g%/*}" "${_g##*/}" catitem ;;
      *) catitem "$_g" ;;
    esac
  done
}
# secitems <name> <node path or dir/glob>...: sec <name> catitems ..., in this shell (secn)
# when the files catitems would print, at most F bytes and a label each, fit in M.
catcount() {
  rp "$1"
  [ -f "$RP" ] && [ -r "$RP" ] && _cc=$((_cc + 1))
  return 0
}
secitems() {
  _si=$1
  shift
  _cc=0
  for _g in "$@"; do
    case ${_g##*/} in
      *'*'*) each "${_g%/*}" "${_g##*/}" catcount ;;
      *) catcount "$_g" ;;
    esac
  done
  secn $((_cc * (F + 8192))) "$_si" catitems "$@"
}
# rd <file>: RD = its first line. Not the read builtin: shells read byte by byte, and integer
# sysctls answer a read at a non-zero offset with end-of-file (only the first digit).
rd() {
  RD=$(head -n 1 -- "$1" 2>/dev/null)
  [ -n "$RD" ]
}

# Processes: pid, uid and name of the Kubernetes components and of the daemons baselines ask
# about; argv (NUL-separated, as /proc gives it) for the components.
uid_of() {
  U=
  while read -r _k _v _r; do
    case $_k in Uid:) U=$_v && break ;; esac
  done <"$P/$1/status"
}
KPID=
KUID=
XPID=
XUID=
for _d in "$P"/[0-9]*; do
  pidok "$_d" || continue
  read -r _c 2>/dev/null <"$_d/comm" || continue
  case $_c in
    kubelet | kube-proxy)
      uid_of "${_d##*/}" 2>/dev/null
      if [ "$_c" = kubelet ]; then
        if [ -z "$KPID" ] || { [ "$U" = 0 ] && [ "$KUID" != 0 ]; }; then KPID=${_d##*/} KUID=$U; fi
      else
        if [ -z "$XPID" ] || { [ "$U" = 0 ] && [ "$XUID" != 0 ]; }; then XPID=${_d##*/} XUID=$U; fi
      fi
      ;;
  esac
done
# argval <pid> <flag>: value of --flag=V or --flag V in the process's argv.
argval() {
  [ -n "$1" ] || return 0
  tr '\0' '\n' <"$P/$1/cmdline" 2>/dev/null | awk -v f="--$2" \
    '$0 == f { if ((getline v) > 0) print v; exit } index($0, f "=") == 1 { print substr($0, length(f) + 2); exit }'
}
argv0() {
  [ -n "$1" ] || return 0
  tr '\0' '\n' <"$P/$1/cmdline" 2>/dev/null | head -n 1
}
# argvals <pid> <flag>...: AV = argv[0], then argval of each flag, one per line, then a "."
# line (values hold no line break: argv is split at NULs and at line breaks). One tr and one
# awk for all the flags a process is asked about, instead of two per flag.
argvals() {
  AV=
  [ -n "$1" ] || return 0
  _p=$1
  shift
  AV=$(tr '\0' '\n' <"$P/$_p/cmdline" 2>/dev/null | awk -v fl="$*" '{ l[NR] = $0 }
    END {
      print l[1]
      n = split(fl, f, " ")
      for (i = 1; i <= n; i++) {
        v = ""
        g = "--" f[i]
        for (j = 1; j <= NR; j++) {
          if (l[j] == g) { if (j < NR) v = l[j + 1]; break }
          if (index(l[j], g "=") == 1) { v = substr(l[j], length(g) + 2); break }
        }
        print v
      }
      print "."
    }')
}
# nextav: AV1 = the first line of AV, which loses it.
nextav() {
  AV1=${AV%%"$NL"*}
  case $AV in *"$NL"*) AV=${AV#*"$NL"} ;; *) AV= ;; esac
}
NL='
'
argvals "$KPID" config config-dir kubeconfig client-ca-file
nextav
KBIN=$AV1
nextav
KCFG=$AV1
nextav
KDIR=$AV1
nextav
KKC=$AV1
nextav
KCA=$AV1
argvals "$XPID" config kubeconfig
nextav
nextav
XCFG=$AV1
nextav
XKC=$AV1
[ -n "$KPID" ] || KCFG=/var/lib/kubelet/config.yaml

p_meta() {
  printf 'uid=%s\n' "$(id -u)"
  printf 'time=%s\n' "$(date -u +%s)"
  [ "$P" = /proc ] && printf 'proc=live\n' || printf 'proc=root\n'
  [ -z "$R" ] && printf 'live=1\n' || printf 'live=0\n'
  printf 'kubelet_pid=%s\n' "$KPID"
  printf 'root=%s\n' "$R"
  printf 'dns=%s\n' "$S"
}
p_proc() {
  pp "$1"
  [ -f "$RP" ] || return 2
  head -c 65536 -- "$RP"
}
p_kernel() {
  pp sys/kernel/osrelease
  if [ -f "$RP" ]; then head -c 4096 -- "$RP"; else uname -r; fi
}
# The node's cgroup hierarchy: the unified (v2) root has cgroup.controllers; v1 mounts one
# directory per controller (memory, cpu, ...).
p_cgroup() {
  rp /sys/fs/cgroup/cgroup.controllers
  if [ -f "$RP" ]; then echo 2; return 0; fi
  rp /sys/fs/cgroup/memory
  if [ -d "$RP" ]; then echo 1; return 0; fi
  return 2
}
p_hostname() {
  pp sys/kernel/hostname
  if [ -f "$RP" ]; then head -c 4096 -- "$RP"; else catf /etc/hostname; fi
}
p_processes() {
  for _d in "$P"/[0-9]*; do
    pidok "$_d" || continue
    read -r _c 2>/dev/null <"$_d/comm" || continue
    case $_c in
      kubelet | kube-apiserver | kube-controller | kube-scheduler | etcd | kube-proxy | containerd | dockerd)
        uid_of "${_d##*/}" 2>/dev/null
        item "${_d##*/} ${U:--} $_c"
        head -c 131072 -- "$_d/cmdline"
        # etcd also takes its TLS settings from the environment (CIS 2.x): only these names,
        # which hold paths and booleans, never other variables.
        if [ "$_c" = etcd ] && [ ! -L "$_d/environ" ]; then
          item "env ${_d##*/}"
          tr '\0' '\n' <"$_d/environ" | grep -E '^ETCD_(CERT_FILE|KEY_FILE|CLIENT_CERT_AUTH|TRUSTED_CA_FILE|AUTO_TLS|PEER_CERT_FILE|PEER_KEY_FILE|PEER_CLIENT_CERT_AUTH|PEER_TRUSTED_CA_FILE|PEER_AUTO_TLS|DATA_DIR|CIPHER_SUITES)=' | head -c 8192
        fi
        ;;
      auditd | chronyd | ntpd | systemd-timesyn | sshd | crond | cron | rsyslogd | systemd-journal)
        item "${_d##*/} - $_c"
        ;;
    esac
  done
}
p_version() {
  case $1 in kubelet) _b=$KBIN ;; *) _b= ;; esac
  case $_b in /*) ;; *) _b=/usr/bin/$1 ;; esac
  rp "$_b"
  if [ ! -x "$RP" ]; then
    rp "/usr/local/bin/$1"
    [ -x "$RP" ] || return 127
  fi
  to 10 "$RP" --version </dev/null
}
kubelet_dropin() {
  rp "$1"
  [ -f "$RP" ] || return 0
  item "dropin $1"
  head -c $F -- "$RP"
}
p_kubelet_config() {
  if [ -n "$KCFG" ]; then
    rp "$KCFG"
    if [ -f "$RP" ] && [ ! -r "$RP" ]; then
      item "unreadable $KCFG"
    elif [ -f "$RP" ]; then
      item "config $KCFG"
      head -c $F -- "$RP"
    fi
  fi
  [ -z "$KDIR" ] || each "$KDIR" '*.conf' kubelet_dropin
}
p_proxy_config() {
  [ -n "$XPID" ] || return 3
  _c=$XCFG
  [ -n "$_c" ] || return 4
  item "config $_c"
  # The file is inside kube-proxy's container: read it through /proc/<pid>/root when this
  # /proc is the node's (live host, or hostPID), else under R.
  if read -r _c2 2>/dev/null <"/proc/$XPID/comm" && [ "$_c2" = kube-proxy ] &&
    [ -f "/proc/$XPID/root$_c" ]; then
    head -c $F -- "/proc/$XPID/root$_c"
  else
    catf "$_c"
  fi
}
# st <node path>: "<path>\0<mode> <uid> <gid> <size> <mtime> <type>\n", or missing/error.
st() {
  rp "$1"
  if [ -e "$RP" ]; then
    printf '%s\0' "$1"
    stat -L -c '%a %u %g %s %Y %F' -- "$RP" || printf 'error\n'
  else
    printf '%s\0missing\n' "$1"
  fi
}
stglob() { each "$1" '*' st; }
# stmany <node path>...: st of each, in order, with one stat for them all (a stat per path is
# a fork and an exec: ~90 paths on a control plane). A subshell prints one e/m flag per path
# (exists/missing, the test st makes) and then stat's line per existing path (no name in the
# format, so one line each); if stat fails or the lines do not match the flags, st path by path.
stmany() {
  _nl='
'
  _o=$(
    _fl=
    for _p do
      [ -n "$_fl" ] || set --
      rp "$_p"
      if [ -e "$RP" ]; then
        _fl=${_fl}e
        set -- "$@" "$RP"
      else
        _fl=${_fl}m
      fi
    done
    printf '%s\n' "$_fl"
    [ $# -eq 0 ] || exec stat -L -c '%a %u %g %s %Y %F' -- "$@"
  )
  _ok=$?
  _fl=${_o%%"$_nl"*}
  _rest=
  [ "$_fl" = "$_o" ] || _rest=${_o#*"$_nl"}
  [ $_ok -eq 0 ] && [ ${#_fl} -eq $# ] && _ok=1 || _ok=
  _t=$_fl
  _r=$_rest
  while [ -n "$_ok" ] && [ -n "$_t" ]; do
    case $_t in
      e*)
        [ -n "$_r" ] || _ok=
        case $_r in *"$_nl"*) _r=${_r#*"$_nl"} ;; *) _r= ;; esac
        ;;
    esac
    _t=${_t#?}
  done
  [ -z "$_r" ] || _ok=
  if [ -z "$_ok" ]; then
    for _p do st "$_p"; done
    return 0
  fi
  for _p do
    case $_fl in
      e*)
        printf '%s\0%s\n' "$_p" "${_rest%%"$_nl"*}"
        case $_rest in *"$_nl"*) _rest=${_rest#*"$_nl"} ;; *) _rest= ;; esac
        ;;
      *) printf '%s\0missing\n' "$_p" ;;
    esac
    _fl=${_fl#?}
  done
}
p_files() {
  set --
  for _f in /etc/kubernetes/manifests/kube-apiserver.yaml \
    /etc/kubernetes/manifests/kube-controller-manager.yaml \
    /etc/kubernetes/manifests/kube-scheduler.yaml /etc/kubernetes/manifests/etcd.yaml \
    /etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/scheduler.conf \
    /etc/kubernetes/controller-manager.conf /etc/kubernetes/kubelet.conf \
    /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/pki /etc/kubernetes/pki/etcd \
    /var/lib/kubelet/config.yaml /var/lib/kubelet/kubeconfig /var/lib/kubelet/pki \
    /etc/systemd/system/kubelet.service /usr/lib/systemd/system/kubelet.service \
    /lib/systemd/system/kubelet.service /etc/systemd/system/kubelet.service.d/10-kubeadm.conf \
    /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf /etc/cni/net.d /var/lib/etcd \
    /var/lib/kube-proxy/kubeconfig.conf /etc/kubernetes/proxy.conf \
    /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/sudoers /etc/ssh/sshd_config \
    /etc/crontab /boot/grub2/grub.cfg /boot/grub/grub.cfg /etc/security/opasswd \
    /etc/login.defs /etc/docker/daemon.json /etc/containerd/config.toml \
    /run/systemd/timesync/synchronized /etc/etcd/etcd.conf /etc/sudoers.d \
    /usr/lib/systemd/system/etcd.service /etc/systemd/system/etcd.service \
    /var/lib/etcd/data.etcd /var/lib/etcd/default.etcd /var/log/audit \
    /var/log/audit/audit.log /etc/default/kubelet /etc/sysconfig/kubelet \
    /var/lib/cni/networks /etc/cron.d /etc/cron.daily /etc/cron.hourly /etc/cron.weekly \
    /etc/cron.monthly; do
    set -- "$@" "$_f"
  done
  for _d in /etc/kubernetes /etc/kubernetes/manifests /etc/kubernetes/pki \
    /etc/kubernetes/pki/etcd /var/lib/kubelet/pki /etc/cni/net.d /etc/etcd/ssl \
    /etc/systemd/system/kubelet.service.d /usr/lib/systemd/system/kubelet.service.d \
    /lib/systemd/system/kubelet.service.d /etc/ssh; do
    rp "$_d"
    _ed=$NP
    [ "$_ed" = / ] && _ed=
    for _ef in "$RP"/*; do
      [ -e "$_ef" ] || [ -L "$_ef" ] || continue
      set -- "$@" "$_ed/${_ef##*/}"
    done
  done
  for _f in "$KCFG" "$KKC" "$KCA" "$XKC"; do
    case $_f in /*) set -- "$@" "$_f" ;; esac
  done
  for _d in "$P"/[0-9]*; do
    pidok "$_d" || continue
    read -r _c 2>/dev/null <"$_d/comm" || continue
    [ "$_c" = etcd ] || continue
    _e=$(argval "${_d##*/}" data-dir)
    case $_e in /*) set -- "$@" "$_e" ;; esac
    break
  done
  stmany "$@"
}
# Names and ids only: never the password field, not even of /etc/passwd.
p_passwd() {
  rp /etc/passwd
  [ -f "$RP" ] || return 2
  head -c $F -- "$RP" | awk -F: 'NF > 2 { print $1 ":" $3 ":" $4 ":" $7 }'
}
p_group() {
  rp /etc/group
  [ -f "$RP" ] || return 2
  head -c $F -- "$RP" | awk -F: 'NF > 2 { print $1 ":" $3 }'
}
# Only account names: those whose password field is empty, and those whose password is locked
# ("!" or "*"). The field itself is never printed.
p_shadow() {
  rp /etc/shadow
  [ -f "$RP" ] || return 2
  [ -r "$RP" ] || return 13
  awk -F: 'NF > 1 { n = $1; if (n !~ /^[A-Za-z0-9._-]+$/) n = "?" }
    NF > 1 && $2 == "" { print "empty " n }
    NF > 1 && $2 ~ /^[!*]/ { print "locked " n }
    END { print "entries " NR }' <"$RP"
}
p_sshd_effective() {
  [ -z "$R" ] || return 125
  command -v sshd >/dev/null 2>&1 || return 127
  to 10 sshd -T </dev/null
}
p_audit_live() {
  [ -z "$R" ] || return 125
  command -v auditctl >/dev/null 2>&1 || return 127
  item status
  to 5 auditctl -s </dev/null
  item rules
  to 5 auditctl -l </dev/null
}
profile_item() {
  rp "$1"
  [ -f "$RP" ] || return 0
  item "$1"
  head -c $F -- "$RP" | grep -E 'TMOUT|umask|autologout'
}
# The files kube-apiserver's flags name (encryption config, audit policy), read through its
# /proc/<pid>/root when this /proc is the node's, else under R. Key material (secret: values of
# the encryption config) is replaced on the node, before anything is printed.
p_apiserver_files() {
  _a=
  for _d in "$P"/[0-9]*; do
    pidok "$_d" || continue
    read -r _c 2>/dev/null <"$_d/comm" || continue
    if [ "$_c" = kube-apiserver ]; then
      _a=${_d##*/}
      break
    fi
  done
  [ -n "$_a" ] || return 3
  for _fl in encryption-provider-config audit-policy-file; do
    _f=$(argval "$_a" "$_fl")
    case $_f in /*) ;; *) continue ;; esac
    if read -r _c2 2>/dev/null <"/proc/$_a/comm" && [ "$_c2" = kube-apiserver ] &&
      [ -f "/proc/$_a/root$_f" ]; then
      item "$_fl $_f"
      head -c $F -- "/proc/$_a/root$_f"
    else
      rp "$_f"
      [ -f "$RP" ] || continue
      item "$_fl $_f"
      head -c $F -- "$RP"
    fi | sed -E 's/(secret"?[[:space:]]*:[[:space:]]*)[^,}[:space:]]+/\1REDACTED/g'
  done
}
# The first line of the oldest local audit log (audit.log.N with the highest N, else
# audit.log): its msg=audit(<epoch>...) stamp dates the oldest record kept.
p_audit_oldest() {
  rp /var/log/audit
  [ -d "$RP" ] || return 2
  _best=
  _bestn=-1
  for _f in "$RP"/audit.log "$RP"/audit.log.*; do
    [ -f "$_f" ] || continue
    case ${_f##*/} in
      audit.log) _k=0 ;;
      audit.log.*)
        _k=${_f##*.}
        case $_k in '' | *[!0-9]*) continue ;; esac
        ;;
    esac
    if [ "$_k" -gt "$_bestn" ]; then
      _bestn=$_k
      _best=$_f
    fi
  done
  [ -n "$_best" ] || return 2
  [ -r "$_best" ] || return 13
  item "oldest /var/log/audit/${_best##*/}"
  head -n 1 -- "$_best" | head -c 1000
}
# systemd units: states from systemctl on a live host; enablement from the .wants links.
p_units() {
  if [ -z "$R" ] && command -v systemctl >/dev/null 2>&1; then
    item list-units
    to 10 systemctl list-units --type=service,socket --all --no-legend --no-pager --plain
    item list-unit-files
    to 10 systemctl list-unit-files --type=service,socket --no-legend --no-pager
  fi
  item wants
  for _w in /etc/systemd/system /lib/systemd/system /usr/lib/systemd/system; do
    rp "$_w"
    for _f in "$RP"/*.wants/*; do
      [ -e "$_f" ] || [ -L "$_f" ] || continue
      _u=${_f##*/}
      _t=${_f%/*}
      printf '%s %s\n' "${_t##*/}" "$_u"
    done
  done
}
# Listening sockets: ss on a live host (with the process), else /proc/net/{tcp,udp}[6].
p_listening() {
  if [ -z "$R" ] && command -v ss >/dev/null 2>&1; then
    item ss
    to 10 ss -tulpn
  fi
  for _proto in tcp tcp6 udp udp6; do
    pp "net/$_proto"
    [ -f "$RP" ] || continue
    item "proc $_proto"
    head -c 1048576 -- "$RP"
  done
}
p_profile() {
  for _g in /etc/profile '/etc/profile.d/*.sh' /etc/bashrc /etc/bash.bashrc /etc/csh.cshrc \
    /etc/csh.login '/etc/profile.d/*.csh' /root/.bashrc /root/.bash_profile; do
    case ${_g##*/} in
      *'*'*) each "${_g%/*}" "${_g##*/}" profile_item ;;
      *) profile_item "$_g" ;;
    esac
  done
}
p_time_live() {
  [ -z "$R" ] || return 125
  if command -v chronyc >/dev/null 2>&1; then
    item chronyc
    to 5 chronyc -n tracking </dev/null
  fi
  if command -v timedatectl >/dev/null 2>&1; then
    item timedatectl
    to 5 timedatectl status </dev/null
  fi
  if command -v ntpq >/dev/null 2>&1; then
    item ntpq
    to 5 ntpq -pn </dev/null
  fi
}
# One grep for every sysctl ("<path under /proc/sys>:<value>"): a fork per value would be
# slow, and the read builtin cannot read integer sysctls (see rd).
p_sysctl() {
  cd "$P/sys" 2>/dev/null || return 2
  set --
  for _k in net/ipv4/ip_forward net/ipv6/conf/all/forwarding vm/overcommit_memory \
    vm/panic_on_oom vm/swappiness vm/max_map_count kernel/panic kernel/panic_on_oops \
    kernel/pid_max kernel/threads-max kernel/randomize_va_space kernel/dmesg_restrict \
    kernel/kptr_restrict kernel/keys/root_maxkeys kernel/keys/root_maxbytes \
    kernel/softlockup_panic kernel/hung_task_timeout_secs fs/file-max fs/nr_open \
    fs/inotify/max_user_watches fs/inotify/max_user_instances fs/suid_dumpable \
    net/netfilter/nf_conntrack_max net/netfilter/nf_conntrack_buckets \
    net/netfilter/nf_conntrack_tcp_timeout_established net/netfilter/nf_conntrack_udp_timeout \
    net/netfilter/nf_conntrack_udp_timeout_stream net/nf_conntrack_max net/core/somaxconn \
    net/core/netdev_max_backlog net/ipv4/tcp_syncookies net/ipv4/tcp_tw_reuse \
    net/ipv4/tcp_max_syn_backlog net/ipv4/ip_local_port_range \
    net/ipv4/conf/all/accept_redirects net/ipv4/conf/default/accept_redirects \
    net/ipv4/conf/all/send_redirects net/ipv4/conf/all/accept_source_route \
    net/ipv4/conf/all/rp_filter net/ipv4/conf/all/log_martians \
    net/ipv4/icmp_echo_ignore_broadcasts net/ipv4/neigh/default/gc_thresh1 \
    net/ipv4/neigh/default/gc_thresh2 net/ipv4/neigh/default/gc_thresh3 \
    net/ipv6/conf/all/disable_ipv6 net/bridge/*; do
    [ -f "$_k" ] && [ ! -L "$_k" ] && set -- "$@" "$_k"
  done
  [ $# -gt 0 ] || return 2
  grep -H '' -- "$@" | head -n 200
  return 0
}
# prd <key> <path under /proc>: "key=<first line>" when readable.
prd() {
  pp "$2"
  [ -f "$RP" ] && rd "$RP" && printf '%s=%s\n' "$1" "$RD"
}
p_conntrack() {
  prd count sys/net/netfilter/nf_conntrack_count
  prd max sys/net/netfilter/nf_conntrack_max
  item stat
  pp net/stat/nf_conntrack
  [ ! -f "$RP" ] || head -c 65536 -- "$RP"
}
p_limits() {
  prd file-nr sys/fs/file-nr
  prd file-max sys/fs/file-max
  prd pid_max sys/kernel/pid_max
  prd threads-max sys/kernel/threads-max
  prd loadavg loadavg
  set -- "$P"/[0-9]*
  printf 'processes=%s\n' "$#"
}
p_df() {
  # One df -Pk and one df -Pi for all the directories (header and one line per argument),
  # split into the same items; any failure or another line count: df per directory.
  set --
  _dl=
  for _d in / /var /var/lib/kubelet /var/lib/containerd /var/lib/docker /var/lib/etcd /var/log; do
    rp "$_d"
    [ -d "$RP" ] || continue
    _dl="$_dl $_d"
    set -- "$@" "$RP"
  done
  [ $# -gt 0 ] || return 0
  if _k=$(df -Pk -- "$@") && _i=$(df -Pi -- "$@") && dflines "$_k" $# && dflines "$_i" $#; then
    _hk=${_k%%"$NL"*}
    _k=${_k#*"$NL"}$NL
    _hi=${_i%%"$NL"*}
    _i=${_i#*"$NL"}$NL
    for _d in $_dl; do
      item "df $_d"
      printf '%s\n%s\n' "$_hk" "${_k%%"$NL"*}"
      _k=${_k#*"$NL"}
      item "dfi $_d"
      printf '%s\n%s\n' "$_hi" "${_i%%"$NL"*}"
      _i=${_i#*"$NL"}
    done
    return 0
  fi
  for _d in / /var /var/lib/kubelet /var/lib/containerd /var/lib/docker /var/lib/etcd /var/log; do
    rp "$_d"
    [ -d "$RP" ] || continue
    item "df $_d"
    df -Pk -- "$RP"
    item "dfi $_d"
    df -Pi -- "$RP"
  done
}
# dflines <text> <n>: the text is exactly n + 1 lines (a header and one line per directory).
dflines() {
  _t=$1$NL
  _n=0
  while [ -n "$_t" ]; do
    _t=${_t#*"$NL"}
    _n=$((_n + 1))
  done
  [ $_n -eq $(($2 + 1)) ]
}
p_resolv() {
  for _f in /etc/resolv.conf /run/systemd/resolve/resolv.conf; do
    rp "$_f"
    [ -f "$RP" ] || continue
    item "$_f"
    head -c 65536 -- "$RP"
  done
}
now_ns() { date +%s%N; }
p_dns() {
  [ -n "$S" ] || return 125
  if command -v dig >/dev/null 2>&1; then
    _tool=dig
  elif command -v nslookup >/dev/null 2>&1; then
    _tool=nslookup
  elif command -v getent >/dev/null 2>&1; then
    _tool=getent
  else
    return 127
  fi
  for _n in "kubernetes.default.svc.$D" "$X"; do
    [ -n "$_n" ] || continue
    item "query $_tool $_n"
    _t0=$(now_ns)
    case $_tool in
      dig) to 10 dig +time=2 +tries=1 "@$S" "$_n" A </dev/null ;;
      nslookup) to 10 nslookup "$_n" "$S" </dev/null ;;
      getent) to 10 getent hosts "$_n" </dev/null ;;
    esac
    _r=$?
    _t1=$(now_ns)
    item "timing $_r $_t0 $_t1"
  done
}
KAWK='{ sub(/\r$/, ""); s = substr($0, 1, 300); k = "" }
/nf_conntrack: table full/ { k = "conntrack_full" }
/[Oo]ut of memory: Kill/ { k = "oom_kill" }
/blocked for more than [0-9]+ seconds/ { k = "hung_task" }
k != "" { c[k]++; r[k, (c[k] - 1) % 5] = s }
END {
  n = split("conntrack_full oom_kill hung_task", ks, " ")
  for (i = 1; i <= n; i++) {
    k = ks[i]; print "count " k " " (c[k] + 0)
    first = c[k] > 5 ? c[k] - 5 : 0
    for (j = first; j < c[k]; j++) print "sample " k " " r[k, j % 5]
  }
}'
p_kmsg() {
  if [ -z "$R" ] && command -v dmesg >/dev/null 2>&1 && dmesg >/dev/null 2>&1; then
    item dmesg
    dmesg 2>/dev/null | awk "$KAWK"
    return 0
  fi
  for _f in /var/log/kern.log /var/log/messages /var/log/syslog; do
    rp "$_f"
    [ -f "$RP" ] && [ -r "$RP" ] || continue
    item "$_f"
    tail -c 16777216 -- "$RP" | awk "$KAWK"
    return 0
  done
  return 2
}
# Certificates: only the CERTIFICATE blocks of *.crt/*.pem files (a kubelet-client-current.pem
# also holds the private key: those lines are never printed) and the certificate fields of the
# kubeconfigs (never their key fields).
PEMAWK='{ sub(/\r$/, "") }
/^-----BEGIN / { p = ($0 == "-----BEGIN CERTIFICATE-----") }
p && /^[A-Za-z0-9+\/= -]*$/ { print; n++ }
/^-----END / { p = 0 }
n > 2000 { exit }'
KCAWK='{ sub(/\r$/, "") }
/^[ \t]*(client-certificate-data|certificate-authority-data):[ \t]*[A-Za-z0-9+\/=]+[ \t]*$/ {
  sub(/^[ \t]*/, ""); print }'
cert_item() {
  case ${1##*/} in *.key | *-key.pem | *_key.pem | *.key.pem) return 0 ;; esac
  rp "$1"
  [ -f "$RP" ] || return 0
  item "pem $1"
  head -c $F -- "$RP" | awk "$PEMAWK"
}
p_certs() {
  for _d in /etc/kubernetes/pki /etc/kubernetes/pki/etcd /var/lib/kubelet/pki /etc/etcd/ssl \
    /etc/kubernetes/ssl; do
    each "$_d" '*.crt' cert_item
    each "$_d" '*.pem' cert_item
  done
  for _f in /etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf \
    /etc/kubernetes/controller-manager.conf /etc/kubernetes/scheduler.conf \
    /etc/kubernetes/kubelet.conf; do
    rp "$_f"
    [ -f "$RP" ] || continue
    item "kubeconfig $_f"
    head -c $F -- "$RP" | awk "$KCAWK"
  done
}

# Serving endpoints: the certificate each local TLS endpoint presents (only the first
# CERTIFICATE block of `openssl s_client`'s output, and up to 3 lines saying why a connection
# failed), read on the live host only (under a host root 127.0.0.1 is not the node's), with
# `timeout` only (a peer that accepts and never answers would stall the probe). s_client sends
# nothing: its stdin is /dev/null, so it closes right after the handshake.
EPAWK='{ sub(/\r$/, "") }
$0 == "-----BEGIN CERTIFICATE-----" && !done { p = 1 }
p && /^[A-Za-z0-9+\/= -]*$/ { print }
$0 == "-----END CERTIFICATE-----" && p { p = 0; done = 1 }
!p && !done && r < 3 && /errno|refused|[Ee]rror|timed out|[Uu]nable|[Nn]o route|reset/ {
  gsub(/[^ -~]/, "?"); print "! " substr($0, 1, 300); r++ }'
# The local TCP ports in LISTEN state (" 22 6443 ... "), from /proc/net/tcp{,6} in one awk, so
# that a port nothing listens on costs no openssl process (most nodes serve two or three of
# the six). Empty when the tables cannot be read: then every endpoint is tried.
LPAWK='$4 == "0A" { n = split($2, a, ":"); h = toupper(a[n]); v = 0
  for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1
  printf " %d", v }
END { print " " }'
# ep <host:port> <component>: item "endpoint <exit status> <component> <host:port>".
ep() {
  case $_lp in
    '' | *" ${1##*:} "*) ;;
    *)
      item "endpoint 1 $2 $1"
      printf '! connect: Connection refused (nothing listens on port %s)\n' "${1##*:}"
      return
      ;;
  esac
  _o=$(timeout 5 openssl s_client -connect "$1" </dev/null 2>&1)
  _r=$?
  item "endpoint $_r $2 $1"
  printf '%s\n' "$_o" | awk "$EPAWK"
}
p_endpoints() {
  [ -z "$R" ] || return 125
  [ -n "$HAVE_TIMEOUT" ] || return 126
  command -v openssl >/dev/null 2>&1 || return 127
  _lp=
  if [ -r "$P/net/tcp" ]; then _lp=$(awk "$LPAWK" "$P/net/tcp" "$P/net/tcp6" 2>/dev/null); fi
  ep 127.0.0.1:6443 kube-apiserver
  ep 127.0.0.1:10250 kubelet
  ep 127.0.0.1:10257 kube-controller-manager
  ep 127.0.0.1:10259 kube-scheduler
  ep 127.0.0.1:2379 etcd
  # kubeadm's etcd listens for peers on the node address only: the first --listen-peer-urls.
  _u=
  for _d in "$P"/[0-9]*; do
    pidok "$_d" || continue
    read -r _c 2>/dev/null <"$_d/comm" || continue
    [ "$_c" = etcd ] || continue
    _u=$(argval "${_d##*/}" listen-peer-urls)
    break
  done
  _u=${_u%%,*}
  _u=${_u#https://}
  _u=${_u%%/*}
  case $_u in '' | *[!0-9A-Za-z.:\[\]-]* | *[!0-9]) _u=127.0.0.1:2380 ;; esac
  ep "$_u" etcd-peer
  _IFS=$IFS
  IFS=,
  for _e in $E; do
    IFS=$_IFS
    case $_e in *:*[0-9]) ep "$_e" extra ;; esac
  done
  IFS=$_IFS
}

secn $((${#R} + ${#S} + 4096)) meta p_meta
secn $F os-release catf /etc/os-release
secn $F redhat-release catf /etc/redhat-release
secn $F hostname p_hostname
secn 4096 kernel p_kernel
secn 65536 uptime p_proc uptime
secn 65536 meminfo p_proc meminfo
secn 65536 swaps p_proc swaps
secn 2 cgroup p_cgroup
sec processes p_processes
sec kubelet-version p_version kubelet
sec containerd-version p_version containerd
sec dockerd-version p_version dockerd
sec kubelet-config p_kubelet_config
sec kube-proxy-config p_proxy_config
sec files p_files
secn $((2 * F)) passwd p_passwd
secn $((F + 1)) group p_group
sec shadow p_shadow
secn $((F + 4096)) login-defs catitems /etc/login.defs
secitems pam /etc/pam.d/system-auth /etc/pam.d/password-auth /etc/pam.d/common-password \
  /etc/pam.d/common-auth /etc/pam.d/common-account /etc/pam.d/sshd /etc/pam.d/login \
  /etc/pam.d/su /etc/security/pwquality.conf '/etc/security/pwquality.conf.d/*.conf' \
  /etc/security/faillock.conf
secn "$ZR" sshd-effective p_sshd_effective
secitems sshd-config /etc/ssh/sshd_config '/etc/ssh/sshd_config.d/*.conf'
secn "$ZR" audit-live p_audit_live
secitems audit-files /etc/audit/audit.rules '/etc/audit/rules.d/*.rules' \
  /etc/audit/auditd.conf /etc/audit/plugins.d/au-remote.conf /etc/audisp/plugins.d/au-remote.conf
sec profile p_profile
secn 4096 audit-oldest p_audit_oldest
sec apiserver-files p_apiserver_files
sec units p_units
sec listening p_listening
secn "$ZR" time-live p_time_live
secitems time-files /etc/chrony.conf /etc/chrony/chrony.conf /etc/ntp.conf \
  /etc/systemd/timesyncd.conf
sec sysctl p_sysctl
sec conntrack p_conntrack
sec limits p_limits
sec df p_df
secn $((2 * 65536 + 8192)) resolv p_resolv
secn "$ZS" dns p_dns
secn 65536 kmsg p_kmsg
sec certificates p_certs
sec endpoints p_endpoints
printf '%s done\n' "$N"
