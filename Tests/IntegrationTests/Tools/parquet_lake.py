#!/usr/bin/env python3
"""A small data lake written by pyarrow, and the check that ClickHouse holds what pyarrow reads of it.

    parquet_lake.py write DIR      writes DIR/events/country=../date=../part-N.parquet (+ files that must be ignored)
    parquet_lake.py upload DIR ENDPOINT KEY SECRET BUCKET   puts every file under DIR into BUCKET/lake/ (bucket created)
    parquet_lake.py nested DIR     writes DIR/nested/part-0.parquet and prints pyarrow's reading as JSON lines
    parquet_lake.py more DIR       adds DIR/events/country=DE/date=2026-11-03/part-0.parquet (ids 10001-10300)
    parquet_lake.py late DIR       adds DIR/events/country=US/date=2026-11-04/part-0.parquet (ids 20001-20200) dated two
                                   hours back, as `cp -p` or a slow multipart upload leaves a file
    parquet_lake.py rewrite DIR    writes the file of `more` again, same rows (a new version of the same key)
    parquet_lake.py backdated DIR  adds DIR/events/country=US/date=2026-11-01/part-0.parquet (ids 30001-30100): a file
                                   in a day folder older than the days loaded before it
    parquet_lake.py results DIR FOLDER  compares a results folder (Hive folders by date) written from the lake
    parquet_lake.py compare DIR TSV  compares ClickHouse's rows (TSV, columns as ParquetSourceTests selects them)
                                     with pyarrow's reading of DIR/events without country=FR; prints "OK <rows>" or
                                     the differences

Used by Tests/IntegrationTests/ParquetSourceTests.swift. The values are the awkward ones: NULLs in every column,
unicode and empty and 200 KB strings, decimals at 38 digits, dates before 1970 (the sink's Date starts there: the
table sets them NULL), timestamps with microseconds, floats at the edges, binary with zero bytes, and a column that
is int32 in some files and int16 in others (both load into the declared int64).
"""
import datetime as dt
import decimal
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq

decimal.getcontext().prec = 60
UTC = dt.timezone.utc
FILES = [  # (folder, first id, rows, writer options, qty type)
    ("country=DE/date=2026-11-01", 1, 2000, dict(compression="snappy", row_group_size=700), pa.int32()),
    ("country=DE/date=2026-11-02", 2001, 1500,
     dict(compression="zstd", use_dictionary=False, data_page_version="2.0", row_group_size=400), pa.int16()),
    ("country=FR/date=2026-11-01", 3501, 1000, dict(compression="gzip", row_group_size=1000), pa.int32()),
    ("country=US/date=2026-11-02", 4501, 1200, dict(compression="none", row_group_size=300, write_statistics=False), pa.int16()),
]


def row(i):
    """Row `i`: deterministic, with a NULL in every column somewhere."""
    names = ["plain", "", "Ünïcödé ✓ 日本語 🚀", "tab\there", "line\nbreak", "quote ' \" \\ back"]
    name = None if i % 11 == 0 else ("x" * 200_000 if i == 7 else names[i % len(names)] + f" {i}")
    amounts = [decimal.Decimal("99999999999999999999999999999.999999999"), decimal.Decimal("-99999999999999999999999999999.999999999"),
               decimal.Decimal("0.000000001"), decimal.Decimal("-0.000000001"), decimal.Decimal(0)]
    amount = None if i % 13 == 0 else (amounts[i % 5] if i % 7 == 0 else decimal.Decimal(i * 1234567) / decimal.Decimal(1000))
    prices = [0.1 + 0.2, -0.0, 1e308, -1e308, 2.2250738585072014e-308, 123.456]
    price = None if i % 17 == 0 else prices[i % len(prices)] * (1 if i % 2 else -1)
    born = None if i % 19 == 0 else dt.date(1950, 1, 1) + dt.timedelta(days=(i * 37) % 60000)  # 1950 .. 2114
    if born and born > dt.date(2105, 12, 31):
        born = dt.date(2105, 12, 31)
    at = None if i % 23 == 0 else dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=i * 86_399.5 + 1, microseconds=i % 1_000_000)
    flag = None if i % 29 == 0 else (i % 3 == 0)
    qty = None if i % 31 == 0 else (i % 30_000) - 15_000
    blob = None if i % 37 == 0 else bytes([i % 256, 0, 255, (i * 7) % 256])
    return dict(id=i, name=name, amount=amount, price=price, born=born, at=at, flag=flag, qty=qty, blob=blob)


def schema(qty_type):
    return pa.schema([("id", pa.int64()), ("name", pa.string()), ("amount", pa.decimal128(38, 9)), ("price", pa.float64()),
                      ("born", pa.date32()), ("at", pa.timestamp("us", tz="UTC")), ("flag", pa.bool_()), ("qty", qty_type),
                      ("blob", pa.binary())])


