#!/usr/bin/env python3
"""bench/scheduler's baseline: Dask distributed, a Python task scheduler with worker processes, on the same machine.

usage: scheduler_baseline.py TASKS WORKERS ROWS_PER_TASK
Starts LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True) and times how long it takes until every
worker is registered (cluster_ready_s), then submits TASKS tiny tasks (each builds ROWS_PER_TASK ids, as Sluice's
bench source does) and gathers them, timing the task window and the client/scheduler process's CPU (in a
LocalCluster the scheduler runs in this process). Checks that every task's result came back once, with the ids
summing as generated. Prints one JSON object. Tooling only; never part of the product.
"""
import json
import resource
import sys
import time


def tiny(partition, rows):
    first = partition * rows
    ids = list(range(first, first + rows))
    return partition, len(ids), sum(ids)


def main():
    tasks, workers, rows = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    started = time.perf_counter()
    from dask.distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client.wait_for_workers(workers)
    ready = time.perf_counter() - started
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    window_start = time.perf_counter()
    futures = client.map(tiny, range(tasks), [rows] * tasks, pure=False)
    results = client.gather(futures)
    window = time.perf_counter() - window_start
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    partitions = sorted(r[0] for r in results)
    n = tasks * rows
    ok = partitions == list(range(tasks)) and sum(r[1] for r in results) == n and sum(r[2] for r in results) == n * (n - 1) // 2
    client.close()
    cluster.close()
    print(json.dumps({
        "tasks": tasks, "workers": workers, "threads_per_worker": 1, "rows_per_task": rows, "checks_ok": ok,
        "cluster_ready_s": ready, "task_window_seconds": window, "tasks_per_s": tasks / window,
        "scheduler_cpu_seconds": cpu, "scheduler_cpu_ms_per_task": cpu * 1000 / tasks,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
