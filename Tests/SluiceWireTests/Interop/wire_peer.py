#!/usr/bin/env python3
"""An independent Sluice wire protocol v3 executor, written from docs/protocol.md alone.

Used by PythonInteropTests: it connects to a Swift WireServer, runs the handshake (and checks the
driver's proof), answers heartbeats, decodes RUN_CONFIG and ASSIGN_TASK, answers each task with
TASK_PROGRESS, TASK_RESULT and TASK_FAILED derived from the task, and prints what it decoded as JSON
lines on stdout. Usage: wire_peer.py PORT EXECUTOR_ID (secret in SLUICE_TOKEN).
"""
import hashlib
import hmac
import json
import os
import socket
import struct
import sys

MAGIC = b"SL"
VERSION = 4  # the protocol version this peer speaks
HEADER = struct.Struct(">2sBBBI")  # magic, format version, type, flags, payload length
TYPES = {
    "HELLO": 0x01, "CHALLENGE": 0x02, "AUTH": 0x03, "WELCOME": 0x04, "HEARTBEAT": 0x05, "ERROR": 0x06,
    "SHUTDOWN": 0x07, "RUN_CONFIG": 0x10, "ASSIGN_TASK": 0x11, "TASK_PROGRESS": 0x12, "TASK_RESULT": 0x13,
    "TASK_FAILED": 0x14, "DRAINING": 0x15, "TASK_HANDED_BACK": 0x16, "CANCEL_TASK": 0x17,
}
NAMES = {v: k for k, v in TYPES.items()}


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("payload too short")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def u8(self): return self.take(1)[0]
    def u16(self): return struct.unpack(">H", self.take(2))[0]
    def u32(self): return struct.unpack(">I", self.take(4))[0]
    def i32(self): return struct.unpack(">i", self.take(4))[0]
    def u64(self): return struct.unpack(">Q", self.take(8))[0]
    def string(self): return self.take(self.u32()).decode("utf-8")
    def blob(self): return self.take(self.u32())

    def optional(self, read):
        present = self.u8()
        if present not in (0, 1):
            raise ValueError("bad presence byte")
        return read() if present else None

    def done(self):
        if self.pos != len(self.data):
            raise ValueError("trailing bytes")


def string(text): 
    raw = text.encode("utf-8")
    return struct.pack(">I", len(raw)) + raw


def blob(data): return struct.pack(">I", len(data)) + data


def optional_string(text): return b"\x00" if text is None else b"\x01" + string(text)
def optional_i64(value): return b"\x00" if value is None else b"\x01" + struct.pack(">q", value)


def frame(kind, payload=b""):
    return HEADER.pack(MAGIC, 1, TYPES[kind], 0, len(payload)) + payload


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return data


def read_frame(sock):
    magic, version, kind, flags, length = HEADER.unpack(read_exact(sock, HEADER.size))
    if magic != MAGIC or version != 1 or flags != 0:
        raise ValueError("bad header")
    return NAMES[kind], read_exact(sock, length)


def transcript(version, min_v, max_v, slots, client_nonce, server_nonce, executor_id):
    return (struct.pack(">HHHI", version, min_v, max_v, slots) + client_nonce + server_nonce
            + string(executor_id))


def decode_task(r):
    task = {"id": r.u64(), "attempt": r.u32(), "partitionIndex": r.u32(), "partitionCount": r.u32(),
            "runID": r.string(), "table": r.string(), "shardPath": r.string()}
    task["readKind"] = r.string()
    task["readBytes"] = list(r.blob())
    task["related"] = []
    for _ in range(r.u32()):
        child = {"table": r.string(), "shardPath": r.string(), "readKind": r.string()}
        child["readBytes"] = list(r.blob())
        task["related"].append(child)
    r.done()
    return task


def counts(entries):
    """A map string -> u64: count, then entries in ascending byte order of the name."""
    ordered = sorted(entries, key=lambda e: e[0].encode())
    return struct.pack(">I", len(ordered)) + b"".join(string(name) + struct.pack(">Q", count) for name, count in ordered)


def task_output(table, extracted, staged, deleted, dropped, filtered, shard_bytes, shard_path, quarantine_path,
                nulled, quarantined, receipt_kind, receipt_bytes):
    return (string(table) + struct.pack(">QQQQQQ", extracted, staged, deleted, dropped, filtered, shard_bytes)
            + string(shard_path) + optional_string(quarantine_path) + counts(nulled) + counts(quarantined)
            + string(receipt_kind) + blob(receipt_bytes))


