"""qdsim benchmarks: ``python benchmarks/run.py [--quick]``.

Prints a table and writes ``benchmarks/results.json`` (``--quick``:
``benchmarks/results-quick.json``) with these measurements:

(a) the household monthly update — qdsim's labour month
    (:func:`qdsim.model.labour.monthly`: returns by destination, training,
    the choice of home / Gansu / another province / Qingdao with the
    programme's reach, hiring, assisted months, the stable count by
    destination and the subsidy, wages) against the same rules written the
    usual Mesa way (``benchmarks/reference_mesa.py``: one agent per worker,
    household and firm, ``shuffle_do``), on the same seeds and random
    numbers, outcomes checked identical, at 10k, 100k and 500k households;
(c) the app's default what-if in the library, from pressing Run to results:
    20 replicates at 2% of households, paired with its baseline and
    counterfactual (reused from the run registry: only the what-if's 20
    simulations run), on the warm pool of 2 worker processes;
(d) batch throughput at scale 0.02 with 1 and 2 worker processes;
(e) one full-scale simulation 2021–2030 on one core (in a fresh process,
    after loading the compiled kernels);
(f) ``qdsim run baseline --scale 1.0 --replicates 1 --fresh`` end to end as
    a process (the scenario and its counterfactual on all cores): wall time
    and peak memory;
(g) start-up: ``qdsim --help``, ``qdsim validate baseline`` and
    ``python -c "import qdsim.api"``, each as a fresh process, as a user
    starts them (the median of many: a start-up is short and noisy).

Timings are the minimum over repeats, with the median and the spread beside
them (other work on the machine only ever adds time); the load average is
recorded beside each. ``--quick`` runs (a), (c), (e), (f) and (g) at toy sizes
(for the test suite: does it run, do the two implementations agree), not to
be read as figures; ``--sections`` picks sections.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference_mesa import LabourMarket, qdsim_outcome  # noqa: E402

from qdsim import api  # noqa: E402
from qdsim.model import labour  # noqa: E402
from qdsim.model.model import DingxiModel  # noqa: E402
from qdsim.model.streams import replicate_seeds  # noqa: E402
from qdsim.simulation import snapshots  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
TARGETS = {
    "a_speedup_at_100k": 200.0,  # × faster than per-agent Mesa at N = 100,000 households
    "c_seconds": 3.0,
    "d_scaling": 1.8,
    "e_seconds": 4.0,
    "f_wall_seconds": 8.0,
    "f_peak_gib": 2.0,
    "g_help_seconds": 0.5,
}
FULL = {
    "sections": "acdefg",
    "a_sizes": [10_000, 100_000, 500_000],
    "a_months": 12,
    "a_repeats": {10_000: 5, 100_000: 3, 500_000: 3},
    "a_ref_repeats": {10_000: 3, 100_000: 2, 500_000: 1},
    "c_scale": 0.02,
    "c_replicates": 20,
    "c_repeats": 5,
    "d_scale": 0.02,
    "d_replicates": 8,
    "d_repeats": 2,
    "e_scale": 1.0,
    "e_repeats": 3,
    "f_scale": 1.0,
    "f_repeats": 3,
    "g_repeats": 15,
}
QUICK = {
    "sections": "acefg",  # (d) measures scaling, meaningless at toy sizes: only when asked for with --sections
    "a_sizes": [1_000, 3_000],
    "a_months": 12,
    "a_repeats": {1_000: 1, 3_000: 1},
    "a_ref_repeats": {1_000: 1, 3_000: 1},
    "c_scale": 0.002,
    "c_replicates": 3,
    "c_repeats": 1,
    "d_scale": 0.002,
    "d_replicates": 4,
    "d_repeats": 1,
    "e_scale": 0.002,
    "e_repeats": 1,
    "f_scale": 0.002,
    "f_repeats": 1,
    "g_repeats": 3,
}


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def spread(times: list[float], digits: int = 3) -> dict:
    """Minimum, median and maximum of repeated timings, and all of them."""
    return {"seconds": round(min(times), digits), "median_s": round(float(np.median(times)), digits),
            "max_s": round(max(times), digits), "all_s": [round(t, digits) for t in times]}


def households_at_full_scale() -> float:
    p = api.parameters_for(api.load_scenario(BASELINE))
    return p.rural_population_2021 / p.household_size_mean


# -- (a) the household monthly update -------------------------------------------------------

def warmed_model(n_households: int, seed: int = 20210414) -> DingxiModel:
    """The baseline model with ``n_households`` households after its first year, at the start of the second."""
    sc = api.load_scenario(BASELINE)
    scale = n_households / households_at_full_scale()
    m = DingxiModel(scenario=sc, params=api.parameters_for(sc), seed_sequence=replicate_seeds(seed, 1)[0], scale=scale)
    for _ in range(12):
        m.step()
    m.year_index = 1
    m.start_year(1)  # January's allocation, pairing, projects (not timed)
    return m


def bench_labour(n: int, months: int, repeats: int, ref_repeats: int) -> dict:
    month_list = [(k % 12) + 1 for k in range(months)]
    q_times, out_q, start = [], None, None
    for _ in range(repeats):
        m = warmed_model(n)
        start = start or qdsim_outcome(m)
        gc.collect()
        gc.freeze()
        t0 = time.perf_counter()
        for month in month_list:
            labour.monthly(m, month)
        q_times.append(time.perf_counter() - t0)
        gc.unfreeze()
        out_q = out_q or qdsim_outcome(m)
        n_hh, n_w = m.households.n, m.workers.n
        del m
    activity = {
        "workers_changing_state": int(np.sum(start["state"] != out_q["state"])),
        "newly_trained": int(np.sum(out_q["trained"] & ~start["trained"])),
        "newly_subsidised": int(np.sum(out_q["subsidised"] & ~start["subsidised"])),
        "newly_counted_stable": int(np.sum(out_q["stable_counted"] & ~start["stable_counted"])),
        "newly_assisted": int(np.sum(out_q["assisted"] & ~start["assisted"])),
        "stable_by_destination": {k: round(float(out_q[f"stable_{k}"].sum() - start[f"stable_{k}"].sum())) for k in ("qingdao", "gansu", "other")},
        "firm_hires_net": int(out_q["firm_hired"].sum() - start["firm_hired"].sum()),
        "subsidy_paid_yuan": float(out_q["subsidy_paid"].sum() - start["subsidy_paid"].sum()),
    }
    r_times, build, out_r = [], [], None
    for _ in range(ref_repeats):
        m = warmed_model(n)
        t0 = time.perf_counter()
        ref = LabourMarket(m)
        build.append(time.perf_counter() - t0)
        del m
        gc.collect()
        gc.freeze()  # the agents built above are long-lived: spare the timed months full garbage collections
        t0 = time.perf_counter()
        for month in month_list:
            ref.month = month
            ref.step()
        r_times.append(time.perf_counter() - t0)
        gc.unfreeze()
        out_r = out_r or ref.outcome()
        del ref
        gc.collect()
    same = {k: bool(np.array_equal(out_q[k], out_r[k])) for k in out_q}
    q, r = min(q_times) / months, min(r_times) / months
    return {
        "households": n_hh,
        "workers": n_w,
        "months": months,
        "qdsim_ms_per_month": round(q * 1e3, 3),
        "mesa_ms_per_month": round(r * 1e3, 1),
        "mesa_build_s": round(min(build), 2),
        "speedup": round(r / q, 1),
        "mesa_ns_per_worker_month": round(r / n_w * 1e9),
        "qdsim_ns_per_worker_month": round(q / n_w * 1e9, 2),
        "identical": all(same.values()),
        "activity_over_the_months": activity,
        "compared": same,
        "load": load(),
    }


# -- (c) the app's default what-if ---------------------------------------------------------------

def default_what_if(base: api.Scenario, replicates: int, scale: float) -> api.Scenario:
    """The app's default what-if (showrooms to 40 from 2026) at ``replicates`` and ``scale``, as its YAML reads back."""
    data = base.with_settings(replicates=replicates, scale=scale).model_dump(mode="json")
    showrooms = {int(y): v for y, v in data["levers"]["consumption"]["showrooms"].items()}
    data["levers"]["consumption"]["showrooms"] = showrooms | {2026: 40}
    data["id"] = "what-if-showrooms-40"
    return api.loads_scenario(api.Scenario.model_validate(data).to_yaml(), "<app>")


