#!/usr/bin/env python3
"""A TCP proxy for fault tests: forwards every connection to TARGET untouched, except the first ClickHouse insert
(a request whose body holds "FORMAT Native"): after 64 KiB of that insert's data it stops forwarding and prints
"STALLED <client host>:<client port>", so a test can kill the process that is sending mid-insert. When the
client goes away the upstream connection is closed at once, cut in the middle of the insert.

usage: stall_proxy.py TARGET_HOST TARGET_PORT      (prints "LISTENING <port>" once it accepts connections)
Test tooling only; never part of the product.
"""
import socket
import sys
import threading

MARK = b"FORMAT Native"
STALL_AFTER = 64 * 1024
stall_used = threading.Lock()


def pump(source, target, watch, client_name):
    seen = b""
    forwarded_after_mark = None
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if watch and forwarded_after_mark is None:
                seen += data
                if MARK in seen:
                    forwarded_after_mark = 0
                seen = seen[-len(MARK):]
            if forwarded_after_mark is not None:
                forwarded_after_mark += len(data)
                if forwarded_after_mark > STALL_AFTER and stall_used.acquire(blocking=False):
                    print("STALLED %s" % client_name, flush=True)
                    while source.recv(65536):  # swallow the rest until the client dies
                        pass
                    break
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


def serve(client, address, target):
    try:
        upstream = socket.create_connection(target)
    except OSError:
        client.close()
        return
    name = "%s:%d" % address
    threading.Thread(target=pump, args=(client, upstream, True, name), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, client, False, name), daemon=True).start()


def main():
    target = (sys.argv[1], int(sys.argv[2]))
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print("LISTENING %d" % listener.getsockname()[1], flush=True)
    while True:
        client, address = listener.accept()
        serve(client, address, target)


if __name__ == "__main__":
    main()
