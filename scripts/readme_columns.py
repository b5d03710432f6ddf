"""Write the README's tables of recognised column names from kotaku_gis.columns.

Run from the repository root after changing the table in ``kotaku_gis/columns.py``::

    python scripts/readme_columns.py          # rewrite the tables in README.md
    python scripts/readme_columns.py --check  # exit 1 when README.md is out of date

``tests/test_readers_real.py`` runs the check.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kotaku_gis.columns import column_table_markdown  # noqa: E402

README = ROOT / "README.md"
_BLOCK = re.compile(
    r"(<!-- columns:(units|interventions) start -->\n)(.*?)(<!-- columns:\2 end -->)", re.S
)


def render(text: str) -> str:
    """``text`` with every generated block replaced by the current table."""

    def fill(match: re.Match[str]) -> str:
        return f"{match[1]}{column_table_markdown(match[2])}\n{match[4]}"

    return _BLOCK.sub(fill, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, do not write")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    if len(_BLOCK.findall(text)) != 2:
        print("README.md lacks the <!-- columns:units/interventions start/end --> markers")
        return 1
    new = render(text)
    if args.check:
        if new != text:
            print("README.md's column tables are out of date: run scripts/readme_columns.py")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
