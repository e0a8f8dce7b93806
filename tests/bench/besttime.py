#!/usr/bin/env python3
"""besttime.py RUNS [-b BEFORE] [-l] CMD...: run each shell command line CMD RUNS
times, the commands taking turns (A B A B ...) so that a machine whose
speed drifts during the run slows each alike; before each timed run, run
BEFORE untimed (to start each run from the same state, say without the
output of the run before).  Print, for each CMD, a line with its least wall
time and its least CPU time (user + system of CMD and all it started, from
getrusage, to the microsecond) in seconds.  With -l, the arguments are
pairs LABEL CMD, and each line ends with its label."""
import resource
import subprocess
import sys
import time


def run(cmd):
    if subprocess.run(cmd, shell=True).returncode != 0:
        sys.exit("bench: failed: " + cmd)


def main():
    args = sys.argv[1:]
    runs, before = int(args.pop(0)), None
    if args[:1] == ["-b"]:
        before = args[1]
        args = args[2:]
    labels = None
    if args[:1] == ["-l"]:
        labels, args = args[1::2], args[2::2]
    wall = [float("inf")] * len(args)
    cpu = [float("inf")] * len(args)
    for _ in range(runs):
        for i, cmd in enumerate(args):
            if before is not None:
                run(before)
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            run(cmd)
            t1 = time.perf_counter()
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall[i] = min(wall[i], t1 - t0)
            cpu[i] = min(cpu[i], r1.ru_utime - r0.ru_utime +
                         r1.ru_stime - r0.ru_stime)
    for i, (w, c) in enumerate(zip(wall, cpu)):
        print(f"{w:.4f} {c:.4f}" + (" " + labels[i] if labels else ""))


main()
