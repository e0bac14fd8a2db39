# Shared by test/ssh/ssh_e2e.sh and test/bench/ssh/bench_ssh.sh: real OpenSSH sshd processes on
# loopback with generated keys. Source it after setting T (a temp dir) and a cleanup trap that
# calls sshd_stop_all.
SSHD_PIDS=()

# free_port: a TCP port nobody listens on now (the kernel picks it).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# sshd_start <name> <addr> <port> <hostkey> [extra config lines...]: writes $T/<name>.conf,
# starts sshd -D -e, logs to $T/<name>.log, waits until it accepts connections.
sshd_start() {
  local name=$1 addr=$2 port=$3 hostkey=$4
  shift 4
  mkdir -p /run/sshd
  {
    # sshd takes the first value of a keyword: the caller's lines go first.
    for line in "$@"; do echo "$line"; done
    echo "Port $port"
    echo "ListenAddress $addr"
    echo "HostKey $hostkey"
    echo "PidFile none"
    echo "AuthorizedKeysFile $T/authorized_keys"
    echo "StrictModes no"
    echo "PermitRootLogin prohibit-password"
    echo "PasswordAuthentication no"
    echo "KbdInteractiveAuthentication no"
    echo "UsePAM no"
    echo "UseDNS no"
    echo "PrintMotd no"
    echo "PrintLastLog no"
    echo "X11Forwarding no"
    echo "MaxStartups 256"
    echo "LogLevel ${SSHD_LOGLEVEL:-INFO}"
  } >"$T/$name.conf"
  /usr/sbin/sshd -D -e -f "$T/$name.conf" 2>"$T/$name.log" &
  SSHD_PIDS+=($!)
  local i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/$addr/$port") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "sshd $name did not start on $addr:$port:" >&2
  cat "$T/$name.log" >&2
  return 1
}

sshd_stop_all() {
  local p
  for p in "${SSHD_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${SSHD_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  SSHD_PIDS=()
}
