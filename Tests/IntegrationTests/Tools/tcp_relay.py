#!/usr/bin/env python3
"""A plain TCP relay for the chaos script's network-cut scenario: listens on LISTEN_HOST:LISTEN_PORT and forwards
every connection, both ways, to TARGET_HOST:TARGET_PORT. PostgreSQL and ClickHouse listen on 127.0.0.1 only; a relay
on the host's side of a veth pair lets an executor in another network namespace reach them, so that cutting the
link cuts that executor off from everything.

usage: tcp_relay.py LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT   (prints "LISTENING" once it accepts)
Test tooling only; never part of the product.
"""
import socket
import sys
import threading


def pump(source, target):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    for sock in (source, target):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    listen_host, listen_port, target_host, target_port = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((listen_host, listen_port))
    server.listen(64)
    print("LISTENING", flush=True)
    while True:
        client, _ = server.accept()
        try:
            upstream = socket.create_connection((target_host, target_port))
        except OSError:
            client.close()
            continue
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=pump, args=(a, b), daemon=True).start()


if __name__ == "__main__":
    main()
