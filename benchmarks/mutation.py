"""Hand mutation test of the core modules: does the suite notice a realistic one-line slip?

Each mutant is one small edit a person could make by mistake (a ``>=`` for a ``>``, a bound
off by one, a line that forgets the year, a filter left out), written as the text it replaces
and the text it puts in. The runner copies the package, its tests and the benchmark helpers to
a temporary directory once, then for each mutant:

1. finds the old text in the copy (exactly, else with any run of whitespace matching any
   other, so that reformatting does not lose a mutant; ``after`` names text that must come
   before it, to tell apart two identical lines),
2. writes the new text in its place,
3. runs pytest on the mutant's test files and then the mutated module's doctests (``-x``:
   stop at the first failure),
4. restores the file and records the verdict: ``caught`` (a test failed or errored, with the
   first one named), ``missed`` (every test passed), ``timeout`` (counted as caught: the
   suite would not finish), ``not found`` or ``ambiguous`` (the old text is not in the file, or
   is in it more than once: the code changed since the mutant was written), ``invalid`` (the
   edit no longer compiles). The last three are left out of the score and listed, so that
   they can be updated. A mutant marked ``equivalent`` (no input can tell it from the code,
   with the reason) is listed but neither run nor scored.

The score is caught / (caught + missed). Run it from the repository root::

    .venv/bin/python benchmarks/mutation.py                 # every mutant (about an hour)
    .venv/bin/python benchmarks/mutation.py --list          # the mutants, found or not
    .venv/bin/python benchmarks/mutation.py --only crs-swapped-centre ledger-blank-level
    .venv/bin/python benchmarks/mutation.py --json mutation.json --markdown mutation.md

The property suite (``tests/test_properties.py``) is left out for speed; ``--with-properties``
adds it to every run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: What the temporary copy holds (the package, its tests, the benchmark layers they import).
COPIED = ("kotaku_gis", "tests", "benchmarks", "pyproject.toml", "sample_data")

#: Tests of the slips that once went unnoticed, relevant to most modules.
PIT = "tests/test_pitfalls.py"
SCORING = ("tests/test_scoring.py", PIT)
RULES = ("tests/test_rulesets.py", "tests/test_scoring.py")
ALLOC = ("tests/test_allocation.py", PIT)
OVERLAY = ("tests/test_overlay.py", "tests/test_overlay_engine.py")
ENGINE = ("tests/test_allocation_engine.py", "tests/test_allocation.py")
AREA = ("tests/test_area.py", PIT)
LEDGER = ("tests/test_ledger.py", PIT)
PRIORITY = ("tests/test_handling.py", "tests/test_prevention_priority.py")


@dataclass(frozen=True)
class Mutant:
    """One slip: in ``file``, ``old`` becomes ``new``; ``tests`` should notice."""

    name: str
    file: str
    old: str
    new: str
    description: str
    tests: tuple[str, ...]
    after: str | None = None
    #: Why no test can tell the mutant from the code, when it is so (then it is not run and
    #: not scored, only listed).
    equivalent: str = ""


@dataclass
class Result:
    name: str
    file: str
    description: str
    verdict: str
    caught_by: str = ""
    seconds: float = 0.0
    tests: list[str] = field(default_factory=list)


MUTANTS: tuple[Mutant, ...] = (
    # ------------------------------------------------------------ scoring.py
    Mutant("scoring-banker-rounding", "kotaku_gis/scoring.py",
           "return np.floor(scaled + 0.5) / scale", "return np.round(scaled) / scale",
           "percentages rounded half-to-even instead of half-up (12.345 % -> 12.34 %)",
           SCORING),
    Mutant("scoring-no-half-tolerance", "kotaku_gis/scoring.py",
           "_HALF_TOLERANCE_DECIMALS = 6", "_HALF_TOLERANCE_DECIMALS = 15",
           "24.995 % (499.9 m of 2,000 m) computed as 24.99499… rounds to 24.99 %, score 0 "
           "not 1", SCORING),
    Mutant("scoring-no-clamp-to-denominator", "kotaku_gis/scoring.py",
           "v = np.where(ok, np.minimum(v, d), v)", "v = np.where(ok, v, v)",
           "a volume above its denominator is not clamped, so works cannot clear it",
           SCORING),
    Mutant("scoring-negative-volume-kept", "kotaku_gis/scoring.py",
           "v = np.where(track, np.maximum(recorded, 0.0), np.nan)",
           "v = np.where(track, recorded, np.nan)",
           "a negative volume lowers the percentage below 0", SCORING),
    Mutant("scoring-reduction-below-zero", "kotaku_gis/scoring.py",
           "taken = np.where(track, np.minimum(a, v), np.nan)",
           "taken = np.where(track, a, np.nan)",
           "reductions larger than the deficit push the volume below 0", SCORING),
    Mutant("scoring-year-exclusive", "kotaku_gis/scoring.py",
           "(np.nan_to_num(yrs, nan=np.inf) <= year)", "(np.nan_to_num(yrs, nan=np.inf) < year)",
           "works of the asked year itself are left out", SCORING),
    Mutant("scoring-aspect-max", "kotaku_gis/scoring.py",
           "round_half_up(np.mean(values, axis=0))",
           "round_half_up(np.max(values, axis=0))",
           "aspect average taken as the worst criterion", SCORING),
    Mutant("scoring-zero-denominator-divides", "kotaku_gis/scoring.py",
           "ok = track & (d > 0)", "ok = track & (d >= 0)",
           "a zero denominator is divided by (0 % becomes NaN)", SCORING),
    Mutant("scoring-unknown-unit-applied", "kotaku_gis/scoring.py",
           "keep &= ~unknown_unit", "keep &= True",
           "a reduction naming an unknown unit lands on the last unit (index -1)",
           (PIT, *SCORING)),
    Mutant("scoring-nan-reduction-applied", "kotaku_gis/scoring.py",
           "bad_vol = keep & (np.isnan(vol) | (vol < 0))", "bad_vol = keep & (vol < 0)",
           "a blank reduction volume is applied (as NaN)", SCORING),
    # ------------------------------------------------------------ rulesets.py
    Mutant("rules-band5-at-75", "kotaku_gis/rulesets.py",
           "_BANDS = ((76.0, 5), (51.0, 3), (25.0, 1))",
           "_BANDS = ((75.0, 5), (51.0, 3), (25.0, 1))",
           "75 % scores 5 instead of 3", RULES),
    Mutant("rules-band3-at-50", "kotaku_gis/rulesets.py",
           "_BANDS = ((76.0, 5), (51.0, 3), (25.0, 1))",
           "_BANDS = ((76.0, 5), (50.0, 3), (25.0, 1))",
           "50 % scores 3 instead of 1", RULES),
    Mutant("rules-band1-at-26", "kotaku_gis/rulesets.py",
           "_BANDS = ((76.0, 5), (51.0, 3), (25.0, 1))",
           "_BANDS = ((76.0, 5), (51.0, 3), (26.0, 1))",
           "25 % scores 0 instead of 1", RULES),
    Mutant("rules-score-strict", "kotaku_gis/rulesets.py",
           "out[pct >= minimum] = score", "out[pct > minimum] = score",
           "a percentage exactly on a band's bound scores the band below", RULES),
    Mutant("rules-sedang-at-39", "kotaku_gis/rulesets.py",
           '("kumuh sedang", 38)', '("kumuh sedang", 39)',
           "a total of 38 is kumuh ringan instead of kumuh sedang", RULES),
    Mutant("rules-ringan-at-15", "kotaku_gis/rulesets.py",
           '("kumuh ringan", 16)', '("kumuh ringan", 15)',
           "a total of 15 puts a unit on the slum list", RULES),
    Mutant("rules-2016-berat-at-70", "kotaku_gis/rulesets.py",
           '("kumuh berat", 71)', '("kumuh berat", 70)',
           "2016 ruleset: a total of 70 is kumuh berat", RULES),
    Mutant("rules-level-strict", "kotaku_gis/rulesets.py",
           "codes[totals >= minimum] = LEVEL_ORDER.index(label)",
           "codes[totals > minimum] = LEVEL_ORDER.index(label)",
           "a total exactly on a level's threshold falls to the level below", RULES),
    # ------------------------------------------------------------ allocation.py
    Mutant("alloc-one-frame-for-all", "kotaku_gis/_engine/layers.py",
           "self.geoms, crs, cell_deg=MEASURE_CELL_DEG, bounds=self.bounds",
           "self.geoms, crs, cell_deg=360.0, bounds=self.bounds",
           "a single equal-area frame for every unit: far-apart lines lose or gain metres",
           (PIT, *ALLOC)),
    Mutant("alloc-shared-edge-twice", "kotaku_gis/allocation.py",
           "w, u = w[first], u[first]", "w, u = w, u",
           "a per-item work on the shared edge of two RTs counts in both", (PIT, *ALLOC)),
    Mutant("alloc-planned-works", "kotaku_gis/allocation.py",
           "select_works(works, year=year, include_planned=include_planned, report=report)",
           "select_works(works, year=None, include_planned=True, report=report)",
           "planned and later works are allocated as if done", ALLOC),
    Mutant("alloc-undated-first", "kotaku_gis/_engine/claims.py",
           'na_position="last"', 'na_position="first"',
           "works without a year claim overlaps before dated ones", ALLOC),
    Mutant("alloc-share-above-one", "kotaku_gis/allocation.py",
           "share = np.minimum(np.divide(claim, area, out=np.zeros(len(ww)), where=area > 0), "
           "1.0)",
           "share = np.divide(claim, area, out=np.zeros(len(ww)), where=area > 0)",
           "a service share is not capped at the whole unit", ALLOC,
           equivalent="a claim is at most its piece, itself inside the unit: the cap only "
           "trims floating-point noise of 1e-16"),
    Mutant("alloc-hectares-off", "kotaku_gis/allocation.py",
           "vol[is_ha] = claim[is_ha] / 10_000.0", "vol[is_ha] = claim[is_ha] / 1_000.0",
           "square metres divided by 1,000 for hectares", ALLOC),
    Mutant("alloc-zero-length-rows", "kotaku_gis/_engine/claims.py",
           "keep = metres > NEGLIGIBLE_M", "keep = metres >= 0",
           "a line touching a unit at a point gets a row of 0 m", (*ALLOC, *ENGINE)),
    Mutant("alloc-claim-unclipped", "kotaku_gis/_engine/claims.py",
           "claim[later] = np.clip(claim[later], 0.0, own[later])",
           "claim[later] = claim[later]",
           "union noise can make a later work claim more than its own piece", ALLOC,
           equivalent="the next two lines already snap claims within 1e-4 m2 of 0 or of the "
           "whole piece, and union noise is 1e-8 m2"),
    Mutant("alloc-buildings-as-households", "kotaku_gis/allocation.py",
           "vol[sel] = share[sel] * n[uu[sel]] * factor[ww[sel]]",
           'vol[sel] = share[sel] * counts["households"][uu[sel]] * factor[ww[sel]]',
           "building criteria (1a, 7a, 7b) counted in households", ALLOC),
    Mutant("alloc-line-metres-to-every-criterion", "kotaku_gis/allocation.py",
           "_criteria_of(kind_key[lines_at], kt, by_metres)",
           "_criteria_of(kind_key[lines_at], kt, ~by_item)",
           "a road's metres also credited to its household and building criteria", ALLOC),
    Mutant("alloc-overlap-share-inverted", "kotaku_gis/allocation.py",
           "np.clip(1.0 - claim / own, 0.0, 1.0)", "np.clip(claim / own, 0.0, 1.0)",
           "overlap_share reports the claimed part instead of the overlapped part", ALLOC),
    Mutant("alloc-first-unit-refused", "kotaku_gis/allocation.py",
           "known_unit = unit >= 0", "known_unit = unit > 0",
           "table rows naming the first unit are refused", ALLOC),
    Mutant("alloc-claims-skip-union", "kotaku_gis/_engine/claims.py",
           "apart = ~shapely.intersects(union[grow], piece)",
           "apart = np.ones(len(grow), dtype=bool)",
           "a piece that overlaps earlier ones is taken as apart: overlaps counted twice",
           ENGINE),
    # ------------------------------------------------------------ overlay engine
    Mutant("overlay-coarse-arcs", "kotaku_gis/_engine/layers.py",
           "QUAD_SEGS = 24", "QUAD_SEGS = 4",
           "discs drawn as 16-gons: 2.6 % short of pi r^2", OVERLAY),
    Mutant("overlay-covered-units", "kotaku_gis/_engine/overlay.py",
           "covered[g] = np.clip(unit_area - shapely.area(left) / 10_000.0, 0.0, unit_area)",
           "covered[g] = np.clip(unit_area - shapely.area(left) / 1_000.0, 0.0, unit_area)",
           "unserved square metres divided by 1,000 for hectares", OVERLAY),
    Mutant("overlay-reach-without-radius", "kotaku_gis/_engine/layers.py",
           "grow = radius + REACH_MARGIN_M", "grow = REACH_MARGIN_M + 0.0",
           "the search box of a work ignores its radius: wide service areas miss units",
           OVERLAY),
    Mutant("overlay-year-ignored", "kotaku_gis/_engine/selection.py",
           "works[wanted], year=year, include_planned",
           "works[wanted], year=None, include_planned",
           "remaining_area and coverage count works of later years", OVERLAY),
    Mutant("overlay-remaining-is-area", "kotaku_gis/_engine/overlay.py",
           'out["remaining_ha"] = result.area_ha - result.covered_ha[None]',
           'out["remaining_ha"] = result.area_ha',
           "remaining hectares forget what is covered", OVERLAY),
    Mutant("overlay-subtract-skips-last", "kotaku_gis/_engine/overlay.py",
           "live = live[counts[live] > rank]", "live = live[counts[live] > rank + 1]",
           "the last service area touching a unit is not taken off", OVERLAY),
    Mutant("engine-chunk-misses-works", "kotaku_gis/_engine/layers.py",
           "return near[np.unique(tree.query(shapely.box(*bounds.T))[1])]",
           "return near[np.unique(tree.query(shapely.box(*bounds[:1].T))[1])]",
           "a chunk keeps only the works reaching its first unit", (*OVERLAY, *ENGINE)),
    Mutant("dask-remaining-year-dropped", "kotaku_gis/distributed.py",
           '{"year": year, "kinds"', '{"year": None, "kinds"',
           "remaining_area on dask partitions counts works of every year",
           (PIT, "tests/test_distributed.py"), after="def remaining_area("),
    # ------------------------------------------------------------ area.py
    Mutant("area-hectare-factor", "kotaku_gis/area.py",
           "lambda g: shapely.area(g) / 10_000.0", "lambda g: shapely.area(g) / 1_000.0",
           "square metres divided by 1,000 for hectares", AREA),
    Mutant("area-empty-is-nan", "kotaku_gis/area.py",
           "~shapely.is_missing(geoms), 0.0, np.nan)",
           "~shapely.is_missing(geoms), np.nan, np.nan)",
           "an empty geometry measures NaN instead of 0 ha", AREA),
    # ------------------------------------------------------------ crs.py
    Mutant("crs-swapped-centre", "kotaku_gis/crs.py",
           "    lon = (bounds[pos, 0] + bounds[pos, 2]) / 2\n    lat = (bounds[pos, 1] + "
           "bounds[pos, 3]) / 2",
           "    lat = (bounds[pos, 0] + bounds[pos, 2]) / 2\n    lon = (bounds[pos, 1] + "
           "bounds[pos, 3]) / 2",
           "lon/lat data: frames centred with latitude and longitude swapped, so no line in "
           "a lon/lat layer is measured", (PIT, *AREA, *ALLOC)),
    Mutant("crs-one-cell-for-a-region", "kotaku_gis/crs.py",
           "MEASURE_CELL_DEG = 0.25", "MEASURE_CELL_DEG = 30.0",
           "one equal-area frame for a whole region: lengths off by up to 1e-3",
           (PIT, *AREA, *ALLOC)),
    Mutant("crs-no-densify", "kotaku_gis/crs.py",
           "_MAX_SEGMENT_M = 500.0", "_MAX_SEGMENT_M = 500_000.0",
           "long straight edges are not densified before projecting", (*AREA, *OVERLAY)),
    Mutant("crs-any-ellipsoid-is-wgs84", "kotaku_gis/crs.py",
           "crs.is_geographic and crs.ellipsoid == WGS84.ellipsoid",
           "crs.is_geographic",
           "Segara / Batavia lon/lat taken as WGS 84 (100-300 m off)", (*AREA, *OVERLAY)),
    Mutant("crs-laea-axes-swapped", "kotaku_gis/crs.py",
           'f"+proj=laea +lat_0={lat:.4f} +lon_0={lon:.4f}',
           'f"+proj=laea +lat_0={lon:.4f} +lon_0={lat:.4f}',
           "frames centred at (lat, lon) instead of (lon, lat)", (*AREA, *OVERLAY)),
    # ------------------------------------------------------------ ledger.py
    Mutant("ledger-blank-level", "kotaku_gis/ledger.py",
           "slum = np.asarray(levels != NOT_SLUM) & ~blank",
           "slum = np.asarray(levels != NOT_SLUM)",
           "a blank (unassessed) level counts as slum", (PIT, *LEDGER)),
    Mutant("ledger-reduced-sign", "kotaku_gis/ledger.py",
           'part["reduced_ha"] = part["baseline_ha"] - part["slum_ha"]',
           'part["reduced_ha"] = part["slum_ha"] - part["baseline_ha"]',
           "reduced hectares with the wrong sign", LEDGER),
    Mutant("ledger-entered-wrong", "kotaku_gis/ledger.py",
           "entered = both & ~previous & slum", "entered = both & ~previous",
           "units that stay off the list are counted as entering it", LEDGER),
    Mutant("ledger-gap-rounding", "kotaku_gis/ledger.py",
           "return np.copysign(round_half_up(np.abs(x), 2), x) + 0.0",
           "return round_half_up(x, 2) + 0.0",
           "a gap of -0.005 ha rounds to 0.00 instead of -0.01", LEDGER),
    Mutant("ledger-tolerance-strict", "kotaku_gis/ledger.py",
           "balanced = gap.abs() <= tolerance_ha + 1e-9",
           "balanced = gap.abs() < tolerance_ha",
           "a gap of exactly the tolerance is not balanced (Series)", LEDGER),
    Mutant("ledger-progress-years-unsorted", "kotaku_gis/ledger.py",
           "out = sorted({as_year(y, name=\"every entry of years\") for y in years})",
           "out = list({as_year(y, name=\"every entry of years\") for y in years})",
           "years of the ledger not put in order", LEDGER),
    # ------------------------------------------------------------ reports.py / maps
    Mutant("reports-summary-by-row-order", "kotaku_gis/_frames.py",
           "if not both_ids and frame.index.equals(to.index):",
           "if frame.index.equals(to.index):",
           "summary_by trusts the row order of the after-frame", (PIT, "tests/test_reports.py")),
    Mutant("maps-coded-unescaped", "kotaku_gis/maps/columns.py",
           '"v": style.esc(pd.Series(distinct, dtype=object))',
           '"v": pd.Series(distinct, dtype=object).astype(str).tolist()',
           "repeated texts (the distinct-values branch) are written unescaped",
           (PIT, "tests/test_maps.py")),
    # ------------------------------------------------------------ priority.py
    Mutant("priority-sedang-at-7", "kotaku_gis/priority.py",
           '(6, "sedang"),', '(7, "sedang"),',
           'pertimbangan lain of 6 is "rendah" instead of "sedang"', PRIORITY),
    Mutant("priority-tinggi-at-10", "kotaku_gis/priority.py",
           '(11, "tinggi"),', '(10, "tinggi"),',
           'pertimbangan lain of 10 is "tinggi" instead of "sedang"', PRIORITY),
    Mutant("priority-level-first", "kotaku_gis/priority.py",
           "prio = pl_rank * 3 + digit", "prio = level_rank * 3 + pl_rank + 1",
           "priority ranks the level before pertimbangan lain", PRIORITY),
    Mutant("priority-sedang-pemugaran", "kotaku_gis/priority.py",
           '("kumuh sedang", True): "peremajaan"', '("kumuh sedang", True): "pemugaran"',
           "legal kumuh sedang gets pemugaran instead of peremajaan", PRIORITY),
    Mutant("priority-missing-part-legal", "kotaku_gis/priority.py",
           "all_yes = np.full(n, bool(present) and len(present) == len(parts))",
           "all_yes = np.full(n, bool(present))",
           "a legality part whose column is missing is assumed positive", PRIORITY),
    Mutant("priority-one-no-not-illegal", "kotaku_gis/priority.py",
           "from_parts[any_no] = False", "from_parts[any_no & ~all_yes] = pd.NA",
           "one negative part (e.g. not in the spatial plan) no longer makes land illegal",
           PRIORITY),
    Mutant("priority-unassessed-unreported", "kotaku_gis/priority.py",
           "not_assessed = level.isna().to_numpy()",
           "not_assessed = np.zeros(len(level), dtype=bool)",
           "units not assessed (blank level) are passed over without a report", PRIORITY),
    Mutant("priority-hazard-ignored", "kotaku_gis/priority.py",
           'hazard = (typology == "rawan bencana")', 'hazard = (typology == "rawan_bencana")',
           "the hazard typology never reaches pemukiman kembali", PRIORITY),
)  # fmt: skip


def _locate(text: str, mutant: Mutant) -> tuple[str, tuple[int, int] | None]:
    """Where ``mutant.old`` is in ``text``: ("ok", span), ("not found", None) or
    ("ambiguous", None)."""
    start = 0
    if mutant.after is not None:
        anchor = text.find(mutant.after)
        if anchor < 0:
            return "not found", None
        start = anchor + len(mutant.after)
    body = text[start:]
    spans = [(m.start(), m.end()) for m in re.finditer(re.escape(mutant.old), body)]
    if not spans:
        loose = r"\s+".join(re.escape(tok) for tok in mutant.old.split())
        spans = [(m.start(), m.end()) for m in re.finditer(loose, body)]
    if not spans:
        return "not found", None
    if len(spans) > 1 and mutant.after is None:
        return "ambiguous", None
    a, b = spans[0]
    return "ok", (start + a, start + b)


def _compiles(source: str, name: str) -> bool:
    try:
        compile(source, name, "exec")
    except SyntaxError:
        return False
    return True


def check(mutants: list[Mutant]) -> list[tuple[Mutant, str]]:
    """Whether each mutant's old text is found once in the working tree (and still compiles)."""
    out = []
    for m in mutants:
        text = (ROOT / m.file).read_text()
        status, span = _locate(text, m)
        if span is not None and not _compiles(text[: span[0]] + m.new + text[span[1] :], m.file):
            status = "invalid"
        out.append((m, status))
    return out


