"""A catalyser's own spreadsheet imports unchanged: one row per structure, their words, partners in one cell.

Every expected value below is written by hand from the file in this module (SHEET): the ids are the names with
accents and punctuation dropped, the sectors those of the README table "Sectors from your words", the ties one per
pair named in a Partenaires cell.
"""

from __future__ import annotations

import pytest

from catalyse.graphcore import vocab
from catalyse.graphcore.model import Dataset, Organisation
from catalyse.graphcore.sectors import sector_of
from catalyse.importers.load import ImportFailed, import_files, validate
from catalyse.importers.sheet import kept_word, sector_and_word
from catalyse.importers.understood import render_understood

# The story's Excel export: Windows-1252, ';', the catalyser's own headers and words. Row numbers as in Excel.
SHEET = """Nom de la structure;Type de structure;Ville;Code postal;Thématiques;Partenaires;Contact
Mairie de Crest;Mairie;Crest;26400;ODD 11;Communauté de communes du Crestois, LYCÉE FRANÇOIS-JEAN ARMORIN;accueil@crest.fr
Communauté de communes du Crestois;Intercommunalité;Crest;26400;ODD 11;mairie de crest; Tiers-lieu La Fabrique;
Tiers-lieu La Fabrique;Tiers-lieu;Crest;26400;ODD 4, ODD 11;scop energie de la vallee;
SCOP Énergie de la Vallée;SCOP;Eurre;26400;ODD 7;;
Lycée François-Jean Armorin;Établissement scolaire;Crest;26400;ODD 4;Tiers-lieu La Fabrique | Université Grenoble Alpes;
Université Grenoble Alpes;Université;Valence;26000;ODD 4;;
Préfecture de la Drôme;Services de l'État;Valence;26000;ODD 16;Mairie de Crest;
Les Jardins d'Élise;Association;Crest;26400;ODD 2;;
"""
# (the Partenaires cell of row 3 holds "mairie de crest; Tiers-lieu La Fabrique": quoted below, as Excel writes it)
SHEET = SHEET.replace("mairie de crest; Tiers-lieu La Fabrique", '"mairie de crest; Tiers-lieu La Fabrique"')

EXPECTED_ORGS = {  # id: (name, sector, the kept word)
    "mairie-de-crest": ("Mairie de Crest", "local_authority", "Mairie"),
    "communaute-de-communes-du-crestois": ("Communauté de communes du Crestois", "local_authority", "Intercommunalité"),
    "tiers-lieu-la-fabrique": ("Tiers-lieu La Fabrique", "association", "Tiers-lieu"),
    "scop-energie-de-la-vallee": ("SCOP Énergie de la Vallée", "social_economy", "SCOP"),
    "lycee-francois-jean-armorin": ("Lycée François-Jean Armorin", "academic", "Établissement scolaire"),
    "universite-grenoble-alpes": ("Université Grenoble Alpes", "academic", "Université"),
    "prefecture-de-la-drome": ("Préfecture de la Drôme", "state_service", "Services de l'État"),
    "les-jardins-d-elise": ("Les Jardins d'Élise", "association", None),  # "Association" is the sector's label
}

# Eight partners named, seven pairs: Mairie ↔ Communauté de communes is listed from both sides.
EXPECTED_TIES = {
    ("communaute-de-communes-du-crestois", "mairie-de-crest"),
    ("lycee-francois-jean-armorin", "mairie-de-crest"),
    ("communaute-de-communes-du-crestois", "tiers-lieu-la-fabrique"),
    ("scop-energie-de-la-vallee", "tiers-lieu-la-fabrique"),
    ("lycee-francois-jean-armorin", "tiers-lieu-la-fabrique"),
    ("lycee-francois-jean-armorin", "universite-grenoble-alpes"),
    ("mairie-de-crest", "prefecture-de-la-drome"),
}


def write(path, text, encoding="cp1252", bom=b""):
    path.write_bytes(bom + text.encode(encoding))
    return str(path)


def refused(store, paths, *expected, **options):
    """The import fails with each (file name, row, column, message parts…) and the store is left as it was."""
    before = store.dataset()
    with pytest.raises(ImportFailed) as err:
        import_files(store, paths, **options)
    assert store.dataset() == before
    problems = err.value.problems
    for name, row, column, *parts in expected:
        assert any(
            p.file.endswith(name) and p.row == row and p.column == column and all(part in p.message for part in parts)
            for p in problems
        ), (name, row, column, parts, [str(p) for p in problems])
    return problems