def write(root):
    events = os.path.join(root, "events")
    for folder, first, rows, options, qty_type in FILES:
        os.makedirs(os.path.join(events, folder), exist_ok=True)
        records = [row(i) for i in range(first, first + rows)]
        table = pa.Table.from_pylist(records, schema=schema(qty_type))
        pq.write_table(table, os.path.join(events, folder, "part-0.parquet"), **options)
        with open(os.path.join(events, folder, ".part-0.parquet.crc"), "wb") as f:
            f.write(b"not parquet")
    with open(os.path.join(events, "_SUCCESS"), "w") as f:
        f.write("")
    # A second dataset for the drift test: one file lacks `qty`.
    drift = os.path.join(root, "drift")
    os.makedirs(drift, exist_ok=True)
    for n, fields in enumerate([schema(pa.int32()), schema(pa.int32()).remove(schema(pa.int32()).get_field_index("qty"))]):
        records = [{k: v for k, v in row(i).items() if k in fields.names} for i in range(1 + n * 10, 11 + n * 10)]
        pq.write_table(pa.Table.from_pylist(records, schema=fields), os.path.join(drift, f"part-{n}.parquet"))


def more(root):
    """A file landing after the first run: 300 rows, ids 10001-10300, in a new folder."""
    folder = os.path.join(root, "events", "country=DE", "date=2026-11-03")
    os.makedirs(folder, exist_ok=True)
    records = [row(i) for i in range(10001, 10301)]
    pq.write_table(pa.Table.from_pylist(records, schema=schema(pa.int32())), os.path.join(folder, "part-0.parquet"))


def late(root):
    """A file landing now with a modification time two hours back: older than anything loaded before it."""
    import time
    folder = os.path.join(root, "events", "country=US", "date=2026-11-04")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "part-0.parquet")
    records = [row(i) for i in range(20001, 20201)]
    pq.write_table(pa.Table.from_pylist(records, schema=schema(pa.int16())), path)
    then = time.time() - 7200
    os.utime(path, (then, then))


def backdated(root):
    """A file landing in an old day's folder, after later days were loaded."""
    folder = os.path.join(root, "events", "country=US", "date=2026-11-01")
    os.makedirs(folder, exist_ok=True)
    records = [row(i) for i in range(30001, 30101)]
    pq.write_table(pa.Table.from_pylist(records, schema=schema(pa.int16())), os.path.join(folder, "part-0.parquet"))


def nested(root):
    """nested/part-0.parquet: a struct with a struct inside (NULL at every level), a list and a map, for flattening and
    JSON text; prints the rows pyarrow reads as JSON lines {id, a, c, tags} with a = s.a, c = s.b.c (NULL where any
    struct above is NULL), tags = the list as JSON text."""
    import json
    folder = os.path.join(root, "nested")
    os.makedirs(folder, exist_ok=True)
    inner = pa.struct([("c", pa.string())])
    kind = pa.struct([("a", pa.int32()), ("b", inner)])
    rows = []
    for i in range(1, 301):
        s = None if i % 7 == 0 else {"a": None if i % 5 == 0 else i * 3, "b": None if i % 4 == 0 else {"c": None if i % 3 == 0 else f"c{i} ✓"}}
        tags = None if i % 11 == 0 else [f"t{j}" for j in range(i % 4)]
        rows.append({"id": i, "s": s, "tags": tags})
    table = pa.Table.from_pylist(rows, schema=pa.schema([("id", pa.int64()), ("s", kind), ("tags", pa.list_(pa.string()))]))
    pq.write_table(table, os.path.join(folder, "part-0.parquet"), row_group_size=128)
    for r in pq.read_table(os.path.join(folder, "part-0.parquet")).to_pylist():
        s = r["s"]
        a = None if s is None else s["a"]
        c = None if s is None or s["b"] is None else s["b"]["c"]
        tags = None if r["tags"] is None else json.dumps(r["tags"], separators=(",", ":"), ensure_ascii=False)
        print(json.dumps({"id": r["id"], "a": a, "c": c, "tags": tags}, ensure_ascii=False))


def upload(root, endpoint, key, secret, bucket):
    """Every file under DIR (hidden ones too: the reader must skip them) into BUCKET under lake/, the bucket created if new."""
    import boto3
    from botocore.config import Config
    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=key, aws_secret_access_key=secret, region_name="us-east-1",
                      config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.ClientError as error:  # uploading again into the same bucket
        if error.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    count = 0
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                s3.put_object(Bucket=bucket, Key="lake/" + os.path.relpath(path, root), Body=f.read())
            count += 1
    print(count)


def expected(root):
    """Every row of every Parquet file under events/ (not _ or . files), with its folders' values, without country=FR."""
    rows = {}
    events = os.path.join(root, "events")
    for directory, folders, names in os.walk(events):
        folders[:] = [f for f in folders if not f.startswith(("_", "."))]
        parts = dict(p.split("=") for p in os.path.relpath(directory, events).split("/") if "=" in p)
        if parts.get("country") == "FR":
            continue
        for name in names:
            if name.startswith(("_", ".")) or not name.endswith(".parquet"):
                continue
            for r in pq.read_table(os.path.join(directory, name)).to_pylist():
                r.update(country=parts["country"], date=parts["date"])
                rows[r["id"]] = r
    return rows


