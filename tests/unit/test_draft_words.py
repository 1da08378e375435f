"""Headers read as concepts across languages and BPO abbreviations (answers worked by hand)."""

from __future__ import annotations

import pytest

from opsgov.draft.words import read_header

HANDLED = {"handle"}
HANDLE_TIME = {"handle", "time"}


@pytest.mark.parametrize(
    ("header", "concepts", "average", "percent", "unit"),
    [
        ("Items Handled", {"item", "handle"}, False, False, None),
        ("Casos atendidos", {"case", "handle"}, False, False, None),  # es
        ("Tratados", HANDLED, False, False, None),  # pt
        ("Dossiers traités", {"case", "handle"}, False, False, None),  # fr
        ("Bearbeitete Fälle", {"case", "handle"}, False, False, None),  # de
        ("Pratiche gestite", {"case", "handle"}, False, False, None),  # it
        ("Tiket Diselesaikan", {"ticket", "handle"}, False, False, None),  # id
        ("Bilang ng Natapos", {"count", "handle"}, False, False, None),  # tl
        ("AHT (mm:ss)", HANDLE_TIME, True, False, "mm:ss"),
        ("TMO (seg)", HANDLE_TIME, True, False, "seconds"),  # es: tiempo medio de operacion
        ("TMA (min)", HANDLE_TIME, True, False, "minutes"),  # pt: tempo medio de atendimento
        ("DMT", HANDLE_TIME, True, False, None),  # fr: duree moyenne de traitement
        ("Ø Bearbeitungszeit (Std.)", HANDLE_TIME, True, False, "hours"),
        ("Rata-rata Waktu Penanganan (detik)", HANDLE_TIME, True, False, "seconds"),
        ("Prod. Hrs", {"productive", "time"}, False, False, "hours"),
        ("Recv'd", {"received"}, False, False, None),
        ("Within SLA %", {"within", "sla"}, False, True, None),
        ("TAT Met", {"within", "sla"}, False, False, None),
        ("% Dentro de SLA", {"within", "sla"}, False, True, None),
        ("Nível de Serviço %", {"sl"}, False, True, None),
        ("FCR %", {"fcr"}, False, True, None),
        ("QA Score", {"qa"}, False, True, None),
        ("Avg Headcount", {"headcount"}, True, False, None),
        ("Horas pagas", {"paid", "time"}, False, False, "hours"),
        ("Pendientes fuera de SLA", {"backlog", "over", "sla"}, False, False, None),
        ("Ausências não planeadas (h)", {"absence", "unplanned", "time"}, False, False, "hours"),
        ("Paid Hours (s)", {"paid", "time"}, False, False, "seconds"),
    ],
)
def test_headers_read_as_the_same_concepts_in_every_language(
    header: str, concepts: set[str], average: bool, percent: bool, unit: str | None
) -> None:
    words = read_header(header)
    assert set(words.concepts) == concepts
    assert (words.average, words.percent, words.unit) == (average, percent, unit)


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Site", "@site"),
        ("Sede", "@site"),
        ("Standort", "@site"),
        ("Fecha", "@date"),
        ("Tanggal", "@date"),
        ("Petsa", "@date"),
        ("File d'attente", "@queue"),
        ("Warteschlange", "@queue"),
        ("Antrian", "@queue"),
        ("Pila", "@queue"),
        ("Mes", "@month"),
        ("Site Name", "@site"),
        ("Site Manager", None),  # a person, not the site
    ],
)
def test_role_headers_are_recognised(header: str, role: str | None) -> None:
    assert read_header(header).role == role


def test_the_vocabulary_file_has_no_repeated_or_non_text_keys() -> None:
    import importlib.resources

    import yaml

    repeated: list[str] = []

    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[object, object]:
        keys = [loader.construct_object(k) for k, _ in node.value]
        repeated.extend(str(k) for k in keys if keys.count(k) > 1)
        assert all(isinstance(k, str) for k in keys), [k for k in keys if not isinstance(k, str)]
        return yaml.SafeLoader.construct_mapping(loader, node)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    text = importlib.resources.files("opsgov.draft").joinpath("vocabulary.yaml").read_text("utf-8")
    yaml.load(text, Strict)
    assert repeated == []