@pytest.mark.parametrize("encoding,bom", [("cp1252", b""), ("utf-8", b"\xef\xbb\xbf")], ids=["cp1252", "utf8-bom"])
def test_the_catalysers_sheet_imports_unchanged(tmp_path, embedded_store, encoding, bom):
    path = write(tmp_path / "annuaire.csv", SHEET, encoding, bom)
    result = import_files(embedded_store, [path])
    orgs = {o.id: o for o in embedded_store.organisations()}
    assert {oid: (o.name, o.sector, kept_word(o)) for oid, o in orgs.items()} == EXPECTED_ORGS
    ties = embedded_store.ties()
    assert {(t.source, t.target) for t in ties} == EXPECTED_TIES
    assert {t.type for t in ties} == {"partnership"} and not any(t.directed for t in ties)
    assert orgs["tiers-lieu-la-fabrique"].themes == ("SDG11", "SDG4")
    assert orgs["mairie-de-crest"].extra["Contact"] == "accueil@crest.fr"
    # communes from Ville + Code postal (INSEE codes of the Code officiel géographique: Crest, Eurre, Valence)
    assert orgs["mairie-de-crest"].commune == "26108" and orgs["scop-energie-de-la-vallee"].commune == "26125"
    assert orgs["universite-grenoble-alpes"].commune == "26362"
    assert "Partenaires" not in orgs["mairie-de-crest"].extra  # the partners became ties, not an attribute
    assert sector_and_word(orgs["communaute-de-communes-du-crestois"]) == "Collectivité territoriale (Intercommunalité)"
    assert sector_and_word(orgs["communaute-de-communes-du-crestois"], "en") == "Local authority (Intercommunalité)"
    assert result.summary.new["organisations"] == 8 and result.summary.new["ties"] == 7

    (report,) = result.understood
    roles = {c.header: c.role for c in report.columns}
    assert roles == {
        "Nom de la structure": "name",
        "Type de structure": "sector",
        "Ville": "place",  # the commune, from Ville + Code postal
        "Code postal": "place",
        "Thématiques": "field",
        "Partenaires": "partners",
        "Contact": "attribute",
    }
    assert report.counts["organisations"] == 8 and report.counts["ids_from_names"] == 8
    assert report.counts["ties_from_partners"] == 7 and report.counts["partner_mentions"] == 8
    assert report.counts["pairs_from_both_sides"] == 1 and report.counts["kept_words"] == 7
    assert report.words["Intercommunalité"] == ("local_authority", 1)
    fr = render_understood(result.understood)
    en = render_understood(result.understood, lang="en")
    assert fr[0].endswith("annuaire.csv : organisations, 8 lignes")
    assert (
        "  Partenaires  →  liens aux partenaires cités (Partenariat par défaut) : 7 liens, dont 1 cités des deux côtés"
        in fr
    )
    assert "  Nom de la structure  →  name; the ids are made from the names (8)" in en
    assert any(line.startswith("  Type de structure  →  sector, through the table of words (") for line in en)
    assert "Intercommunalité → Local authority" in next(line for line in en if "Type de structure" in line)
    assert "  Ville  →  commune, d'après Ville + Code postal" in fr


def test_reimport_changes_nothing_and_ids_are_stable(tmp_path, embedded_store):
    from catalyse.graphcore.stores import SqliteStore

    path = write(tmp_path / "annuaire.csv", SHEET)
    import_files(embedded_store, [path])
    before = embedded_store.dataset()
    again = import_files(embedded_store, [path])
    assert not again.summary.modified and embedded_store.dataset() == before
    assert again.understood[0].counts["ids_from_store"] == 8  # every name found in the store, its id reused
    other = SqliteStore(tmp_path / "other.db", create=True)  # another run, from scratch: the same ids
    import_files(other, [path])
    assert other.dataset() == before
    other.close()


