#!/usr/bin/env python3
"""Reads a `sluice parquet cat --format csv` file with Python's csv module and prints a few fields, to show
that the quoting is standard CSV. usage: csv_roundtrip.py FILE"""
import csv
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
print(f"{len(rows)} rows; row 3 name: {rows[3][1]!r}; row 2 name: {rows[2][1]!r}; row 2 amount: {rows[2][2]!r}")
