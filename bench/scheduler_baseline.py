"""bench/scheduler's baseline: Dask distributed on this machine (Python: tooling only, never in the product).

  python3 bench/scheduler_baseline.py tasks N WORKERS   one round: LocalCluster(n_workers=WORKERS, threads_per_worker=1,
                                                         processes=True), then N tiny tasks (each returns [i]) submitted
                                                         with client.map and gathered; prints one JSON object.
  python3 bench/scheduler_baseline.py ready WORKERS     starts the same cluster and prints "ready" on stdout the moment
                                                         WORKERS workers are registered (bench/scheduler times that line
                                                         from the moment it started this process, as it times
                                                         `sluice run --local 2`'s `executor.joined` lines), then one JSON
                                                         object with the in-process figures.

CPU: the scheduler runs in this process (LocalCluster's scheduler, the nannies and the client share it), the workers
are its child processes (psutil); both are read at the start and the end of the task window.
"""
import json
import os
import sys
import time

START = time.perf_counter()

import psutil  # noqa: E402
from dask.distributed import Client, LocalCluster  # noqa: E402

IMPORTED = time.perf_counter()


def tiny(i):
    return [i]


def cpu(process):
    times = process.cpu_times()
    return times.user + times.system


def children_cpu(process):
    total = 0.0
    for child in process.children(recursive=True):
        try:
            total += cpu(child)
        except psutil.NoSuchProcess:
            pass
    return total


def start_cluster(workers):
    began = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client.wait_for_workers(workers)
    return cluster, client, time.perf_counter() - began


def tasks(n, workers):
    me = psutil.Process()
    cluster, client, ready = start_cluster(workers)
    try:
        # One warm-up task per worker would favour Dask (its first task per worker imports the function's module);
        # Sluice's window starts cold too, so there is none.
        cpu_before, workers_before = cpu(me), children_cpu(me)
        began = time.perf_counter()
        futures = client.map(tiny, range(n))
        results = client.gather(futures)
        seconds = time.perf_counter() - began
        cpu_after, workers_after = cpu(me), children_cpu(me)
        flat = [value for result in results for value in result]
        assert len(results) == n and len(flat) == n and sum(flat) == n * (n - 1) // 2, (len(results), len(flat), sum(flat))
    finally:
        client.close()
        cluster.close()
    return {
        "tasks": n, "workers": workers, "threads_per_worker": 1,
        "cluster_ready_in_process_seconds": ready,
        "task_window_seconds": seconds, "tasks_per_s": n / seconds,
        "scheduler_cpu_window_seconds": cpu_after - cpu_before,
        "workers_cpu_window_seconds": workers_after - workers_before,
        "rows_gathered": len(flat),
    }


def ready(workers):
    cluster, client, in_process = start_cluster(workers)
    print("ready", flush=True)
    result = {"workers": workers, "import_seconds": IMPORTED - START, "cluster_ready_in_process_seconds": in_process}
    client.close()
    cluster.close()
    return result


if __name__ == "__main__":
    if sys.argv[1] == "tasks":
        out = tasks(int(sys.argv[2]), int(sys.argv[3]))
    else:
        out = ready(int(sys.argv[2]))
    import dask
    import distributed
    out["dask"] = dask.__version__
    out["distributed"] = distributed.__version__
    print(json.dumps(out), flush=True)
    os._exit(0)
