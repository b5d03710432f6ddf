"""``RESULTS.md`` holds one section per benchmark; each benchmark replaces only its own.

A section runs from its heading (a line starting with ``# ``, outside fenced code) to the
next such heading.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from benchmarks.results import write_section
>>> path = Path(tempfile.mkdtemp()) / "RESULTS.md"
>>> write_section(path, "# A", "# A\\n\\nfirst\\n")
>>> write_section(path, "# B", "# B\\n\\nother\\n")
>>> write_section(path, "# A", "# A\\n\\nsecond\\n")
>>> print(path.read_text())
# A
<BLANKLINE>
second
<BLANKLINE>
# B
<BLANKLINE>
other
<BLANKLINE>
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["environment", "publish", "write_section"]


def environment(load: float) -> str:
    """When and where a benchmark ran: the note every section starts its notes with."""
    import datetime as dt
    import os
    import platform

    import geopandas as gpd
    import shapely

    return (
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores (load "
        f"average at start {load:.1f}, shared machine), Python {platform.python_version()}, "
        f"geopandas {gpd.__version__}, shapely {shapely.__version__}, GEOS "
        f"{shapely.geos_version_string}."
    )


def publish(path: Path, heading: str, body: str, notes: list[str]) -> str:
    """Write a benchmark's section (heading, tables, notes as a list) and show it."""
    text = f"{heading}\n\n{body.strip()}\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    write_section(path, heading, text)
    print()
    print(text)
    return text


def write_section(path: Path, heading: str, text: str) -> None:
    """Put ``text`` (which starts with ``heading``) in place of that section of ``path``.

    The other sections are kept as they are, in their order; a new section goes at the end.
    """
    if not text.startswith(heading):
        raise ValueError(f"the section's text must start with its heading {heading!r}")
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    sections: list[list[str]] = []
    fenced = False
    for line in old.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if line.startswith("# ") and not fenced:
            sections.append([])
        if sections:
            sections[-1].append(line)
    texts = ["\n".join(lines).strip("\n") + "\n" for lines in sections]
    text = text.strip("\n") + "\n"
    at = [i for i, t in enumerate(texts) if t.splitlines()[0] == heading]
    if at:
        texts[at[0]] = text
    else:
        texts.append(text)
    path.write_text("\n".join(texts), encoding="utf-8")
