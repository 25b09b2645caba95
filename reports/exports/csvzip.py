"""The CSV export: one ZIP holding one UTF-8 CSV file per table (the summary, then each detail
table).

Always a ZIP, even when only the summary is asked for: the export record names its file and
content type before the task runs, and one answer per format keeps that simple. Each file
starts with a byte-order mark, without which Excel reads UTF-8 as the local code page and
turns Chinese into mojibake. Rows are streamed into the archive, never held.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from typing import Any, BinaryIO

from django.utils.translation import pgettext

from reports.exports.common import Progress, ascii_slug, cell_text, info_lines, no_data, safe_text, unit_label
from reports.snapshot import DetailTable, number


def _writer(archive: zipfile.ZipFile, name: str, stamp: tuple[int, ...]) -> tuple[io.TextIOWrapper, Any]:
    member = zipfile.ZipInfo(name, date_time=stamp)
    member.compress_type = zipfile.ZIP_DEFLATED
    # force_zip64: a streamed member's size is unknown when its header is written.
    stream = io.TextIOWrapper(archive.open(member, "w", force_zip64=True), encoding="utf-8-sig", newline="")
    return stream, csv.writer(stream)


def _stamp(snapshot: dict) -> tuple[int, ...]:
    """The members' date: when the figures were taken (ZIP cannot say before 1980)."""
    try:
        taken = datetime.fromisoformat(snapshot.get("generated_at") or "")
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)
    return max((1980, 1, 1, 0, 0, 0), taken.timetuple()[:6])


def write_summary(archive: zipfile.ZipFile, snapshot: dict, stamp: tuple[int, ...]) -> None:
    """The summary as one flat table: a row per indicator, a column per site and the total.
    The period, scope and date generated go in the ZIP's comment and in the file name, not in
    the CSV, so that the file stays one clean table for any tool that reads it."""
    stream, writer = _writer(archive, "00-summary.csv", stamp)
    columns = snapshot["columns"]
    writer.writerow(
        [
            pgettext("report", "Section"),
            pgettext("report", "Indicator"),
            pgettext("report", "Unit"),
            *(safe_text(c["label"]) for c in columns),
            pgettext("report", "Key"),
        ]
    )
    for section in snapshot["sections"]:
        for row in section["rows"]:
            values = []
            for column in columns:
                figure = number(row["values"].get(column["key"]))
                values.append(no_data() if figure is None else str(figure))
            writer.writerow(
                [safe_text(section["title"]), safe_text(row["label"]), unit_label(row["unit"]), *values, row["key"]]
            )
    stream.close()


def write_detail(archive: zipfile.ZipFile, position: int, table: DetailTable, stamp: tuple[int, ...]) -> None:
    stream, writer = _writer(archive, f"{position:02d}-{ascii_slug(table.key)}.csv", stamp)
    writer.writerow([safe_text(column["label"]) for column in table.columns])
    for values in table.rows:
        writer.writerow([cell_text(value) for value in values])
    stream.close()


def render_csv(
    *, snapshot: dict, details: list[DetailTable] | None, out: BinaryIO, progress: Progress | None = None
) -> None:
    tables = details or []
    stamp = _stamp(snapshot)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.comment = "\n".join(f"{label}: {text}" for label, text in info_lines(snapshot)).encode()[:65535]
        write_summary(archive, snapshot, stamp)
        if progress:
            progress(10)
        for position, table in enumerate(tables, start=1):
            write_detail(archive, position, table, stamp)
            if progress:
                progress(10 + 85 * position // len(tables))
    if progress:
        progress(100)
