#!/usr/bin/env python3
"""Print a Parquet file's values in the canonical form ParquetTests compares against Sluice's reading.

usage: canonical.py ENGINE FILE COLUMNS_JSON
  ENGINE        pyarrow | chdb
  COLUMNS_JSON  [{"name": ..., "type": <Sluice type name>}, ...]: the columns to print, with the Sluice
                type each is compared as (so both sides normalise the same way). With pyarrow, a dotted
                name `a.b.c` that is no top-level column is the leaf under structs a and b.

Output (stdout): {"rows": N, "columns": [[value, ...], ...]} where each value is null or a string:
  boolean "true"/"false"; integers in decimal (uint64 unsigned); decimals as exact fixed-point text;
  float32/float64 as the little-endian IEEE bytes in hex, or "nan"; string/json as the text; binary and
  uuid as lower-case hex; date as days since 1970-01-01; time as microseconds since midnight;
  timestamp/timestamptz as microseconds since 1970-01-01 (nanoseconds floored).
  A nested column (list, map, struct; Sluice reads it as type string) is printed as the JSON text of
  nested_json.py, Sluice's convention for nested values (docs/parquet.md, "Nested columns").
Errors: exit status 2 and the reader's message on stderr.
"""
import decimal
import json
import math
import struct
import sys
import uuid

import pyarrow as pa
import pyarrow.compute as pc

import nested_json


decimal.getcontext().prec = 200  # exact unscaled values for 38-digit decimals


def fmt_decimal(unscaled, scale):
    negative = unscaled < 0
    digits = str(abs(unscaled))
    if scale > 0:
        if len(digits) <= scale:
            digits = "0" * (scale - len(digits) + 1) + digits
        digits = digits[:-scale] + "." + digits[-scale:]
    return ("-" if negative else "") + digits


def micros(array):
    """Integer microseconds of a timestamp/time/duration array (floored from nanoseconds)."""
    t = array.type
    if pa.types.is_timestamp(t) or pa.types.is_time(t) or pa.types.is_duration(t):
        unit = t.unit
        raw = array.view(pa.int64()) if (pa.types.is_timestamp(t) or pa.types.is_time64(t) or pa.types.is_duration(t)) \
            else array.cast(pa.int32()).cast(pa.int64())
        values = raw.to_pylist()
        factor = {"s": (1_000_000, 1), "ms": (1000, 1), "us": (1, 1), "ns": (1, 1000)}[unit]
        return [None if v is None else (v * factor[0]) // factor[1] for v in values]
    if pa.types.is_integer(t):
        return array.cast(pa.int64()).to_pylist()
    raise TypeError(f"not a time type: {t}")


def storage(array):
    return array.storage if isinstance(array.type, pa.ExtensionType) else array


def canonical(array, sluice_type, engine="pyarrow"):
    array = storage(array)
    t = array.type
    if pa.types.is_nested(t) and sluice_type == "string":
        # chdb hands strings over as binary (output_format_arrow_string_as_string=0): read them as text.
        return nested_json.column(array, binary_as_text=engine == "chdb")
    if sluice_type in ("date",):
        values = array.cast(pa.int32()).to_pylist() if pa.types.is_date32(t) else array.to_pylist()
        return [None if v is None else str(v) for v in values]
    if sluice_type in ("time", "timestamp", "timestamptz"):
        return [None if v is None else str(v) for v in micros(array)]
    values = array.to_pylist()
    out = []
    for v in values:
        if v is None:
            out.append(None)
        elif sluice_type == "boolean":
            out.append("true" if v else "false")
        elif sluice_type.startswith("decimal"):
            scale = int(sluice_type.split(",")[1].rstrip(")"))
            out.append(fmt_decimal(int(v.scaleb(scale)), scale))
        elif sluice_type == "float32":
            out.append("nan" if math.isnan(v) else struct.pack("<f", v).hex())
        elif sluice_type == "float64":
            out.append("nan" if math.isnan(v) else struct.pack("<d", v).hex())
        elif sluice_type in ("string", "json"):
            out.append(v.decode("utf-8", errors="replace") if isinstance(v, bytes) else str(v))
        elif sluice_type == "binary":
            out.append(bytes(v).hex() if not isinstance(v, str) else v.encode().hex())
        elif sluice_type == "uuid":
            if isinstance(v, uuid.UUID):
                out.append(v.bytes.hex())
            elif isinstance(v, str):
                out.append(v.replace("-", ""))
            else:
                out.append(bytes(v).hex())
        else:  # integers
            out.append(str(int(v)))
    return out


def read_pyarrow(path, names):
    import pyarrow.parquet as pq
    tops = list(dict.fromkeys(n if n in pq.read_schema(path).names else n.split(".")[0] for n in names))
    return pq.read_table(path, columns=tops, use_threads=False)


def column_of(table, name):
    """Column `name`, or for a dotted path `a.b.c` not a top-level name the leaf under structs a and b,
    NULL where it or any struct above it is NULL (StructArray.flatten merges the parents' validity)."""
    if name in table.column_names:
        return table.column(name).combine_chunks()
    top, *rest = name.split(".")
    array = table.column(top).combine_chunks()
    for part in rest:
        array = array.flatten()[array.type.get_field_index(part)]
    return array


def read_chdb(path, names):
    import chdb
    cols = ", ".join("`" + n.replace("`", "\\`") + "`" for n in names) if names else "count()"
    sql = (f"SELECT {cols} FROM file('{path}', Parquet) SETTINGS input_format_parquet_enable_json_parsing=0, "
           "output_format_arrow_string_as_string=0, max_threads=1, input_format_parquet_preserve_order=1")
    return chdb.query(sql, "ArrowTable")


def main():
    engine, path, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    names = [c["name"] for c in spec]
    try:
        table = read_pyarrow(path, names) if engine == "pyarrow" else read_chdb(path, names)
        columns = [canonical(column_of(table, c["name"]), c["type"], engine) for c in spec]
        rows = table.num_rows
    except Exception as error:  # noqa: BLE001 - the message is the product here
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(2)
    json.dump({"rows": rows, "columns": columns}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
