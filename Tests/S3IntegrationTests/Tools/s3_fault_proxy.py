#!/usr/bin/env python3
"""An HTTP proxy for the S3 client's retry tests: a flaky S3 endpoint in front of a real one.

It answers the first requests with the faults listed in FAULTS, one fault a request in order, and forwards every
later request (and every request whose fault is "pass") to TARGET untouched, Host header and signature included.

    slowdown   503 with an S3 <Error> document, code SlowDown
    internal   500, code InternalError
    reset      no answer: the connection is reset (TCP RST) once the request has been read
    forbidden  403, code AccessDenied
    notfound   404, code NoSuchKey
    pass       forwarded

Every answer carries "Connection: close", so that each request comes on a connection of its own and libcurl never
resends a request on its own behind the client's back. For each request it prints "REQUEST <n> <METHOD> <path>
<action>" and keeps the same line for GET /__proxy__/requests (not counted; no bucket can be named so), from which a
test reads what the client sent.

usage: s3_fault_proxy.py TARGET_HOST TARGET_PORT [FAULT,FAULT,...]   (prints "LISTENING <port>" once it accepts)
Test tooling only; never part of the product.
"""
import http.client
import os
import signal
import socket
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TARGET_HOST, TARGET_PORT = sys.argv[1], int(sys.argv[2])
FAULTS = [f for f in (sys.argv[3] if len(sys.argv) > 3 else "").split(",") if f]
ERRORS = {
    "slowdown": (503, "SlowDown", "Please reduce your request rate."),
    "internal": (500, "InternalError", "We encountered an internal error. Please try again."),
    "forbidden": (403, "AccessDenied", "Access Denied"),
    "notfound": (404, "NoSuchKey", "The specified key does not exist."),
}
# Hop-by-hop fields, and the ones this proxy sets itself.
DROPPED = {"connection", "keep-alive", "transfer-encoding", "content-length", "expect", "proxy-connection"}

CONTROL_PATH = "/__proxy__/requests"
log_lock = threading.Lock()
seen = []


def next_action(method, path):
    with log_lock:
        number = len(seen) + 1
        action = FAULTS[number - 1] if number <= len(FAULTS) else "pass"
        seen.append(f"REQUEST {number} {method} {path} {action}")
    print(seen[number - 1], flush=True)
    return number, action


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def handle_request(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.close_connection = True
        if self.command == "GET" and self.path == CONTROL_PATH:
            with log_lock:
                self.answer(200, "text/plain", "".join(line + "\n" for line in seen).encode(), {})
            return
        number, action = next_action(self.command, self.path)
        if action == "reset":
            # SO_LINGER 0 makes close() send RST; detach first, since the handler's files keep the socket open.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            os.close(self.connection.detach())
            return
        if action in ERRORS:
            status, code, message = ERRORS[action]
            self.answer_error(status, code, message, number)
        elif action == "pass":
            self.forward(body)
        else:
            raise SystemExit(f"unknown fault {action!r}")

    def answer_error(self, status, code, message, number):
        document = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
                    f"<RequestId>fault-proxy-{number}</RequestId></Error>").encode()
        self.answer(status, "application/xml", document, {"x-amz-request-id": f"fault-proxy-{number}"})

    def answer(self, status, content_type, body, headers):
        self.send_response_only(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if self.command != "HEAD" else 0))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def forward(self, body):
        upstream = http.client.HTTPConnection(TARGET_HOST, TARGET_PORT, timeout=60)
        headers = {name: value for name, value in self.headers.items() if name.lower() not in DROPPED}
        if length_given := self.headers.get("Content-Length"):
            headers["Content-Length"] = length_given
        upstream.request(self.command, self.path, body=body if body or length_given else None, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        upstream.close()
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in DROPPED or (self.command == "HEAD" and name.lower() == "content-length"):
                self.send_header(name, value)
        if self.command != "HEAD":
            self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_request


def main():
    # A parent's dispatch worker thread may have blocked these for us: let the default action (exit) happen.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"LISTENING {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
