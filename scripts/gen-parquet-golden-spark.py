#!/usr/bin/env python3
"""Generate golden Parquet files with Spark (parquet-mr writer) for Tests/ParquetTests (GoldenFileTests.swift).

Needs pyspark (pip install pyspark) and Java 17; Spark runs in local mode (local[1], no network). The tests do
not need pyspark: each file NAME.parquet is committed with NAME.expected.json beside it, in the form
scripts/gen-parquet-golden.py uses:
  {"writer": "spark X / parquet-mr ...", "options": {...}, "rows": N,
   "fields": [{"name": ..., "type": <Sluice type>, "nullable": bool}],
   "columns": [[canonical value or null, ...], ...],
   "layout": {"created_by": ..., "row_groups": [[{"column", "codec", "encodings", "pages", "crc"}, ...], ...]}}
Values are in the canonical form of Fixtures/scripts/canonical.py. They are computed from the Python values
given to Spark, and the script fails unless Spark's own reading of the file and pyarrow's reading both equal
them exactly. "layout" is what the footer and the page headers say, read by this script's own small Thrift
decoder: each column chunk's codec, encodings (sorted: parquet-mr writes them in hash-set order, which can
differ between runs, so a file's bytes may too), and its pages as "PAGE_TYPE:ENCODING" with whether every page
carries a CRC. The test checks that Sluice's reading of the footer and page headers agrees.

Files (prefix spark_): every type Spark writes that Sluice reads (boolean, byte, short, int, long, float,
double, decimal(9,2)/(18,4)/(38,10), string, binary, date, timestamp as INT96, TIMESTAMP_MICROS and
TIMESTAMP_MILLIS, timestamp_ntz, time, geometry), NULLs in every nullable column; snappy, gzip, zstd, lz4_raw,
lz4 (Hadoop framing), uncompressed (brotli needs a codec jar Spark does not ship); dictionary on and off; data page v1 and v2 (parquet.writer.version=v2: DELTA_BINARY_PACKED,
DELTA_BYTE_ARRAY, RLE booleans); small pages and row groups with dictionary fallback inside a column chunk;
legacy-format decimals (FIXED_LEN_BYTE_ARRAY); BYTE_STREAM_SPLIT; bloom filters; NULL patterns; empty and
single-row files. Nested types are left out (Sluice rejects them by design).

Spark types left out: intervals (plain INT32/INT64 without annotation, which Sluice reads as integers), variant
and arrays/maps/structs (nested groups), char/varchar (strings in files). TIME needs spark.sql.timeType.enabled.
Dates and timestamps are written with the proleptic Gregorian calendar (rebase mode CORRECTED, Spark 4's
default), as Sluice, pyarrow and the Parquet spec read them.

usage: scripts/gen-parquet-golden-spark.py [OUTPUT_DIR]   (default Tests/ParquetTests/Fixtures/golden)
"""
import datetime
import decimal
import glob
import json
import math
import os
import random
import shutil
import struct
import sys
import tempfile
import time

os.environ["TZ"] = "UTC"  # Python's naive datetimes from Spark are in the local zone: make it UTC.
time.tzset()
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

import pyarrow.parquet as pq  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "ParquetTests", "Fixtures", "scripts"))
from canonical import canonical, fmt_decimal  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "ParquetTests",
                                                         "Fixtures", "golden")
ROWS = 100
UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
D = decimal.Decimal


# MARK: columns

class Column:
    """One column: Spark type, Sluice type, values (Python), and how Spark builds it from a source column."""

    def __init__(self, name, spark_type, sluice_type, values, nullable=True, build=None, source_type=None):
        self.name, self.spark_type, self.sluice_type = name, spark_type, sluice_type
        self.values, self.nullable = values, nullable
        self.build = build  # SQL expression over `_src_<name>` making the column, when Python cannot give its type
        self.source_type = source_type or spark_type

    def with_values(self, values):
        return Column(self.name, self.spark_type, self.sluice_type, values, self.nullable, self.build, self.source_type)


def float32(v):
    return struct.unpack("<f", struct.pack("<f", v))[0]


def with_nulls(values, r, every=7):
    return [None if r.random() < 1 / every else v for v in values]


def edges_then(edges, rows, make):
    """The edge values first (so every file with enough rows has them), then random ones."""
    return [edges[k] if k < len(edges) else make() for k in range(rows)]


