#!/usr/bin/env python3
"""Generate golden Parquet files with pyarrow for Tests/ParquetTests (GoldenFileTests.swift).

Each file NAME.parquet gets NAME.expected.json beside it:
  {"writer": "pyarrow X", "rows": N, "fields": [{"name": ..., "type": <Sluice type>, "nullable": bool}],
   "columns": [[canonical value or null, ...], ...]}
with values in the canonical form of Fixtures/scripts/canonical.py (computed from pyarrow's own reading), and
the Sluice type each column must be read as (Sluice's documented Parquet -> Sluice mapping).

Covers every type Sluice maps, each encoding pyarrow writes (PLAIN, dictionary, RLE booleans,
DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT), both data page versions,
every codec pyarrow has (snappy, gzip, zstd, lz4 (LZ4_RAW), brotli, none), INT96, NULL patterns, empty and
single-row files, several row groups. Deterministic: same pyarrow version, same bytes.

usage: scripts/gen-parquet-golden.py [OUTPUT_DIR]   (default Tests/ParquetTests/Fixtures/golden)
"""
import datetime
import decimal
import json
import os
import random
import sys
import uuid

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "ParquetTests", "Fixtures", "scripts"))
from canonical import canonical  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "ParquetTests",
                                                         "Fixtures", "golden")
ROWS = 200


def rng(seed):
    return random.Random(seed)


def nullable(values, r, every=7):
    return [None if r.random() < 1 / every else v for v in values]


def type_columns(rows, seed=1):
    """(arrow field, values, Sluice type) for every type Sluice maps."""
    r = rng(seed)
    D = decimal.Decimal
    cols = [
        (pa.field("b", pa.bool_()), nullable([r.random() < 0.5 for _ in range(rows)], r), "boolean"),
        (pa.field("i8", pa.int8()), nullable([r.randint(-128, 127) for _ in range(rows)], r), "int8"),
        (pa.field("i16", pa.int16()), nullable([r.randint(-32768, 32767) for _ in range(rows)], r), "int16"),
        (pa.field("i32", pa.int32(), nullable=False), [r.randint(-2**31, 2**31 - 1) for _ in range(rows)], "int32"),
        (pa.field("i64", pa.int64()), nullable([r.randint(-2**63, 2**63 - 1) for _ in range(rows)], r), "int64"),
        (pa.field("u8", pa.uint8()), nullable([r.randint(0, 255) for _ in range(rows)], r), "uint8"),
        (pa.field("u16", pa.uint16()), nullable([r.randint(0, 65535) for _ in range(rows)], r), "uint16"),
        (pa.field("u32", pa.uint32()), nullable([r.randint(0, 2**32 - 1) for _ in range(rows)], r), "uint32"),
        (pa.field("u64", pa.uint64()), nullable([r.randint(0, 2**64 - 1) for _ in range(rows)], r), "uint64"),
        (pa.field("f32", pa.float32()), nullable([r.choice([0.0, -0.0, 1.5, float("nan"), float("inf"), r.uniform(-1e30, 1e30)])
                                                  for _ in range(rows)], r), "float32"),
        (pa.field("f64", pa.float64()), nullable([r.choice([0.0, -0.0, 0.1, float("nan"), float("-inf"), r.uniform(-1e300, 1e300)])
                                                  for _ in range(rows)], r), "float64"),
        (pa.field("f16", pa.float16()), nullable([pa.scalar(r.choice([0.0, -2.5, 65504.0, 1e-7, float("nan")]), pa.float16()).as_py()
                                                  for _ in range(rows)], r), "float32"),
        (pa.field("d7", pa.decimal128(7, 3)), nullable([D(r.randint(-9999999, 9999999)).scaleb(-3) for _ in range(rows)], r),
         "decimal(7,3)"),
        (pa.field("d18", pa.decimal128(18, 2)), nullable([D(r.randint(-10**18 + 1, 10**18 - 1)).scaleb(-2) for _ in range(rows)], r),
         "decimal(18,2)"),
        (pa.field("d38", pa.decimal128(38, 9)), nullable([D(r.randint(-10**38 + 1, 10**38 - 1)).scaleb(-9) for _ in range(rows)], r),
         "decimal(38,9)"),
        (pa.field("s", pa.string()), nullable([r.choice(["", "a", "ünïcødé", "日本語", "x" * 100, f"v{r.randint(0, 40)}"])
                                               for _ in range(rows)], r), "string"),
        (pa.field("ls", pa.large_string()), nullable([f"large {r.randint(0, 9)}" for _ in range(rows)], r), "string"),
        (pa.field("bin", pa.binary()), nullable([bytes(r.randint(0, 255) for _ in range(r.randint(0, 12))) for _ in range(rows)], r),
         "binary"),
        (pa.field("fsb", pa.binary(5)), nullable([bytes(r.randint(0, 255) for _ in range(5)) for _ in range(rows)], r), "binary"),
        (pa.field("uid", pa.uuid()), nullable([uuid.UUID(int=r.getrandbits(128)).bytes for _ in range(rows)], r), "uuid"),
        (pa.field("dt", pa.date32()), nullable([datetime.date(1, 1, 1) + datetime.timedelta(days=r.randint(0, 3_652_058))
                                                for _ in range(rows)], r), "date"),
        (pa.field("t_ms", pa.time32("ms")), nullable([r.randint(0, 86_399_999) for _ in range(rows)], r), "time"),
        (pa.field("t_us", pa.time64("us")), nullable([r.randint(0, 86_399_999_999) for _ in range(rows)], r), "time"),
        (pa.field("t_ns", pa.time64("ns")), nullable([r.randint(0, 86_399_999_999_999) for _ in range(rows)], r), "time"),
        (pa.field("ts_ms", pa.timestamp("ms")), nullable([r.randint(-10**13, 10**13) for _ in range(rows)], r), "timestamp"),
        (pa.field("ts_us", pa.timestamp("us")), nullable([r.randint(-10**16, 10**16) for _ in range(rows)], r), "timestamp"),
        (pa.field("ts_ns", pa.timestamp("ns")), nullable([r.randint(-2**62, 2**62) for _ in range(rows)], r), "timestamp"),
        (pa.field("tz_us", pa.timestamp("us", tz="UTC")), nullable([r.randint(-10**16, 10**16) for _ in range(rows)], r),
         "timestamptz"),
        (pa.field("tz_ms", pa.timestamp("ms", tz="+02:00")), nullable([r.randint(-10**13, 10**13) for _ in range(rows)], r),
         "timestamptz"),
    ]
    return cols


