#!/usr/bin/env python3
"""Print the column chunk statistics pyarrow reads from a Parquet file, canonical (see canonical.py).

usage: statistics.py FILE COLUMNS_JSON
Output: [[{"min": str|null, "max": str|null, "nulls": int|null}, ...per column], ...per row group]
"""
import datetime
import decimal
import json
import math
import struct
import sys
import uuid

import pyarrow.parquet as pq

decimal.getcontext().prec = 200
EPOCH = datetime.datetime(1970, 1, 1)


def fmt_decimal(unscaled, scale):
    negative = unscaled < 0
    digits = str(abs(unscaled))
    if scale > 0:
        if len(digits) <= scale:
            digits = "0" * (scale - len(digits) + 1) + digits
        digits = digits[:-scale] + "." + digits[-scale:]
    return ("-" if negative else "") + digits


def canonical(v, sluice_type):
    if v is None:
        return None
    if sluice_type == "boolean":
        return "true" if v else "false"
    if sluice_type.startswith("decimal"):
        scale = int(sluice_type.split(",")[1].rstrip(")"))
        return fmt_decimal(int(v.scaleb(scale)), scale)
    if sluice_type == "float32":
        return "nan" if math.isnan(v) else struct.pack("<f", v).hex()
    if sluice_type == "float64":
        return "nan" if math.isnan(v) else struct.pack("<d", v).hex()
    if sluice_type in ("string", "json"):
        return v.decode() if isinstance(v, bytes) else str(v)
    if sluice_type in ("binary", "uuid"):
        if isinstance(v, uuid.UUID):
            return v.bytes.hex()
        return bytes(v).hex()
    if sluice_type == "date":
        return str((v - datetime.date(1970, 1, 1)).days)
    if sluice_type == "time":
        return str(((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond)
    if sluice_type in ("timestamp", "timestamptz"):
        naive = v.replace(tzinfo=None) if v.tzinfo else v
        return str((naive - EPOCH) // datetime.timedelta(microseconds=1))
    return str(int(v))


def main():
    path, spec = sys.argv[1], json.loads(sys.argv[2])
    metadata = pq.ParquetFile(path).metadata
    names = [metadata.schema.column(i).name for i in range(metadata.num_columns)]
    groups = []
    for g in range(metadata.num_row_groups):
        row = []
        for c in spec:
            stats = metadata.row_group(g).column(names.index(c["name"])).statistics
            if stats is None:
                row.append({"min": None, "max": None, "nulls": None})
                continue
            has = stats.has_min_max
            row.append({"min": canonical(stats.min, c["type"]) if has else None,
                        "max": canonical(stats.max, c["type"]) if has else None,
                        "nulls": stats.null_count if stats.has_null_count else None})
        groups.append(row)
    json.dump(groups, sys.stdout)


if __name__ == "__main__":
    main()