def wkb_point(x, y):
    return struct.pack("<BIdd", 1, 1, x, y)


def type_columns(rows, seed=1):
    r = random.Random(seed)

    def col(name, spark_type, sluice_type, edges, make, nullable=True, **kw):
        values = edges_then(edges, rows, make)
        if nullable:
            # NULLs at random, but never over the first edge values, and at least one NULL per column.
            values = values[:len(edges)] + with_nulls(values[len(edges):], r)
            if rows > len(edges) + 1 and None not in values:
                values[-1] = None
        return Column(name, spark_type, sluice_type, values, nullable, **kw)

    def rand_date():
        return datetime.date(1, 1, 1) + datetime.timedelta(days=r.randint(0, 3_652_058))

    def rand_instant():
        return datetime.datetime(1, 1, 1, tzinfo=UTC) + datetime.timedelta(microseconds=r.randint(0, 315_537_897_599_999_999))

    nan, inf = float("nan"), float("inf")
    strings = ["", "a", "ünïcødé", "日本語テキスト", "emoji 🎉🚀", "x" * 60, "line\nbreak\ttab", "quote\"comma,", "\u0000nul"]
    cities = ["Zürich", "São Paulo", "東京", "", "Ålesund", "Kraków"]
    return [
        Column("id", T.LongType(), "int64", list(range(rows)), nullable=False),
        Column("name", T.StringType(), "string", [f"row {k} ✓" for k in range(rows)], nullable=False),
        col("b", T.BooleanType(), "boolean", [True, False], lambda: r.random() < 0.5),
        col("i8", T.ByteType(), "int8", [-128, 127, 0, -1], lambda: r.randint(-128, 127)),
        col("i16", T.ShortType(), "int16", [-32768, 32767, 0], lambda: r.randint(-32768, 32767)),
        col("i32", T.IntegerType(), "int32", [-2**31, 2**31 - 1, 0], lambda: r.randint(-2**31, 2**31 - 1)),
        col("i64", T.LongType(), "int64", [-2**63, 2**63 - 1, 0], lambda: r.randint(-2**63, 2**63 - 1)),
        col("f32", T.FloatType(), "float32",
            [0.0, -0.0, nan, inf, -inf, float32(1.401298464324817e-45), float32(3.4028234663852886e38), float32(0.1)],
            lambda: float32(r.uniform(-1e30, 1e30))),
        col("f64", T.DoubleType(), "float64", [0.0, -0.0, nan, -inf, inf, 5e-324, 1.7976931348623157e308, 0.1],
            lambda: r.choice([r.uniform(-1e300, 1e300), r.uniform(-1, 1)])),
        col("d9", T.DecimalType(9, 2), "decimal(9,2)", [D("9999999.99"), D("-9999999.99"), D("0.00"), D("-0.01")],
            lambda: D(r.randint(-999_999_999, 999_999_999)).scaleb(-2)),
        col("d18", T.DecimalType(18, 4), "decimal(18,4)",
            [D("99999999999999.9999"), D("-99999999999999.9999"), D("0.0001")],
            lambda: D(r.randint(-10**18 + 1, 10**18 - 1)).scaleb(-4)),
        col("d38", T.DecimalType(38, 10), "decimal(38,10)",
            [D(10**38 - 1).scaleb(-10), D(-(10**38 - 1)).scaleb(-10), D(1).scaleb(-10), D(0)],
            lambda: D(r.randint(-10**38 + 1, 10**38 - 1)).scaleb(-10)),
        col("s", T.StringType(), "string", strings, lambda: r.choice(strings + [f"v{r.randint(0, 1000)}"])),
        col("city", T.StringType(), "string", [], lambda: r.choice(cities)),
        col("bin", T.BinaryType(), "binary", [b"", b"\x00", b"\xff" * 9],
            lambda: bytes(r.randint(0, 255) for _ in range(r.randint(0, 12)))),
        col("dt", T.DateType(), "date",
            [datetime.date(1, 1, 1), datetime.date(1582, 10, 4), datetime.date(1582, 10, 15), datetime.date(1899, 12, 31),
             datetime.date(1969, 12, 31), datetime.date(1970, 1, 1), datetime.date(2000, 2, 29), datetime.date(9999, 12, 31)],
            rand_date),
        col("ts", T.TimestampType(), "timestamp",  # INT96 by default; other files set outputTimestampType
            [datetime.datetime(1, 1, 1, tzinfo=UTC), datetime.datetime(1582, 10, 4, 23, 59, 59, 999999, tzinfo=UTC),
             datetime.datetime(1899, 12, 31, 12, 0, 0, 1, tzinfo=UTC),
             datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), EPOCH,
             datetime.datetime(2038, 1, 19, 3, 14, 8, tzinfo=UTC),
             datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)],
            rand_instant),
        col("ts_ntz", T.TimestampNTZType(), "timestamp",
            [datetime.datetime(1, 1, 1), datetime.datetime(1969, 12, 31, 23, 59, 59, 999999),
             datetime.datetime(9999, 12, 31, 23, 59, 59, 999999)],
            lambda: rand_instant().replace(tzinfo=None)),
        col("t", T.TimeType(6), "time", [datetime.time(0), datetime.time(23, 59, 59, 999999)],
            lambda: datetime.time(r.randint(0, 23), r.randint(0, 59), r.randint(0, 59), r.randint(0, 999999))),
        col("geom", T.BinaryType(), "binary", [wkb_point(0.0, 0.0), wkb_point(-180.0, 90.0)],
            lambda: wkb_point(round(r.uniform(-180, 180), 6), round(r.uniform(-90, 90), 6)),
            build="ST_GeomFromWKB({src})", source_type=T.BinaryType()),
    ]


