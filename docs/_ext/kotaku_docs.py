"""Pages made from the package's own tables at build time, so the site cannot drift from the code.

Directives (used in the ``.rst`` pages, whose content they write as reStructuredText):

``kotaku-ruleset NAME``
    A ruleset of :data:`kotaku_gis.RULESETS`: its criteria (from ``Ruleset.to_frame()``),
    score bands, level thresholds and source.
``kotaku-catalogue``
    The works catalogue (:func:`kotaku_gis.catalogue.catalogue_frame`), per category, with
    the source of each criterion, radius and capacity.
``kotaku-columns WHAT``
    The recognised column names of units or works (:func:`kotaku_gis.columns.column_guide`).
``kotaku-glossary``
    The Indonesian / English glossary, from ``docs/_data/glossary.csv``.
``kotaku-api``
    The public names of ``kotaku_gis.__all__``, grouped, each linked to its page.
``kotaku-cli``
    The ``--help`` of the command and of each of its commands.

On ``builder-inited`` one page per public name is written into ``api/generated/`` (a folder
git ignores), so the reference follows ``kotaku_gis.__all__`` without a list to keep.
"""

from __future__ import annotations

import csv
import inspect
import re
import shutil
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.parsing import nested_parse_to_nodes

#: Groups of the API page, in the order of the data flow. Names of ``__all__`` in no group go
#: under "Other"; names listed here but gone from ``__all__`` are left out.
API_GROUPS: list[tuple[str, list[str]]] = [
    ("Read and validate", ["read_units", "read_interventions", "read_r0_workbook", "join_r0",
                           "validate", "ValidationReport", "InputError", "write_templates"]),
    ("Hectares", ["area_ha"]),
    ("Regulation and scoring", ["RULESETS", "get_ruleset", "Ruleset", "Criterion", "assess",
                                "assess_kawasan", "handling"]),
    ("Works, service areas and allocation", ["INTERVENTION_KINDS", "CATEGORIES",
                                             "service_areas", "coverage", "allocate"]),
    ("Remaining area and the ledger", ["remaining_area", "summarize", "progress", "reconcile",
                                       "Reconciliation", "near_threshold", "holding_criteria"]),
    ("Rasters and grids", ["zonal_stats", "inundated_ha", "with_inundation",
                           "population_per_unit", "grid_summary", "write_grid_tiff"]),
    ("Outputs", ["map_units", "save_map", "write_reports", "write_excel_report",
                 "write_gpkg_report", "write_csv", "write_r0_workbook", "plot_levels",
                 "plot_ledger", "write_atlas", "plot_atlas_overview", "plot_atlas_page",
                 "write_postgis"]),
    ("Planning with a budget", ["plan", "scenario", "Plan"]),
    ("Scale", ["partition_units", "EngineSettings"]),
    ("Sample data", ["datasets"]),
]  # fmt: skip

#: Modules whose ``#:`` comments document the public data names.
_DATA_MODULES = ("kotaku_gis.rulesets", "kotaku_gis.catalogue", "kotaku_gis.schema")


def _public_names() -> list[str]:
    import kotaku_gis

    return [n for n in kotaku_gis.__all__ if not n.startswith("_")]


def _kind(name: str) -> str:
    import kotaku_gis

    obj = getattr(kotaku_gis, name)
    if inspect.ismodule(obj):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "data"


def _role(name: str) -> str:
    return {"module": "mod", "class": "class", "function": "func", "data": "data"}[_kind(name)]


def _data_doc(name: str) -> list[str]:
    """The ``#:`` comment documenting a data name in the module that defines it."""
    from sphinx.pycode import ModuleAnalyzer

    for module in _DATA_MODULES:
        try:
            docs = ModuleAnalyzer.for_module(module).find_attr_docs()
        except Exception:  # a module that cannot be analysed documents nothing here
            continue
        if ("", name) in docs:
            return list(docs[("", name)])
    return []


def _summary(name: str) -> str:
    import kotaku_gis

    if _kind(name) == "data":
        lines = [line for line in _data_doc(name) if line.strip()]
        return lines[0] if lines else ""
    doc = inspect.getdoc(getattr(kotaku_gis, name)) or ""
    first = doc.strip().split("\n\n")[0]
    return " ".join(first.split())


