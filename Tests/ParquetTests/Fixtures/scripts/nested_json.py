"""Renders nested Arrow values (lists, maps, structs) as the JSON text Sluice reads them as.

The convention (docs/parquet.md, "Nested columns"), written here independently of Sluice's Swift code so that
ParquetTests can compare Sluice's reading with pyarrow's `to_pylist()` value by value:
  list -> JSON array; struct -> JSON object, fields in schema order; map -> JSON object whose keys are the
  keys' text (duplicates kept, in file order), or an array of {"key": .., "value": ..} objects when the key
  is not a primitive; NULL -> null; booleans and integers -> JSON numbers/literals; finite floats -> JSON
  numbers in the shortest text that reads back (Swift's `description` layout); NaN/inf -> "NaN", "inf",
  "-inf"; everything else -> a JSON string of the flat text (decimals exact, binary lower-case hex, dates
  YYYY-MM-DD, times HH:MM:SS.ffffff, timestamps "YYYY-MM-DD HH:MM:SS.ffffff" with "Z" when UTC-adjusted).
No spaces anywhere; strings escape only `"`, `\\` and control characters.
"""
import decimal
import math
import re
import struct
import uuid

import pyarrow as pa

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


_NEEDS_ESCAPE = re.compile('[\\x00-\\x1f"\\\\]')


def json_string(text):
    """A JSON string literal: `"` `\\` and control characters escaped, everything else as it is."""
    if _NEEDS_ESCAPE.search(text) is None:
        return '"' + text + '"'
    return '"' + "".join(_ESCAPES.get(ch) or ("\\u%04x" % ord(ch) if ord(ch) < 0x20 else ch) for ch in text) + '"'


def float_text(value, single):
    """Swift's `description` of a Float (single) or Double: the shortest digits that read back, laid out
    in fixed notation unless |v| > 2^24 (Float) / 2^53 (Double) or its decimal exponent is below -4, then
    as d.ddde±XX."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "-inf" if value < 0 else "inf"
    text = _shortest_scientific(value, single)
    sign = "-" if text.startswith("-") else ""
    mantissa, exponent = text.lstrip("-").split("e")
    exponent = int(exponent)
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    if float(value) == 0:
        return sign + "0.0"
    limit = 2.0 ** (24 if single else 53)
    if abs(value) > limit or exponent < -4:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%02d" % (sign, body, "-" if exponent < 0 else "+", abs(exponent))
    point = exponent + 1  # digits before the decimal point
    if point <= 0:
        return sign + "0." + "0" * (-point) + digits
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits)) + ".0"
    return sign + digits[:point] + "." + digits[point:]


def _shortest_scientific(value, single):
    """`d.ddde±X`: the fewest significant digits, correctly rounded, that read back as the same Float/Double."""
    for precision in range(0, 17):
        text = "%.*e" % (precision, value)
        back = float(text)
        if (struct.unpack("<f", struct.pack("<f", back))[0] if single else back) == value:
            return text
    return "%.16e" % value


def _days_to_civil(days):
    """(year, month, day) of a day count since 1970-01-01, proleptic Gregorian (Howard Hinnant's algorithm)."""
    z = days + 719468
    era = z // 146097  # Python's // floors: no adjustment for negative days as in the C++ original
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + 1 if m <= 2 else y), m, d


def date_text(days):
    y, m, d = _days_to_civil(days)
    year = "%04d" % y if 0 <= y <= 9999 else ("-%04d" % -y if y < 0 else "+%04d" % y)
    return "%s-%02d-%02d" % (year, m, d)


