#!/usr/bin/env python3
"""pyarrow side of bench/parquet: loads the table Sluice wrote (untimed), then times pyarrow writing it with
the same settings and reading it back, single-threaded, and prints the combined JSON result.

Both wall-clock and CPU seconds (user + system of the process) are measured, best of REPEATS. The ratios use
CPU time, which stays comparable when the machine is shared with other work (both sides are single-threaded,
so CPU time is the time the work takes on an otherwise idle core); the wall-clock ratios are reported too.

usage: parquet_baseline.py SLUICE_JSON REPEATS [SLUICE_DEFAULT_MALLOC_JSON]
"""
import json
import os
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq

pa.set_cpu_count(1)
pa.set_io_thread_count(1)

sluice = json.load(open(sys.argv[1]))
repeats = int(sys.argv[2])
default_malloc = json.load(open(sys.argv[3])) if len(sys.argv) > 3 else None
table = pq.read_table(sluice["file"], use_threads=False)
# The Sluice schema is stored in the metadata; drop it so pyarrow's file carries only its own.
table = table.replace_schema_metadata(None)
path = os.path.join(os.path.dirname(sluice["file"]), "pyarrow-orders.parquet")
options = dict(compression="snappy", use_dictionary=True, dictionary_pagesize_limit=1 << 20,
               data_page_size=1 << 20, data_page_version="1.0", write_statistics=True,
               store_decimal_as_integer=True, row_group_size=1 << 20)


def best(action):
    wall, cpu = float("inf"), float("inf")
    result = None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = action()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, result


write_wall, write_cpu, _ = best(lambda: pq.write_table(table, path, **options))
read_wall, read_cpu, back = best(lambda: pq.read_table(path, use_threads=False))
assert back.num_rows == sluice["rows"]
# Each side's file holds the same values: pyarrow's reading of the Sluice file equals its own file.
theirs = pq.read_table(sluice["file"], use_threads=False).replace_schema_metadata(None)
assert theirs.equals(back), "pyarrow reads different values from the Sluice file"

rows = sluice["rows"]
result = {
    "rows": rows,
    "table": "orders: order_id int64, customer_id int64, quantity int32, amount decimal(12,2), created_at timestamp, "
             "updated_at timestamptz (25% NULL), status/country low-cardinality strings, note nullable text (30% NULL)",
    "settings": "snappy, dictionary on (1 MiB dictionary page limit), 1 MiB pages, data page v1, statistics, "
                "1 row group; pyarrow single-threaded (set_cpu_count(1), use_threads=False); best of "
                f"{repeats} runs; ratios = Sluice throughput / pyarrow throughput on CPU seconds",
    "sluice": {"rows": rows, "bytes": sluice["bytes"],
               "write_seconds": round(sluice["write_seconds"], 4), "read_seconds": round(sluice["read_seconds"], 4),
               "write_cpu_seconds": round(sluice["write_cpu_seconds"], 4),
               "read_cpu_seconds": round(sluice["read_cpu_seconds"], 4)},
    "pyarrow": {"rows": rows, "bytes": os.path.getsize(path), "version": pa.__version__,
                "write_seconds": round(write_wall, 4), "read_seconds": round(read_wall, 4),
                "write_cpu_seconds": round(write_cpu, 4), "read_cpu_seconds": round(read_cpu, 4)},
    "write_ratio": round(write_cpu / sluice["write_cpu_seconds"], 3),
    "read_ratio": round(read_cpu / sluice["read_cpu_seconds"], 3),
    "write_ratio_wall": round(write_wall / sluice["write_seconds"], 3),
    "read_ratio_wall": round(read_wall / sluice["read_seconds"], 3),
    "size_ratio": round(sluice["bytes"] / os.path.getsize(path), 3),
    "allocator": "Sluice with MALLOC_TRIM_THRESHOLD_ and MALLOC_MMAP_THRESHOLD_ = 4 GiB (glibc keeps freed memory, "
                 "as pyarrow's memory pool does); pyarrow with its default pool",
    "load_average": os.getloadavg()[0],
}
if default_malloc:
    result["sluice_default_malloc"] = {
        "write_seconds": round(default_malloc["write_seconds"], 4), "read_seconds": round(default_malloc["read_seconds"], 4),
        "write_cpu_seconds": round(default_malloc["write_cpu_seconds"], 4),
        "read_cpu_seconds": round(default_malloc["read_cpu_seconds"], 4),
        "write_ratio": round(write_cpu / default_malloc["write_cpu_seconds"], 3),
        "read_ratio": round(read_cpu / default_malloc["read_cpu_seconds"], 3),
    }
print(json.dumps(result, indent=2))