def bench_what_if(replicates: int, scale: float, repeats: int) -> dict:
    """Run → results for the default what-if, its baseline (with counterfactual) in the run registry, the pool warm."""
    import tempfile

    from qdsim.registry.store import RunStore, stamp_manifest
    from qdsim.simulation.runner import shutdown_pool

    base = api.load_scenario(BASELINE).with_settings(replicates=replicates, scale=scale)
    what = default_what_if(api.load_scenario(BASELINE), replicates, scale)
    with tempfile.TemporaryDirectory() as home:
        store = RunStore(Path(home) / "registry.db")
        t0 = time.perf_counter()
        done = api.run(base, workers=2, keep_states=True)  # the app has run the baseline (it shows it first), on its pool
        baseline_s = time.perf_counter() - t0
        stamp_manifest(done)
        store.record_done(done, done.write(Path(home) / "baseline"))
        times, simulations = [], []
        for _ in range(repeats):
            before = load()
            t0 = time.perf_counter()
            result = api.run(what, workers=2, registry=store, progress=lambda d, total, m: simulations.append(total), keep_states=True)
            times.append(time.perf_counter() - t0)
        reused = result.manifest["baseline"]["reused_from"] is not None
        # the same presses with nothing kept: every replicate simulated from January 2021 (as before qdsim.simulation.snapshots)
        snapshots.STORE.clear()
        full = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            again = api.run(what, workers=2, registry=store)
            full.append(time.perf_counter() - t0)
        assert again.with_coop.tobytes() == result.with_coop.tobytes()  # the same numbers either way
    shutdown_pool()
    return {"replicates": replicates, "scale": scale, "workers": 2, "simulated": simulations[-1], "baseline_reused": reused,
            "baseline_run_s": round(baseline_s, 2), **spread(times), "load": before,
            "from_first_month": {**spread(full), "load": load()}}


