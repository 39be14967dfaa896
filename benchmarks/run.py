"""qdsim benchmarks: ``python benchmarks/run.py [--quick]``.

Prints a table and writes ``benchmarks/results.json`` (``--quick``:
``benchmarks/results-quick.json``) with four measurements:

(a) the household monthly update — qdsim's labour month
    (:func:`qdsim.model.labour.monthly`: returns, decisions, hiring, subsidies,
    wages) against the same rules written the usual Mesa way
    (``benchmarks/reference_mesa.py``: one agent per worker, household and
    firm, ``shuffle_do``), on the same seeds and random numbers, outcomes
    checked identical, at 10k, 100k and 500k households;
(b) a full-scale (scale 1.0) baseline run 2021–2030, one replicate (the
    scenario and its counterfactual), in a fresh process: wall time and peak
    memory;
(c) the app's default what-if run, from pressing Run to results;
(d) batch throughput at scale 0.02 with 1 and 2 worker processes;
(g) start-up: ``qdsim --help``, ``qdsim validate baseline`` and
    ``python -c "import qdsim.api"``, each as a fresh process, as a user
    starts them.

Timings are the minimum over repeats (other work on the machine only ever
adds time), except (g): a start-up is short and noisy, so it is the median
of many fresh processes (after one that warms the file cache), with the
minimum and maximum beside it; the load average is recorded beside each. ``--quick`` runs (a),
(b) and (c) at toy sizes (for the test suite: does it run, do the two
implementations agree), not to be read as figures; ``--sections`` picks
sections (``--quick --sections abcd`` adds a toy (d)).
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

BASELINE = ROOT / "scenarios" / "baseline.yaml"
TARGETS = {
    "a_speedup_at_100k": 200.0,  # × faster than per-agent Mesa at N = 100,000 households
    "b_wall_seconds": 20.0,
    "b_peak_gib": 2.0,
    "c_seconds": 3.0,
    "d_scaling": 1.8,
    "g_help_seconds": 0.5,
}
FULL = {
    "sections": "abcdg",
    "a_sizes": [10_000, 100_000, 500_000],
    "a_months": 12,
    "a_repeats": {10_000: 5, 100_000: 3, 500_000: 3},
    "a_ref_repeats": {10_000: 3, 100_000: 2, 500_000: 1},
    "b_scale": 1.0,
    "b_repeats": 3,
    "c_repeats": 5,
    "d_scale": 0.02,
    "d_replicates": 8,
    "d_repeats": 2,
    "g_repeats": 15,
}
QUICK = {
    "sections": "abcg",  # (d) starts worker processes (seconds): only when asked for with --sections
    "a_sizes": [1_000, 3_000],
    "a_months": 12,
    "a_repeats": {1_000: 1, 3_000: 1},
    "a_ref_repeats": {1_000: 1, 3_000: 1},
    "b_scale": 0.002,
    "b_repeats": 1,
    "c_repeats": 1,
    "c_scale": 0.002,
    "d_scale": 0.002,
    "d_replicates": 4,
    "d_repeats": 1,
    "g_repeats": 3,
}


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


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


# -- (b) full-scale baseline --------------------------------------------------------------------

_FULL_RUN = """
import json, resource, sys, time

def peak_kib():
    # VmHWM: this program's peak resident memory (ru_maxrss would also count the parent's pages at fork)
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

t0 = time.perf_counter()
from qdsim import api
t1 = time.perf_counter()
scenario = api.load_scenario(sys.argv[1])
t2 = time.perf_counter(); c2 = time.process_time()
result = api.run(scenario, replicates=1, scale=float(sys.argv[2]), workers=1)
t3 = time.perf_counter(); c3 = time.process_time()
print(json.dumps({"import_s": t1 - t0, "run_s": t3 - t2, "run_cpu_s": c3 - c2, "process_s": t3 - t0,
                  "peak_rss_kib": peak_kib(),
                  "income": float(result.metric("rural_income_per_capita")[0, -1])}))