def pick(columns, names):
    return [c for c in columns if c.name in names]


def head(columns, n):
    return [c.with_values(c.values[:n]) for c in columns]


# MARK: canonical values from Python values (the source, and Spark's own reading)

def micros_between(a, b):
    delta = b - a
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def canon(v, sluice_type):
    if v is None:
        return None
    if sluice_type == "boolean":
        return "true" if v else "false"
    if sluice_type in ("int8", "int16", "int32", "int64"):
        return str(int(v))
    if sluice_type == "float32":
        return "nan" if math.isnan(v) else struct.pack("<f", v).hex()
    if sluice_type == "float64":
        return "nan" if math.isnan(v) else struct.pack("<d", v).hex()
    if sluice_type.startswith("decimal"):
        scale = int(sluice_type.split(",")[1].rstrip(")"))
        unscaled = v.scaleb(scale)
        assert unscaled == unscaled.to_integral_value(), f"{v} has more than {scale} fraction digits"
        return fmt_decimal(int(unscaled), scale)
    if sluice_type == "string":
        return v
    if sluice_type == "binary":
        return bytes(v).hex()
    if sluice_type == "date":
        return str((v - datetime.date(1970, 1, 1)).days)
    if sluice_type == "time":
        return str(((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond)
    if sluice_type in ("timestamp", "timestamptz"):
        if v.tzinfo is None:  # Spark's reading of an instant (local zone = UTC here) or a timestamp_ntz
            v = v.replace(tzinfo=UTC)
        return str(micros_between(EPOCH, v))
    raise TypeError(sluice_type)


# MARK: page headers (a small Thrift compact-protocol reader, independent of Sluice's)

class Thrift:
    def __init__(self, data, pos=0):
        self.data, self.pos = data, pos

    def byte(self):
        b = self.data[self.pos]
        self.pos += 1
        return b

    def varint(self):
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result

    def zigzag(self):
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, kind):
        if kind in (1, 2):
            return kind == 1
        if kind == 3:
            return self.byte()
        if kind in (4, 5, 6):
            return self.zigzag()
        if kind == 7:
            self.pos += 8
            return None
        if kind == 8:
            n = self.varint()
            self.pos += n
            return self.data[self.pos - n:self.pos]
        if kind in (9, 10):
            header = self.byte()
            size, elem = header >> 4, header & 0x0F
            if size == 15:
                size = self.varint()
            return [self.byte() == 1 if elem in (1, 2) else self.value(elem) for _ in range(size)]
        if kind == 11:
            size = self.varint()
            types = self.byte() if size else 0
            return [(self.value(types >> 4), self.value(types & 0x0F)) for _ in range(size)]
        if kind == 12:
            return self.struct()
        raise ValueError(f"thrift type {kind}")

    def struct(self):
        fields, last = {}, 0
        while True:
            header = self.byte()
            if header == 0:
                return fields
            delta, kind = header >> 4, header & 0x0F
            last = last + delta if delta else self.zigzag()
            fields[last] = self.value(kind)


PAGE_TYPES = {0: "DATA_PAGE", 1: "INDEX_PAGE", 2: "DICTIONARY_PAGE", 3: "DATA_PAGE_V2"}
ENCODINGS = {0: "PLAIN", 2: "PLAIN_DICTIONARY", 3: "RLE", 4: "BIT_PACKED", 5: "DELTA_BINARY_PACKED",
             6: "DELTA_LENGTH_BYTE_ARRAY", 7: "DELTA_BYTE_ARRAY", 8: "RLE_DICTIONARY", 9: "BYTE_STREAM_SPLIT"}


def pages(data, start, length):
    """[("PAGE_TYPE:ENCODING", has_crc)] for the pages of the column chunk at data[start:start+length]."""
    result, pos, end = [], start, start + length
    while pos < end:
        t = Thrift(data, pos)
        h = t.struct()
        kind = PAGE_TYPES[h[1]]
        sub = h.get(5) or h.get(7) or h.get(8)
        encoding = ENCODINGS[sub[4 if 8 in h else 2]]
        result.append((f"{kind}:{encoding}", 4 in h))
        pos = t.pos + h[3]
    assert pos == end, f"pages end at {pos}, chunk at {end}"
    return result


CODECS = {0: "UNCOMPRESSED", 1: "SNAPPY", 2: "GZIP", 3: "LZO", 4: "BROTLI", 5: "LZ4", 6: "ZSTD", 7: "LZ4_RAW"}


def layout(path):
    """The footer's column chunks and their pages, as this script's Thrift reader sees them."""
    data = open(path, "rb").read()
    assert data[:4] == data[-4:] == b"PAR1"
    length = struct.unpack("<I", data[-8:-4])[0]
    footer = Thrift(data, len(data) - 8 - length).struct()
    groups = []
    for group in footer.get(4, []):
        chunks = []
        for chunk in group[1]:
            meta = chunk[3]
            start = meta[11] if meta.get(11) else meta[9]
            found = pages(data, start, meta[7])
            chunks.append({"column": ".".join(p.decode() for p in meta[3]), "codec": CODECS[meta[4]],
                           "encodings": sorted({ENCODINGS[e] for e in meta[2]}),
                           "pages": [p for p, _ in found], "crc": all(crc for _, crc in found)})
        groups.append(chunks)
    return {"created_by": footer[6].decode(), "row_groups": groups}


# MARK: writing

def session():
    builder = (SparkSession.builder.master("local[1]").appName("sluice-golden")
               .config("spark.ui.enabled", "false")
               .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
               .config("spark.sql.timeType.enabled", "true")
               .config("spark.sql.parquet.datetimeRebaseModeInWrite", "CORRECTED")
               .config("spark.sql.parquet.int96RebaseModeInWrite", "CORRECTED")
               .config("spark.sql.shuffle.partitions", "1"))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def frame(spark, columns):
    """A one-partition DataFrame of the columns, rows in order."""
    source = T.StructType([T.StructField(("_src_" if c.build else "") + c.name, c.source_type, c.nullable)
                           for c in columns])
    rows = list(zip(*[c.values for c in columns])) if columns else []
    df = spark.createDataFrame(rows, source).coalesce(1)
    exprs = [F.expr(c.build.format(src=f"_src_{c.name}")).alias(c.name) if c.build else F.col(c.name) for c in columns]
    df = df.select(*exprs)
    # Spark's schema must say exactly what we asked for (a NOT NULL column stays NOT NULL, types are as given).
    for c, f in zip(columns, df.schema.fields):
        if not c.build:
            assert f.dataType == c.spark_type and f.nullable == c.nullable, (c.name, f)
    return df


def spark_reading(spark, path, columns):
    """Spark's reading of the file: geometry as WKB, timestamps as microseconds since 1970 (PySpark cannot
    make a datetime of 0001-01-01 00:00 UTC)."""
    df = spark.read.parquet(path)

    def expr(c):
        if c.build:
            return F.expr(f"ST_AsBinary({c.name})").alias(c.name)
        if c.sluice_type in ("timestamp", "timestamptz"):
            return F.expr(f"unix_micros(CAST({c.name} AS TIMESTAMP))").alias(c.name)
        return F.col(c.name)
    rows = df.select(*[expr(c) for c in columns]).collect()

    def value(v, c):
        return None if v is None else str(v) if c.sluice_type in ("timestamp", "timestamptz") else canon(v, c.sluice_type)
    return [[value(row[k], c) for row in rows] for k, c in enumerate(columns)]


def write(spark, name, columns, options=None, sql=None, transform=None):
    """Writes NAME.parquet (+ .expected.json) with `options` (DataFrameWriter / Hadoop parquet.* options) and
    `sql` (Spark SQL settings for this write only). `transform` maps a source value to what the file holds."""
    options, sql = options or {}, sql or {}
    saved = {k: spark.conf.get(k, None) for k in sql}
    for k, v in sql.items():
        spark.conf.set(k, v)
    tmp = tempfile.mkdtemp(prefix="sluice-spark-")
    try:
        frame(spark, columns).write.mode("overwrite").options(**options).parquet(tmp)
        parts = glob.glob(os.path.join(tmp, "part-*.parquet"))
        assert len(parts) == 1, parts
        path = os.path.join(OUT, f"spark_{name}.parquet")
        shutil.copyfile(parts[0], path)
        expected = [[canon(transform(v) if transform and v is not None else v, c.sluice_type) for v in c.values]
                    for c in columns]
        rows = len(columns[0].values)
        # Spark's own reading and pyarrow's must both equal the values given.
        by_spark = spark_reading(spark, path, columns)
        table = pq.read_table(path, use_threads=False, coerce_int96_timestamp_unit="us")
        by_pyarrow = [canonical(table.column(c.name).combine_chunks(), c.sluice_type) for c in columns]
        for c, want, s, p in zip(columns, expected, by_spark, by_pyarrow):
            assert s == want, f"{name}: Spark reads column {c.name} differently: {first_difference(s, want)}"
            assert p == want, f"{name}: pyarrow reads column {c.name} differently: {first_difference(p, want)}"
        assert table.num_rows == rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        for k, v in saved.items():
            spark.conf.unset(k) if v is None else spark.conf.set(k, v)
    info = layout(path)
    settings = {**options, **sql}
    result = {"writer": f"spark {spark.version} ({info['created_by']})", "options": settings, "rows": rows,
              "fields": [{"name": c.name, "type": c.sluice_type, "nullable": c.nullable} for c in columns],
              "columns": expected, "layout": info}
    with open(os.path.join(OUT, f"spark_{name}.expected.json"), "w") as f:
        json.dump(result, f, ensure_ascii=False, indent=0)
    seen = sorted({p for g in info["row_groups"] for ch in g for p in ch["pages"]})
    codecs = sorted({ch["codec"] for g in info["row_groups"] for ch in g})
    print(f"spark_{name}: {rows} rows, {len(info['row_groups'])} row groups, {os.path.getsize(path)} bytes, "
          f"codecs {codecs}, pages {seen}")


def first_difference(got, want):
    if len(got) != len(want):
        return f"{len(got)} values, expected {len(want)}"
    k = next(k for k in range(len(got)) if got[k] != want[k])
    return f"row {k}: {got[k]!r}, expected {want[k]!r}"


def retyped(columns, sluice_types):
    return [Column(c.name, c.spark_type, sluice_types.get(c.name, c.sluice_type), c.values, c.nullable, c.build,
                   c.source_type) for c in columns]


def main():
    os.makedirs(OUT, exist_ok=True)
    spark = session()
    cols = type_columns(ROWS)
    small_pages = {"parquet.page.size": "512", "parquet.page.size.row.check.min": "8",
                   "parquet.page.size.row.check.max": "16", "parquet.page.row.count.limit": "25",
                   "parquet.block.row.count.limit": "40", "parquet.dictionary.page.size": "256"}
    # Every type, each codec, dictionary on/off, page v1/v2. Spark's default: snappy, dictionary, v1, INT96.
    write(spark, "types_default", cols)
    write(spark, "types_plain_gzip", cols, {"compression": "gzip", "parquet.enable.dictionary": "false"})
    write(spark, "types_dict_zstd", cols, {"compression": "zstd"})
    write(spark, "types_plain_none", cols, {"compression": "none", "parquet.enable.dictionary": "false"})
    write(spark, "types_dict_snappy_v2", cols, {"parquet.writer.version": "v2"})
    write(spark, "types_plain_zstd_v2", cols,
          {"compression": "zstd", "parquet.writer.version": "v2", "parquet.enable.dictionary": "false"})
    write(spark, "types_plain_none_v2", cols,
          {"compression": "none", "parquet.writer.version": "v2", "parquet.enable.dictionary": "false"})
    # Small pages, several row groups, dictionaries that overflow and fall back inside a column chunk.
    write(spark, "small_pages_gzip", cols, {"compression": "gzip", **small_pages})
    write(spark, "small_pages_snappy_v2", cols, {"parquet.writer.version": "v2", **small_pages})
    # Timestamps as INT64: TIMESTAMP(MICROS/MILLIS, isAdjustedToUTC=true) -> timestamptz.
    stamps = retyped(pick(cols, {"id", "ts", "ts_ntz"}), {"ts": "timestamptz"})
    write(spark, "ts_micros", stamps, sql={"spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS"})
    write(spark, "ts_micros_v2", stamps, {"parquet.writer.version": "v2", "parquet.enable.dictionary": "false"},
          sql={"spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS"})

    def millis(v):  # Spark keeps whole milliseconds (floored) in TIMESTAMP_MILLIS
        return v - datetime.timedelta(microseconds=v.microsecond % 1000) if isinstance(v, datetime.datetime) and \
            v.tzinfo else v
    write(spark, "ts_millis", stamps, sql={"spark.sql.parquet.outputTimestampType": "TIMESTAMP_MILLIS"},
          transform=millis)
    # Legacy (Hive/Impala-compatible) format: every decimal as FIXED_LEN_BYTE_ARRAY.
    decimals = pick(cols, {"id", "d9", "d18", "d38"})
    write(spark, "legacy_decimals", decimals, sql={"spark.sql.parquet.writeLegacyFormat": "true"})
    write(spark, "legacy_decimals_v2", decimals, {"parquet.writer.version": "v2", "parquet.enable.dictionary": "false"},
          sql={"spark.sql.parquet.writeLegacyFormat": "true"})
    # Other codecs and encodings parquet-mr has.
    some = pick(cols, {"id", "i32", "i64", "f32", "f64", "s", "d18", "dt"})
    write(spark, "codec_lz4_raw", some, {"compression": "lz4_raw"})
    write(spark, "codec_lz4", some, {"compression": "lz4"})
    write(spark, "byte_stream_split", some, {"parquet.enable.dictionary": "false", "parquet.enable.bytestreamsplit": "true"})
    write(spark, "byte_stream_split_v2", some, {"parquet.enable.dictionary": "false", "parquet.enable.bytestreamsplit": "true",
                                                 "parquet.writer.version": "v2"})
    write(spark, "bloom_filters", some, {"parquet.bloom.filter.enabled": "true", "parquet.bloom.filter.max.bytes": "1024"})
    # NULL patterns over many pages.
    n = 600
    r = random.Random(7)
    patterns = [
        Column("all_null", T.LongType(), "int64", [None] * n),
        Column("all_null_b", T.BooleanType(), "boolean", [None] * n),
        Column("all_null_f", T.FloatType(), "float32", [None] * n),
        Column("all_null_s", T.StringType(), "string", [None] * n),
        Column("all_null_d38", T.DecimalType(38, 10), "decimal(38,10)", [None] * n),
        Column("no_null", T.LongType(), "int64", list(range(n))),
        Column("alternating", T.StringType(), "string", [None if k % 2 else f"s{k % 3}" for k in range(n)]),
        Column("first_last", T.DoubleType(), "float64", [None if k in (0, n - 1) else k / 3 for k in range(n)]),
        Column("long_runs", T.IntegerType(), "int32", [None if (k // 300) % 2 else k for k in range(n)]),
        Column("sparse", T.DecimalType(20, 4), "decimal(20,4)",
               [D(k).scaleb(-4) if r.random() < 0.02 else None for k in range(n)]),
        Column("bools", T.BooleanType(), "boolean", [None if k % 5 == 0 else k % 3 == 0 for k in range(n)]),
        Column("dates", T.DateType(), "date",
               [None if k % 4 == 1 else datetime.date(1900, 1, 1) + datetime.timedelta(days=k * 53) for k in range(n)]),
    ]
    nulls = {"parquet.page.size": "256", "parquet.page.size.row.check.min": "8", "parquet.page.size.row.check.max": "16"}
    write(spark, "nulls", patterns, nulls)
    write(spark, "nulls_v2", patterns, {**nulls, "parquet.writer.version": "v2"})
    write(spark, "empty", head(cols, 0))
    write(spark, "single_row", head(cols, 1))
    spark.stop()


if __name__ == "__main__":
    main()
