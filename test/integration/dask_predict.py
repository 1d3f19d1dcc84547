"""Pipe partitions of a text file through `distillery predict` on a local Dask cluster.

Usage: dask_predict.py NODE ROOT MODEL_DIR LINES_FILE PARTITIONS

The contract a distributed engine needs from `distillery predict` (the one Hadoop Streaming and
Spark's RDD.pipe rely on too): the model folder is on every worker, each partition is piped through
one `predict --data -` process (stdin -> stdout, one JSON line per input line, order kept), and the
engine concatenates the partitions' outputs in partition order.

Prints one JSON object: {"lines": [...output lines in input order...], "pids": [...], "workers": n}.
"""
import json
import os
import subprocess
import sys

from dask.distributed import Client, LocalCluster


def pipe_partition(node, root, model, lines):
    """One partition -> one predict process; returns its output lines and this worker's pid."""
    r = subprocess.run(
        [node, os.path.join(root, "bin", "distillery.mjs"), "predict", "--model", model, "--data", "-"],
        input="".join(line + "\n" for line in lines).encode("utf-8"),
        capture_output=True,
        cwd=root,
        check=False,
    )
    if r.returncode != 0:
        raise RuntimeError(f"predict exited {r.returncode}: {r.stderr.decode('utf-8', 'replace')}")
    out = r.stdout.decode("utf-8").split("\n")
    if out and out[-1] == "":
        out.pop()
    return {"pid": os.getpid(), "lines": out}


def main():
    node, root, model, lines_file, parts = sys.argv[1:6]
    with open(lines_file, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    k = int(parts)
    size = -(-len(lines) // k)
    partitions = [lines[i : i + size] for i in range(0, len(lines), size)]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        workers = sorted(client.scheduler_info()["workers"])
        # Round-robin over the worker processes, so that both of them run partitions.
        futures = [
            client.submit(pipe_partition, node, root, model, p, workers=[workers[i % len(workers)]], pure=False)
            for i, p in enumerate(partitions)
        ]
        results = client.gather(futures)
    json.dump(
        {
            "lines": [line for r in results for line in r["lines"]],
            "pids": sorted({r["pid"] for r in results}),
            "workers": len(workers),
            "partitions": len(partitions),
        },
        sys.stdout,
        ensure_ascii=False,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
