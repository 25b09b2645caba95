"""Exports of an indicator snapshot: XLSX, CSV (a ZIP of CSV files) and PDF, and the Torch
centre's annual statistical return.

Pure functions of a snapshot dict and, for XLSX and CSV, detail tables whose rows may stream
from the database: no query happens here, so a stored snapshot renders the same on any day
and the task that calls these owns every database read. Texts are rendered in the active
language; the caller wraps the call in `translation.override(snapshot["language"])`.

    with translation.override(snapshot["language"]), open(path, "wb") as out:
        render("xlsx", snapshot=snapshot, details=detail_tables(...), out=out, progress=record.set_progress)
"""

from __future__ import annotations

from typing import BinaryIO

from reports.exports.annual import render_annual_pdf, render_annual_xlsx
from reports.exports.common import Progress, ascii_slug
from reports.exports.csvzip import render_csv
from reports.exports.pdf import render_pdf
from reports.exports.xlsx import render_xlsx
from reports.snapshot import DetailTable

FORMATS = ("xlsx", "csv", "pdf")
ANNUAL_RETURN_FORMATS = ("xlsx", "pdf")

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    # Several tables, so several files: a CSV export is a ZIP of CSV files (see csvzip).
    "csv": "application/zip",
    "pdf": "application/pdf",
}
EXTENSIONS = {"xlsx": "xlsx", "csv": "zip", "pdf": "pdf"}

_RENDERERS = {"xlsx": render_xlsx, "csv": render_csv, "pdf": render_pdf}


def render(
    fmt: str,
    *,
    snapshot: dict,
    details: list[DetailTable] | None,
    out: BinaryIO,
    progress: Progress | None = None,
) -> None:
    """Write the report in `fmt` to `out`. `progress` receives a per cent (0–100) as the work
    goes on, for the export record that the page polls. The PDF leaves the detail rows out."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"Unknown export format {fmt!r}; expected one of {FORMATS}") from None
    renderer(snapshot=snapshot, details=details, out=out, progress=progress)


def annual_return(*, snapshot: dict, out: BinaryIO, fmt: str = "xlsx") -> None:
    """Write the annual statistical return (one column and sheet per incubator) to `out`."""
    if fmt == "xlsx":
        render_annual_xlsx(snapshot=snapshot, out=out)
    elif fmt == "pdf":
        render_annual_pdf(snapshot=snapshot, out=out)
    else:
        raise ValueError(f"Unknown annual return format {fmt!r}; expected one of {ANNUAL_RETURN_FORMATS}")


def file_name(fmt: str, snapshot: dict, *, kind: str = "report") -> str:
    """A download name that says what is inside: kind, scope and period, in ASCII so that
    every browser and mail client keeps it, e.g. report-district-2026-01-01-2026-12-31.xlsx."""
    period = snapshot["period"]
    stem = "-".join([kind, snapshot["scope"]["key"], period["start"], period["end"]])
    return f"{ascii_slug(stem)}.{EXTENSIONS[fmt]}"
