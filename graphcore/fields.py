"""Parsers for the fields of French organisation data: identifiers, territory codes, dates, numbers, lists.

Each parser takes what a user typed (a string, or an already-typed value from Python or JSON) and returns the
canonical value, or raises `FieldError` with a message meant for a person.

Examples
--------
>>> parse_siret("732 829 320 00074")
'73282932000074'
>>> parse_siren("732829321")
Traceback (most recent call last):
...
catalyse.graphcore.fields.FieldError: invalid SIREN '732829321': the Luhn check digit is wrong
>>> parse_commune("2A004"), parse_departement("2a"), parse_commune("97411")
('2A004', '2A', '97411')
>>> parse_themes("ODD 7; 13, économie circulaire")
('SDG13', 'SDG7', 'économie circulaire')
>>> parse_date("03/02/2021")
datetime.date(2021, 2, 3)
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata

from . import vocab


class FieldError(ValueError):
    """A value that cannot be read into its field."""


def is_blank(value) -> bool:
    """True for None, NaN, and strings that are empty or only white space."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def text(value) -> str:
    """Strip surrounding white space and normalise to Unicode NFC (so 'é' typed two ways is one string)."""
    if type(value) is str:
        return value.strip() if value.isascii() else unicodedata.normalize("NFC", value).strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _digits(value, what: str) -> str:
    s = re.sub(r"[\s.\-]", "", text(value))
    if not s.isdigit():
        raise FieldError(f"invalid {what} {text(value)!r}: only digits are allowed")
    return s


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum used by SIREN and SIRET numbers.

    >>> luhn_ok("732829320"), luhn_ok("732829321")
    (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def parse_siren(value) -> str:
    s = _digits(value, "SIREN")
    if len(s) != 9:
        raise FieldError(f"invalid SIREN {text(value)!r}: 9 digits expected, got {len(s)}")
    if not luhn_ok(s):
        raise FieldError(f"invalid SIREN {text(value)!r}: the Luhn check digit is wrong")
    return s


def parse_siret(value) -> str:
    s = _digits(value, "SIRET")
    if len(s) != 14:
        raise FieldError(f"invalid SIRET {text(value)!r}: 14 digits expected, got {len(s)}")
    if not luhn_ok(s[:9]):
        raise FieldError(f"invalid SIRET {text(value)!r}: its SIREN part fails the Luhn check")
    # La Poste's establishments (SIREN 356000000) do not follow Luhn: their digits sum to a multiple of 5.
    if s.startswith("356000000"):
        if sum(int(c) for c in s) % 5:
            raise FieldError(f"invalid SIRET {text(value)!r}: the check digit is wrong")
    elif not luhn_ok(s):
        raise FieldError(f"invalid SIRET {text(value)!r}: the Luhn check digit is wrong")
    return s


_RNA = re.compile(r"^W(?:\d{9}|2[AB]\d{7}|\d{2}[0-9A-Z]\d{6})$")


def parse_rna(value) -> str:
    """An RNA association number: ``W`` then 9 digits (Corsica: ``W2A…``/``W2B…``)."""
    s = re.sub(r"\s", "", text(value)).upper()
    if not _RNA.match(s):
        raise FieldError(f"invalid RNA number {text(value)!r}: 'W' followed by 9 digits expected")
    return s


_COMMUNE = re.compile(r"^(?:\d{2}|2A|2B)\d{3}$")
_DEPARTEMENT = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-8]|98[4-8])$")


def parse_commune(value) -> str:
    """An INSEE commune code: 5 characters, Corsica ``2A``/``2B``, overseas ``97xxx``."""
    s = text(value).upper()
    if re.fullmatch(r"\d{4}", s):  # a spreadsheet ate the leading zero of 01xxx–09xxx
        s = "0" + s
    if not _COMMUNE.match(s) or s.startswith("20") or s.startswith("00"):
        raise FieldError(f"invalid INSEE commune code {text(value)!r}: 5 characters like '26362' or '2A004'")
    return s


def departement_of(commune: str) -> str:
    """The département of a commune code: ``97411`` → ``974``, ``2A004`` → ``2A``, ``26362`` → ``26``."""
    return commune[:3] if commune.startswith("97") or commune.startswith("98") else commune[:2]


def parse_departement(value) -> str:
    s = text(value).upper()
    if re.fullmatch(r"\d", s):
        s = "0" + s
    if not _DEPARTEMENT.match(s):
        raise FieldError(f"invalid département code {text(value)!r}: like '26', '2A' or '974'")
    return s


def parse_region(value) -> str:
    s = text(value)
    if re.fullmatch(r"\d", s):
        s = "0" + s
    if not re.fullmatch(r"\d{2}", s):
        raise FieldError(f"invalid région code {text(value)!r}: 2-digit INSEE code like '84'")
    return s