def _stub(name: str) -> str:
    kind = _kind(name)
    title = f"kotaku_gis.{name}"
    lines = [title, "=" * len(title), ""]
    if kind == "module":
        lines += [f".. automodule:: kotaku_gis.{name}", "   :members:", ""]
        return "\n".join(lines)
    lines += [".. currentmodule:: kotaku_gis", ""]
    if kind == "function":
        lines += [f".. autofunction:: {name}", ""]
    elif kind == "class":
        lines += [f".. autoclass:: {name}", "   :members:", ""]
    else:
        lines += [f".. py:data:: {name}", ""]
        lines += [f"   {line}" if line.strip() else "" for line in _data_doc(name)]
        lines.append("")
        more = {
            "RULESETS": ":doc:`/reference/regulation`",
            "INTERVENTION_KINDS": ":doc:`/reference/catalogue`",
            "CATEGORIES": ":doc:`/reference/catalogue`",
        }.get(name)
        if more:
            lines += [f"   The tables: {more}.", ""]
    return "\n".join(lines)


def write_api_stubs(app: Sphinx) -> None:
    """One page per public name in ``api/generated/``, replacing what an earlier build left."""
    folder = Path(app.srcdir) / "api" / "generated"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in _public_names():
        (folder / f"kotaku_gis.{name}.rst").write_text(_stub(name), encoding="utf-8")


# ---------------------------------------------------------------- helpers


