"""Read CSV, XLSX and JSON files into tables of text cells, with the row number a person would look for.

CSV: the encoding (UTF-8, UTF-8 with BOM, cp1252) and the separator (``,`` ``;`` tab) are detected, not asked.
Rows are numbered as in a spreadsheet: the header is row 1, the first record row 2 (a quoted cell spanning several
lines still counts as one row). XLSX: every non-empty sheet is a table, numbered the same way. JSON: a list of
records, or an object whose keys name the kinds (``{"organisations": [...], "ties": [...]}``), as `export` writes;
records are numbered from 1 within their list.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from dataclasses import dataclass, field

import pandas as pd

MAX_FIELD = 64 * 1024 * 1024


class ReadError(ValueError):
    """A file that cannot be read as a table at all (the message names the file)."""


@dataclass
class Table:
    """Rows of one file (or sheet, or JSON list): `headers` as written, `rows` as (row number, {header: cell})."""

    path: str
    headers: list[str]
    rows: list[tuple[int, dict]]
    sheet: str | None = None  # XLSX sheet or JSON section
    encoding: str | None = None
    separator: str | None = None
    row_label: str = "row"
    hints: dict = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.path} [{self.sheet}]" if self.sheet else self.path


def detect_encoding(raw: bytes, path: str) -> tuple[str, str]:
    """Return (encoding, text). BOM → UTF-8; valid UTF-8 → UTF-8; otherwise cp1252 (Windows French Excel)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", raw[3:].decode("utf-8", errors="strict")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", raw.decode("utf-16")
    try:
        return "utf-8", raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return "cp1252", raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ReadError(
            f"{path}: line {line}: neither UTF-8 nor Windows-1252 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        ) from None


def detect_separator(text: str) -> str:
    """The separator that splits the header line into the most columns, quotes respected."""
    first = text.split("\n", 1)[0]
    best, best_n = ",", 0
    for sep in (";", ",", "\t", "|"):
        n = len(next(csv.reader([first], delimiter=sep), []))
        if n > best_n:
            best, best_n = sep, n
    return best


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "isoformat") and not isinstance(value, str):
        try:
            if value.hour == value.minute == value.second == 0:
                return value.date().isoformat()
        except AttributeError:
            return value.isoformat()
        return value.isoformat()
    return str(value)


def _check_headers(path: str, headers: list[str]) -> list[str]:
    clean = [str(h).strip() for h in headers]
    seen: dict[str, int] = {}
    for i, h in enumerate(clean):
        if not h:
            raise ReadError(f"{path}: row 1: column {i + 1} has no name")
        if h in seen:
            raise ReadError(f"{path}: row 1: column {h!r} appears twice (columns {seen[h] + 1} and {i + 1})")
        seen[h] = i
    return clean


def read_csv(path: str) -> Table:
    with open(path, "rb") as fh:
        raw = fh.read()
    if not raw.strip():
        raise ReadError(f"{path}: the file is empty")
    encoding, text = detect_encoding(raw, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sep = detect_separator(text)
    csv.field_size_limit(MAX_FIELD)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            engine="python" if sep == "|" else "c",
            quotechar='"',
        )
    except pd.errors.EmptyDataError:
        raise ReadError(f"{path}: the file is empty") from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise ReadError(f"{path}: cannot be read as CSV with separator {sep!r}: {str(exc).splitlines()[0]}") from None
    if any(str(c).startswith("Unnamed: ") for c in frame.columns):
        bad = [i + 1 for i, c in enumerate(frame.columns) if str(c).startswith("Unnamed: ")]
        raise ReadError(f"{path}: row 1: column {bad[0]} has no name")
    headers = _check_headers(path, [str(c) for c in frame.columns])
    if any(str(c) != h for c, h in zip(frame.columns, headers)):
        frame.columns = headers
    rows = _frame_rows(frame, start=2)
    if len(headers) > 1:
        others = [c for c in (";", ",", "\t", "|") if c != sep]
        for row, cells in rows:
            values = list(cells.values())
            if not any(v.strip() for v in values[1:]) and any(o in values[0] for o in others):
                used = next(o for o in others if o in values[0])
                raise ReadError(
                    f"{path}: row {row}: separated by {used!r} while the header row uses {sep!r}; "
                    "use one separator in the whole file"
                )
    return Table(path, headers, rows, encoding=encoding, separator=sep)