# -- (d) batch throughput ----------------------------------------------------------------------------

def bench_batch(scale: float, replicates: int, repeats: int) -> dict:
    scenario = api.load_scenario(BASELINE)
    out = {"scale": scale, "replicates": replicates}
    t0 = time.perf_counter()
    api.run(scenario, replicates=replicates, scale=scale, workers=2)
    out["workers_2_cold_s"] = round(time.perf_counter() - t0, 2)  # includes starting the worker processes
    for w in (1, 2):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            api.run(scenario, replicates=replicates, scale=scale, workers=w)
            times.append(time.perf_counter() - t0)
        out[f"workers_{w}_s"] = round(min(times), 2)
        out[f"workers_{w}_replicates_per_s"] = round(replicates / min(times), 2)
    out["scaling"] = round(out["workers_1_s"] / out["workers_2_s"], 2)
    out["load"] = load()
    return out


# -- (e) one full-scale simulation on one core ----------------------------------------------------

_ONE_SIMULATION = """
import json, sys, time
from qdsim import api
from qdsim.simulation.runner import run_task, warm_up
t0 = time.perf_counter(); warm_up(); warm = time.perf_counter() - t0
scenario = api.load_scenario(sys.argv[1]).with_settings(replicates=1, scale=float(sys.argv[2]), assumption_draws=0)
task = api.plan(scenario, counterfactual=False)[0][2]
t0 = time.perf_counter(); c0 = time.process_time()
run_task(task)
print(json.dumps({"wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0, "warm_up_s": warm}))
"""


