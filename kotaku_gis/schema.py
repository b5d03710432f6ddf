"""Column conventions shared by readers, validation and analysis (DESIGN §3)."""

from __future__ import annotations

__all__ = [
    "ADMIN_COLUMNS",
    "CRITERIA_2018",
    "CRITERION_DENOMINATOR",
    "DENOMINATORS",
    "INDONESIA_BOUNDS",
    "LEVELS",
]

#: The 16 criterion codes of Permen PUPR 14/2018, in order; units carry their volumes under
#: these column names.
CRITERIA_2018: tuple[str, ...] = (
    "1a", "1b", "1c", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "5a", "5b", "6a", "6b", "7a", "7b",
)  # fmt: skip

#: Denominator columns of units.
DENOMINATORS: tuple[str, ...] = (
    "buildings",
    "households",
    "road_length_m",
    "drain_length_m",
    "area_ha",
)

#: Administrative columns, from finest to coarsest.
ADMIN_COLUMNS: tuple[str, ...] = ("kelurahan", "kecamatan", "kota", "provinsi")

#: Level labels, from worst to best.
LEVELS: tuple[str, ...] = ("kumuh berat", "kumuh sedang", "kumuh ringan", "tidak kumuh")

#: Longitude/latitude box that holds all of Indonesia with a margin (west, south, east, north).
INDONESIA_BOUNDS: tuple[float, float, float, float] = (94.0, -11.5, 141.5, 6.5)

#: Denominator column of each criterion of Permen PUPR 14/2018 (DESIGN §4).
CRITERION_DENOMINATOR: dict[str, str] = {
    "1a": "buildings",
    "1b": "area_ha",
    "1c": "buildings",
    "2a": "road_length_m",
    "2b": "road_length_m",
    "3a": "households",
    "3b": "households",
    "4a": "area_ha",
    "4b": "drain_length_m",
    "4c": "drain_length_m",
    "5a": "households",
    "5b": "households",
    "6a": "households",
    "6b": "households",
    "7a": "buildings",
    "7b": "buildings",
}