def parse_epci(value) -> str:
    try:
        return parse_siren(value)
    except FieldError as exc:
        raise FieldError(str(exc).replace("SIREN", "EPCI SIREN", 1)) from None


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value) -> _dt.date:
    """ISO ``2021-02-03``, French ``03/02/2021``, a bare year ``2021`` (→ 1 January), or a date object."""
    if type(value) is str and _ISO_DATE.fullmatch(value.strip()):
        try:
            return _dt.date.fromisoformat(value.strip())  # the common case, without strptime's cost
        except ValueError:
            raise FieldError(f"invalid date {value.strip()!r}: expected YYYY-MM-DD or DD/MM/YYYY") from None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if hasattr(value, "to_native"):  # neo4j.time.Date
        return value.to_native()
    s = text(value)
    if re.fullmatch(r"\d{4}", s):
        year = int(s)
        if 1800 <= year <= 2200:
            return _dt.date(year, 1, 1)
    s = s.split("T")[0].split(" ")[0] if re.match(r"\d{4}-\d{2}-\d{2}[T ]", s) else s
    for fmt in _DATE_FORMATS:
        try:
            return _dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise FieldError(f"invalid date {text(value)!r}: expected YYYY-MM-DD or DD/MM/YYYY")


def parse_float(value, what: str = "number", *, lo: float | None = None, hi: float | None = None) -> float:
    """A number; a French decimal comma is accepted (``0,5``)."""
    if isinstance(value, bool):
        raise FieldError(f"invalid {what} {value!r}")
    if isinstance(value, (int, float)):
        x = float(value)
    else:
        s = text(value).replace("\u202f", "").replace(" ", "").replace(",", ".")
        try:
            x = float(s)
        except ValueError:
            raise FieldError(f"invalid {what} {text(value)!r}: a number is expected") from None
    if math.isnan(x) or math.isinf(x):
        raise FieldError(f"invalid {what} {text(value)!r}: a finite number is expected")
    if (lo is not None and x < lo) or (hi is not None and x > hi):
        raise FieldError(f"invalid {what} {text(value)!r}: must lie between {lo:g} and {hi:g}")
    return x


def parse_bool(value, what: str = "flag") -> bool:
    if isinstance(value, bool):
        return value
    s = vocab._fold(text(value))
    if s in {"1", "true", "yes", "oui", "vrai", "o", "y", "x"}:
        return True
    if s in {"0", "false", "no", "non", "faux", "n"}:
        return False
    raise FieldError(f"invalid {what} {text(value)!r}: yes/no (oui/non) expected")


def parse_list(value) -> tuple[str, ...]:
    """Split a cell on ``;``, ``,`` or ``|`` (or take a list); sorted, de-duplicated, blanks dropped."""
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [text(v) for v in value if not is_blank(v)]
    else:
        items = [text(v) for v in re.split(r"[;,|]", text(value))]
    return tuple(sorted({item for item in items if item}))


_SDG = re.compile(r"^(?:odd|sdg|objectif|goal)?\s*[-_#n°]*\s*(\d{1,2})$", re.IGNORECASE)


def parse_theme(value) -> str:
    """A theme: an SDG number (``7``, ``ODD 7``, ``SDG7``) becomes ``SDG7``; any other text is kept."""
    s = text(value)
    m = _SDG.match(s)
    if m:
        n = int(m.group(1))
        if not 1 <= n <= 17:
            raise FieldError(f"invalid SDG {s!r}: the Sustainable Development Goals are numbered 1 to 17")
        return f"SDG{n}"
    return s


def parse_themes(value) -> tuple[str, ...]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (parse_theme(value),)
    return tuple(sorted({parse_theme(v) for v in parse_list(value)}))


def parse_codes(kind: str, value) -> tuple[str, ...]:
    """A list of vocabulary codes (e.g. métiers), each parsed with `graphcore.vocab.parse`."""
    try:
        return tuple(sorted({vocab.parse(kind, v) for v in parse_list(value)}, key=vocab.codes(kind).index))
    except vocab.VocabularyError as exc:
        raise FieldError(str(exc)) from None


def parse_website(value) -> str:
    s = text(value)
    if any(c.isspace() for c in s) or "." not in s:
        raise FieldError(f"invalid website {s!r}")
    if not re.match(r"^https?://", s, re.IGNORECASE):
        if ":" in s.split("/")[0]:
            raise FieldError(f"invalid website {s!r}: only http(s) addresses are kept")
        s = "https://" + s
    return s


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def parse_id(value, what: str = "id") -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = text(value)
    if not s:
        raise FieldError(f"missing {what}")
    if len(s) > 200 or _CONTROL.search(s):
        raise FieldError(f"invalid {what} {s[:40]!r}: at most 200 printable characters")
    return s
