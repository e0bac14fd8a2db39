#!/usr/bin/env python3
"""A minimal DNS responder for the probe test: answers A queries for *.cluster.local with
10.96.0.1 and everything else with NXDOMAIN. Usage: dns_responder.py ADDRESS PORT.
Prints "ready" once bound; exits when stdin closes."""
import socket
import struct
import sys
import threading


def answer(query):
    qid, flags, qd, _, _, _ = struct.unpack(">HHHHHH", query[:12])
    pos = 12
    labels = []
    while query[pos] != 0:
        n = query[pos]
        labels.append(query[pos + 1:pos + 1 + n].decode("ascii", "replace"))
        pos += n + 1
    question = query[12:pos + 5]
    name = ".".join(labels).lower()
    if name.endswith("cluster.local"):
        header = struct.pack(">HHHHHH", qid, 0x8580, 1, 1, 0, 0)
        rr = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 30, 4) + socket.inet_aton("10.96.0.1")
        return header + question + rr
    return struct.pack(">HHHHHH", qid, 0x8583, 1, 0, 0, 0) + question


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((sys.argv[1], int(sys.argv[2])))
    print("ready", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), s.close()), daemon=True).start()
    while True:
        try:
            data, peer = s.recvfrom(512)
        except OSError:
            return
        try:
            s.sendto(answer(data), peer)
        except Exception:  # a malformed query gets no answer
            pass


main()