"""


def bench_full_run(scale: float, repeats: int) -> dict:
    runs = []
    for _ in range(repeats):
        before = load()
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _FULL_RUN, str(BASELINE), str(scale)], capture_output=True, text=True, check=True)
        wall = time.perf_counter() - t0
        rec = json.loads(out.stdout.strip().splitlines()[-1])
        rec.update(subprocess_wall_s=wall, load=before)
        runs.append(rec)
    best = min(runs, key=lambda r: r["run_s"])
    return {
        "scale": scale,
        "replicates": 1,
        "simulations": 2,
        "run_s": round(best["run_s"], 2),
        "run_cpu_s": round(best["run_cpu_s"], 2),
        "import_s": round(best["import_s"], 2),
        "process_s": round(best["process_s"], 2),
        "peak_gib": round(max(r["peak_rss_kib"] for r in runs) / 2**20, 3),
        "all_peak_gib": [round(r["peak_rss_kib"] / 2**20, 3) for r in runs],
        "all_run_s": [round(r["run_s"], 2) for r in runs],
        "load": best["load"],
    }


# -- (c) the app's default what-if ---------------------------------------------------------------

def app_settings() -> dict:
    """The app's default run settings and how it picks workers (falls back to the issue's defaults)."""
    try:
        from qdsim.app import whatif

        PARALLEL_ABOVE = _app_constant("PARALLEL_ABOVE", 0.05)
        return {"source": "qdsim.app", "scale": whatif.DEFAULT_SCALE, "replicates": whatif.DEFAULT_REPLICATES,
                "parallel_above": PARALLEL_ABOVE}
    except ImportError:
        return {"source": "issue default (no app)", "scale": 0.01, "replicates": 4, "parallel_above": None}


def _app_constant(name: str, default: float) -> float:
    """A module constant of qdsim/app/running.py, read without importing Streamlit."""
    import ast

    import qdsim.app

    try:
        tree = ast.parse((Path(qdsim.app.__file__).parent / "running.py").read_text(encoding="utf-8"))
    except OSError:
        return default
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    return default


def bench_app_run(repeats: int, scale: float | None = None) -> dict:
    settings = app_settings()
    if scale is not None:
        settings["scale"] = scale
    base = api.load_scenario(BASELINE)
    workers = 1 if settings["parallel_above"] is None or settings["replicates"] * settings["scale"] <= settings["parallel_above"] else None

    def press_run() -> api.RunResult:
        # what the what-if page does on Run: the form's scenario (showrooms to 40 from 2026), its YAML, the cached run
        if settings["source"] == "qdsim.app":
            from qdsim.app import whatif

            values = {"w.consumption.showrooms": 40}
            what = whatif.build(base, values, whatif.default_year(base), scale=settings["scale"], replicates=settings["replicates"], seed=base.seed)
            return api.run(api.loads_scenario(what.scenario.to_yaml(), "<app>"), workers=workers)
        return api.run(base, replicates=settings["replicates"], scale=settings["scale"], workers=workers)

    press_run()  # the page has loaded: registry read, modules imported
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        press_run()
        times.append(time.perf_counter() - t0)
    return {**settings, "workers": workers or "default", "seconds": round(min(times), 3), "all_s": [round(t, 3) for t in times], "load": load()}


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
    b = res.get("b")
    if b:
        lines.append(f"(b) baseline 2021–2030 at scale {b['scale']}, 1 replicate (scenario + counterfactual): "
                     f"{b['run_s']:.1f} s (cpu {b['run_cpu_s']:.1f} s; process with imports {b['process_s']:.1f} s), peak {b['peak_gib']:.2f} GiB")
    c = res.get("c")
    if c:
        lines.append(f"(c) app default what-if ({c['source']}: scale {c['scale']}, {c['replicates']} replicates, workers {c['workers']}): "
                     f"{c['seconds']:.2f} s from Run to results")
    d = res.get("d")
    if d:
        lines.append(f"(d) batch, {d['replicates']} replicates at scale {d['scale']}: 1 worker {d['workers_1_s']:.1f} s, 2 workers {d['workers_2_s']:.1f} s "
                     f"(first run, starting the processes: {d['workers_2_cold_s']:.1f} s) → scaling {d['scaling']:.2f}×")
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
    if "b" in res and res["b"]["scale"] == 1.0:
        out["(b) ≤20 s"] = res["b"]["run_s"] <= TARGETS["b_wall_seconds"]
        out["(b) ≤2 GiB"] = res["b"]["peak_gib"] <= TARGETS["b_peak_gib"]
    if "c" in res and "c_scale" not in res["config"]:
        out["(c) ≤3 s"] = res["c"]["seconds"] <= TARGETS["c_seconds"]
    if "d" in res and not res["quick"]:
        out["(d) ≥1.8×"] = res["d"]["scaling"] >= TARGETS["d_scaling"]
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
    ap.add_argument("--sections", help="which of a, b, c, d, g to run (default all; --quick: abcg)")
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
    if "c" in args.sections:
        res["c"] = bench_app_run(cfg["c_repeats"], cfg.get("c_scale"))
        print("(c) done", file=sys.stderr, flush=True)
    if "d" in args.sections:
        res["d"] = bench_batch(cfg["d_scale"], cfg["d_replicates"], cfg["d_repeats"])
        print("(d) done", file=sys.stderr, flush=True)
    if "g" in args.sections:
        res["g"] = bench_startup(cfg["g_repeats"])
        print("(g) done", file=sys.stderr, flush=True)
    if "a" in args.sections:
        for n in big:
            res["a"].append(bench_labour(n, cfg["a_months"], cfg["a_repeats"].get(n, 1), cfg["a_ref_repeats"].get(n, 1)))
            print(f"(a) {n:,} households done", file=sys.stderr, flush=True)
    if "b" in args.sections:
        res["b"] = bench_full_run(cfg["b_scale"], cfg["b_repeats"])
        print("(b) done", file=sys.stderr, flush=True)
    res["verdict"] = verdict(res)
    res["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    out.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(res))
    print(f"\nwritten {out}")
    return 0 if all(r["identical"] for r in res.get("a", [])) else 1


if __name__ == "__main__":
    sys.exit(main())
