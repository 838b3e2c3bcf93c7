#!/usr/bin/env python3
"""Writes Parquet files with nested columns for ParquetTests: every nesting ParquetTests compares with
pyarrow's reading (nested_json.py) and every leaf type the JSON convention renders, with NULLs at every level.

usage: nested_fixture.py DIRECTORY
Writes DIRECTORY/nested_v1.parquet (data page v1, dictionaries, snappy) and DIRECTORY/nested_v2.parquet (data
page v2, no dictionaries, zstd), 600 rows in row groups of 250 and small pages, from a fixed seed.
"""
import decimal
import math
import random
import sys

import pyarrow as pa
import pyarrow.parquet as pq

INNER = pa.struct([
    pa.field("x", pa.float64()), pa.field("y", pa.string()), pa.field("t", pa.timestamp("us", tz="UTC")),
    pa.field("d", pa.date32()), pa.field("dec", pa.decimal128(10, 2)), pa.field("f", pa.float32()),
    pa.field("bin", pa.binary()), pa.field("flag", pa.bool_()), pa.field("tm", pa.time64("us")),
    pa.field("u64", pa.uint64()), pa.field("ts", pa.timestamp("ms")),
])
SCHEMA = pa.schema([
    pa.field("id", pa.int64(), nullable=False),
    pa.field("s", pa.struct([pa.field("a", pa.int64()), pa.field("b", INNER),
                             pa.field("req", pa.int32(), nullable=False)])),
    pa.field("l", pa.list_(pa.struct([pa.field("p", pa.int32()), pa.field("q", pa.list_(pa.string()))]))),
    pa.field("m", pa.map_(pa.string(), pa.list_(pa.int16()))),
    pa.field("mi", pa.map_(pa.int64(), pa.struct([pa.field("v", pa.float64())]))),
    pa.field("ll", pa.list_(pa.list_(pa.int8()), ), nullable=False),
])

STRINGS = ["", "plain", "quote \" back \\ slash", "line\nbreak\ttab\x01", "ü ß 😀", "a,b", "{\"k\":1}"]
FLOATS = [0.0, -0.0, 1.5, 0.1, 1e300, -2.5e-10, 9.5e15, math.nan, math.inf, -math.inf, 123456.789]


def maybe(rng, value, p=0.2):
    return None if rng.random() < p else value


def inner(rng):
    return maybe(rng, {
        "x": maybe(rng, rng.choice(FLOATS)), "y": maybe(rng, rng.choice(STRINGS)),
        # Temporal values as their integer storage (microseconds, days), some outside datetime's years.
        "t": maybe(rng, rng.randint(-10**17, 10**17)),
        "d": maybe(rng, rng.randint(-1000000, 3000000)),
        "dec": maybe(rng, decimal.Decimal(rng.randint(-10**10 + 1, 10**10 - 1)).scaleb(-2)),
        "f": maybe(rng, rng.choice(FLOATS[:4] + [3.4e38, 1e-40, 16777217.0, 0.3])),
        "bin": maybe(rng, bytes(rng.randrange(256) for _ in range(rng.randint(0, 5)))),
        "flag": maybe(rng, rng.random() < 0.5),
        "tm": maybe(rng, rng.randint(0, 86_400_000_000 - 1)),
        "u64": maybe(rng, rng.choice([0, 1, 2**63, 2**64 - 1])),
        "ts": maybe(rng, rng.randint(-10**13, 10**13)),
    })


def row(rng, i):
    def elements(make, most):
        return maybe(rng, [make() for _ in range(rng.randint(0, most))])
    return {
        "id": i,
        "s": maybe(rng, {"a": maybe(rng, rng.randint(-2**63, 2**63 - 1)), "b": inner(rng), "req": rng.randint(-5, 5)}),
        "l": elements(lambda: maybe(rng, {"p": maybe(rng, rng.randint(-100, 100)),
                                          "q": elements(lambda: maybe(rng, rng.choice(STRINGS)), 3)}), 4),
        "m": maybe(rng, [(f"k{j}", elements(lambda: maybe(rng, rng.randint(-300, 300)), 3))
                         for j in range(rng.randint(0, 3))]),
        "mi": maybe(rng, [(rng.randint(-10, 10), maybe(rng, {"v": maybe(rng, rng.choice(FLOATS))}))
                          for _ in range(rng.randint(0, 3))]),
        "ll": [elements(lambda: maybe(rng, rng.randint(-128, 127)), 3) or [] for _ in range(rng.randint(0, 3))],
    }


def main():
    directory = sys.argv[1]
    rng = random.Random(20261205)
    table = pa.Table.from_pylist([row(rng, i) for i in range(600)], schema=SCHEMA)
    common = dict(row_group_size=250, data_page_size=512, write_batch_size=16, use_dictionary=True)
    pq.write_table(table, f"{directory}/nested_v1.parquet", compression="snappy", data_page_version="1.0", **common)
    pq.write_table(table, f"{directory}/nested_v2.parquet", compression="zstd", data_page_version="2.0",
                   **{**common, "use_dictionary": False})


if __name__ == "__main__":
    main()
