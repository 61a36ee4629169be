#!/usr/bin/env python3
"""The fleet section of scripts/bench: the whole deploy/ repository (every environment,
every app) rendered and checked by one capstan process, as the README's main job runs it.
Median wall time and CPU time (user+sys) of N runs each. Usage: fleet_bench.py CAPSTAN"""
import json, os, resource, statistics, subprocess, sys, time

capstan = sys.argv[1]
# Optional: a file holding Helm's summed in-process render time of every deploy/ app and
# their number, measured in the same run by helm_bench.py.
helm_total = None
if len(sys.argv) > 2 and os.path.exists(sys.argv[2]):
    ms, n = open(sys.argv[2]).read().split()
    helm_total = (float(ms), int(n))
runs = 15


def measure(args, ok=(0,)):
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run([capstan] + args, capture_output=True)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        if r.returncode not in ok:
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
    if args[0] == "render":
        render_wall = wall
    if args[0] == "check":
        check_wall = wall
# A diff between the two newest commits that touched deploy/ (exit status 1: changes found).
commits = subprocess.run(["git", "log", "-2", "--format=%h", "--", "deploy"], capture_output=True,
                         text=True, check=True).stdout.split()
diff_note = ""
if len(commits) == 2:
    old_rev, new_rev = commits[1], commits[0]
    wall, cpu = measure(["diff", old_rev, new_rev, "deploy/environments"], ok=(0, 1))
    rows.append("| `capstan diff %s %s deploy/environments` | %.0f ms | %.0f ms |" % (old_rev, new_rev, wall, cpu))
    diff_wall = wall
    diff_note = "; a diff of two revisions in under 100 ms: %s (%.0f ms)" % (
        "met" if diff_wall < 100 else "not met yet", diff_wall)
# The same tree resolved and rendered in-process (benches/src/bin/bench-fleet.rs): what is
# timed on Helm's side too, without starting a process.
bench_fleet = os.path.join(os.path.dirname(capstan), "bench-fleet")
inproc = json.loads(subprocess.run([bench_fleet, "--runs", "30", "deploy/environments"],
                                   capture_output=True, text=True, check=True).stdout)
inproc_ms = inproc["median_ns"] / 1e6
rows.append("| the same tree resolved and rendered in-process (`bench-fleet`, median of 30) | %.1f ms | |"
            % inproc_ms)
helm_note = ""
if helm_total:
    helm_note = ("\n\nHelm v4 in-process, summed over the same %d apps in the same run (section above): "
                 "%.1f ms. Against the in-process render of the whole tree (its %d apps, the app-of-apps "
                 "included, and the tree resolution Helm does not do): %.1f× (goal: 20×). Against one "
                 "`capstan render` process (process start, reading the repository, compiling every "
                 "template and schema once): %.1f×."
                 % (helm_total[1], helm_total[0], inproc["apps"], helm_total[0] / inproc_ms,
                    helm_total[0] / render_wall))
print("""## The whole fleet: deploy/ in one process

Every environment of `deploy/` (%d apps, 4 charts, nonprod and prod roots) resolved, rendered
and checked by one `capstan` process (release build), as the README's main job runs it. Median
of %d runs; CPU is user + system time, which stays meaningful on a busy machine where wall time
does not (load average at the time: %s).

| command | wall | CPU |
|---|---|---|
%s

Goals: `check` well under a second (issue 6): %s; the whole fleet rendered in under 50 ms
(issue 5): %s (%.0f ms)%s.%s
""" % (apps, runs, ", ".join("%.1f" % x for x in os.getloadavg()), "\n".join(rows),
       "met" if check_wall < 1000 else "not met", "met" if render_wall < 50 else "not met yet",
       render_wall, diff_note, helm_note))
