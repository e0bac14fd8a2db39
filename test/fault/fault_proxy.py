#!/usr/bin/env python3
"""A TCP proxy that injects transport faults between kpatrol and a real sshd (or any server).

usage: fault_proxy.py --listen PORT --target HOST:PORT --ready FILE --schedule MODE[,MODE...]

Each accepted connection takes the next MODE of the schedule (the last one repeats):
  pass              forward both ways untouched
  drop:N            forward N bytes server->client, then close both sides (connection drop)
  stall:N           forward N bytes server->client, then forward nothing more, keep the
                    connection open (a stalled peer: only the client's timeout ends it)
  truncate:N        forward N bytes server->client, then shut down the client's read side
                    (half-close: the output ends early, cleanly at the TCP level)
  garbage:N         forward N bytes server->client, then send 4 KiB of random bytes instead
                    of the rest (corrupt data on the wire)
N counts bytes from the start of the connection, so small values hit the SSH handshake and
large ones the middle of the probe's output. Every connection and the fault applied are
logged to stderr ("conn 3 drop:9000 applied after 9000 bytes").
"""
import argparse
import os
import selectors
import socket
import sys
import threading


def parse_mode(text):
    name, _, n = text.partition(":")
    if name not in ("pass", "drop", "stall", "truncate", "garbage"):
        raise SystemExit(f"fault_proxy: unknown mode {text!r}")
    return name, int(n or 0)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def serve(conn_id, client, target, mode):
    name, limit = mode
    try:
        server = socket.create_connection(target, timeout=10)
    except OSError as e:
        log(f"conn {conn_id}: cannot reach {target}: {e}")
        client.close()
        return
    server.settimeout(None)
    sel = selectors.DefaultSelector()
    sel.register(client, selectors.EVENT_READ, server)
    sel.register(server, selectors.EVENT_READ, client)
    sent_down = 0  # server -> client bytes
    applied = False
    try:
        while True:
            for key, _ in sel.select():
                src, dst = key.fileobj, key.data
                data = src.recv(65536)
                if not data:
                    log(f"conn {conn_id} {name}:{limit}: closed after {sent_down} bytes")
                    return
                if src is client or name == "pass" or applied:
                    if src is server and applied:
                        continue  # stalled: swallow
                    dst.sendall(data)
                    if src is server:
                        sent_down += len(data)
                    continue
                room = limit - sent_down
                if room > len(data):
                    client.sendall(data)
                    sent_down += len(data)
                    continue
                client.sendall(data[:max(room, 0)])
                sent_down += max(room, 0)
                log(f"conn {conn_id} {name}:{limit}: applied after {sent_down} bytes")
                if name == "drop":
                    return
                if name == "truncate":
                    client.shutdown(socket.SHUT_WR)
                    applied = True
                elif name == "garbage":
                    client.sendall(os.urandom(4096))
                    applied = True
                elif name == "stall":
                    applied = True
    except OSError as e:
        log(f"conn {conn_id} {name}:{limit}: {e}")
    finally:
        sel.close()
        for s in (client, server):
            try:
                s.close()
            except OSError:
                pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", type=int, required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--schedule", default="pass")
    args = ap.parse_args()
    host, _, port = args.target.rpartition(":")
    target = (host, int(port))
    schedule = [parse_mode(m) for m in args.schedule.split(",")]
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", args.listen))
    lsock.listen(64)
    with open(args.ready, "w") as f:
        f.write(f"{args.listen}\n")
    n = 0
    while True:
        client, _ = lsock.accept()
        mode = schedule[min(n, len(schedule) - 1)]
        log(f"conn {n}: {mode[0]}:{mode[1]}")
        threading.Thread(target=serve, args=(n, client, target, mode), daemon=True).start()
        n += 1


if __name__ == "__main__":
    main()
