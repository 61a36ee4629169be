#!/usr/bin/env python3
"""The fleet section of scripts/bench: the whole deploy/ repository (every environment,
every app) rendered and checked by one capstan process, as the README's main job runs it.
Median wall time and CPU time (user+sys) of N runs each. Usage: fleet_bench.py CAPSTAN"""
import os, resource, statistics, subprocess, sys, time

capstan = sys.argv[1]
runs = 15


def measure(args):
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run([capstan] + args, capture_output=True)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        if r.returncode != 0:
            sys.exit("fleet bench: capstan %s failed:\n%s" % (" ".join(args), r.stderr.decode()))
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


apps = sum(1 for line in subprocess.run([capstan, "render", "deploy/environments"], capture_output=True,
                                         text=True).stdout.splitlines() if line.startswith("# Application: "))
rows = []
for label, args in [("capstan tree deploy/environments", ["tree", "deploy/environments"]),
                    ("capstan render deploy/environments", ["render", "deploy/environments"]),
                    ("capstan check deploy/environments", ["check", "deploy/environments"])]:
    wall, cpu = measure(args)
    rows.append("| `%s` | %.0f ms | %.0f ms |" % (label, wall, cpu))
print("""## The whole fleet: deploy/ in one process

Every environment of `deploy/` (%d apps, 4 charts, nonprod and prod roots) resolved, rendered
and checked by one `capstan` process (release build), as the README's main job runs it. Median
of %d runs; CPU is user + system time, which stays meaningful on a busy machine where wall time
does not (load average at the time: %s).

| command | wall | CPU |
|---|---|---|
%s

Goals: `check` well under a second (issue 6); rendering the whole fleet in under 50 ms
(issue 5) is not met yet — Helm rendering dominates (see the section above).
""" % (apps, runs, ", ".join("%.1f" % x for x in os.getloadavg()), "\n".join(rows)))
