"""Deprecated name of :mod:`kotaku_gis.validation_report`, kept importable for one release.

``from kotaku_gis.report import ValidationReport`` still works and warns; import it from
:mod:`kotaku_gis.validation_report` (or as ``kg.ValidationReport``) instead. The output
reports (Excel, GeoPackage, CSV) are :mod:`kotaku_gis.reports`.

Examples
--------
>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     from kotaku_gis.report import ValidationReport
>>> import kotaku_gis as kg
>>> ValidationReport is kg.ValidationReport, caught[0].category.__name__
(True, 'DeprecationWarning')
"""

from __future__ import annotations

import warnings
from typing import Any

from . import validation_report as _moved

# The old names are served by __getattr__ below, with a DeprecationWarning.
__all__: list[str] = []


def __getattr__(name: str) -> Any:
    if name in ("Issue", "Severity", "ValidationReport"):
        warnings.warn(
            f"kotaku_gis.report.{name} has moved to kotaku_gis.validation_report.{name}; "
            "the old module will be removed in the next release.",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(_moved, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