def bench_one_simulation(scale: float, repeats: int) -> dict:
    runs = []
    for _ in range(repeats):
        before = load()
        out = subprocess.run([sys.executable, "-c", _ONE_SIMULATION, str(BASELINE), str(scale)], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]) | {"load": before})
    walls = [r["wall_s"] for r in runs]
    best = min(runs, key=lambda r: r["wall_s"])
    return {"scale": scale, **spread(walls, 2), "cpu_s": round(best["cpu_s"], 2), "all_cpu_s": [round(r["cpu_s"], 2) for r in runs],
            "warm_up_s": round(best["warm_up_s"], 2), "load": best["load"]}


# -- (f) qdsim run, full scale, as a process ----------------------------------------------------------

def timed_process(cmd: list[str], env: dict | None = None) -> float:
    """Wall seconds of a command."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return wall


def bench_cli_run(scale: float, repeats: int) -> dict:
    """``qdsim run baseline --scale S --replicates 1 --fresh`` as the user types it: imports, the two
    simulations on all cores (the worker processes start with the command), outputs written."""
    import tempfile

    walls, loads = [], []
    for i in range(repeats + 1):
        with tempfile.TemporaryDirectory() as home:
            env = os.environ | {"QDSIM_HOME": home}
            cmd = [*qdsim_command(), "run", "baseline", "--scale", str(scale), "--replicates", "1", "--fresh", "--quiet", "--out", str(Path(home) / "out")]
            if not i:  # a run apart (not timed: sampling /proc takes CPU) for the memory of its processes
                largest, together = peak_memory(cmd, env)
                continue
            loads.append(load())
            walls.append(timed_process(cmd, env))
    return {"scale": scale, "replicates": 1, "simulations": 2, **spread(walls, 2),
            "peak_gib": round(largest / 2**20, 3), "peak_all_processes_gib": round(together / 2**20, 3),
            "load": loads[int(np.argmin(walls))]}


def peak_memory(cmd: list[str], env: dict) -> tuple[int, int]:
    """The largest resident memory of one process of the command (itself and its descendants), and the
    largest sum over all of them, sampled every 50 ms (KiB; pages shared between them count in each).

    Sampled rather than read from ``wait4``: a child's maximum there starts from what this (large)
    benchmark process held when it forked it."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    largest = together = 0
    while proc.poll() is None:
        rss = _tree_rss_kib(proc.pid)
        largest, together = max(largest, max(rss, default=0)), max(together, sum(rss))
        time.sleep(0.05)
    return largest, together


