"""Colours of the maps and the escaping of data text written into them.

Colours follow the programme's habit of red for the worst slum and green for none; scores and
remaining shares use sequential ramps (ColorBrewer YlOrRd and RdYlGn) so that darker or redder
always means "more to do". Text that comes from the data is escaped where it is written into a
map (see :func:`esc`). The maps' labels and texts live in :mod:`kotaku_gis.labels` (their
names are also importable from here).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..labels import (
    LANGUAGES,
    OTHER_CATEGORY,
    aspect_of,
    category_label,
    criterion_label,
    level_labels,
    texts,
)

__all__ = [
    "CATEGORY_COLOURS",
    "LANGUAGES",
    "LEVEL_COLOURS",
    "MISSING_COLOUR",
    "OTHER_CATEGORY",
    "SCORE_COLOURS",
    "SHARE_BREAKS",
    "SHARE_COLOURS",
    "aspect_of",
    "category_label",
    "criterion_label",
    "esc",
    "level_labels",
    "texts",
]


#: Fill colour per level label, worst first (the order of :data:`kotaku_gis.schema.LEVELS`).
LEVEL_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "kumuh berat": "#b2182b",
        "kumuh sedang": "#ef8a62",
        "kumuh ringan": "#fddc6c",
        "tidak kumuh": "#4dac26",
    }
)
#: Fill of units with no value for the view shown.
MISSING_COLOUR = "#bdbdbd"
#: Criterion scores 0, 1, 3, 5 (and aspect score classes) on YlOrRd.
SCORE_COLOURS: tuple[str, ...] = ("#ffffcc", "#fecc5c", "#fd8d3c", "#bd0026")
#: Upper bounds (inclusive, in %) of the remaining-share classes; the last class is above them.
SHARE_BREAKS: tuple[float, ...] = (20.0, 40.0, 60.0, 80.0, 100.0)
#: Remaining share 0-20 % (mostly served) to 80-100 % (unserved), RdYlGn reversed.
SHARE_COLOURS: tuple[str, ...] = ("#1a9641", "#a6d96a", "#ffffbf", "#fdae61", "#d7191c")
#: The unserved parts of units.
UNSERVED_COLOUR = "#54278f"

#: Colour per intervention category (the eight keys of :data:`kotaku_gis.CATEGORIES`).
CATEGORY_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "jalan": "#8c564b",
        "drainase": "#1f77b4",
        "pengendali_banjir": "#17becf",
        "air_minum": "#9467bd",
        "air_limbah": "#bcbd22",
        "persampahan": "#7f7f7f",
        "proteksi_kebakaran": "#d62728",
        "perumahan": "#e377c2",
        OTHER_CATEGORY: "#000000",
    }
)


def esc(values: pd.Series | np.ndarray | list) -> list[str]:
    """HTML-escape text from the data (quotes included); missing values become "".

    Examples
    --------
    >>> from kotaku_gis.maps.style import esc
    >>> esc(["<b>x</b>", None, 'a "b" & c'])
    ['&lt;b&gt;x&lt;/b&gt;', '', 'a &quot;b&quot; &amp; c']
    """
    series = pd.Series(values if isinstance(values, pd.Series) else list(values), dtype=object)
    text = series.where(series.notna(), "").astype(str)
    for char, entity in _ENTITIES:
        text = text.str.replace(char, entity, regex=False)
    return text.tolist()


# "&" first, so that the entities written after it are not escaped again
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))
