#!/usr/bin/env python3
"""A bandwidth-limited TCP proxy on loopback, for bench/insert: a slower network than loopback, in user space.

    throttle_proxy.py --target 127.0.0.1:28123 --rate 100mbit [--listen-host 127.0.0.1]

Listens on an ephemeral port of 127.0.0.1 (printed as the first line of stdout, so nothing has to poll for it),
forwards every connection to --target and limits each direction of each connection to --rate with a token
bucket (64 KiB of burst), like `tc qdisc ... tbf` would on a real link (the kernel here has no netem, and a
qdisc on lo would slow every other user of the machine). Runs until killed.
"""
import argparse
import socket
import sys
import threading
import time

UNITS = {"kbit": 1e3 / 8, "mbit": 1e6 / 8, "gbit": 1e9 / 8, "kb": 1e3, "mb": 1e6, "gb": 1e9}
CHUNK = 64 * 1024


def parse_rate(text):
    for unit, factor in UNITS.items():
        if text.lower().endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)  # bytes per second


def pump(source, destination, rate):
    tokens, last = float(CHUNK), time.monotonic()
    try:
        while True:
            data = source.recv(CHUNK)
            if not data:
                break
            now = time.monotonic()
            tokens = min(float(CHUNK), tokens + (now - last) * rate)
            last = now
            if tokens < len(data):
                time.sleep((len(data) - tokens) / rate)
                now = time.monotonic()
                tokens += (now - last) * rate
                last = now
            tokens -= len(data)
            destination.sendall(data)
    except OSError:
        pass
    finally:
        for sock, how in ((destination, socket.SHUT_WR), (source, socket.SHUT_RD)):
            try:
                sock.shutdown(how)
            except OSError:
                pass


def serve(client, target, rate):
    try:
        upstream = socket.create_connection(target)
    except OSError:
        client.close()
        return
    for sock in (client, upstream):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    threads = [threading.Thread(target=pump, args=(client, upstream, rate), daemon=True),
               threading.Thread(target=pump, args=(upstream, client, rate), daemon=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close()
    upstream.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True, help="host:port to forward to")
    parser.add_argument("--rate", required=True, help="per direction: 100mbit, 1gbit, 20mb (bytes), ...")
    parser.add_argument("--listen-host", default="127.0.0.1")
    args = parser.parse_args()
    host, port = args.target.rsplit(":", 1)
    target, rate = (host, int(port)), parse_rate(args.rate)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.listen_host, 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, target, rate), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
