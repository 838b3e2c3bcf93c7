#!/usr/bin/env python3
"""Digests of a nested column's JSON text (nested_json.py), row by row, for values too large to print.

usage: nested_digest.py FILE COLUMN
Reads one row at a time (pyarrow cannot read a map whose values pass 2 GiB in one batch) and prints
{"rows": [[utf8_length, crc32, first_64_chars, last_64_chars] or null, ...]} on stdout.
Errors: exit status 2 and the reader's message on stderr.
"""
import sys
import zlib

import pyarrow.parquet as pq

import nested_json
from answer import answer


def digests(path, name):
    rows = []
    for batch in pq.ParquetFile(path).iter_batches(batch_size=1, columns=[name], use_threads=False):
        for text in nested_json.column(batch.column(0)):
            if text is None:
                rows.append(None)
                continue
            data = text.encode("utf-8")
            rows.append([len(data), zlib.crc32(data), text[:64], text[-64:]])
            del data, text
    return {"rows": rows}


def main():
    answer(lambda: digests(sys.argv[1], sys.argv[2]))


if __name__ == "__main__":
    main()