def _first_failure(output: str) -> str:
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line.split(" - ")[0]
    return "(collection or import error)" if "error" in output.lower() else ""


def _pytest(copy: Path, targets: list[str], timeout: float) -> tuple[int | None, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
           "-p", "no:randomly", *targets]  # fmt: skip
    try:
        done = subprocess.run(
            cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None, ""
    return done.returncode, done.stdout + done.stderr


def _copy_tree(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "data", ".hypothesis")
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, dest / name)
    # the bundled sample data is needed by the dataset tests
    data = ROOT / "kotaku_gis" / "datasets" / "data"
    shutil.copytree(data, dest / "kotaku_gis" / "datasets" / "data", dirs_exist_ok=True)


def _check_copy(copy: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", "import kotaku_gis; print(kotaku_gis.__file__)"],
        cwd=copy, capture_output=True, text=True, check=True,
    )  # fmt: skip
    path = Path(probe.stdout.strip()).resolve()
    if copy.resolve() not in path.parents:
        raise SystemExit(f"the copy does not shadow the installed package ({path})")


def run(
    mutants: list[Mutant], *, timeout: float, with_properties: bool, baseline: bool
) -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="kotaku-mutation-") as tmp:
        copy = Path(tmp)
        _copy_tree(copy)
        _check_copy(copy)
        if baseline:
            every = sorted({t for m in mutants for t in m.tests} | {m.file for m in mutants})
            code, out = _pytest(copy, every, timeout * 4)
            if code != 0:
                print(out[-3000:])
                raise SystemExit("the unmutated tests do not pass; fix them first")
            print(f"baseline: {len(every)} targets pass")
        for k, m in enumerate(mutants, 1):
            path = copy / m.file
            original = path.read_text()
            status, span = _locate(original, m)
            # the tests first, so that the first failure named is a test's when one fails
            targets = [*dict.fromkeys(m.tests), m.file]
            if with_properties:
                targets.append("tests/test_properties.py")
            result = Result(m.name, m.file, m.description, status, tests=targets)
            if m.equivalent and span is not None:
                result.verdict, result.caught_by, span = "equivalent", m.equivalent, None
            mutated = (
                original if span is None else original[: span[0]] + m.new + original[span[1] :]
            )
            if span is not None and not _compiles(mutated, m.file):
                result.verdict, span = "invalid", None
            if span is not None:
                path.write_text(mutated)
                t0 = time.perf_counter()
                try:
                    code, out = _pytest(copy, targets, timeout)
                finally:
                    path.write_text(original)
                result.seconds = round(time.perf_counter() - t0, 1)
                if code is None:
                    result.verdict, result.caught_by = "timeout", f"timed out after {timeout} s"
                elif code == 0:
                    result.verdict = "missed"
                else:
                    result.verdict, result.caught_by = "caught", _first_failure(out)
            results.append(result)
            print(f"[{k}/{len(mutants)}] {result.verdict:9} {m.name}  {result.caught_by}",
                  flush=True)  # fmt: skip
    return results


