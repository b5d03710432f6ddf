"""A province budget plan: the exact optimum (kg.plan) against greedy, and the solvers compared.

Run from the repository root::

    .venv/bin/python benchmarks/bench_plan.py                      # the province, HiGHS
    .venv/bin/python benchmarks/bench_plan.py --solvers highs,cpsat,scip \\
        --out benchmarks/RESULTS.md          # with the solvers compared, into RESULTS.md

The layers are seeded and built here (:mod:`synthetic`): 10,000 RT units over the five NTB
towns with baseline volumes (``make_baseline``), the 25,000 synthetic works of the province
benchmark as the works already in the ground (those ``Selesai`` by 2024 are applied first),
and 2,000 candidate works with illustrative costs aimed at the failing criteria of the units
still slum after them (``make_candidates``). The budget is a share of the candidates' total
cost (``--budget-share``, default 0.25).

``kg.plan`` runs with ``time_limit=120`` and ``mip_gap=0.01`` (a proven gap of 1 % or
better within 2 minutes), timed as a whole (geometry, model, greedy, solver and the final
evaluation by ``allocate`` + ``assess``). Greedy (best slum hectares per rupiah first) is
reported beside it for the same budget. With ``--solvers`` the same programme (the arrays
``kg.plan`` builds) is also handed to OR-Tools: CP-SAT and SCIP through ``pywraplp``, with
the same time limit and gap and 2 threads, which is how the solver was chosen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import kotaku_gis as kg  # noqa: E402
from benchmarks.results import write_section  # noqa: E402
from benchmarks.synthetic import (  # noqa: E402
    SIZES,
    make_baseline,
    make_candidates,
    make_layers,
)
from kotaku_gis import planning  # noqa: E402

#: Heading of this benchmark's section in RESULTS.md (the rest of the file is kept).
SECTION = "# Benchmark: a province budget plan"


def layers(n_units: int, n_works: int, n_cities: int, n_candidates: int, seed: int, year: int):
    units, works = make_layers(n_units=n_units, n_works=n_works, n_cities=n_cities, seed=seed)
    units = make_baseline(units, seed=seed)
    works = works[works["year"] <= year].reset_index(drop=True)
    done = works[works["status"] == "Selesai"]
    after = kg.assess(units, reductions=kg.allocate(units=units, interventions=done))
    cands = make_candidates(units, n=n_candidates, seed=seed + 1, assessed=after)
    return units, works, cands


def solve_ortools(mip, n_x: int, backend: str, time_limit: float, gap: float, threads: int):
    """The programme of kg.plan solved by OR-Tools (pywraplp): seconds, gain, bound, x."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver(backend)
    inf = solver.infinity()
    cols = [
        solver.IntVar(lo, hi, "") if integer else solver.NumVar(lo, hi, "")
        for lo, hi, integer in zip(mip.lower, mip.upper, mip.integer, strict=True)
    ]
    rows = [
        solver.RowConstraint(-inf if np.isinf(lo) else lo, inf if np.isinf(hi) else hi, "")
        for lo, hi in zip(mip.row_lower, mip.row_upper, strict=True)
    ]
    for i, j, v in zip(mip.row_i, mip.col_j, mip.value, strict=True):
        rows[i].SetCoefficient(cols[j], float(v))
    objective = solver.Objective()
    for j in np.flatnonzero(mip.cost):
        objective.SetCoefficient(cols[j], float(mip.cost[j]))
    objective.SetOffset(mip.offset)
    objective.SetMaximization()
    solver.SetTimeLimit(int(time_limit * 1000))
    solver.SetNumThreads(threads)
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, gap)
    start = time.perf_counter()
    status = solver.Solve(params)
    seconds = time.perf_counter() - start
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return seconds, float("nan"), float("nan"), None
    x = np.array([cols[j].solution_value() > 0.5 for j in range(n_x)])
    return seconds, objective.Value(), objective.BestBound(), x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=SIZES["province"].n_units)
    parser.add_argument("--works", type=int, default=SIZES["province"].n_works)
    parser.add_argument("--cities", type=int, default=SIZES["province"].n_cities)
    parser.add_argument("--candidates", type=int, default=2_000)
    parser.add_argument("--budget-share", type=float, default=0.25)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--gap", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--objective", default="slum_ha")
    parser.add_argument("--solvers", default="highs", help="highs, cpsat, scip (comma-separated)")
    parser.add_argument(
        "--out", type=Path, default=None, help="write the table as a section of this file"
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)

    t = time.perf_counter()
    units, works, cands = layers(
        args.units, args.works, args.cities, args.candidates, args.seed, args.year
    )
    t_layers = time.perf_counter() - t
    budget = float(cands["cost"].sum() * args.budget_share)
    print(
        f"layers in {t_layers:.0f} s: {len(units):,} units, {len(works):,} works, "
        f"{len(cands):,} candidates costing Rp {cands['cost'].sum() / 1e9:,.1f} bn; "
        f"budget Rp {budget / 1e9:,.2f} bn",
        flush=True,
    )
    lines = []
    load = os.getloadavg()[0]
    start = time.perf_counter()
    cpu0 = time.process_time()
    p = kg.plan(
        units,
        cands,
        budget=budget,
        works=works,
        year=args.year,
        objective=args.objective,
        time_limit=args.time_limit,
        mip_gap=args.gap,
    )
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    g = p.greedy
    print(p)
    print(p.model)
    lines.append(
        f"| kg.plan (HiGHS {args.objective}) | {seconds:.1f} ({cpu:.1f}) | {p.status} | "
        f"{p.gap:.2%} | {len(p.selected):,} | {p.cost / 1e9:,.2f} | {p.reduced_ha:,.2f} | "
        f"{p.slum_ha_before - g['slum_ha_after']:,.2f} ({len(g['selected']):,} works, "
        f"Rp {g['cost'] / 1e9:,.2f} bn) | {peak:,.0f} |"
    )
    print(lines[-1], flush=True)

    others = [s for s in args.solvers.split(",") if s and s != "highs"]
    if others:
        ctx = planning._context(
            units, cands, works, year=args.year, rs=kg.get_ruleset(), cost_column="cost",
            radii=None, report=kg.ValidationReport(what="plan"),
        )  # fmt: skip
        ids = pd.Index(cands["intervention_id"].astype(str))
        cons = planning._constraints(None, cands, ids, ctx.cost, budget)
        model = planning._build_model(ctx, args.objective, None)
        mip = planning._mip(model, cons)
        for gap in dict.fromkeys([args.gap, 0.0]):
            for name in ["highs", *others]:
                if name == "highs":
                    t = time.perf_counter()
                    sol = planning._solve(model, cons, None, time_limit=args.time_limit,
                                          mip_gap=gap)  # fmt: skip
                    secs, gain, bound, x = time.perf_counter() - t, sol.gain, sol.bound, sol.x
                    label = "HiGHS (highspy)"
                else:
                    backend = {"cpsat": "CP_SAT", "scip": "SCIP", "cbc": "CBC"}[name]
                    secs, gain, bound, x = solve_ortools(
                        mip, model.n_x, backend, args.time_limit, gap, threads=2
                    )
                    label = f"OR-Tools {backend} (pywraplp)"
                evaluated = model.gain(x) if x is not None else float("nan")
                lines.append(
                    f"| {label}, gap {gap:.0%} asked | {secs:.1f} | | "
                    f"{(bound - gain) / max(gain, 1e-9):.2%} | "
                    f"{int(x.sum()) if x is not None else '–'} | | {evaluated:,.2f} (model) | | |"
                )
                print(lines[-1], flush=True)

    if args.out:
        head = (
            f"{SECTION}\n\n"
            "| run | seconds (cpu) | status | proven gap | works chosen | cost Rp bn | "
            "slum ha freed | greedy: slum ha freed | peak MB |\n|---|---:|---|---:|---:|---:|"
            "---:|---|---:|\n"
        )
        notes = [
            f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores (load "
            f"average at start {load:.1f}, shared machine), Python {platform.python_version()}, "
            f"{p.solver}; {len(units):,} units, "
            f"{len(works):,} works (those completed by {args.year} applied first), "
            f"{len(cands):,} candidates costing Rp {cands['cost'].sum() / 1e9:,.1f} bn, budget "
            f"Rp {budget / 1e9:,.2f} bn ({args.budget_share:.0%} of it); time limit "
            f"{args.time_limit:.0f} s, gap {args.gap:.0%}.",
            f"Command: `.venv/bin/python benchmarks/bench_plan.py {' '.join(sys.argv[1:])}`",
            "First row: the whole `kg.plan` call (geometry, model, greedy, solver, and the "
            "evaluation of the plan by `allocate` + `assess`), wall-clock seconds with CPU "
            "seconds in brackets; slum hectares freed by the plan (from `allocate` + `assess`) "
            "and, for the same budget, by greedy (best slum hectares per rupiah first; its "
            "hectares from the model's evaluation of the same rules). "
            "Further rows: the same programme solved alone by each solver (HiGHS with the "
            "building of its model, OR-Tools after it; 2 threads), at the asked gap and to the "
            "proven optimum; the gap is the solver's, relative to the hectares freed.",
            f"Model: {p.model}.",
        ]
        text = head + "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
        write_section(args.out, SECTION, text)


if __name__ == "__main__":
    main()
