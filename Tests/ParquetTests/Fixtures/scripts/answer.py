"""The output convention of the helper scripts ParquetTests runs (Support/Canonical.swift, `Python.run`)."""
import json
import sys


def answer(make):
    """Prints `make()` (a JSON-able dict) on stdout; an exception becomes its message on stderr and exit status 2."""
    try:
        result = make()
    except Exception as error:  # noqa: BLE001 - the message is the product here
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(2)
    json.dump(result, sys.stdout, ensure_ascii=False)
