"""kotaku_gis: slum baselines, regulation scoring and remaining slum hectares for KOTAKU.

Import it as ``import kotaku_gis as kg``. The public names are listed in ``__all__``; each
lives in a module named after its domain concept.
"""

from __future__ import annotations

from .area import area_ha
from .catalogue import CATEGORIES, INTERVENTION_KINDS
from .errors import InputError
from .io import read_interventions, read_units
from .overlay import coverage, remaining_area, service_areas
from .report import ValidationReport
from .validation import validate

__version__ = "0.1.0"

__all__ = [
    "CATEGORIES",
    "INTERVENTION_KINDS",
    "InputError",
    "ValidationReport",
    "__version__",
    "area_ha",
    "coverage",
    "read_interventions",
    "read_units",
    "remaining_area",
    "service_areas",
    "validate",
]
