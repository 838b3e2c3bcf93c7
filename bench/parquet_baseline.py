#!/usr/bin/env python3
"""Driver of bench/parquet: runs Sluice's side (sluice-bench parquet) and pyarrow's side on the same data, in
interleaved rounds, and prints the combined JSON result.

Each round runs sluice-bench twice (glibc malloc defaults, then glibc keeping freed memory as pyarrow's memory
pool does) and pyarrow once, each timing best-of-REPEATS writes and reads; the result keeps each side's best
across rounds, so that load from other processes on a shared machine falls on both sides alike. Both
wall-clock and CPU seconds (user + system of the process) are recorded; the ratios use CPU seconds (both sides
are single-threaded, so CPU time is the time the work takes on an otherwise idle core); wall ratios are
reported beside them.

usage: parquet_baseline.py SLUICE_BENCH_BINARY ROWS REPEATS ROUNDS WORK_DIR
"""
import json
import os
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq

pa.set_cpu_count(1)
pa.set_io_thread_count(1)

binary, rows, repeats, rounds, work = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
RETAIN = {"MALLOC_TRIM_THRESHOLD_": "4294967296", "MALLOC_MMAP_THRESHOLD_": "4294967296"}
KEYS = ["write_seconds", "read_seconds", "write_cpu_seconds", "read_cpu_seconds"]


def sluice(extra_env):
    out = subprocess.run([binary, "parquet", "--rows", str(rows), "--repeat", str(repeats), "--out", work],
                         check=True, capture_output=True, env={**os.environ, **extra_env}).stdout
    return json.loads(out)


def best(action):
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = action()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, result


def keep_best(into, sample):
    for key in KEYS:
        into[key] = min(into.get(key, float("inf")), sample[key])


options = dict(compression="snappy", use_dictionary=True, dictionary_pagesize_limit=1 << 20,
               data_page_size=1 << 20, data_page_version="1.0", write_statistics=True,
               store_decimal_as_integer=True, row_group_size=1 << 20)
path = os.path.join(work, "pyarrow-orders.parquet")
retained, default, arrow = {}, {}, {}
table = None
for _ in range(rounds):
    keep_best(default, first := sluice({}))
    keep_best(retained, sluice(RETAIN))
    if table is None:
        # The data Sluice wrote, loaded once (untimed); its Sluice schema metadata dropped.
        table = pq.read_table(first["file"], use_threads=False).replace_schema_metadata(None)
    w_wall, w_cpu, _ = best(lambda: pq.write_table(table, path, **options))
    r_wall, r_cpu, back = best(lambda: pq.read_table(path, use_threads=False))
    keep_best(arrow, {"write_seconds": w_wall, "read_seconds": r_wall, "write_cpu_seconds": w_cpu,
                      "read_cpu_seconds": r_cpu})
assert back.num_rows == rows
# Same values on both sides: pyarrow's reading of the Sluice file equals its reading of its own file.
assert pq.read_table(first["file"], use_threads=False).replace_schema_metadata(None).equals(back)


def rounded(d):
    return {k: round(v, 4) for k, v in d.items()}


result = {
    "rows": rows,
    "table": "orders: order_id int64, customer_id int64, quantity int32, amount decimal(12,2), created_at timestamp, "
             "updated_at timestamptz (25% NULL), status/country low-cardinality strings, note nullable text (30% NULL)",
    "settings": "snappy, dictionary on (1 MiB dictionary page limit), 1 MiB pages, data page v1, statistics, "
                "1 row group; pyarrow single-threaded (set_cpu_count(1), use_threads=False); "
                f"best of {repeats} runs x {rounds} interleaved rounds; ratios = Sluice throughput / pyarrow "
                "throughput on CPU seconds",
    "sluice": {"rows": rows, "bytes": first["bytes"], **rounded(retained)},
    "pyarrow": {"rows": rows, "bytes": os.path.getsize(path), "version": pa.__version__, **rounded(arrow)},
    "write_ratio": round(arrow["write_cpu_seconds"] / retained["write_cpu_seconds"], 3),
    "read_ratio": round(arrow["read_cpu_seconds"] / retained["read_cpu_seconds"], 3),
    "write_ratio_wall": round(arrow["write_seconds"] / retained["write_seconds"], 3),
    "read_ratio_wall": round(arrow["read_seconds"] / retained["read_seconds"], 3),
    "size_ratio": round(first["bytes"] / os.path.getsize(path), 3),
    "allocator": "sluice: glibc malloc with MALLOC_TRIM_THRESHOLD_ and MALLOC_MMAP_THRESHOLD_ = 4 GiB (keeps freed "
                 "memory, as pyarrow's pool does); pyarrow: its default memory pool",
    "sluice_default_malloc": {**rounded(default),
                              "write_ratio": round(arrow["write_cpu_seconds"] / default["write_cpu_seconds"], 3),
                              "read_ratio": round(arrow["read_cpu_seconds"] / default["read_cpu_seconds"], 3)},
    "load_average_at_end": round(os.getloadavg()[0], 2),
}
print(json.dumps(result, indent=2))
