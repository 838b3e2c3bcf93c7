#!/usr/bin/env python3
"""Checks that ClickHouse (chdb) reads Sluice's JSON text of nested columns as it reads the columns themselves.

usage: clickhouse_json.py SPEC_FILE
  SPEC_FILE  {"path": PARQUET, "columns": [{"name": .., "texts": [text or null, ..]}]}
Prints {"columns": [[[native, extracted], ...], ...]}: per row, toString() of the column as ClickHouse reads it
from the Parquet file, and toString(JSONExtract(text, T)) of Sluice's text, T being the type ClickHouse gives
the column (DESCRIBE); null where the text is null.
Errors: exit status 2 and ClickHouse's message on stderr.
"""
import json
import os
import sys
import tempfile

import chdb

from answer import answer

SETTINGS = "SETTINGS max_threads=1, input_format_parquet_preserve_order=1"


def column(path, name, texts):
    described = chdb.query(f"DESCRIBE file('{path}', Parquet)", "JSONEachRow")
    types = {row["name"]: row["type"] for row in map(json.loads, str(described).splitlines()) if row}
    ch_type = " ".join(types[name].split()).replace("\\", "\\\\").replace("'", "\\'")
    native = chdb.query(f"SELECT toString(`{name}`) AS v FROM file('{path}', Parquet) {SETTINGS}", "JSONEachRow")
    native = [json.loads(line)["v"] for line in str(native).splitlines() if line]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        for text in texts:
            handle.write(json.dumps({"s": text}) + "\n")
    try:
        extracted = chdb.query(
            f"SELECT if(s IS NULL, NULL, toString(JSONExtract(assumeNotNull(s), '{ch_type}'))) AS v "
            f"FROM file('{handle.name}', JSONEachRow, 's Nullable(String)') {SETTINGS}", "JSONEachRow")
    finally:
        os.unlink(handle.name)
    extracted = [json.loads(line)["v"] for line in str(extracted).splitlines() if line]
    return [list(pair) for pair in zip(native, extracted)] if len(native) == len(extracted) else \
        [[f"{len(native)} rows", f"{len(extracted)} rows"]]


def main():
    with open(sys.argv[1]) as handle:
        spec = json.load(handle)
    answer(lambda: {"columns": [column(spec["path"], c["name"], c["texts"]) for c in spec["columns"]]})


if __name__ == "__main__":
    main()
