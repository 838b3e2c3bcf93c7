#!/usr/bin/env python3
"""A TCP proxy for retry tests: ClickHouse that goes away for a while. It forwards every connection to TARGET
untouched until the first ClickHouse insert (a request holding "FORMAT Native") arrives. That insert is not
forwarded: the proxy prints "OUTAGE", cuts every open connection, and stops listening, so that for OUTAGE_SECONDS
every connection attempt is refused (ECONNREFUSED), as if the server were down. Then it listens on the same port
again, prints "BACK" and forwards everything from then on.

usage: outage_proxy.py TARGET_HOST TARGET_PORT OUTAGE_SECONDS   (prints "LISTENING <port>" once it accepts connections)
Test tooling only; never part of the product.
"""
import select
import socket
import sys
import threading
import time

MARKS = (b"FORMAT Native", b"FORMAT%20Native", b"FORMAT+Native")
outage = threading.Event()
used = threading.Lock()
open_sockets = set()
open_lock = threading.Lock()


def close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def cut_everything():
    with open_lock:
        sockets = list(open_sockets)
        open_sockets.clear()
    for sock in sockets:
        close(sock)


def pump(source, target, watch):
    seen = b""
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if watch and not outage.is_set():
                window = seen + data
                if any(mark in window for mark in MARKS) and used.acquire(blocking=False):
                    print("OUTAGE", flush=True)
                    outage.set()
                    cut_everything()
                    break
                seen = window[-32:]
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            with open_lock:
                open_sockets.discard(sock)
            close(sock)


def serve(client, target):
    try:
        upstream = socket.create_connection(target)
    except OSError:
        close(client)
        return
    with open_lock:
        open_sockets.update((client, upstream))
    threading.Thread(target=pump, args=(client, upstream, True), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, client, False), daemon=True).start()


def listen(port):
    while True:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", port))
        except OSError:
            listener.close()
            time.sleep(0.05)
            continue
        listener.listen(64)
        return listener


def main():
    target = (sys.argv[1], int(sys.argv[2]))
    outage_seconds = float(sys.argv[3])
    listener = listen(0)
    port = listener.getsockname()[1]
    print("LISTENING %d" % port, flush=True)
    down_done = False
    while True:
        if outage.is_set() and not down_done:
            close(listener)
            time.sleep(outage_seconds)
            listener = listen(port)
            down_done = True
            print("BACK", flush=True)
        ready, _, _ = select.select([listener], [], [], 0.05)
        if not ready:
            continue
        client, _ = listener.accept()
        if outage.is_set() and not down_done:
            close(client)
            continue
        serve(client, target)


if __name__ == "__main__":
    main()