def _cell(text: Any) -> str:
    """Plain text for a table cell: one line, reStructuredText's markup characters escaped."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = " ".join(str(text).split())
    text = re.sub(r"([\\*`|])", r"\\\1", text)
    # "pct_" or "<letter>_" at the end of a word would be a reference.
    return re.sub(r"(?<=[\w>])_(?=[^\w<]|$)", r"\\_", text)


def _literal(text: Any) -> str:
    if text is None or (isinstance(text, float) and text != text):
        return ""
    value = " ".join(str(text).split())
    return f"``{value}``" if value else ""


def _list_table(headers: list[str], rows: list[list[str]], widths: list[int] | None = None,
                title: str | None = None) -> list[str]:  # fmt: skip
    lines = [f".. list-table:: {title}" if title else ".. list-table::", "   :header-rows: 1"]
    if widths:
        lines.append(f"   :widths: {' '.join(str(w) for w in widths)}")
    lines.append("")
    for row in [headers, *rows]:
        for j, value in enumerate(row):
            lines.append(f"   {'*' if j == 0 else ' '} - {value}" if value else
                         f"   {'*' if j == 0 else ' '} -")  # fmt: skip
    lines.append("")
    return lines


def _link(text: str, url: Any) -> str:
    text = _cell(text)
    if not isinstance(url, str) or not url:
        return text
    return f"`{text.replace('<', '&lt;').replace('`', '')} <{url}>`__"


#: A line of :meth:`_GeneratedDirective.lines` that starts a section titled by the rest.
SECTION = "\x00section:"


class _GeneratedDirective(SphinxDirective):
    """Writes reStructuredText and parses it in place; lines starting with :data:`SECTION`
    open a section (one level below the page's title)."""

    def lines(self) -> list[str]:  # pragma: no cover - each directive overrides it
        raise NotImplementedError

    def _parse(self, lines: list[str]) -> list[nodes.Node]:
        content = StringList(lines, source=f"<{self.name}>")
        return list(nested_parse_to_nodes(self.state, content))

    def run(self) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        chunk: list[str] = []
        section: nodes.section | None = None

        def flush() -> None:
            parsed = self._parse(chunk)
            (section.extend if section is not None else out.extend)(parsed)
            chunk.clear()

        for line in self.lines():
            if not line.startswith(SECTION):
                chunk.append(line)
                continue
            flush()
            title = line[len(SECTION) :]
            text, _ = self.state.inline_text(title, self.lineno)
            plain = "".join(n.astext() for n in text)
            section = nodes.section(ids=[nodes.make_id(f"{self.name}-{plain}")], names=[])
            section += nodes.title(title, "", *text)
            self.state.document.note_implicit_target(section, section)
            out.append(section)
        flush()
        return out


# ---------------------------------------------------------------- the regulation


class RulesetDirective(_GeneratedDirective):
    required_arguments = 1

    def lines(self) -> list[str]:
        import kotaku_gis as kg
        from kotaku_gis.rulesets import ASPECTS

        rs = kg.get_ruleset(self.arguments[0])
        frame = rs.to_frame()
        out = [
            f"*{rs.title}* (``{rs.name}``): {len(rs.criteria)} criteria in "
            f"{frame['aspect'].nunique()} aspects, each scored 0, 1, 3 or 5; total "
            f"0-{rs.max_total}. Source: {rs.source}.",
            "",
        ]
        rows = [
            [f"``{code}``", f"{ASPECTS[row.aspect][0]} ({ASPECTS[row.aspect][1]})",
             _cell(row.name_id), _cell(row.name_en), _literal(row.unit),
             _literal(row.denominator), _cell(row.reference)]
            for code, row in frame.iterrows()
        ]  # fmt: skip
        out += _list_table(
            ["code", "aspect", "criterion (Indonesian)", "criterion (English)", "volume unit",
             "denominator", "in the regulation"],
            rows, [6, 16, 26, 22, 10, 12, 8], title="Criteria",
        )  # fmt: skip
        bands = []
        upper = "100"
        for minimum, score in rs.bands:
            bands.append([f"{minimum:g} % to {upper} %", str(score)])
            upper = f"under {minimum:g}"
        bands.append([f"under {rs.bands[-1][0]:g} %", "0"])
        out += [
            "The percentage of each criterion is its volume divided by its denominator, "
            "rounded half-up to 2 decimals, then scored:",
            "",
        ]
        out += _list_table(["percentage", "score"], bands, [30, 10], title="Score bands")
        levels = []
        top = rs.max_total
        for label, minimum in rs.levels:
            levels.append([f"{minimum} to {top}", f"**{label}**"])
            top = minimum - 1
        levels.append([f"under {rs.levels[-1][1]}", "**tidak kumuh**"])
        out += _list_table(["total score", "level"], levels, [30, 20], title="Levels")
        if rs.leave_requires_service:
            aspects = ", ".join(rs.service_aspects)
            out += [
                f"A unit leaves the slum list only when the service of {aspects} is above "
                f"{rs.service_minimum:g} %.",
                "",
            ]
        return out


# ---------------------------------------------------------------- the catalogue


class CatalogueDirective(_GeneratedDirective):
    def lines(self) -> list[str]:
        from kotaku_gis.catalogue import CATEGORIES, catalogue_frame

        frame = catalogue_frame()
        out: list[str] = []
        for category in CATEGORIES:
            part = frame[frame["category"] == category]
            if part.empty:
                continue
            title = f"``{category}``"
            out.append(SECTION + title)
            rows = []
            for key, row in part.iterrows():
                capacity = ""
                if row["capacity"] == row["capacity"] and row["capacity"] is not None:
                    capacity = f"{row['capacity']:g} {row['capacity_measure']}"
                sources = [
                    _link(f"criteria: {row['criteria_source']}", row["criteria_url"]),
                    _link(f"radius: {row['radius_source']}", row["radius_url"]),
                ]
                if capacity:
                    sources.append(_link(f"capacity: {row['capacity_source']}",
                                         row["capacity_url"]))  # fmt: skip
                radius = "" if row["radius_m"] != row["radius_m"] else f"{row['radius_m']:g}"
                rows.append([
                    f"``{key}``", _cell(row["name"]), _cell(row["criteria"]), radius,
                    capacity, _cell(row["aliases"]), "; ".join(s for s in sources if s),
                ])  # fmt: skip
            out += _list_table(
                ["kind", "name", "criteria it reduces (unit)", "service radius (m)", "capacity",
                 "also recognised as", "sources"],
                rows, [12, 14, 14, 8, 8, 20, 24],
            )  # fmt: skip
        return out


# ---------------------------------------------------------------- columns


class ColumnsDirective(_GeneratedDirective):
    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"full": directives.flag}

    def lines(self) -> list[str]:
        from kotaku_gis.columns import column_guide

        guide = column_guide(self.arguments[0], compact="full" not in self.options)
        rows = []
        for row in guide.itertuples(index=False):
            note = f"{row.when_en} / *{row.when_id}*" if row.when_en else ""
            rows.append([
                f"``{row.column}``", "**required**" if row.need == "required" else "optional",
                _cell(row.meaning_en), f"*{_cell(row.meaning_id)}*", _cell(row.unit),
                _cell(note), _cell(row.names),
            ])  # fmt: skip
        return _list_table(
            ["column", "need", "meaning", "arti", "unit", "note", "also recognised as"],
            rows, [12, 8, 16, 16, 8, 18, 22],
        )  # fmt: skip


# ---------------------------------------------------------------- glossary


