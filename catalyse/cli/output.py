"""Print rows as an aligned table, CSV or JSON — the `--format` every listing takes.

The table format rounds for reading; CSV and JSON are exact: floats at full precision (the shortest text that
reads back as the same float), and JSON is strict — NaN and infinities are written ``null``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import math
import unicodedata
from collections.abc import Iterable, Sequence

FORMATS = ("table", "csv", "json")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return "–"
        return f"{value:.4g}" if abs(value) < 1e5 else f"{value:.0f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)


def _csv_text(value) -> str:
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_csv_text(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return _csv_text(value.item())
    return _text(value)


def strict(value):
    """`value` with NaN and infinities replaced by None, recursively (numpy scalars made Python numbers).

    >>> strict({"z": float("nan"), "v": [1.5, float("inf")]})
    {'z': None, 'v': [1.5, None]}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)) and getattr(value, "ndim", 0) == 0:
        return strict(value.item())
    return value


def to_json(value) -> str:
    """Strict JSON (no NaN), UTF-8 text, indented."""
    return json.dumps(strict(value), ensure_ascii=False, indent=2, allow_nan=False, default=_json_default)


def _json_default(value):
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def render(
    rows: Sequence[dict],
    fmt: str = "table",
    columns: Sequence[str] | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    """Rows (dicts) as text. `columns` orders and selects keys; `headers` relabels them in the table format."""
    rows = list(rows)
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        return to_json([{c: r.get(c) for c in columns} for r in rows])
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_csv_text(r.get(c)) for c in columns])
        return buf.getvalue().rstrip("\n")
    titles = [(headers or {}).get(c, c) for c in columns]
    cells = [[_text(r.get(c)).replace("\n", " ") for c in columns] for r in rows]
    widths = [max([_width(t)] + [_width(row[i]) for row in cells]) for i, t in enumerate(titles)]
    numeric = [all(_is_number(r.get(c)) for r in rows if r.get(c) is not None) and rows for c in columns]

    def line(values):
        out = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - _width(v))
            out.append(pad + v if numeric[i] else v + pad)
        return "  ".join(out).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(titles), sep] + [line(r) for r in cells])


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def render_pairs(pairs: Iterable[tuple[str, object]]) -> str:
    """Key–value lines, keys aligned (for `orgs show`)."""
    pairs = [(k, _text(v)) for k, v in pairs if v not in (None, "", ())]
    width = max((_width(k) for k, _ in pairs), default=0)
    return "\n".join(f"{k}{' ' * (width - _width(k))}  {v}" for k, v in pairs)
