#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Send human-monitor commands to a QEMU QMP socket; print their output.

Usage: hmp.py SOCKET COMMAND...   (each COMMAND is one HMP line)
"""
import json
import socket
import sys


def main():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(30)
    sock.connect(sys.argv[1])
    stream = sock.makefile("rw")

    def reply():
        while True:
            msg = json.loads(stream.readline())
            if "return" in msg or "error" in msg:
                return msg

    json.loads(stream.readline())  # greeting
    stream.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
    stream.flush()
    reply()
    for line in sys.argv[2:]:
        stream.write(json.dumps({"execute": "human-monitor-command",
                                 "arguments": {"command-line": line}}) + "\n")
        stream.flush()
        msg = reply()
        if "error" in msg:
            print(msg["error"].get("desc", msg), file=sys.stderr)
            return 1
        print(msg["return"], end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