def render(r):
    """The row as ParquetSourceTests's SELECT prints it."""
    def opt(v, f):
        return "\\N" if v is None else f(v)
    born = r["born"] if r["born"] is None or r["born"] >= dt.date(1970, 1, 1) else None  # out_of_range: set_null
    at = r["at"]
    return [str(r["id"]), opt(r["name"], lambda v: v.encode().hex().upper()),
            opt(r["amount"], lambda v: f"{v:.9f}"), opt(r["price"], repr),
            opt(born, lambda v: v.isoformat()),
            opt(at, lambda v: str(int(v.timestamp()))), opt(at, lambda v: str(v.microsecond)),
            opt(r["flag"], lambda v: "1" if v else "0"), opt(r["qty"], str),
            opt(r["blob"], lambda v: v.hex().upper()), r["country"], r["date"]]


def compare(root, tsv):
    want = expected(root)
    got = {}
    with open(tsv, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            got[int(fields[0])] = fields
    problems = []
    for i in sorted(set(want) | set(got)):
        if i not in got:
            problems.append(f"id {i}: missing in ClickHouse")
            continue
        if i not in want:
            problems.append(f"id {i}: in ClickHouse, not in the lake (country=FR pruned?)")
            continue
        w = render(want[i])
        g = got[i]
        for name, a, b in zip(["id", "name", "amount", "price", "born", "at", "at_us", "flag", "qty", "blob", "country", "date"], w, g):
            if name == "price" and a != "\\N" and b != "\\N":
                same = float(a) == float(b) and str(float(a))[0] == str(float(b))[0]  # -0.0 keeps its sign
            else:
                same = a == b
            if not same:
                problems.append(f"id {i} {name}: lake {a[:80]!r}, ClickHouse {b[:80]!r}")
    if problems:
        print(f"{len(problems)} differences", *problems[:40], sep="\n")
        sys.exit(1)
    print(f"OK {len(want)}")


def results(root, folder):
    """Job 1's results folder (Hive folders by date), read by pyarrow, against the lake: every row once, values equal."""
    import pyarrow.dataset as ds
    want = expected(root)
    table = ds.dataset(folder, format="parquet", partitioning="hive").to_table()
    got = {}
    problems = []
    for r in table.to_pylist():
        if r["id"] in got:
            problems.append(f"id {r['id']}: twice")
        got[r["id"]] = r
    for i in sorted(set(want) | set(got)):
        w, g = want.get(i), got.get(i)
        if w is None or g is None:
            problems.append(f"id {i}: {'missing from the results' if g is None else 'not in the lake'}")
            continue
        band = None if w["qty"] is None else ("up" if w["qty"] > 0 else "down")
        for name, a, b in [("name", w["name"], g["name"]), ("amount", w["amount"], g["amount"]), ("band", band, g["band"]),
                           ("country", w["country"], g["country"]), ("date", w["date"], str(g["date"]))]:
            if a != b:
                problems.append(f"id {i} {name}: lake {str(a)[:60]!r}, results {str(b)[:60]!r}")
    # chdb (ClickHouse's engine) reads every file too, and agrees on the count and the sums.
    import chdb
    files = [os.path.join(d, n) for d, _, names in os.walk(folder) if "/_" not in d for n in names if n.endswith(".parquet")]
    if not files:
        problems.append(f"no Parquet files under {folder} for chdb")
    for path in files:
        out = chdb.query(f"SELECT count(), sum(id), sum(length(ifNull(name, ''))) FROM file('{path}', Parquet)", "TSV").bytes().decode().split()
        rows = pq.read_table(path).to_pylist()
        mine = [str(len(rows)), str(sum(r["id"] for r in rows)), str(sum(len((r["name"] or "").encode()) for r in rows))]
        if out != mine:
            problems.append(f"chdb reads {path} as {out}, pyarrow as {mine}")
    if problems:
        print(f"{len(problems)} differences", *problems[:40], sep="\n")
        sys.exit(1)
    print(f"OK {len(got)}")


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    elif sys.argv[1] == "upload":
        upload(*sys.argv[2:7])
    elif sys.argv[1] == "nested":
        nested(sys.argv[2])
    elif sys.argv[1] == "more":
        more(sys.argv[2])
    elif sys.argv[1] == "backdated":
        backdated(sys.argv[2])
    elif sys.argv[1] == "late":
        late(sys.argv[2])
    elif sys.argv[1] == "rewrite":
        os.remove(os.path.join(sys.argv[2], "events", "country=DE", "date=2026-11-03", "part-0.parquet"))
        more(sys.argv[2])
    elif sys.argv[1] == "results":
        results(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
