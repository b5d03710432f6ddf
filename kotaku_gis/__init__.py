"""kotaku_gis: slum baselines, regulation scoring and remaining slum hectares for KOTAKU.

Import it as ``import kotaku_gis as kg``. The public names are listed in ``__all__``; each
lives in a module named after its domain concept.
"""

from __future__ import annotations

from . import datasets
from .allocation import allocate
from .area import area_ha
from .catalogue import CATEGORIES, INTERVENTION_KINDS
from .database import write_postgis
from .distributed import partition_units
from .errors import InputError
from .grid import grid_summary, write_grid_tiff
from .io import read_interventions, read_units
from .kawasan import assess_kawasan
from .ledger import Reconciliation, progress, reconcile, summarize
from .maps import map_units, save_map
from .overlay import coverage, remaining_area, service_areas
from .planning import Plan, plan, scenario
from .prevention import holding_criteria, near_threshold
from .priority import handling
from .raster import inundated_ha, population_per_unit, with_inundation, zonal_stats
from .reports import (
    plot_ledger,
    plot_levels,
    write_csv,
    write_excel_report,
    write_gpkg_report,
    write_reports,
)
from .rulesets import RULESETS, Criterion, Ruleset, get_ruleset
from .scoring import assess
from .templates import write_templates
from .validation import validate
from .validation_report import ValidationReport
from .workbook import join_r0, read_r0_workbook, write_r0_workbook

__version__ = "0.1.0"

__all__ = [
    "CATEGORIES",
    "INTERVENTION_KINDS",
    "RULESETS",
    "Criterion",
    "InputError",
    "Plan",
    "Reconciliation",
    "Ruleset",
    "ValidationReport",
    "__version__",
    "allocate",
    "area_ha",
    "assess",
    "assess_kawasan",
    "coverage",
    "datasets",
    "get_ruleset",
    "grid_summary",
    "handling",
    "holding_criteria",
    "inundated_ha",
    "join_r0",
    "map_units",
    "near_threshold",
    "partition_units",
    "plan",
    "plot_ledger",
    "plot_levels",
    "population_per_unit",
    "progress",
    "read_interventions",
    "read_r0_workbook",
    "read_units",
    "reconcile",
    "remaining_area",
    "save_map",
    "scenario",
    "service_areas",
    "summarize",
    "validate",
    "with_inundation",
    "write_csv",
    "write_excel_report",
    "write_gpkg_report",
    "write_grid_tiff",
    "write_postgis",
    "write_r0_workbook",
    "write_reports",
    "write_templates",
    "zonal_stats",
]
