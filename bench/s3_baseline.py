#!/usr/bin/env python3
"""Driver of bench/s3: a 2,000,000-row Parquet dataset of several files in a bucket of the local S3 endpoint
(moto_server), read into column batches by Sluice (sluice-bench s3: S3 listing, footers and column chunks by range
requests, Sluice's Parquet reader) and by pyarrow through its own S3 filesystem (pyarrow.fs.S3FileSystem with the
same endpoint), both single-threaded, in interleaved rounds; prints the JSON result.

Both sides list the prefix, read every file's footer and every column chunk of every row group, and decode all
values; each checks the row count and the sum of `id`. rows_per_s = rows / wall seconds of the whole read (listing
included); cpu_ms_per_million_rows from the process's own CPU time (moto's CPU, the same server for both, is not
counted). ratio = Sluice rows/s / pyarrow rows/s.

usage: s3_baseline.py SLUICE_BENCH_BINARY ENDPOINT ROWS FILES ROUNDS
"""
import decimal
import json
import os
import statistics
import subprocess
import sys
import time

import boto3
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

pa.set_cpu_count(1)
pa.set_io_thread_count(1)

binary, endpoint, rows, files, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
BUCKET, PREFIX = "sluice-bench-s3", "orders/"
KEY, SECRET, REGION = "bench", "bench-secret", "us-east-1"


def dataset():
    """FILES files of ROWS/FILES rows each, row groups of 131,072 rows, snappy: an orders table."""
    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION)
    try:
        s3.create_bucket(Bucket=BUCKET)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    per = rows // files
    total_bytes = 0
    for n in range(files):
        first = n * per
        ids = pa.array(range(first, first + per), pa.int64())
        table = pa.table({
            "id": ids,
            "customer_id": pc.multiply(pc.bit_wise_and(ids, 0xFFFF), 7),
            "amount": pa.array([decimal.Decimal((i * 7919) % 1_000_000).scaleb(-2) for i in range(first, first + per)], pa.decimal128(12, 2)),
            "quantity": pa.array([(i % 50) + 1 for i in range(first, first + per)], pa.int32()),
            "created_at": pa.array([1_700_000_000_000_000 + i * 1_000_003 for i in range(first, first + per)], pa.timestamp("us", tz="UTC")),
            "status": pa.array([("new", "paid", "shipped", "returned")[i % 4] for i in range(first, first + per)]),
            "note": pa.array([None if i % 3 == 0 else f"order {i} note" for i in range(first, first + per)]),
        })
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="snappy", row_group_size=131_072)
        body = sink.getvalue().to_pybytes()
        total_bytes += len(body)
        s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}part-{n:03d}.parquet", Body=body)
    return per * files, total_bytes


def sluice():
    env = {**os.environ, "AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_REGION": REGION}
    out = subprocess.run([binary, "s3", "--endpoint", endpoint, "--bucket", BUCKET, "--prefix", PREFIX],
                         check=True, capture_output=True, env=env).stdout
    return json.loads(out)


def arrow():
    host = endpoint.split("://", 1)[1]
    fs = pafs.S3FileSystem(access_key=KEY, secret_key=SECRET, region=REGION, endpoint_override=host, scheme="http")
    start, cpu = time.perf_counter(), time.process_time()
    infos = [i for i in fs.get_file_info(pafs.FileSelector(f"{BUCKET}/{PREFIX}", recursive=True)) if i.path.endswith(".parquet")]
    count, total = 0, 0
    for info in sorted(infos, key=lambda i: i.path):
        table = pq.read_table(info.path, filesystem=fs, use_threads=False)
        count += table.num_rows
        total += pc.sum(table["id"]).as_py()
    return {"rows": count, "id_sum": total, "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
            "files": len(infos)}


total_rows, total_bytes = dataset()
expected_sum = total_rows * (total_rows - 1) // 2
samples = {"sluice": [], "pyarrow": []}
for _ in range(rounds):
    for name, run in (("sluice", sluice), ("pyarrow", arrow)):
        sample = run()
        assert sample["rows"] == total_rows, (name, sample)
        assert sample["id_sum"] == expected_sum, (name, sample)
        samples[name].append(sample)


def summary(runs):
    rates = [r["rows"] / r["seconds"] for r in runs]
    cpu = [r["cpu_seconds"] / r["rows"] * 1e9 for r in runs]  # ms per million rows
    return {"rows_per_s": {"median": round(statistics.median(rates)), "min": round(min(rates)), "max": round(max(rates)),
                           "runs": [round(r) for r in rates]},
            "cpu_ms_per_million_rows": {"median": round(statistics.median(cpu), 1), "min": round(min(cpu), 1), "max": round(max(cpu), 1)},
            "raw": runs}


s, a = summary(samples["sluice"]), summary(samples["pyarrow"])
print(json.dumps({
    "bench": "s3",
    "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    "rows": total_rows, "files": files, "bytes": total_bytes, "rounds": rounds, "endpoint": "moto_server on loopback",
    "settings": "snappy, row groups of 131,072 rows; both sides single-threaded (pyarrow: set_cpu_count(1), set_io_thread_count(1), "
                "use_threads=False); rounds interleaved; rows/s over the whole read, listing included",
    "sluice": s, "pyarrow": {**a, "version": pa.__version__},
    "ratio": round(s["rows_per_s"]["median"] / a["rows_per_s"]["median"], 3),
    "cpu_ratio": round(a["cpu_ms_per_million_rows"]["median"] / s["cpu_ms_per_million_rows"]["median"], 3),
    "target": {"ratio": ">= 1.0", "met": s["rows_per_s"]["median"] >= a["rows_per_s"]["median"]},
    "load_average_end": round(os.getloadavg()[0], 2),
}, indent=2))