def time_text(micros):
    seconds, fraction = divmod(micros, 1_000_000)
    return "%02d:%02d:%02d.%06d" % (seconds // 3600, seconds // 60 % 60, seconds % 60, fraction)


def timestamp_text(micros):
    days, rest = divmod(micros, 86_400_000_000)
    return date_text(days) + " " + time_text(rest)


def _micros(value, unit):
    """Microseconds (nanoseconds floored) of a timestamp/time stored as an integer count of `unit`."""
    return value // 1000 if unit == "ns" else value * {"s": 1_000_000, "ms": 1000, "us": 1}[unit]


def decimal_text(value, scale):
    unscaled = int(value.scaleb(scale))
    digits = str(abs(unscaled))
    if scale > 0:
        digits = digits.rjust(scale + 1, "0")
        digits = digits[:-scale] + "." + digits[-scale:]
    return ("-" if unscaled < 0 else "") + digits


def primitive_text(value, t):
    """The flat text of a primitive value (what a JSON string holds; map keys use it too)."""
    if isinstance(t, pa.ExtensionType):
        t = t.storage_type
    if pa.types.is_boolean(t):
        return "true" if value else "false"
    if pa.types.is_integer(t):
        return str(int(value))
    if pa.types.is_floating(t):
        return float_text(float(value), single=not pa.types.is_float64(t))
    if pa.types.is_decimal(t):
        return decimal_text(decimal.Decimal(value), t.scale)
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return value
    if pa.types.is_date(t):
        return date_text(value if pa.types.is_date32(t) else value // 86_400_000)
    if pa.types.is_time(t):
        return time_text(_micros(value, t.unit))
    if pa.types.is_timestamp(t):
        return timestamp_text(_micros(value, t.unit)) + ("Z" if t.tz is not None else "")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    raise TypeError(f"no JSON text for Arrow type {t}")


def render(value, t):
    """The JSON text of `value` (an element of `to_pylist()`, temporal values as integers) of Arrow type `t`."""
    if value is None:
        return "null"
    if isinstance(t, pa.ExtensionType):
        t = t.storage_type
    if pa.types.is_map(t):
        if _is_primitive(t.key_type):
            return "{" + ",".join(json_string(primitive_text(k, t.key_type)) + ":" + render(v, t.item_type)
                                  for k, v in value) + "}"
        return "[" + ",".join('{"key":' + render(k, t.key_type) + ',"value":' + render(v, t.item_type) + "}"
                              for k, v in value) + "]"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return "[" + ",".join(render(v, t.value_type) for v in value) + "]"
    if pa.types.is_struct(t):
        return "{" + ",".join(json_string(t.field(i).name) + ":" + render(value[t.field(i).name], t.field(i).type)
                              for i in range(t.num_fields)) + "}"
    if pa.types.is_boolean(t) or pa.types.is_integer(t):
        return primitive_text(value, t)
    if pa.types.is_floating(t) and math.isfinite(float(value)):
        return primitive_text(value, t)
    return json_string(primitive_text(value, t))


def _is_primitive(t):
    return not (pa.types.is_nested(t) or pa.types.is_map(t))


def column(array, binary_as_text=False):
    """One JSON text (or None for a NULL top-level value) per row of a nested Arrow array. `binary_as_text`:
    binary leaves hold UTF-8 text (as chdb hands strings over) and are read as strings. Temporal leaves are
    handed to Python as their integer storage, so that values outside datetime's range still render."""
    t = _retyped(array.type, binary_as_text, temporal=False)
    plain = _retyped(t, binary_as_text, temporal=True)
    return [None if v is None else render(v, t) for v in array.cast(plain).to_pylist()]


def _retyped(t, binary_as_text, temporal):
    """`t` with binary leaves as strings (`binary_as_text`) or temporal leaves as integers (`temporal`)."""
    def inner(field):
        return field.with_type(_retyped(field.type, binary_as_text, temporal))
    if pa.types.is_map(t):
        return pa.map_(inner(t.key_field), inner(t.item_field))
    if pa.types.is_list(t):
        return pa.list_(inner(t.value_field))
    if pa.types.is_large_list(t):
        return pa.large_list(inner(t.value_field))
    if pa.types.is_struct(t):
        return pa.struct([inner(t.field(i)) for i in range(t.num_fields)])
    if binary_as_text and (pa.types.is_binary(t) or pa.types.is_large_binary(t)):
        return pa.string()
    if temporal and (pa.types.is_timestamp(t) or pa.types.is_time64(t) or pa.types.is_date64(t)):
        return pa.int64()
    if temporal and (pa.types.is_time32(t) or pa.types.is_date32(t)):
        return pa.int32()
    return t