_DEFUSED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def undefuse(cell: str) -> str:
    """Drop the apostrophe that `importers.export.defuse` puts before a formula-like cell."""
    return cell[1:] if cell.startswith(_DEFUSED) else cell


def _frame_rows(frame: pd.DataFrame, start: int) -> list[tuple[int, dict]]:
    records = frame.to_dict(orient="records")
    rows = []
    for i, rec in enumerate(records):
        cells = {k: undefuse(_cell(v)) for k, v in rec.items()}
        if any(v.strip() for v in cells.values()):
            rows.append((start + i, cells))
    return rows


def read_xlsx(path: str) -> list[Table]:
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, header=0)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ReadError(f"{path}: cannot be read as an Excel workbook: {str(exc).splitlines()[0]}") from None
    tables = []
    for name, frame in sheets.items():
        if frame.shape[1] == 0:
            continue
        if any(str(c).startswith("Unnamed: ") for c in frame.columns):
            bad = [i + 1 for i, c in enumerate(frame.columns) if str(c).startswith("Unnamed: ")]
            raise ReadError(f"{path} [{name}]: row 1: column {bad[0]} has no name")
        headers = _check_headers(f"{path} [{name}]", [str(c) for c in frame.columns])
        frame.columns = headers
        tables.append(Table(path, headers, _frame_rows(frame, start=2), sheet=str(name)))
    if not tables:
        raise ReadError(f"{path}: the workbook has no sheet with a header row")
    return tables


def read_json(path: str, raw: bytes | None = None) -> list[Table]:
    if raw is None:
        with open(path, "rb") as fh:
            raw = fh.read()
    if not raw.strip():
        raise ReadError(f"{path}: the file is empty")
    _, text = detect_encoding(raw, path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"{path}: line {exc.lineno}: invalid JSON: {exc.msg}") from None
    from .formats import convert_json

    converted = convert_json(path, doc)
    if converted is not None:
        return converted
    sections = doc.items() if isinstance(doc, dict) else [(None, doc)]
    tables = []
    for name, records in sections:
        if name in ("format", "version", "exported", "meta"):
            continue
        if not isinstance(records, list):
            raise ReadError(f"{path}: {name or 'the document'} must be a list of records")
        headers: list[str] = []
        rows = []
        for i, rec in enumerate(records, start=1):
            if not isinstance(rec, dict):
                raise ReadError(f"{path}: {name or 'record'} #{i} is not an object")
            for k in rec:
                if k not in headers:
                    headers.append(k)
            rows.append((i, {k: _json_cell(v) for k, v in rec.items()}))
        tables.append(Table(path, headers, rows, sheet=name, row_label="record"))
    return tables


def _json_cell(value):
    if isinstance(value, list):
        return value  # lists (themes, members) are parsed as lists, not split on separators
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def read_tables(path: str | os.PathLike) -> list[Table]:
    """All the tables of one file, recognised from its content (JSON, GEXF / GraphML, XLSX, else CSV by its
    extension .csv .tsv .txt); the maps of other tools (Kumu, GoGoCarto, Gephi, Onodo) are converted into
    canonical tables (see `importers.formats`)."""
    from . import formats

    path = os.fspath(path)
    if not os.path.exists(path):
        raise ReadError(f"{path}: no such file")
    ext = os.path.splitext(path)[1].lower()
    with open(path, "rb") as fh:
        head = fh.read(64)
    content = formats.sniff(head)
    if content == "zip" or (content is None and ext in (".xlsx", ".xlsm")):
        return formats.convert_tables(path, read_xlsx(path))
    if content == "xml" and ext not in (".csv", ".tsv"):
        with open(path, "rb") as fh:
            return formats.convert_xml(path, fh.read())
    if content == "json" and ext not in (".csv", ".tsv"):
        return read_json(path)
    if ext == ".json":
        return read_json(path)
    if ext in (".csv", ".tsv", ".txt", ""):
        return formats.convert_tables(path, [read_csv(path)])
    raise ReadError(f"{path}: unknown file type {ext!r} (use .csv, .xlsx, .json, .gexf or .graphml)")