def main():
    port, executor_id = int(sys.argv[1]), sys.argv[2]
    secret = os.environ["SLUICE_TOKEN"].rstrip("\r\n").encode()
    sock = socket.create_connection(("127.0.0.1", port))
    client_nonce = os.urandom(32)
    slots = 2
    sock.sendall(frame("HELLO", struct.pack(">HHI", VERSION, VERSION, slots) + client_nonce + string(executor_id)))

    kind, payload = read_frame(sock)
    if kind == "ERROR":
        r = Reader(payload)
        print(json.dumps({"error": r.u16(), "message": r.string()}), flush=True)
        return 3
    assert kind == "CHALLENGE", kind
    r = Reader(payload)
    version, server_nonce = r.u16(), r.take(32)
    r.done()
    t = transcript(version, VERSION, VERSION, slots, client_nonce, server_nonce, executor_id)
    proof = hmac.new(secret, b"sluice-wire executor proof\x00" + t, hashlib.sha256).digest()
    sock.sendall(frame("AUTH", proof))

    kind, payload = read_frame(sock)
    if kind == "ERROR":
        r = Reader(payload)
        print(json.dumps({"error": r.u16(), "message": r.string()}), flush=True)
        return 3
    assert kind == "WELCOME", kind
    r = Reader(payload)
    driver_proof, session_id, interval, timeout = r.take(32), r.u64(), r.u32(), r.u32()
    r.done()
    expected = hmac.new(secret, b"sluice-wire driver proof\x00" + t + struct.pack(">QII", session_id, interval, timeout),
                        hashlib.sha256).digest()
    if not hmac.compare_digest(driver_proof, expected):
        print(json.dumps({"error": "driver proof mismatch"}), flush=True)
        return 4
    print(json.dumps({"welcome": {"version": version, "interval": interval, "timeout": timeout}}), flush=True)

    while True:
        kind, payload = read_frame(sock)
        r = Reader(payload)
        if kind == "HEARTBEAT":
            r.done()
            sock.sendall(frame("HEARTBEAT"))
        elif kind == "RUN_CONFIG":
            config = {"runID": r.string(), "plan": r.string()}
            r.done()
            print(json.dumps({"runConfig": config}), flush=True)
        elif kind == "ASSIGN_TASK":
            task = decode_task(r)
            print(json.dumps({"task": task}), flush=True)
            sock.sendall(frame("TASK_PROGRESS", struct.pack(">QIQB", task["id"], task["attempt"], 3, 0)))
            # taskID, attempt, extractMicroseconds, loadMicroseconds, maxCursor, the task's output, related outputs
            output = task_output(task["table"], 1000, 999, 7, 1, 5, 4096, task["shardPath"], None,
                                 [(task["readKind"], len(task["readBytes"])), ("", 0)], [("total ≥ 0", 2), ("a", 1)],
                                 "py-stage", bytes(reversed(task["readBytes"])))
            related = [task_output(child["table"], 10, 9, 0, 0, 1, 64, child["shardPath"], child["shardPath"] + ".q",
                                   [], [("parent", 1)], child["readKind"], bytes(child["readBytes"]))
                       for child in task["related"]]
            result = (struct.pack(">QIQQ", task["id"], task["attempt"], 2, 3) + optional_string(task["table"]) + output
                      + struct.pack(">I", len(related)) + b"".join(related))
            sock.sendall(frame("TASK_RESULT", result))
            failed = (struct.pack(">QI", task["id"], task["attempt"]) + b"\x01" + string("py_error") + string(task["table"])
                      + optional_string(None) + optional_string(task["runID"]) + optional_i64(-7) + optional_string(None)
                      + optional_string(task["table"]) + optional_string(None) + optional_i64(task["partitionIndex"])
                      + optional_string("%s#%d" % (task["table"], task["partitionIndex"])))
            sock.sendall(frame("TASK_FAILED", failed))
        elif kind == "SHUTDOWN":
            reason = r.string()
            r.done()
            print(json.dumps({"shutdown": reason}), flush=True)
            sock.sendall(frame("SHUTDOWN", string("python peer done")))
            sock.close()
            return 0
        elif kind == "ERROR":
            print(json.dumps({"error": r.u16(), "message": r.string()}), flush=True)
            return 5
        else:
            raise ValueError("unexpected " + kind)


if __name__ == "__main__":
    sys.exit(main())
