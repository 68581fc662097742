"""Write the XLSX test files of this folder (Kumu and Onodo workbooks) from the rows below; run it once after
editing them: ``python tests/data/formats/make_xlsx.py``. The tests read the committed .xlsx files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

WORKBOOKS = {
    # Kumu's spreadsheet import: Elements and Connections sheets, several values in one cell separated by "|"
    "kumu-crest.xlsx": {
        "Elements": [
            ("Label", "Type", "Description", "Tags"),
            ("Mairie de Crest", "Collectivité", "Commune de la vallée de la Drôme", "mobilité|alimentation"),
            ("Les Jardins d'Élise", "Association", None, "alimentation"),
            ("Biocoop Crest", "Entreprise", None, None),
        ],
        "Connections": [
            ("From", "To", "Type", "Direction", "Strength"),
            ("Mairie de Crest", "Les Jardins d'Élise", "Subvention", "directed", 2),
            ("Biocoop Crest", "Les Jardins d'Élise", "Échange|Projet", "undirected", None),
        ],
    },
    # Onodo's spreadsheet: Nodes and Relations sheets
    "onodo-diois.xlsx": {
        "Nodes": [
            ("Name", "Type", "Description", "Visible"),
            ("Communauté de communes du Diois", "EPCI", "Intercommunalité, 50 communes", True),
            ("Maison de l'emploi du Diois", "Association", None, True),
            ("Biocoop Die", "Entreprise", "Épicerie bio coopérative", False),
        ],
        "Relations": [
            ("Source", "Type", "Target", "Directed", "At", "From", "To"),
            (
                "Communauté de communes du Diois",
                "Subvention",
                "Maison de l'emploi du Diois",
                True,
                None,
                dt.datetime(2020, 1, 1),
                dt.datetime(2023, 12, 31),
            ),
            ("Biocoop Die", "Échange", "Maison de l'emploi du Diois", False, dt.datetime(2022, 6, 15), None, None),
            ("Biocoop Die", "Coopération", "Communauté de communes du Diois", None, None, None, None),
        ],
    },
    "onodo-bad.xlsx": {
        "Nodes": [
            ("Name", "Type", "Description", "Visible"),
            ("Mairie de Luc-en-Diois", "Collectivité", None, True),
            ("Gîte des Gorges", "Entreprise", None, True),
        ],
        "Relations": [
            ("Source", "Type", "Target", "Directed", "At", "From", "To"),
            ("Mairie de Luc-en-Diois", "Partenariat", "Gîte des Gorges", False, None, "2021-31-12", None),
            ("Mairie de Luc-en-Diois", "Partenariat", "Camping du Claps", False, None, None, None),
        ],
    },
}


def main() -> None:
    for name, sheets in WORKBOOKS.items():
        wb = Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        wb.save(HERE / name)


if __name__ == "__main__":
    main()
