#!/usr/bin/env python3
"""besttime.py RUNS CMD: run the shell command line CMD RUNS times; print
the least wall time and the least CPU time (user + system of CMD and all
it started, from getrusage, to the microsecond) in seconds."""
import resource
import subprocess
import sys
import time


def main():
    runs, cmd = int(sys.argv[1]), sys.argv[2]
    wall = cpu = float("inf")
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        if subprocess.run(cmd, shell=True).returncode != 0:
            sys.exit("bench: failed: " + cmd)
        t1 = time.perf_counter()
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = min(wall, t1 - t0)
        cpu = min(cpu, r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    print(f"{wall:.4f} {cpu:.4f}")


main()