def _tree_rss_kib(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(d.name))
            rss[int(d.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(rss.get(pid, 0))
        todo.extend(children.get(pid, []))
    return out


# -- (g) start-up -------------------------------------------------------------------------------------

def qdsim_command() -> list[str]:
    """``qdsim`` as installed beside this Python (the console script), else ``python -m qdsim.cli``."""
    script = Path(sys.executable).parent / "qdsim"
    return [str(script)] if script.exists() else [sys.executable, "-m", "qdsim.cli"]


def bench_startup(repeats: int) -> dict:
    """Wall time of fresh processes: the median of ``repeats`` after one warm-up, with min and max."""
    commands = {
        "help": [*qdsim_command(), "--help"],
        "validate": [*qdsim_command(), "validate", "baseline"],
        "import_api": [sys.executable, "-c", "import qdsim.api"],
    }
    out: dict = {"repeats": repeats}
    for name, cmd in commands.items():
        times = []
        for i in range(repeats + 1):
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, cwd=ROOT)
            elapsed = time.perf_counter() - t0
            if proc.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
            if i:  # the first warms the file cache
                times.append(elapsed)
        times.sort()
        out[name] = {"median_s": round(float(np.median(times)), 3), "min_s": round(times[0], 3), "max_s": round(times[-1], 3)}
    out["load"] = load()
    return out


# -- report ------------------------------------------------------------------------------------------

def table(res: dict) -> str:
    lines = ["", "qdsim benchmarks" + ("  (--quick: toy sizes, not figures)" if res["quick"] else ""), ""]
    a = res.get("a")
    if a:
        lines.append("(a) household monthly update: qdsim labour month vs per-agent Mesa, same draws")
        lines.append(f"    {'households':>10} {'workers':>9} {'qdsim ms/mo':>12} {'Mesa ms/mo':>11} {'speed-up':>9} {'identical':>9}")
        for r in a:
            lines.append(f"    {r['households']:>10,} {r['workers']:>9,} {r['qdsim_ms_per_month']:>12.2f} {r['mesa_ms_per_month']:>11.0f} "
                         f"{r['speedup']:>8.0f}× {'yes' if r['identical'] else 'NO':>9}")
    c = res.get("c")
    if c:
        lines.append(f"(c) default what-if, {c['replicates']} replicates at scale {c['scale']} ({c['simulated']} simulated; baseline and "
                     f"counterfactual {'reused' if c['baseline_reused'] else 'NOT reused'}), 2 workers: {c['seconds']:.2f} s "
                     f"(median {c['median_s']:.2f}, max {c['max_s']:.2f}) from Run to results, going on from the baseline's states at 2026")
        if "from_first_month" in c:
            f = c["from_first_month"]
            lines.append(f"    the same from January 2021 (no states kept): {f['seconds']:.2f} s (median {f['median_s']:.2f}, max {f['max_s']:.2f})")
    d = res.get("d")
    if d:
        lines.append(f"(d) batch, {d['replicates']} replicates at scale {d['scale']}: 1 worker {d['workers_1_s']:.1f} s, 2 workers {d['workers_2_s']:.1f} s "
                     f"(first run, starting the processes: {d['workers_2_cold_s']:.1f} s) → scaling {d['scaling']:.2f}×")
    e = res.get("e")
    if e:
        lines.append(f"(e) one simulation 2021–2030 at scale {e['scale']}, one core: {e['seconds']:.2f} s (median {e['median_s']:.2f}, "
                     f"max {e['max_s']:.2f}; cpu {e['cpu_s']:.2f} s)")
    f = res.get("f")
    if f:
        tree = f" ({f['peak_all_processes_gib']:.2f} GiB all processes)" if f.get("peak_all_processes_gib") else ""
        lines.append(f"(f) qdsim run baseline --scale {f['scale']} --replicates 1 --fresh: {f['seconds']:.1f} s (median {f['median_s']:.1f}, "
                     f"max {f['max_s']:.1f}), peak {f['peak_gib']:.2f} GiB{tree}")
    g = res.get("g")
    if g:
        lines.append(f"(g) start-up, fresh processes (median of {g['repeats']}; min–max): "
                     + "; ".join(f"{label} {g[k]['median_s']:.2f} s ({g[k]['min_s']:.2f}–{g[k]['max_s']:.2f})"
                                 for k, label in (("help", "qdsim --help"), ("validate", "qdsim validate baseline"),
                                                  ("import_api", "import qdsim.api"))))
    if res.get("verdict"):
        lines.append("")
        lines.append("targets: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in res["verdict"].items()))
    return "\n".join(lines)


def verdict(res: dict) -> dict:
    out = {}
    at_100k = [r for r in res.get("a", []) if r["households"] == 100_000]
    if at_100k:
        out["(a) ≥200× at 100k"] = at_100k[0]["speedup"] >= TARGETS["a_speedup_at_100k"]
    if res.get("a"):
        out["(a) identical"] = all(r["identical"] for r in res["a"])
    if "c" in res and not res["quick"]:
        out["(c) ≤3 s"] = res["c"]["seconds"] <= TARGETS["c_seconds"]
    if "d" in res and not res["quick"]:
        out["(d) ≥1.8×"] = res["d"]["scaling"] >= TARGETS["d_scaling"]
    if "e" in res and res["e"]["scale"] == 1.0:
        out["(e) ≤4 s"] = res["e"]["seconds"] <= TARGETS["e_seconds"]
    if "f" in res and res["f"]["scale"] == 1.0:
        out["(f) ≤8 s"] = res["f"]["seconds"] <= TARGETS["f_wall_seconds"]
        out["(f) ≤2 GiB"] = max(res["f"]["peak_gib"], res["f"]["peak_all_processes_gib"] or 0) <= TARGETS["f_peak_gib"]
    if "g" in res and not res["quick"]:
        out["(g) qdsim --help ≤0.5 s"] = res["g"]["help"]["median_s"] <= TARGETS["g_help_seconds"]
    return out


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="toy sizes, for the test suite")
    ap.add_argument("--sections", help="which of a, c, d, e, f, g to run (default all; --quick: acefg)")
    ap.add_argument("--sizes", help="(a) households, comma-separated (default 10000,100000,500000)")
    ap.add_argument("--out", help="results file (default benchmarks/results.json, or results-quick.json with --quick)")
    args = ap.parse_args(argv)
    cfg = dict(QUICK if args.quick else FULL)
    args.sections = args.sections or cfg["sections"]
    if args.sizes:
        cfg["a_sizes"] = [int(x) for x in args.sizes.split(",")]
    out = Path(args.out) if args.out else Path(__file__).resolve().parent / ("results-quick.json" if args.quick else "results.json")

    res: dict = {
        "quick": args.quick,
        "sections": args.sections,
        "config": cfg,
        "machine": {"cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(), "python": platform.python_version(),
                    "numpy": np.__version__, "mesa": __import__("mesa").__version__},
        "commit": git_commit(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "targets": TARGETS,
    }
    small = [n for n in cfg["a_sizes"] if n < 500_000]
    big = [n for n in cfg["a_sizes"] if n >= 500_000]
    # small first; the big (500k, full scale) ones at the end
    if "a" in args.sections:
        res["a"] = []
        for n in small:
            res["a"].append(bench_labour(n, cfg["a_months"], cfg["a_repeats"].get(n, 2), cfg["a_ref_repeats"].get(n, 1)))
            print(f"(a) {n:,} households done", file=sys.stderr, flush=True)
    if "g" in args.sections:
        res["g"] = bench_startup(cfg["g_repeats"])
        print("(g) done", file=sys.stderr, flush=True)
    if "c" in args.sections:
        res["c"] = bench_what_if(cfg["c_replicates"], cfg["c_scale"], cfg["c_repeats"])
        print("(c) done", file=sys.stderr, flush=True)
    if "d" in args.sections:
        res["d"] = bench_batch(cfg["d_scale"], cfg["d_replicates"], cfg["d_repeats"])
        print("(d) done", file=sys.stderr, flush=True)
    if "a" in args.sections:
        for n in big:
            res["a"].append(bench_labour(n, cfg["a_months"], cfg["a_repeats"].get(n, 1), cfg["a_ref_repeats"].get(n, 1)))
            print(f"(a) {n:,} households done", file=sys.stderr, flush=True)
    if "e" in args.sections:
        res["e"] = bench_one_simulation(cfg["e_scale"], cfg["e_repeats"])
        print("(e) done", file=sys.stderr, flush=True)
    if "f" in args.sections:
        res["f"] = bench_cli_run(cfg["f_scale"], cfg["f_repeats"])
        print("(f) done", file=sys.stderr, flush=True)
    res["verdict"] = verdict(res)
    res["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    out.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(res))
    print(f"\nwritten {out}")
    return 0 if all(r["identical"] for r in res.get("a", [])) else 1


if __name__ == "__main__":
    sys.exit(main())
