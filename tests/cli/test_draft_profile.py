"""Draft profiles decide from values as well as headers (the wrong guesses of issue reports).

Each file here is small and written by hand; the expected draft is worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from opsgov.definitions import load_definition
from opsgov.models.profile import ColumnMap, Profile
from tests.conftest import invoke
from tests.support.draft_truth import TS, write_workspace


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workspace(tmp_path_factory.mktemp("ws"), TS)


def _draft(workspace: Path, path: Path) -> tuple[Profile, str]:
    target = path.with_suffix(".yaml")
    invoke(["inspect", str(path), "-w", str(workspace), "--draft-profile", str(target)])
    loaded = load_definition(target).definition
    assert isinstance(loaded, Profile)
    return loaded, target.read_text("utf-8")


def _columns(profile: Profile) -> dict[str, ColumnMap]:
    return {h: c for c in profile.columns for h in c.headers}


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8", sep: str = ",") -> Path:
    path.write_bytes("\r\n".join(sep.join(r) for r in rows).encode(encoding) + b"\r\n")
    return path


def test_a_portuguese_monthly_csv_is_drafted_as_it_is(workspace: Path, tmp_path: Path) -> None:
    # One row per site, Latin-1, semicolons, decimal commas: the guesses the issue reports as
    # wrong (Site as absence, total handle time as cost, the queue as a count, Prod. Hours as
    # paid time, Avg Headcount as closing headcount, two columns as qa_correct).
    rows = [
        ["Site", "Fila", "Tratados", "Tempo total de atendimento (h)", "Prod. Hours",
         "Avg Headcount", "Amostra QA", "Auditorias corretas", "% Acertos QA"],
        ["Barcelona", "Moderação Geral", "41200", "4120,50", "3980,25", "212", "820", "790",
         "96,34"],
        ["Lyon", "Moderação Geral", "30150", "3311,75", "3100,00", "160", "600", "571",
         "95,17"],
    ]  # fmt: skip
    profile, text = _draft(workspace, _write(tmp_path / "pt_mensal_2026-11.csv", rows,
                                             "latin-1", ";"))  # fmt: skip
    assert profile.grain == "month"
    assert (profile.site.source, profile.site.column) == ("column", "Site")
    assert profile.site.map == {"Barcelona": "BCN2", "Lyon": "LYO1"}
    assert (profile.text.encoding or "").replace("_", "-").lower() in {
        "latin-1",
        "cp1252",
        "windows-1252",
    }
    assert (profile.text.delimiter, profile.text.decimal) == (";", ",")
    assert profile.sheet.name is None and profile.date.column is None
    columns = _columns(profile)
    assert columns["Fila"].measure == "queue"
    assert columns["Fila"].values == {"Moderação Geral": "general"}
    assert (columns["Tratados"].measure, columns["Tratados"].unit) == ("items_handled", "count")
    total = columns["Tempo total de atendimento (h)"]
    assert (total.measure, total.unit, total.per) == ("handle_seconds", "hours", None)
    assert (columns["Prod. Hours"].measure, columns["Prod. Hours"].unit) == (
        "productive_seconds", "hours")  # fmt: skip
    assert columns["Avg Headcount"].measure == "hc_avg"
    assert columns["Amostra QA"].measure == "qa_audited"
    # qa_correct is drafted once; the share of the same thing is left for a person
    assert [c.measure for c in profile.columns].count("qa_correct") == 1
    assert columns["Auditorias corretas"].measure == "qa_correct"
    assert "% Acertos QA" not in columns and "% Acertos QA" in profile.ignore
    assert "Tempo total de atendimento (h)" in text  # the comments name each column


@pytest.mark.parametrize(
    ("values", "unit"),
    [(["0.9312", "0.9587"], "percent_0_1"), (["93.12", "95.87"], "percent_0_100")],
    ids=["fractions", "percentages"],
)
def test_the_values_decide_between_0_1_and_0_100(
    workspace: Path, tmp_path: Path, values: list[str], unit: str
) -> None:
    rows = [["Date", "Handled", "SLA Eligible", "Within SLA %"]]
    rows += [["2026-11-01", "1000", "980", values[0]], ["2026-11-02", "1100", "1070", values[1]]]
    profile, _ = _draft(workspace, _write(tmp_path / "BCN2_sla_2026-11.csv", rows))
    within = _columns(profile)["Within SLA %"]
    assert (within.measure, within.unit, within.percent_of) == (
        "items_within_sla", unit, "items_sla_eligible")  # fmt: skip
    assert profile.grain == "day" and profile.site.source == "filename"


@pytest.mark.parametrize(
    ("minutes", "unit"),
    [(["7140", "7840"], "minutes"), (["428400", "470400"], "seconds")],
    ids=["minutes", "seconds"],
)
def test_a_time_with_no_unit_takes_the_unit_its_kpi_finds_plausible(
    workspace: Path, tmp_path: Path, minutes: list[str], unit: str
) -> None:
    # 1,000 items and 7,140 of the unit: minutes make an AHT of 428 s (target 420 s);
    # seconds would make 7 s. Written in seconds (428,400) the answer flips.
    rows = [["Date", "Items Handled", "Handle Time"]]
    rows += [["2026-11-01", "1000", minutes[0]], ["2026-11-02", "1100", minutes[1]]]
    profile, text = _draft(workspace, _write(tmp_path / "LYO1_aht_2026-11.csv", rows))
    handle = _columns(profile)["Handle Time"]
    assert (handle.measure, handle.unit, handle.per) == ("handle_seconds", unit, None)
    assert "land nearest their targets" in text


def test_a_share_with_no_base_column_is_offered_not_guessed(
    workspace: Path, tmp_path: Path
) -> None:
    rows = [["Date", "Items Handled", "Within SLA %"], ["2026-11-01", "1000", "93.5"]]
    profile, text = _draft(workspace, _write(tmp_path / "BCN2_x_2026-11.csv", rows))
    assert "Within SLA %" not in _columns(profile)
    assert "Within SLA %" in profile.ignore
    assert "  # - measure: items_within_sla" in text
    assert "no items_sla_eligible column" in text


def test_a_text_column_is_never_a_numeric_measure(workspace: Path, tmp_path: Path) -> None:
    rows = [["Date", "Items Handled", "Handle Time (s)", "Absence"],
            ["2026-11-01", "1000", "420000", "Sick leave: 2 agents"],
            ["2026-11-02", "1010", "424200", "none"]]  # fmt: skip
    profile, _ = _draft(workspace, _write(tmp_path / "BCN2_y_2026-11.csv", rows))
    assert "Absence" not in _columns(profile)
    assert "Absence" in profile.ignore


def test_agent_rows_get_the_agent_column_as_a_key(workspace: Path, tmp_path: Path) -> None:
    rows = [["Date", "Agent ID", "Items Handled", "Handle Time (s)"]]
    for day in ("2026-11-01", "2026-11-02"):
        rows += [[day, agent, "40", "16800"] for agent in ("A17", "A18", "A19")]
    profile, text = _draft(workspace, _write(tmp_path / "BCN2_agents_2026-11.csv", rows))
    assert profile.keys == ["Agent ID"]
    assert "Agent ID" not in profile.ignore
    assert "tells them apart" in text


def test_a_file_outside_a_workspace_is_drafted_against_the_builtin_framework(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    rows = [["Fecha", "Casos Atendidos", "TMO (seg)"], ["2026-11-01", "1000", "415"]]
    path = _write(tmp_path / "nuevo_2026-11.csv", rows)
    target = tmp_path / "nuevo.yaml"
    invoke(["inspect", str(path), "--draft-profile", str(target)])
    text = target.read_text("utf-8")
    assert "source: fixed" in text and "TODO" in text  # no registry: the site is for a person
    profile = load_definition(target).definition
    assert isinstance(profile, Profile)
    handle = _columns(profile)["TMO (seg)"]
    assert (handle.measure, handle.unit, handle.per) == (
        "handle_seconds",
        "seconds",
        "items_handled",
    )


@pytest.mark.parametrize(
    ("code", "drafted"), [("USD", "USD"), ("EUR", None)], ids=["foreign", "the-sites-own"]
)
def test_money_written_in_another_currency_gets_the_profile_currency(
    workspace: Path, tmp_path: Path, code: str, drafted: str | None
) -> None:
    # BCN2 and LYO1 report in EUR (the registry); an invoice in USD must say so.
    rows = [["Site", f"Invoice Amount ({code})", "Currency"],
            ["BCN2", "12000.50", code], ["LYO1", "9000.25", code]]  # fmt: skip
    profile, text = _draft(workspace, _write(tmp_path / f"inv_{code}_2026-11.csv", rows))
    assert profile.currency == drafted
    assert _columns(profile)[f"Invoice Amount ({code})"].measure == "cost_total"
    assert f"money is{' written' if drafted else ''} in {code}" in text


def test_site_names_that_match_no_registry_site_are_proposed_not_mapped(
    workspace: Path, tmp_path: Path
) -> None:
    rows = [["Site", "Leavers"], ["Barcelona", "4"], ["Lyon", "3"], ["JKT office", "5"],
            ["Atl. Georgia", "2"]]  # fmt: skip
    profile, text = _draft(workspace, _write(tmp_path / "hr_2026-11.csv", rows))
    assert profile.site.map == {"Barcelona": "BCN2", "Lyon": "LYO1"}
    assert '#   "JKT office": JKT1   the closest' in text
    assert '#   "Atl. Georgia": ' in text


def test_the_command_says_what_is_left_to_check(workspace: Path, tmp_path: Path) -> None:
    rows = [["Date", "Items Handled", "Within SLA %", "Remarks"],
            ["2026-11-01", "1000", "93.5", "ok"]]  # fmt: skip
    path = _write(tmp_path / "BCN2_z_2026-11.csv", rows)
    result = invoke(["inspect", str(path), "-w", str(workspace), "--draft-profile",
                     str(tmp_path / "z.yaml")])  # fmt: skip
    said = " ".join(result.stderr.split())
    assert "1 column drafted, 1 offered for you to decide, 1 ignored" in said