def test_export_of_a_sheet_reimports_exactly(tmp_path, embedded_store):
    from catalyse.graphcore.stores import SqliteStore
    from catalyse.importers.export import export

    import_files(embedded_store, [write(tmp_path / "annuaire.csv", SHEET)])
    data = embedded_store.dataset()
    files = export(data, str(tmp_path / "out"), "csv")  # ids, sector codes, and the kept words as a 'type' column
    fresh = SqliteStore(tmp_path / "fresh.db", create=True)
    import_files(fresh, files)
    assert fresh.dataset() == data
    fresh.close()


def test_dry_run_says_the_same_and_writes_nothing(tmp_path, embedded_store):
    path = write(tmp_path / "annuaire.csv", SHEET)
    dry = import_files(embedded_store, [path], dry_run=True)
    assert dry.summary is None and embedded_store.counts()["organisations"] == 0
    real = import_files(embedded_store, [path])
    assert render_understood(dry.understood) == render_understood(real.understood)
    assert render_understood(dry.understood, "en") == render_understood(real.understood, "en")


def test_name_collisions_are_resolved_deterministically(tmp_path):
    # Two "Mairie" in two towns: both get their town; but "mairie-crest" is the own slug of "Mairie Crest", which
    # comes first: the Mairie of Crest gets a counter. The same row twice is one organisation (rows 5 and 2).
    text = "Nom;Type de structure;Ville\nMairie;Mairie;Crest\nMairie;Mairie;Die\nMairie Crest;Collectif;Crest\n"
    text += "Mairie;Mairie;Crest\n"
    found = validate([write(tmp_path / "a.csv", text)])
    expected = [  # INSEE codes (Code officiel géographique): Crest 26108, Die 26113
        ("mairie-crest", "Mairie Crest", "26108"),
        ("mairie-crest-2", "Mairie", "26108"),
        ("mairie-die", "Mairie", "26113"),
    ]
    assert sorted((o.id, o.name, o.commune) for o in found.data.organisations) == expected
    # the rows in another order give the same ids
    lines = text.splitlines()
    swapped = "\n".join([lines[0], lines[3], lines[2], lines[1]]) + "\n"
    again = validate([write(tmp_path / "b.csv", swapped)])
    assert sorted((o.id, o.name, o.commune) for o in again.data.organisations) == expected
    # the same name and town with other data is one organisation described twice: an error naming both rows
    conflict = write(tmp_path / "c.csv", "Nom;Type de structure;Ville\nMairie;Mairie;Crest\nMAIRIE;Mairie;Crest\n")
    with pytest.raises(ImportFailed) as err:
        validate([conflict])
    assert [(p.row, p.column) for p in err.value.problems] == [(3, "Nom")]
    assert "duplicate organisation 'mairie' with conflicting data (differs in name)" in str(err.value.problems[0])


def test_store_names_and_ids_are_reused(tmp_path, embedded_store):
    seed = write(tmp_path / "seed.csv", "id;nom;secteur\nmairie-crest;Mairie de Crest;collectivité territoriale\n")
    import_files(embedded_store, [seed])
    # a sheet without ids: the store's "Mairie de Crest" keeps its id; partners by store id or store name
    sheet = write(
        tmp_path / "s.csv",
        "Nom;Type de structure;Partenaires\nMAIRIE DE CREST;Mairie;\nLa Fabrique;Tiers-lieu;mairie-crest\n"
        "Atelier Vélo;Association;mairie de crest, La Fabrique\n",
    )
    result = import_files(embedded_store, [sheet])
    assert sorted(o.id for o in embedded_store.organisations()) == ["atelier-velo", "la-fabrique", "mairie-crest"]
    assert {(t.source, t.target) for t in embedded_store.ties()} == {
        ("la-fabrique", "mairie-crest"),
        ("atelier-velo", "mairie-crest"),
        ("atelier-velo", "la-fabrique"),
    }
    assert result.summary.changed["organisations"] == 1  # the stored Mairie gains the word "Mairie" (type)
    assert kept_word(embedded_store.get_organisation("mairie-crest")) == "Mairie"