def table_of(columns):
    arrays = []
    for field, values, _ in columns:
        if isinstance(field.type, pa.UuidType):
            arrays.append(pa.ExtensionArray.from_storage(field.type, pa.array(values, pa.binary(16))))
        else:
            arrays.append(pa.array(values, field.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema([c[0] for c in columns]))


def write(name, columns, **options):
    table = table_of(columns)
    path = os.path.join(OUT, name + ".parquet")
    pq.write_table(table, path, **options)
    # INT96 read as microseconds: the default nanoseconds wrap around past the year 2262.
    back = pq.read_table(path, use_threads=False, coerce_int96_timestamp_unit="us")
    fields, values = [], []
    for (field, _, sluice_type) in columns:
        fields.append({"name": field.name, "type": sluice_type, "nullable": field.nullable})
        values.append(canonical(back.column(field.name).combine_chunks(), sluice_type))
    expected = {"writer": f"pyarrow {pa.__version__}", "options": {k: str(v) for k, v in options.items()},
                "rows": back.num_rows, "fields": fields, "columns": values}
    with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
        json.dump(expected, f, ensure_ascii=False, indent=0)
    print(f"{name}: {back.num_rows} rows, {os.path.getsize(path)} bytes")


def pick(columns, names):
    return [c for c in columns if c[0].name in names]


def main():
    os.makedirs(OUT, exist_ok=True)
    cols = type_columns(ROWS)
    write("types_plain_v1", cols, use_dictionary=False, data_page_version="1.0", compression="snappy")
    write("types_dictionary_v2", cols, use_dictionary=True, data_page_version="2.0", compression="zstd")
    write("types_decimal_as_integer", pick(cols, {"d7", "d18"}), store_decimal_as_integer=True)
    write("types_small_pages_row_groups", cols, data_page_size=512, row_group_size=70, compression="gzip",
          write_batch_size=16)
    for codec in ["none", "snappy", "gzip", "zstd", "lz4", "brotli"]:
        write(f"codec_{codec}", pick(cols, {"i64", "s", "f64", "dt"}), compression=codec)
    ints = pick(cols, {"i32", "i64", "u32", "u64", "dt", "ts_us", "t_ms"})
    for version in ["1.0", "2.0"]:
        v = version[0]
        write(f"enc_delta_binary_packed_v{v}", ints, use_dictionary=False, data_page_version=version,
              column_encoding={c[0].name: "DELTA_BINARY_PACKED" for c in ints})
        strings = pick(cols, {"s", "bin", "ls"})
        write(f"enc_delta_length_byte_array_v{v}", strings, use_dictionary=False, data_page_version=version,
              column_encoding={c[0].name: "DELTA_LENGTH_BYTE_ARRAY" for c in strings})
        flba = pick(cols, {"s", "bin", "fsb", "d38"})
        write(f"enc_delta_byte_array_v{v}", flba, use_dictionary=False, data_page_version=version,
              column_encoding={c[0].name: "DELTA_BYTE_ARRAY" for c in flba})
        split = pick(cols, {"f32", "f64", "f16", "i32", "i64", "fsb", "d7", "d18"})
        write(f"enc_byte_stream_split_v{v}", split, use_dictionary=False, data_page_version=version,
              column_encoding={c[0].name: "BYTE_STREAM_SPLIT" for c in split})
        booleans = pick(cols, {"b"})
        write(f"enc_rle_boolean_v{v}", booleans, use_dictionary=False, data_page_version=version,
              column_encoding={"b": "RLE"})
    write("int96_timestamps", pick(cols, {"ts_us", "ts_ms"}), use_deprecated_int96_timestamps=True)
    r = rng(7)
    n = 1200
    patterns = [
        (pa.field("all_null", pa.int64()), [None] * n, "int64"),
        (pa.field("no_null", pa.int64()), list(range(n)), "int64"),
        (pa.field("alternating", pa.string()), [None if k % 2 else f"s{k % 3}" for k in range(n)], "string"),
        (pa.field("first_last", pa.float64()), [None if k in (0, n - 1) else k / 3 for k in range(n)], "float64"),
        (pa.field("long_runs", pa.int32()), [None if (k // 300) % 2 else k for k in range(n)], "int32"),
        (pa.field("sparse", pa.decimal128(20, 4)),
         [decimal.Decimal(k).scaleb(-4) if r.random() < 0.02 else None for k in range(n)], "decimal(20,4)"),
        (pa.field("bools", pa.bool_()), [None if k % 5 == 0 else k % 3 == 0 for k in range(n)], "boolean"),
    ]
    write("nulls_v1", patterns, data_page_size=256, data_page_version="1.0")
    write("nulls_v2", patterns, data_page_size=256, data_page_version="2.0")
    write("empty", [(f, [], t) for f, _, t in cols])
    write("single_row", [(f, v[:1], t) for f, v, t in cols])


if __name__ == "__main__":
    main()