class GlossaryDirective(_GeneratedDirective):
    def lines(self) -> list[str]:
        path = Path(self.env.srcdir) / "_data" / "glossary.csv"
        self.env.note_dependency(str(path))
        with path.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        out = [".. glossary::", "   :sorted:", ""]
        for row in rows:
            out.append(f"   {row['id']}")
            english = f"*{row['en']}*"
            code = f" In kotaku_gis: {row['code']}." if row.get("code") else ""
            out.append(f"      {english}. {row['meaning']}{code}")
            out.append("")
        return out


# ---------------------------------------------------------------- API index


class ApiDirective(_GeneratedDirective):
    def lines(self) -> list[str]:
        names = _public_names()
        placed = {n for _, group in API_GROUPS for n in group}
        groups = [(title, [n for n in group if n in names]) for title, group in API_GROUPS]
        groups.append(("Other", [n for n in names if n not in placed]))
        out: list[str] = []
        for title, group in groups:
            if not group:
                continue
            out.append(SECTION + title)
            rows = [[f":py:{_role(n)}:`~kotaku_gis.{n}`", _summary(n)] for n in group]
            out += _list_table(["name", "what it does"], rows, [25, 75])
        out += [".. toctree::", "   :hidden:", ""]
        out += [f"   generated/kotaku_gis.{n}" for n in names]
        out.append("")
        return out


# ---------------------------------------------------------------- the command line


def _help(args: list[str]) -> str:
    from typer.testing import CliRunner

    from kotaku_gis.cli import app

    result = CliRunner().invoke(app, [*args, "--help"], terminal_width=100)
    if result.exit_code != 0:
        raise RuntimeError(f"kotaku-gis {' '.join(args)} --help failed: {result.output}")
    return _strip_ansi(result.output)


class CliDirective(_GeneratedDirective):
    def lines(self) -> list[str]:
        from kotaku_gis.cli import app

        out = [".. code-block:: text", ""]
        out += [f"   {line}" for line in _help([]).splitlines()]
        out.append("")
        for command in app.registered_commands:
            name = command.name
            title = f"``kotaku-gis {name}``"
            out += [SECTION + title, ".. code-block:: text", ""]
            out += [f"   {line}" for line in _help([name]).splitlines()]
            out.append("")
        return out


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _resolve(target: str, module: str | None) -> tuple[bool, object]:
    """Whether ``target`` names an object of kotaku_gis (as written, in ``module``, or at the
    top level), and the object."""
    import importlib

    candidates = [target]
    if module:
        candidates.append(f"{module}.{target}")
    candidates.append(f"kotaku_gis.{target}")
    for name in candidates:
        if not name.startswith("kotaku_gis"):
            continue
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj: object = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attr in parts[cut:]:
                    obj = getattr(obj, attr)
            except AttributeError:
                break
            return True, obj
    if "." not in target:
        # A bare name in a docstring, read out of its module's context (a docstring shown on a
        # page of the top-level name): the name as one of the package's modules defines it.
        import sys

        for mod_name, mod in sorted(sys.modules.items()):
            if mod_name.startswith("kotaku_gis") and hasattr(mod, target):
                return True, getattr(mod, target)
    return False, None


def missing_reference(app: Sphinx, env: Any, node: Any, contnode: nodes.Node) -> Any:
    """Link a reference to a name of kotaku_gis to its public page when it is a public name
    (``Ruleset`` inside ``kotaku_gis.rulesets`` is ``kotaku_gis.Ruleset``); show a name that
    exists but is not public (a module, an internal table) as code, without a link. A name
    that exists nowhere stays a broken reference, which ``-n`` makes an error."""
    import kotaku_gis

    if node.get("refdomain") != "py":
        return None
    found, obj = _resolve(node["reftarget"], node.get("py:module"))
    if not found:
        return None
    for name in _public_names():
        if getattr(kotaku_gis, name) is obj:
            domain = env.get_domain("py")
            return domain.resolve_xref(
                env, node["refdoc"], app.builder, node["reftype"], f"kotaku_gis.{name}",
                node, contnode,
            )  # fmt: skip
    return contnode


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("kotaku-ruleset", RulesetDirective)
    app.add_directive("kotaku-catalogue", CatalogueDirective)
    app.add_directive("kotaku-columns", ColumnsDirective)
    app.add_directive("kotaku-glossary", GlossaryDirective)
    app.add_directive("kotaku-api", ApiDirective)
    app.add_directive("kotaku-cli", CliDirective)
    app.connect("builder-inited", write_api_stubs)
    app.connect("missing-reference", missing_reference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