def test_a_stored_name_in_another_town_is_another_organisation(tmp_path, embedded_store):
    import_files(embedded_store, [write(tmp_path / "a.csv", "Nom;Type de structure;Ville\nMairie;Mairie;Die\n")])
    import_files(embedded_store, [write(tmp_path / "b.csv", "Nom;Type de structure;Ville\nMairie;Mairie;Crest\n")])
    # the Mairie of Die (INSEE 26113) keeps its id; the Mairie of Crest (26108) is not written over it
    assert sorted((o.id, o.commune) for o in embedded_store.organisations()) == [
        ("mairie", "26113"),
        ("mairie-crest", "26108"),
    ]
    again = import_files(embedded_store, [str(tmp_path / "b.csv")])
    assert not again.summary.modified


def test_unknown_partner_is_an_error_naming_file_row_column_and_value(tmp_path, embedded_store):
    bad = SHEET.replace("scop energie de la vallee", "SCOP Energie de la Valée")
    path = write(tmp_path / "annuaire.csv", bad)
    problems = refused(
        embedded_store,
        [path],
        ("annuaire.csv", 4, "Partenaires", "unknown partner 'SCOP Energie de la Valée'", "'SCOP Énergie de la Vallée'"),
    )
    assert len(problems) == 1
    assert "did you mean 'SCOP Énergie de la Vallée'?" in problems[0].message
    assert "--create-missing" in problems[0].message


def test_create_missing_adds_unknown_partners_of_unknown_sector(tmp_path, embedded_store):
    text = "Nom;Type de structure;Partenaires\nLa Fabrique;Tiers-lieu;Banque Alimentaire, Mairie de Die\n"
    text += "Atelier Vélo;Collectif;banque alimentaire\n"
    path = write(tmp_path / "s.csv", text)
    result = import_files(embedded_store, [path], create_missing=True)
    orgs = {o.id: (o.name, o.sector) for o in embedded_store.organisations()}
    assert orgs == {
        "la-fabrique": ("La Fabrique", "association"),
        "atelier-velo": ("Atelier Vélo", "association"),
        "banque-alimentaire": ("Banque Alimentaire", "other"),  # one organisation, named twice
        "mairie-de-die": ("Mairie de Die", "other"),
    }
    assert len(embedded_store.ties()) == 3
    assert result.understood[0].created == [
        ("banque-alimentaire", "Banque Alimentaire"),
        ("mairie-de-die", "Mairie de Die"),
    ]
    line = render_understood(result.understood)[-1]
    assert line == (
        "  2 partenaire(s) ajouté(s) comme organisations de secteur inconnu : "
        "Banque Alimentaire [banque-alimentaire], Mairie de Die [mairie-de-die]"
    )
    again = import_files(embedded_store, [path], create_missing=True)  # now in the store: found, not created
    assert not again.summary.modified and again.understood[0].created == []


def test_self_partner_and_ambiguous_partner_are_errors(tmp_path, embedded_store):
    text = (
        "Nom;Type de structure;Ville;Partenaires\n"
        "La Fabrique;Tiers-lieu;Crest;la fabrique\n"
        "Mairie;Mairie;Crest;\n"
        "Mairie;Mairie;Die;\n"
        "Atelier Vélo;Collectif;Crest;Mairie\n"
    )
    path = write(tmp_path / "s.csv", text)
    problems = refused(
        embedded_store,
        [path],
        ("s.csv", 2, "Partenaires", "names itself as a partner ('la fabrique')"),
        ("s.csv", 5, "Partenaires", "partner 'Mairie' is ambiguous", "'mairie-crest' (row 3)", "'mairie-die' (row 4)"),
    )
    assert len(problems) == 2


def test_unknown_type_word_lists_the_sectors_and_suggests_sensibly(tmp_path, embedded_store):
    text = "Nom;Type de structure\nMédiathèque de Crest;Bibliothèque\nLa Fabrique;Tier-lieu\nX;Colectivité\n"
    path = write(tmp_path / "s.csv", text)
    problems = refused(
        embedded_store,
        [path],
        ("s.csv", 2, "Type de structure", "unknown sector 'Bibliothèque'. Sectors: Collectivité territoriale, "),
        ("s.csv", 3, "Type de structure", "unknown sector 'Tier-lieu' (did you mean 'tiers-lieu'?)"),
        ("s.csv", 4, "Type de structure", "(did you mean 'collectivité'?)"),
    )
    assert len(problems) == 3
    message = problems[0].message
    for fr in ("Service de l'État", "Économie sociale et solidaire", "Acteur académique", "Institution", "Autre"):
        assert fr in message
    assert "did you mean" not in message  # nothing is near "Bibliothèque": no guess
    assert "'mot;secteur'" in message and "--sector-map FILE" in message
    assert "academic" not in " ".join(p.message for p in problems)  # the old guess for a tiers-lieu


