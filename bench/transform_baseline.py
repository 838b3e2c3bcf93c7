#!/usr/bin/env python3
"""DuckDB's side of bench/transform, the interleaving, the agreement checks and the JSON (see bench/transform).

Sluice's side is `sluice-bench transform`, which runs the executor's TransformStage and Reconciliation over rows
read from the same Parquet files and prints the expression texts it ran; DuckDB runs exactly those texts.
Each round runs Sluice REPEAT times, then DuckDB REPEAT times; the medians over all rounds count.
"""
import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import duckdb


def median(values):
    return statistics.median(values)


def spread(values):
    return {"min": round(min(values), 4), "max": round(max(values), 4), "runs": [round(v, 4) for v in values]}


def run_sluice(bench, directory, repeat):
    out = subprocess.run([bench, "transform", "--dir", directory, "--repeat", str(repeat), "--phases", "project,reconcile"],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


class DuckSide:
    def __init__(self, directory, spec):
        self.directory = directory
        self.con = duckdb.connect()
        self.con.execute("SET threads = 1")
        derived = ", ".join(f"{e['text']} AS {e['name']}" for e in spec["expressions"])
        columns = "order_id, customer_id, quantity, amount, created_at, updated_at, status, country, note"
        self.project_sql = (f"CREATE OR REPLACE TEMP TABLE duck_projection AS SELECT {columns}, {derived} "
                            f"FROM read_parquet('{directory}/orders.parquet') WHERE {spec['filter']}")
        self.reconcile_sql = (
            "SELECT count(*), coalesce(sum(o.order_id), 0) "
            f"FROM read_parquet('{directory}/recon_orders.parquet') o "
            f"LEFT JOIN (SELECT order_id, sum(amount) AS s FROM read_parquet('{directory}/recon_items.parquet') GROUP BY order_id) i "
            "USING (order_id) WHERE coalesce(i.s, 0) <> o.total")

    def timed(self, sql):
        wall, cpu = time.perf_counter(), time.process_time()
        result = self.con.execute(sql).fetchall()
        return time.perf_counter() - wall, time.process_time() - cpu, result

    def project(self):
        return self.timed(self.project_sql)

    def reconcile(self):
        return self.timed(self.reconcile_sql)


def check_projection(duck, sluice_output, rows_kept):
    """Sluice's rows and DuckDB's, compared as multisets (every column, every value)."""
    con = duck.con
    duck_rows = con.execute("SELECT count(*) FROM duck_projection").fetchone()[0]
    only_sluice = con.execute(f"SELECT count(*) FROM (SELECT * FROM read_parquet('{sluice_output}') "
                              "EXCEPT ALL SELECT * FROM duck_projection)").fetchone()[0]
    only_duck = con.execute(f"SELECT count(*) FROM (SELECT * FROM duck_projection "
                            f"EXCEPT ALL SELECT * FROM read_parquet('{sluice_output}'))").fetchone()[0]
    agree = duck_rows == rows_kept and only_sluice == 0 and only_duck == 0
    return {"agree": agree, "duckdb_rows": duck_rows, "sluice_rows": rows_kept,
            "rows_only_in_sluice": only_sluice, "rows_only_in_duckdb": only_duck}


def clickhouse(query):
    url = os.environ.get("SLUICE_CLICKHOUSE_URL", "http://127.0.0.1:28123")
    request = urllib.request.Request(url + "/?" + urllib.parse.urlencode({"query": query}), method="POST")
    user, password = os.environ.get("SLUICE_CLICKHOUSE_USER", "etl"), os.environ.get("SLUICE_CH_PASSWORD", "")
    request.add_header("X-ClickHouse-User", user)
    request.add_header("X-ClickHouse-Key", password)
    with urllib.request.urlopen(request) as response:
        return response.read().decode()


def pipeline_yaml(database, target, derived, spec, with_filter, source="orders", stored=()):
    lines = [
        "pipeline: bench_transform",
        "source:",
        '  postgres: {host: "${PGHOST}", port: "${PGPORT}", database: ' + database + ', user: "${PGUSER}", password: "${PGPASSWORD}"}',
        "sink:",
        '  clickhouse: {url: "${SLUICE_CLICKHOUSE_URL}", user: "${SLUICE_CLICKHOUSE_USER}", password: "${SLUICE_CH_PASSWORD}", '
        f"database: {target}, metadata_database: {target}_meta}}",
        'staging: {directory: "${SLUICE_BENCH_STAGING}"}',
        "tables:",
        "  - name: orders",
        f"    source: {source}",
        "    primary_key: [order_id]",
        "    cursor: created_at",
        "    partition: {column: order_id, count: 4}",
    ]
    if with_filter:
        lines.append(f"    filter: {json.dumps(spec['filter'])}")
    lines += [
        "    columns:",
        "      - {name: order_id, type: int64, nullable: false}",
        "      - {name: customer_id, type: int64, nullable: false}",
        "      - {name: quantity, type: int32, nullable: false}",
        "      - {name: amount, type: \"decimal(12,2)\", nullable: false}",
        "      - {name: created_at, type: timestamp, nullable: false}",
        "      - {name: updated_at, type: timestamptz}",
        "      - {name: status, type: string, nullable: false}",
        "      - {name: country, type: string, nullable: false}",
        "      - {name: note, type: string}",
    ]
    for e in spec["expressions"]:
        if e["name"] in stored:
            lines.append(f"      - {{name: {e['name']}, type: {json.dumps(e['type'])}}}")
    if derived:
        for e in spec["expressions"]:
            lines.append(f"      - {{name: {e['name']}, type: {json.dumps(e['type'])}, expression: {json.dumps(e['text'])}}}")
    return "\n".join(lines) + "\n"


def pipeline_runs(sluice, database, directory, runs, spec, duck):
    """Each variant loads the whole table (--mode backfill) into its own, freshly dropped, ClickHouse database."""
    variants = {"plain": (False, False), "transformed": (True, True), "derived_only": (True, False), "precomputed": (False, False)}
    stored = [e["name"] for e in spec["expressions"]]
    env = dict(os.environ, SLUICE_BENCH_STAGING=os.path.join(directory, "staging"))
    times = {name: [] for name in variants}
    cpus = {name: [] for name in variants}
    for _ in range(runs):
        for name, (derived, with_filter) in variants.items():
            target = f"bench_transform_{name}"
            clickhouse(f"DROP DATABASE IF EXISTS {target}")
            clickhouse(f"DROP DATABASE IF EXISTS {target}_meta")
            path = os.path.join(directory, f"pipeline_{name}.yaml")
            with open(path, "w") as f:
                if name == "precomputed":
                    f.write(pipeline_yaml(database, target, False, spec, False, source="orders_wide", stored=stored))
                else:
                    f.write(pipeline_yaml(database, target, derived, spec, with_filter))
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([sluice, "run", "--config", path, "--local", "2", "--mode", "backfill"], check=True, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    # What the transformed run loaded equals DuckDB's projection: row count and sums over derived columns.
    query = ("SELECT count(), toString(sum(gross)), toString(sum(with_vat)), sum(note_length), sum(hour), "
             "countIf(size = 'large'), sum(length(label)), sum(length(note_clean)) FROM {table}")
    loaded = clickhouse(query.format(table="bench_transform_transformed.orders") + " FORMAT TSV").strip().split("\t")
    expected = duck.con.execute(
        "SELECT count(*), sum(gross)::VARCHAR, sum(with_vat)::VARCHAR, sum(note_length), sum(hour), "
        "count(*) FILTER (WHERE size = 'large'), sum(length(label)), sum(length(note_clean)) FROM duck_projection").fetchone()
    expected = [str(v) for v in expected]
    plain, transformed, derived, precomputed = (median(times[n]) for n in ("plain", "transformed", "derived_only", "precomputed"))
    return {
        "description": "sluice run --local 2 --mode backfill of the 1,000,000 orders from PostgreSQL into ClickHouse: "
                       "as they are (plain), with the ten derived columns and the filter (transformed; the filter's "
                       "conditions are pushed into PostgreSQL, so fewer rows are loaded), and with the ten derived "
                       "columns alone (derived_only: every row loaded, ten more columns), and the same nineteen "
                       "columns stored in PostgreSQL (orders_wide) loaded without transforms (precomputed). "
                       "transform_overhead_fraction = derived_only / precomputed - 1: what computing the columns "
                       "costs; the *_vs_plain fractions also count writing and loading ten more columns",
        "plain_seconds": spread(times["plain"]),
        "transformed_seconds": spread(times["transformed"]),
        "derived_only_seconds": spread(times["derived_only"]),
        "precomputed_seconds": spread(times["precomputed"]),
        "precomputed_cpu_seconds_median": round(median(cpus["precomputed"]), 3),
        "plain_cpu_seconds_median": round(median(cpus["plain"]), 3),
        "transformed_cpu_seconds_median": round(median(cpus["transformed"]), 3),
        "derived_only_cpu_seconds_median": round(median(cpus["derived_only"]), 3),
        "transform_overhead_fraction": round(derived / precomputed - 1, 3),
        "transformed_vs_plain_fraction": round(transformed / plain - 1, 3),
        "derived_only_vs_plain_fraction": round(derived / plain - 1, 3),
        "loaded_agrees_with_duckdb": loaded == expected,
        "loaded_checks": {"clickhouse": loaded, "duckdb": expected},
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pipeline")
    parser.add_argument("--database")
    parser.add_argument("--pipeline-runs", type=int, default=3)
    args = parser.parse_args()
    directory = os.path.abspath(args.dir)

    sluice = {"project": [], "project_cpu": [], "project_stage": [], "reconcile": [], "reconcile_cpu": []}
    duck = {"project": [], "project_cpu": [], "reconcile": [], "reconcile_cpu": []}
    spec = None
    duck_side = None
    duck_failing = None
    for round_index in range(args.rounds):
        print(f"[bench/transform] round {round_index + 1}/{args.rounds}", file=sys.stderr)
        result = run_sluice(args.bench, directory, args.repeat)
        spec = result
        sluice["project"] += result["project"]["seconds"]
        sluice["project_cpu"] += result["project"]["cpu_seconds"]
        sluice["project_stage"] += result["project"]["stage_seconds"]
        sluice["reconcile"] += result["reconcile"]["seconds"]
        sluice["reconcile_cpu"] += result["reconcile"]["cpu_seconds"]
        if duck_side is None:
            duck_side = DuckSide(directory, spec)
        for _ in range(args.repeat):
            wall, cpu, _ = duck_side.project()
            duck["project"].append(wall)
            duck["project_cpu"].append(cpu)
            wall, cpu, rows = duck_side.reconcile()
            duck["reconcile"].append(wall)
            duck["reconcile_cpu"].append(cpu)
            duck_failing = rows[0]

    rows = args.rows
    items = spec["reconcile"]["items"]
    projection_check = check_projection(duck_side, spec["project"]["output"], spec["project"]["rows_kept"])
    reconcile_check = {
        "agree": duck_failing[0] == spec["reconcile"]["failing_orders"] and duck_failing[1] == spec["reconcile"]["failing_order_id_sum"],
        "sluice_failing_orders": spec["reconcile"]["failing_orders"], "duckdb_failing_orders": duck_failing[0],
        "sluice_failing_order_id_sum": spec["reconcile"]["failing_order_id_sum"], "duckdb_failing_order_id_sum": int(duck_failing[1]),
    }
    sp, dp = median(sluice["project"]), median(duck["project"])
    sr, dr = median(sluice["reconcile"]), median(duck["reconcile"])
    result = {
        "benchmark": "transform",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_at_end": os.getloadavg()[0],
        "duckdb_version": duckdb.__version__,
        "targets": {"ratio_at_least": 0.5, "transform_overhead_fraction_below": 0.2},
        "rows": rows,
        "rounds": args.rounds, "repeat_per_round": args.repeat,
        "projection": {
            "description": "read orders.parquet, then ten expressions (decimal arithmetic and a rounding CAST, CASE, "
                           "lower/upper/concat/length/replace/coalesce, date_trunc, extract) and a filter; Sluice: the "
                           "executor's TransformStage over the batches its Parquet reader gives; DuckDB: CREATE TEMP "
                           "TABLE AS SELECT over read_parquet, threads = 1; ratio = DuckDB median time / Sluice median time",
            "expressions": spec["expressions"], "filter": spec["filter"],
            "rows_kept": spec["project"]["rows_kept"],
            "sluice_seconds": spread(sluice["project"]), "duckdb_seconds": spread(duck["project"]),
            "sluice_stage_only_seconds": spread(sluice["project_stage"]),
            "sluice_rows_per_second": round(rows / sp), "duckdb_rows_per_second": round(rows / dp),
            "sluice_cpu_ns_per_row": round(median(sluice["project_cpu"]) / rows * 1e9),
            "duckdb_cpu_ns_per_row": round(median(duck["project_cpu"]) / rows * 1e9),
            "ratio": round(dp / sp, 3),
            "agreement": projection_check,
        },
        "reconciliation": {
            "description": "sum(items.amount) = orders.total, tolerance 0, over 1,000,000 orders and their items read "
                           "from Parquet; Sluice: ParentKeys + Reconciliation as a co-partitioned task runs them; "
                           "DuckDB: LEFT JOIN of the orders to the items grouped by order; rows/s counts orders",
            "orders": rows, "items": items,
            "sluice_seconds": spread(sluice["reconcile"]), "duckdb_seconds": spread(duck["reconcile"]),
            "sluice_rows_per_second": round(rows / sr), "duckdb_rows_per_second": round(rows / dr),
            "sluice_cpu_ns_per_row": round(median(sluice["reconcile_cpu"]) / (rows + items) * 1e9),
            "duckdb_cpu_ns_per_row": round(median(duck["reconcile_cpu"]) / (rows + items) * 1e9),
            "cpu_per_row_counts": "orders + items",
            "ratio": round(dr / sr, 3),
            "agreement": reconcile_check,
        },
    }
    if args.pipeline:
        result["pipeline"] = pipeline_runs(args.pipeline, args.database, directory, args.pipeline_runs, spec, duck_side)
        result["transform_overhead_fraction"] = result["pipeline"]["transform_overhead_fraction"]
    result["ratio"] = min(result["projection"]["ratio"], result["reconciliation"]["ratio"])
    print(json.dumps(result, indent=2))
    if not (projection_check["agree"] and reconcile_check["agree"]) or (args.pipeline and not result["pipeline"]["loaded_agrees_with_duckdb"]):
        print("[bench/transform] Sluice and DuckDB disagree; see the agreement fields", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
