"""French communes as people write them: an INSEE code, a town name, a postal code — resolved to one `Commune`.

The table behind it (``graphcore/data/communes.csv.gz``, built by ``tools/build_places.py``, see the README section
"Places: sources and licences") holds every current commune of the Code officiel géographique (2026) with its
postal codes, EPCI, département and région, the arrondissements municipaux of Paris, Lyon and Marseille (own code,
own postal code, `parent` = their commune), the names of communes déléguées and associées (they resolve to their
commune) and former codes. Positions are GeoNames places matched to communes; a commune with no match has the mean
position of its EPCI's (else its département's) matched communes and ``approximate=True``. It is read once, on
first use.

Names are compared case-, accent-, hyphen- and apostrophe-insensitively, "St"/"Ste" standing for "Saint"/"Sainte"
(`fold_name`). A postal code written where a commune code is expected is recognised: 26400 is no commune code, it
is the postal code of Crest and 23 other communes, so it is resolved only with a town that picks one of them, and
otherwise refused with the candidates — never taken as a commune code.

Examples
--------
>>> commune("26362").name, commune("26362").epci, commune("26362").region
('Valence', '200068781', '84')
>>> resolve(town="Valence", postal_code="26000").code
'26362'
>>> resolve(town="st denis", departement="974").code
'97411'
>>> resolve(commune="75011").name  # a postal code in the commune column: one arrondissement has it
'Paris 11e Arrondissement'
>>> resolve(commune="26400")
Traceback (most recent call last):
...
catalyse.graphcore.places.PlaceError: '26400' is not an INSEE commune code but a postal code shared by 24 communes (Allex 26006, Aouste-sur-Sye 26011, La Répara-Auriples 26020, Autichamp 26021, …); give the town (column 'ville') to choose
>>> resolve(commune="26400", town="Crest").name
'Crest'
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "Commune",
    "PlaceError",
    "Resolution",
    "commune",
    "communes_named",
    "communes_of_postal_code",
    "find",
    "fold_name",
    "is_postal_code_only",
    "resolution",
    "resolve",
]


@dataclass(frozen=True)
class Commune:
    """A commune (or arrondissement municipal) of the Code officiel géographique.

    `postal_codes` as La Poste gives them; `epci` the SIREN of its EPCI à fiscalité propre (None for the few
    communes outside any); `lat`/`lon` WGS84 degrees, None where no position is known; `approximate` when the
    position is the mean of neighbouring communes' (not the commune's own); `parent` the commune of an
    arrondissement municipal (``75111`` → ``75056``), else None.
    """

    code: str
    name: str
    postal_codes: tuple[str, ...]
    epci: str | None
    departement: str
    region: str
    lat: float | None
    lon: float | None
    approximate: bool
    parent: str | None = None

    def __str__(self) -> str:
        return f"{self.name} {self.code}"


_MESSAGES = {
    "unknown_code": (
        "'{value}' is neither an INSEE commune code nor a postal code",
        "« {value} » n'est ni un code commune INSEE ni un code postal",
    ),
    "bad_code": (
        "invalid commune '{value}': an INSEE code like '26362' or '2A004', or a town name",
        "commune « {value} » invalide : un code INSEE comme « 26362 » ou « 2A004 », ou un nom de commune",
    ),
    "bad_postal_code": (
        "invalid postal code '{value}': 5 digits expected",
        "code postal « {value} » invalide : 5 chiffres attendus",
    ),
    "unknown_postal_code": ("unknown postal code '{value}'", "code postal « {value} » inconnu"),
    "cp_as_commune": (
        "'{value}' is not an INSEE commune code but a postal code shared by {n} communes ({candidates}); "
        "give the town (column '{town_column}') to choose",
        "« {value} » n'est pas un code commune INSEE mais un code postal commun à {n} communes ({candidates}) ; "
        "indiquez la ville (colonne « {town_column} ») pour choisir",
    ),
    "code_or_cp": (
        "'{value}' is the INSEE code of {name}, but this column holds postal codes, and {value} is also the postal "
        "code of other communes ({candidates}); give the town (column '{town_column}') to choose",
        "« {value} » est le code INSEE de {name}, mais cette colonne contient des codes postaux, et {value} est "
        "aussi le code postal d'autres communes ({candidates}) ; indiquez la ville (colonne « {town_column} »)",
    ),
    "cp_as_commune_town": (
        "'{value}' is not an INSEE commune code but a postal code, and no commune named '{town}' has it "
        "(it serves {candidates})",
        "« {value} » n'est pas un code commune INSEE mais un code postal, et aucune commune nommée « {town} » "
        "ne l'a (il dessert {candidates})",
    ),
    "code_town_mismatch": (
        "commune {value} is {name}, not '{town}'",
        "la commune {value} est {name}, pas « {town} »",
    ),
    "code_cp_mismatch": (
        "commune {value} ({name}) does not have postal code {postal_code} (its postal codes: {codes})",
        "la commune {value} ({name}) n'a pas le code postal {postal_code} (ses codes postaux : {codes})",
    ),
    "cp_several": (
        "postal code {value} is shared by {n} communes ({candidates}); give the town (column '{town_column}')",
        "le code postal {value} est commun à {n} communes ({candidates}) ; indiquez la ville (colonne "
        "« {town_column} »)",
    ),
    "town_not_in_cp": (
        "no commune named '{town}' has postal code {value} (it serves {candidates})",
        "aucune commune nommée « {town} » n'a le code postal {value} (il dessert {candidates})",
    ),
    "town_unknown": ("no commune is named '{town}'", "aucune commune ne s'appelle « {town} »"),
    "town_not_in_dep": (
        "no commune named '{town}' in département {departement} (communes of that name: {candidates})",
        "aucune commune nommée « {town} » dans le département {departement} (communes de ce nom : {candidates})",
    ),
    "town_ambiguous": (
        "{n} communes are named '{town}'{where} ({candidates}); give the postal code or the département",
        "{n} communes s'appellent « {town} »{where} ({candidates}) ; indiquez le code postal ou le département",
    ),
    "dep_mismatch": (
        "{name} ({code}) is not in département {departement}",
        "{name} ({code}) n'est pas dans le département {departement}",
    ),
    "bad_departement": ("invalid département code '{value}'", "code de département « {value} » invalide"),
    "nothing": ("no commune, town or postal code given", "ni commune, ni ville, ni code postal"),
}

#: How many candidates a message names (all of them stay in `PlaceError.candidates`).
SHOWN = 4


class PlaceError(ValueError):
    """A place that cannot be resolved to one commune.

    `candidates` are the communes it could be (empty when none); `field` the argument at fault (``commune``,
    ``town``, ``postal_code`` or ``departement``); `message(lang)` the text in English or French (``str()`` is
    the English one).
    """

    def __init__(self, key: str, field: str, candidates=(), **params):
        self.key = key
        self.field = field
        self.candidates: tuple[Commune, ...] = tuple(candidates)
        params.setdefault("town_column", "ville")
        params["n"] = len(self.candidates)
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "fr") -> str:
        """The message in French (default) or English (``lang="en"``)."""
        shown = ", ".join(str(c) for c in self.candidates[:SHOWN])
        if len(self.candidates) > SHOWN:
            shown += ", …"
        params = {**self.params, "candidates": shown}
        if lang != "en":
            params["where"] = params.get("where_fr", "")
        return _MESSAGES[self.key][0 if lang == "en" else 1].format(**params)


@dataclass(frozen=True)
class Resolution:
    """A resolved place: the `commune`, and `postal_code_as_commune` when the commune value was a postal code."""

    commune: Commune
    postal_code_as_commune: bool = False


# ------------------------------------------------------------------------------------------------------ names
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_CEDEX = re.compile(r"\s+cedex(?:\s+\d{1,3})?$")


@functools.lru_cache(maxsize=1 << 16)
def fold_name(name: str) -> str:
    """A town name folded for comparison: lower case, no accents, words separated by one space, St → saint.

    >>> fold_name("Saint-Étienne"), fold_name("ST ETIENNE"), fold_name("L'Haÿ-les-Roses")
    ('saint etienne', 'saint etienne', 'l hay les roses')
    >>> fold_name("Bourg-lès-Valence Cedex 12"), fold_name("Œuilly")
    ('bourg les valence', 'oeuilly')
    """
    s = unicodedata.normalize("NFKD", str(name).translate(_LIGATURES))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = " ".join("".join(ch if ch.isalnum() else " " for ch in s).split())
    s = _CEDEX.sub("", s)
    return " ".join(_ABBREVIATIONS.get(w, w) for w in s.split())


# ------------------------------------------------------------------------------------------------------ table
@dataclass(frozen=True)
class _Table:
    communes: dict  # code → Commune (communes and arrondissements municipaux)
    former: dict  # former code → current code
    by_name: dict  # folded name → tuple of codes
    by_postal_code: dict  # postal code → tuple of codes


def _arrondissement_names(a_name: str, parent_name: str, code: str) -> list[str]:
    """'Paris 11e Arrondissement' is also written 'Paris 11', 'Paris 11e', 'Paris 11ème', 'Lyon 01', 'Lyon 1er'."""
    n = int(code[-1]) if code.startswith("6938") else int(code[-2:])
    suffixes = [str(n), f"{n:02d}", f"{n}e", f"{n}eme", f"{n}e arrondissement", f"{n}eme arrondissement"]
    if n == 1:
        suffixes += ["1er", "1er arrondissement", "1ere"]
    return [a_name] + [f"{parent_name} {s}" for s in suffixes]


@functools.lru_cache(maxsize=1)
def _table() -> _Table:
    raw = resources.files("catalyse.graphcore").joinpath("data/communes.csv.gz").read_bytes()
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8")), delimiter=";"))
    communes: dict[str, Commune] = {}
    former: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    postal: dict[str, list[str]] = {}

    def add_name(name: str, code: str) -> None:
        codes = names.setdefault(fold_name(name), [])
        if code not in codes:
            codes.append(code)

    for r in rows:
        kind, code = r["kind"], r["code"]
        if kind in ("c", "a"):
            cps = tuple(r["postal_codes"].split())
            communes[code] = Commune(
                code=code,
                name=r["name"],
                postal_codes=cps,
                epci=r["epci"] or None,
                departement=r["departement"],
                region=r["region"],
                lat=float(r["lat"]) if r["lat"] else None,
                lon=float(r["lon"]) if r["lon"] else None,
                approximate=r["approximate"] == "1",
                parent=r["parent"] or None,
            )
            for cp in cps:
                postal.setdefault(cp, []).append(code)
            if kind == "c":
                add_name(r["name"], code)
            else:
                for name in _arrondissement_names(r["name"], communes[r["parent"]].name, code):
                    add_name(name, code)
        elif kind == "d":
            add_name(r["name"], r["parent"])
            if r["code"] not in communes:
                former.setdefault(code, r["parent"])
        elif kind == "o":
            former.setdefault(code, r["parent"])
    return _Table(
        communes,
        # a former code that is also a postal code today (75011 was Bonneuil-sur-Marne's code in the Seine until
        # 1968) is read as the postal code: files of today are far likelier to mean the latter
        {k: v for k, v in former.items() if k not in communes and k not in postal},
        {k: tuple(v) for k, v in names.items()},
        {k: tuple(sorted(v)) for k, v in postal.items()},
    )


# ------------------------------------------------------------------------------------------------------ lookups
_CODE = re.compile(r"^(?:\d{2}|2A|2B)\d{3}$")


def _code_like(value: str) -> str | None:
    """The value as a 5-character commune code (a lost leading zero restored), or None if it is not code-like."""
    s = re.sub(r"\s", "", value).upper()
    if re.fullmatch(r"\d{4}", s):
        s = "0" + s
    return s if _CODE.match(s) else None


def find(code: str) -> Commune | None:
    """The commune of an INSEE code (a former code gives the commune it merged into), or None.

    >>> find("2A004").name, find("69381").parent, find("20004").code, find("99999")
    ('Ajaccio', '69123', '2A004', None)
    """
    t = _table()
    s = _code_like(str(code)) or str(code).strip().upper()
    s = t.former.get(s, s)
    return t.communes.get(s)


def commune(code: str) -> Commune:
    """The commune of an INSEE code; `PlaceError` if there is none.

    >>> c = commune("97411")
    >>> c.name, c.departement, c.region, c.postal_codes
    ('Saint-Denis', '974', '04', ('97400', '97417', '97490'))
    """
    c = find(code)
    if c is None:
        raise PlaceError("unknown_code", "commune", value=str(code).strip())
    return c


def _postal(value) -> str:
    s = re.sub(r"\s", "", str(value))
    if s.endswith(".0"):
        s = s[:-2]  # a spreadsheet number
    if re.fullmatch(r"\d{4}", s):
        s = "0" + s
    if not re.fullmatch(r"\d{5}", s):
        raise PlaceError("bad_postal_code", "postal_code", value=str(value).strip())
    return s


def communes_of_postal_code(postal_code: str) -> tuple[Commune, ...]:
    """Every commune (and arrondissement municipal) with this postal code, by code; empty if none.

    >>> [c.name for c in communes_of_postal_code("75011")]
    ['Paris', 'Paris 11e Arrondissement']
    >>> len(communes_of_postal_code("26150"))
    14
    """
    t = _table()
    return tuple(t.communes[c] for c in t.by_postal_code.get(_postal(postal_code), ()))


def communes_named(town: str, departement: str | None = None) -> tuple[Commune, ...]:
    """The communes a town name can mean (also a commune déléguée's name, an arrondissement's), by code.

    >>> [str(c) for c in communes_named("valence")]
    ['Valence 16392', 'Valence 26362', 'Valence 82186']
    >>> [str(c) for c in communes_named("Valence", "82")]
    ['Valence 82186']
    """
    t = _table()
    found = [t.communes[c] for c in t.by_name.get(fold_name(town), ())]
    if departement is not None:
        found = [c for c in found if c.departement == departement]
    return tuple(sorted(set(found), key=lambda c: c.code))


def _matches(c: Commune, town: str) -> bool:
    t = _table()
    codes = t.by_name.get(fold_name(town), ())
    return c.code in codes or (c.parent is not None and c.parent in codes)


def _narrow(candidates, *, precise: bool) -> list[Commune]:
    """A commune and its arrondissements among candidates: keep the arrondissements when `precise` (a postal code
    was given, it names one), else the commune."""
    codes = {c.code for c in candidates}
    if precise:
        parents = {c.parent for c in candidates if c.parent}
        return [c for c in candidates if c.code not in parents]
    return [c for c in candidates if c.parent not in codes]


def is_postal_code_only(value) -> bool:
    """True when `value` is a postal code and no commune code (as 26400, 75011, 20000 — but not 26150).

    >>> is_postal_code_only("26400"), is_postal_code_only("26150"), is_postal_code_only("26362")
    (True, False, False)
    """
    code = _code_like(str(value))
    return code is not None and code in _table().by_postal_code and find(code) is None


@functools.lru_cache(maxsize=512)
def _departement(value: str) -> str:
    from .fields import FieldError, parse_departement

    try:
        return parse_departement(value)
    except FieldError:
        raise PlaceError("bad_departement", "departement", value=str(value).strip()) from None


# ------------------------------------------------------------------------------------------------------ resolve
def resolution(
    *,
    commune: str | None = None,
    town: str | None = None,
    postal_code: str | None = None,
    departement: str | None = None,
    departements=(),
    town_column: str = "ville",
    postal_codes_in_commune: bool = False,
) -> Resolution:
    """Like `resolve`, also saying whether the commune value was a postal code.

    >>> resolution(commune="20000").postal_code_as_commune, resolution(commune="20000").commune.code
    (True, '2A004')
    """
    blank = [v is None or str(v).strip() == "" for v in (commune, town, postal_code, departement)]
    commune, town, postal_code, departement = (
        None if b else str(v).strip() for b, v in zip(blank, (commune, town, postal_code, departement))
    )
    dep = _departement(departement) if departement else None
    context = {_departement(str(d).strip()) for d in departements if d}
    res = _resolve(commune, town, postal_code, dep, context, town_column, postal_codes_in_commune)
    if dep and res.commune.departement != dep:
        c = res.commune
        raise PlaceError("dep_mismatch", "departement", (c,), name=c.name, code=c.code, departement=dep)
    return res


def _resolve(commune, town, postal_code, dep, context, town_column, postal_first=False) -> Resolution:
    t = _table()
    cp = _postal(postal_code) if postal_code else None
    if commune is not None:
        code = _code_like(commune)
        if code is None:
            if re.fullmatch(r"[\d\s.]+", commune):
                raise PlaceError("bad_code", "commune", value=commune)
            if town is None or fold_name(town) == fold_name(commune):
                return _resolve(None, commune, postal_code, dep, context, town_column)
            raise PlaceError("bad_code", "commune", value=commune)
        current = find(code)
        as_postal = tuple(t.communes[c] for c in t.by_postal_code.get(code, ()))
        if current is not None and (
            not as_postal or (town is None and not postal_first) or (town is not None and _matches(current, town))
        ):
            if town is not None and not _matches(current, town):
                raise PlaceError(
                    "code_town_mismatch", "commune", communes_named(town), value=code, name=current.name, town=town
                )
            if cp is not None and cp not in current.postal_codes:
                raise PlaceError(
                    "code_cp_mismatch",
                    "postal_code",
                    (current,),
                    value=code,
                    name=current.name,
                    postal_code=cp,
                    codes=", ".join(current.postal_codes) or "-",
                )
            return Resolution(current)
        if not as_postal:
            raise PlaceError("unknown_code", "commune", value=commune)
        # the value is a postal code (and not a commune code, or one whose town does not match)
        candidates = _narrow(as_postal, precise=True)
        if town is not None:
            picked = [c for c in candidates if _matches(c, town)]
            if len(picked) == 1:
                return Resolution(picked[0], postal_code_as_commune=True)
            if current is not None and not postal_first:
                raise PlaceError(
                    "code_town_mismatch", "commune", communes_named(town), value=code, name=current.name, town=town
                )
            raise PlaceError("cp_as_commune_town", "commune", candidates, value=code, town=town)
        if len(candidates) == 1:
            return Resolution(candidates[0], postal_code_as_commune=True)
        if current is not None:
            raise PlaceError(
                "code_or_cp", "commune", (current, *candidates), value=code, name=current.name, town_column=town_column
            )
        raise PlaceError("cp_as_commune", "commune", candidates, value=code, town_column=town_column)
    if cp is not None:
        candidates = _narrow(tuple(t.communes[c] for c in t.by_postal_code.get(cp, ())), precise=True)
        if not candidates:
            if town is None:
                raise PlaceError("unknown_postal_code", "postal_code", value=cp)
            # a CEDEX or a new postal code: the town within the postal code's département
            guess = cp[:3] if cp.startswith("97") else ("2A", "2B") if cp.startswith("20") else (cp[:2],)
            guess = (guess,) if isinstance(guess, str) else guess
            named = [c for c in communes_named(town) if c.departement in guess]
            if len(named) == 1:
                return Resolution(named[0])
            raise PlaceError("unknown_postal_code", "postal_code", named, value=cp)
        if town is None:
            if len(candidates) == 1:
                return Resolution(candidates[0])
            raise PlaceError("cp_several", "postal_code", candidates, value=cp, town_column=town_column)
        picked = [c for c in candidates if _matches(c, town)]
        if len(picked) == 1:
            return Resolution(picked[0])
        raise PlaceError("town_not_in_cp", "town", picked or candidates, value=cp, town=town)
    if town is None:
        raise PlaceError("nothing", "commune")
    named = _narrow(communes_named(town), precise=False)
    if not named:
        raise PlaceError("town_unknown", "town", town=town)
    if dep is not None:
        inside = [c for c in named if c.departement == dep]
        if len(inside) == 1:
            return Resolution(inside[0])
        if not inside:
            raise PlaceError("town_not_in_dep", "town", named, town=town, departement=dep)
        raise PlaceError(
            "town_ambiguous",
            "town",
            inside,
            town=town,
            where=f" in département {dep}",
            where_fr=f" dans le département {dep}",
        )
    if len(named) == 1:
        return Resolution(named[0])
    inside = [c for c in named if c.departement in context]
    if len(inside) == 1:
        return Resolution(inside[0])
    deps = ", ".join(sorted(context))
    where = (f" in the départements of the file ({deps})", f" dans les départements du fichier ({deps})")
    raise PlaceError(
        "town_ambiguous",
        "town",
        inside or named,
        town=town,
        where=where[0] if inside else "",
        where_fr=where[1] if inside else "",
    )


def resolve(
    *,
    commune: str | None = None,
    town: str | None = None,
    postal_code: str | None = None,
    departement: str | None = None,
    departements=(),
    town_column: str = "ville",
    postal_codes_in_commune: bool = False,
) -> Commune:
    """The one commune that an INSEE code, a town, a postal code and a département (any of them) designate.

    Parameters
    ----------
    commune : an INSEE commune code (a former code gives today's commune); a postal code written here is
        recognised — the 5 digits are a postal code and no commune code, or both and `town` picks the postal
        code's commune — and resolved if it names one commune (with `town`, among its communes), else refused;
        a name written here counts as `town`.
    town : a town name, matched with `fold_name`; with `postal_code`, among that postal code's communes; alone,
        it must be unambiguous in France, within `departement`, or within `departements`.
    postal_code : 5 digits (a lost leading zero is restored); alone, it must serve one commune (a postal code of
        Paris, Lyon or Marseille names its arrondissement municipal).
    departement : the row's département: the commune must lie in it.
    departements : the départements seen elsewhere in the file, to choose among communes of one name.
    town_column : the town column's name, for the messages.
    postal_codes_in_commune : the commune values of this file include postal codes (one at least is a postal
        code and no commune code): then 5 digits that are both are read as a postal code (26150 is the code of
        Izon-la-Bruisse and the postal code of Die and 13 other communes), else as a commune code.

    Raises
    ------
    PlaceError
        with the `candidates` (names and codes) when there is no such commune or more than one.

    Examples
    --------
    >>> resolve(town="Saint-Denis", departements={"93"}).code
    '93066'
    >>> resolve(town="Saint-Denis")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    catalyse.graphcore.places.PlaceError: ... communes are named 'Saint-Denis' (...); give the postal code or the département
    >>> resolve(postal_code="13001").name, resolve(town="Lyon 2e").code, resolve(town="Paris").code
    ('Marseille 1er Arrondissement', '69382', '75056')
    """
    return resolution(
        commune=commune,
        town=town,
        postal_code=postal_code,
        departement=departement,
        departements=departements,
        town_column=town_column,
        postal_codes_in_commune=postal_codes_in_commune,
    ).commune