def test_sector_map_fixes_the_unknown_word(tmp_path, embedded_store):
    path = write(tmp_path / "s.csv", "Nom;Type de structure\nMédiathèque de Crest;Bibliothèque\nLa Fabrique;SCOP\n")
    words = write(tmp_path / "mots.csv", "mot;secteur\nbibliotheque;Collectivité territoriale\nSCOP;association\n")
    import_files(embedded_store, [path], sector_map=words)
    orgs = {o.id: (o.sector, kept_word(o)) for o in embedded_store.organisations()}
    # the map comes before the table: this catalyser's SCOP column means associations
    assert orgs == {"mediatheque-de-crest": ("local_authority", "Bibliothèque"), "la-fabrique": ("association", "SCOP")}
    bare = write(tmp_path / "bare.csv", "Bibliothèque;Collectivité territoriale\n")  # no header row
    found = {o.id: o.sector for o in validate([path], sector_map=bare).data.organisations}
    assert found == {"mediatheque-de-crest": "local_authority", "la-fabrique": "social_economy"}
    bad_map = write(tmp_path / "bad.csv", "mot;secteur\nBibliothèque;bibliothèques\n")
    other = write(tmp_path / "o.csv", "Nom;Type de structure\nAutre lieu;Bibliothèque\n")
    refused(embedded_store, [other], ("bad.csv", 2, "secteur", "unknown sector 'bibliothèques'"), sector_map=bad_map)


def test_tie_type_column_and_partners_by_id(tmp_path, embedded_store):
    text = (
        "id;nom;secteur;partenaires;type de lien\n"
        "dep;Département de la Drôme;Département;asso;financement\n"
        "asso;Les Jardins;Association;;\n"
        "scop;Énergie;SCOP;ASSO, DÉPARTEMENT DE LA DRÔME;projet commun\n"  # an id in capitals, a name
    )
    import_files(embedded_store, [write(tmp_path / "o.csv", text)])
    ties = {(t.source, t.target, t.type, t.directed) for t in embedded_store.ties()}
    assert ties == {
        ("dep", "asso", "funding", True),  # funding is directed: from the row to its partner
        ("asso", "scop", "co_project", False),
        ("dep", "scop", "co_project", False),
    }
    bad = write(tmp_path / "b.csv", "id;nom;secteur;partenaires;type de lien\nx;X;SCOP;asso;parteneriat\n")
    refused(embedded_store, [bad], ("b.csv", 2, "type de lien", "unknown tie type 'parteneriat'"))


def test_metier_errors_list_french_and_english_labels(tmp_path, embedded_store):
    path = write(tmp_path / "o.csv", "id;nom;secteur;métiers\nx;X;association;animation de réseau\n")
    (problem,) = refused(embedded_store, [path], ("o.csv", 2, "métiers", "unknown métier 'animation de réseau'"))
    for fr, en in (
        ("Dialogue territorial", "Territorial dialogue"),
        ("Expérimentation collective", "Collective experimentation"),
        ("Accompagnement", "Support and incubation"),
        ("Animation d'un lieu", "Running a third place"),
    ):
        assert f"{fr} / {en}" in problem.message
    with pytest.raises(vocab.VocabularyError):
        vocab.parse("metier", "animation de réseau")


@pytest.mark.parametrize(
    "word,sector",
    [  # the mapping a catalyser expects, from the README table "Sectors from your words"
        ("Communauté d'agglomération", "local_authority"),
        ("Métropole", "local_authority"),
        ("Conseil régional", "local_authority"),
        ("Sous-préfecture", "state_service"),
        ("SCIC", "social_economy"),
        ("Entreprise d'insertion", "social_economy"),  # the phrase, not "entreprise"
        ("SCOP SARL", "social_economy"),  # a company of the social economy
        ("Lycée agricole", "academic"),
        ("Fablab", "association"),
        ("Fonds de dotation", "foundation"),
        ("SARL", "company"),
        ("Banque", "company"),
        ("Banque des territoires", "institution"),
        ("Chambre d'agriculture", "institution"),
        ("CCI Drôme", "institution"),
    ],
)
def test_words_of_the_synonym_table(word, sector):
    assert sector_of(word) == sector