def summary(results: list[Result]) -> str:
    caught = sum(r.verdict in ("caught", "timeout") for r in results)
    missed = [r for r in results if r.verdict == "missed"]
    stale = [r for r in results if r.verdict in ("not found", "ambiguous", "invalid")]
    same = [r for r in results if r.verdict == "equivalent"]
    scored = caught + len(missed)
    lines = [
        f"Mutation score: {caught} caught of {scored} ({100 * caught / max(scored, 1):.1f} %); "
        f"{len(same)} equivalent mutant(s) not scored; {len(stale)} mutant(s) no longer match "
        "the code.",
        "",
        "| mutant | file | slip | verdict | first failing test |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| `{r.name}` | `{r.file.removeprefix('kotaku_gis/')}` | {r.description} | "
            f"{r.verdict} | {r.caught_by.removeprefix('FAILED ').removeprefix('ERROR ')} |"
        )
    if missed:
        lines += ["", "Missed: " + ", ".join(f"`{r.name}`" for r in missed) + "."]
    if stale:
        lines += ["", "Not matched (update them): " + ", ".join(f"`{r.name}`" for r in stale)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="run only these mutants (names)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per mutant")
    parser.add_argument("--with-properties", action="store_true",
                        help="add tests/test_properties.py to every run")  # fmt: skip
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the check that the unmutated tests pass")  # fmt: skip
    parser.add_argument("--json", type=Path, help="write the results as JSON")
    parser.add_argument("--markdown", type=Path, help="write the summary table as Markdown")
    args = parser.parse_args(argv)

    chosen = list(MUTANTS)
    if args.only:
        unknown = set(args.only) - {m.name for m in MUTANTS}
        if unknown:
            parser.error(f"unknown mutants {sorted(unknown)}")
        chosen = [m for m in MUTANTS if m.name in args.only]
    if args.list:
        for m, status in check(chosen):
            print(f"{status:9} {m.name:32} {m.file:30} {m.description}")
        print(f"{len(chosen)} mutants")
        return 0
    results = run(
        chosen, timeout=args.timeout, with_properties=args.with_properties,
        baseline=not args.no_baseline,
    )  # fmt: skip
    text = summary(results)
    print()
    print(text)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
