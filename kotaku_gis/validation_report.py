"""Validation reports: every problem found in a layer, row by row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from .errors import InputError

__all__ = ["Issue", "ValidationReport", "issues_table"]

Severity = Literal["error", "warning", "info"]
_SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Issue:
    """One problem found in one row (or in the whole layer when ``row`` is None).

    ``check`` is a stable machine-readable name of the test that found it
    (``"invalid_geometry"``, ``"duplicate_id"``, …); ``message`` is for people, in English.
    ``repaired`` says whether the reader fixed it (for example with ``make_valid``).
    ``params`` are the values the message was written from, when it was written from its
    check's text in :mod:`kotaku_gis.labels`: :meth:`text` writes it in either language.
    """

    row: Any
    column: str | None
    severity: Severity
    check: str
    message: str
    repaired: bool = False
    params: Mapping[str, Any] | None = field(default=None, compare=False, hash=False)

    def line(self) -> str:
        """The issue as one indented line of an error message; a layer-wide one names no row.

        Examples
        --------
        >>> from kotaku_gis.validation_report import Issue
        >>> Issue(3, "area_ha", "error", "bad_area", "not a number").line()
        "  row 3, column 'area_ha': not a number"
        >>> Issue(None, "4b", "warning", "criterion_missing", "no evidence").line()
        "  column '4b': no evidence"
        """
        where = [f"row {self.row!r}"] if self.row is not None else []
        if self.column:
            where.append(f"column {self.column!r}")
        return f"  {', '.join(where) or 'layer'}: {self.message}"

    def text(self, lang: str = "id") -> str:
        """The message in ``lang`` ("id" or "en"), see :func:`kotaku_gis.labels.issue_text`.

        Examples
        --------
        >>> from kotaku_gis.validation_report import ValidationReport
        >>> rep = ValidationReport()
        >>> rep.add(None, "volume", "info", "volume_measured", params={"n": 2})
        >>> rep.issues[0].text("id")[:24]
        '2 pekerjaan tanpa volume'
        """
        from .labels import issue_text

        return issue_text(self, lang)


@dataclass
class ValidationReport:
    """Every problem found in a layer.

    Readers attach the report of what they found and repaired as ``frame.attrs["report"]``.

    Examples
    --------
    >>> from kotaku_gis.validation_report import ValidationReport
    >>> rep = ValidationReport(what="units", source="rt.gpkg")
    >>> rep.add(3, "unit_id", "error", "duplicate_id", "unit_id 'A' appears twice")
    >>> rep.ok
    False
    >>> rep.to_frame()[["row", "column", "severity"]].values.tolist()
    [[3, 'unit_id', 'error']]
    """

    what: str = "units"
    source: str | None = None
    issues: list[Issue] = field(default_factory=list)

    def add(
        self,
        row: Any,
        column: str | None,
        severity: Severity,
        check: str,
        message: str | None = None,
        *,
        repaired: bool = False,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        """Record one problem.

        With ``params`` (the values of the check's text in :mod:`kotaku_gis.labels`) the
        message may be left out: it is written from that text in English, and
        ``Issue.text(lang)`` writes it in Indonesian too.
        """
        if severity not in _SEVERITIES:
            raise ValueError(f"severity must be one of {_SEVERITIES}, not {severity!r}")
        if message is None:
            if params is None:
                raise ValueError("give the message, or the params of the check's text")
            from .labels import check_message

            message = check_message(check, "en", params)
        self.issues.append(Issue(row, column, severity, check, message, repaired, params))

    def add_rows(
        self,
        rows: Iterable[Any],
        column: str | None,
        severity: Severity,
        check: str,
        message: str | Iterable[str] | None = None,
        *,
        repaired: bool = False,
        params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        """Record the same kind of problem for many rows (one message or one per row; or
        the values of the check's text, the same for all rows or one mapping per row)."""
        rows = list(rows)
        if message is None or isinstance(message, str):
            messages: list[str | None] = [message] * len(rows)
        else:
            messages = list(message)
        if params is None or isinstance(params, Mapping):
            values: list[Mapping[str, Any] | None] = [params] * len(rows)
        else:
            values = list(params)
        for row, msg, par in zip(rows, messages, values, strict=True):
            self.add(row, column, severity, check, msg, repaired=repaired, params=par)

    def extend(self, other: ValidationReport) -> None:
        """Append the issues of another report."""
        self.issues.extend(other.issues)

    @property
    def errors(self) -> list[Issue]:
        """Issues of severity ``"error"``."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """Issues of severity ``"warning"``."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when no issue is an error (warnings and repairs allowed)."""
        return not self.errors

    def checks(self) -> set[str]:
        """The names of the checks that found something."""
        return {i.check for i in self.issues}

    def to_frame(self) -> pd.DataFrame:
        """One row per issue: row, column, severity, check, message, repaired."""
        cols = ["row", "column", "severity", "check", "message", "repaired"]
        if not self.issues:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        return pd.DataFrame(
            [(i.row, i.column, i.severity, i.check, i.message, i.repaired) for i in self.issues],
            columns=cols,
        )

    def raise_for_errors(self) -> None:
        """Raise :class:`~kotaku_gis.InputError` listing the errors, if there are any."""
        errs = self.errors
        if not errs:
            return
        where = f" in {self.source}" if self.source else ""
        lines = [f"{len(errs)} error(s){where} ({self.what}):"]
        lines += [issue.line() for issue in errs[:20]]
        if len(errs) > 20:
            lines.append(f"  … and {len(errs) - 20} more; see report.to_frame()")
        raise InputError("\n".join(lines))

    def summary(self) -> str:
        """A one-line count of issues by severity."""
        counts = {s: sum(i.severity == s for i in self.issues) for s in _SEVERITIES}
        where = f"{self.source}: " if self.source else ""
        return (
            f"{where}{counts['error']} error(s), {counts['warning']} warning(s), "
            f"{counts['info']} note(s)"
        )

    def __len__(self) -> int:
        return len(self.issues)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def __repr__(self) -> str:
        return f"<ValidationReport {self.what}: {self.summary()}>"

    def _repr_html_(self) -> str:
        return f"<p>{self.summary()}</p>" + self.to_frame().to_html(index=False)


def issues_table(reports: Mapping[str, ValidationReport | None]) -> pd.DataFrame:
    """The issues of several reports in one table, with the report's name as ``source``.

    Columns ``source``, ``row`` (as text), ``column``, ``severity``, ``check``, ``message``,
    ``repaired``; reports that are None or empty add nothing.

    Examples
    --------
    >>> from kotaku_gis.validation_report import ValidationReport, issues_table
    >>> rep = ValidationReport(what="units")
    >>> rep.add(3, "unit_id", "error", "duplicate_id", "unit_id 'A' appears twice")
    >>> issues_table({"units": rep, "overlay": None})[["source", "row", "check"]].values.tolist()
    [['units', '3', 'duplicate_id']]
    """
    parts = []
    for name, rep in reports.items():
        if rep is None or not len(rep):
            continue
        table = rep.to_frame()
        table.insert(0, "source", name)
        parts.append(table)
    cols = ["source", "row", "column", "severity", "check", "message", "repaired"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in cols})
    out = pd.concat(parts, ignore_index=True)
    out["row"] = out["row"].map(lambda r: None if r is None else str(r)).astype("string")
    return out[cols]