def test_without_a_type_column_the_start_of_the_names_says_the_sector(tmp_path, embedded_store):
    text = "Nom;Partenaires\nMairie de Crest;Lycée Armorin\nLycée Armorin;\nCommunauté de communes du Crestois;\n"
    result = import_files(embedded_store, [write(tmp_path / "s.csv", text)])
    assert {o.id: o.sector for o in embedded_store.organisations()} == {
        "mairie-de-crest": "local_authority",
        "lycee-armorin": "academic",
        "communaute-de-communes-du-crestois": "local_authority",
    }
    assert "secteurs d'après le début des noms" in render_understood(result.understood)[1]
    # a name that says nothing ("Banque alimentaire" is no bank) is an error on its row, naming the column to add
    bad = write(tmp_path / "b.csv", "Nom;Partenaires\nMairie de Die;\nBanque alimentaire;Mairie de Die\n")
    refused(embedded_store, [bad], ("b.csv", 3, "Nom", "does not say its sector", "'Type de structure'"))


def test_xlsx_sheet_with_partners_on_separate_lines(tmp_path, embedded_store):
    import pandas as pd

    # in Excel, Alt+Enter puts each partner on its own line of the cell
    frame = pd.DataFrame(
        {
            "Nom de la structure": ["Mairie de Crest", "Lycée François-Jean Armorin", "Fablab de Crest"],
            "Type de structure": ["Commune", "Lycée", "Fablab"],
            "Partenaires principaux": ["lycée françois-jean armorin\nFablab de Crest", "", ""],
        }
    )
    with pd.ExcelWriter(tmp_path / "annuaire.xlsx") as xl:
        frame.to_excel(xl, sheet_name="Structures", index=False)
    import_files(embedded_store, [str(tmp_path / "annuaire.xlsx")], sector_map={"Fablab": "ESS"})
    assert {o.id: (o.sector, kept_word(o)) for o in embedded_store.organisations()} == {
        "mairie-de-crest": ("local_authority", "Commune"),
        "lycee-francois-jean-armorin": ("academic", "Lycée"),
        "fablab-de-crest": ("social_economy", "Fablab"),  # this catalyser's map: their fablabs are ESS
    }
    assert {(t.source, t.target) for t in embedded_store.ties()} == {
        ("lycee-francois-jean-armorin", "mairie-de-crest"),
        ("fablab-de-crest", "mairie-de-crest"),
    }


def test_a_partner_whose_name_holds_a_comma_stays_whole(tmp_path, embedded_store):
    # "Mairie de Crest, service jeunesse" is a structure of the sheet, and so is "Mairie de Crest": the cell
    # "Mairie de Crest, service jeunesse, La Cordée" names two partners, the longer name first (by hand: 2 ties
    # from La Fabrique, not 3); a cell naming "Mairie de Crest" alone still finds the town hall. The store's names
    # count too: "Lycée Armorin; internat" is an organisation written earlier.
    embedded_store.write(Dataset([Organisation("lycee", "Lycée Armorin; internat", "academic")]))
    sheet = (
        "Nom de la structure;Type de structure;Partenaires\n"
        "Mairie de Crest;Mairie;\n"
        '"Mairie de Crest, service jeunesse";Mairie;\n'
        "La Cordée;Tiers-lieu;\n"
        '"La Fabrique";Tiers-lieu;"Mairie de Crest, service jeunesse, La Cordée"\n'
        '"Le Bar";Association;"Mairie de Crest | Lycée Armorin; internat"\n'
    )
    import_files(embedded_store, [write(tmp_path / "annuaire.csv", sheet)])
    ties = {(t.source, t.target) for t in embedded_store.ties()}
    assert ties == {
        ("la-fabrique", "mairie-de-crest-service-jeunesse"),
        ("la-cordee", "la-fabrique"),
        ("le-bar", "mairie-de-crest"),
        ("le-bar", "lycee"),
    }
