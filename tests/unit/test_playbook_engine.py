"""Where a playbook applies, region variants, dependency order, critical path and owners."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from opsgov.errors import DefinitionError, OpsgovError
from opsgov.models.playbook import Playbook
from opsgov.models.registry import Registry
from opsgov.models.workspace import Workspace
from opsgov.pipeline import Definitions, load_definitions
from opsgov.playbooks.checklist import Checklist, build_checklist, owner_of
from opsgov.playbooks.library import load_library, load_playbook_file, search_dirs
from opsgov.playbooks.resolve import critical_path, dependency_order, resolve_steps
from tests.conftest import REPO
from tests.unit.test_playbook_dates import playbook, step

SAMPLE = REPO / "sample_data"
SHIPPED_LAUNCH = REPO / "playbooks" / "new_site_launch.yaml"

LAUNCH_YAML = """\
kind: playbook
id: launch_demo
title: Launch (test copy)
purpose: A fixed launch playbook for tests, so the shipped one can grow.
owner: HGO
applies_to: {site_statuses: [launching]}
triggers:
  - {type: site_status, site_status: launching}
anchor: go_live
anchor_label: go-live
phases:
  - id: strategy
    title: Strategy
    steps:
      - {id: demand_model, title: Demand model, owner: WFM, lead_time_days: -182, duration_days: 10}
      - id: location_options
        title: Location options
        owner: HGO
        lead_time_days: -165
        duration_days: 15
        depends_on: [demand_model]
      - id: business_case
        title: Business case
        owner: FIN
        raci: {responsible: [FIN], accountable: HGO, consulted: [VM]}
        lead_time_days: -140
        duration_days: 10
        depends_on: [location_options]
        gate: {decision_by: HGO, criteria: [Within budget]}
  - id: sourcing
    title: Sourcing
    steps:
      - {id: rfp, title: RFP, owner: LEG_PROC, lead_time_days: -123, duration_days: 20,
         depends_on: [business_case]}
      - id: contract
        title: Contract
        owner: LEG_PROC
        lead_time_days: -91
        duration_days: 10
        depends_on: [rfp]
        gate: {decision_by: HGO, criteria: [Credits agreed, Exit plan agreed]}
  - id: mobilisation
    title: Mobilisation
    steps:
      - {id: pmo_plan, title: PMO, owner: VM, lead_time_days: -75, duration_days: 5,
         depends_on: [contract]}
  - id: infrastructure
    title: Infrastructure
    steps:
      - {id: data_protection_assessment, title: Data-protection assessment, owner: PRIV,
         lead_time_days: -66, duration_days: 15, depends_on: [pmo_plan]}
      - {id: bcp_design_test, title: BCP design and test, owner: SL, lead_time_days: -29,
         duration_days: 10, depends_on: [pmo_plan]}
  - id: go_live
    title: Go-live
    steps:
      - id: go_no_go
        title: Go/no-go
        owner: HGO
        lead_time_days: -1
        duration_days: 0
        depends_on: [bcp_design_test, data_protection_assessment]
        gate: {decision_by: HGO, criteria: [Certified headcount at 95 % of plan]}
      - {id: cutover, title: Cutover, owner: VM, lead_time_days: 0, duration_days: 1,
         depends_on: [go_no_go]}
variants:
  - id: eu_content_regulation
    title: EU DSA
    countries: [IE, PT]
    add:
      - {id: dsa_readiness, phase: infrastructure, title: DSA readiness, owner: QP,
         lead_time_days: -45, duration_days: 10, depends_on: [contract]}
  - id: eu_data_protection
    title: GDPR
    countries: [IE, PT]
    replace:
      - {id: data_protection_assessment, title: GDPR DPIA, owner: PRIV, lead_time_days: -66,
         duration_days: 20, depends_on: [pmo_plan]}
  - id: no_wfh_egregious
    title: No WFH on egregious queues
    countries: [PH, IN, MY]
    replace:
      - {id: bcp_design_test, title: BCP design and test (on-site only), owner: SL,
         lead_time_days: -29, duration_days: 10, depends_on: [pmo_plan]}
"""


@pytest.fixture(scope="module")
def defs() -> Definitions:
    return load_definitions(SAMPLE)


def checklist_for(defs: Definitions, site_id: str) -> Checklist:
    site = defs.registry.site(site_id)
    assert site is not None
    return build_checklist(
        Playbook.model_validate(yaml.safe_load(LAUNCH_YAML)),
        site,
        defs.registry,
        defs.settings,
        start=dt.date(2026, 7, 1),
        anchor_date=dt.date(2027, 1, 11),
        force=True,
    )


def test_eu_sites_get_the_eu_variants(defs: Definitions) -> None:
    dublin = checklist_for(defs, "DUB1")
    assert [v.id for v in dublin.variants] == ["eu_content_regulation", "eu_data_protection"]
    by_id = {i.id: i for i in dublin.items}
    assert by_id["dsa_readiness"].variant == "eu_content_regulation"
    assert by_id["dsa_readiness"].phase == "infrastructure"
    assert by_id["data_protection_assessment"].title == "GDPR DPIA"
    assert by_id["data_protection_assessment"].variant == "eu_data_protection"


def test_apac_sites_get_the_no_wfh_variant_and_egypt_none(defs: Definitions) -> None:
    manila = {i.id: i for i in checklist_for(defs, "MNL1").items}
    assert "dsa_readiness" not in manila
    assert manila["bcp_design_test"].variant == "no_wfh_egregious"
    assert manila["bcp_design_test"].title == "BCP design and test (on-site only)"
    cairo = checklist_for(defs, "CAI1")
    assert cairo.variants == []
    assert all(i.variant is None for i in cairo.items)


def test_a_replaced_step_keeps_its_place_and_an_added_one_ends_its_phase() -> None:
    pb = playbook(
        [step("a", 0, 1), step("b", 1, 1, "a"), step("c", 2, 1, "b")],
        variants=[
            {
                "id": "eu",
                "title": "EU",
                "countries": ["IE"],
                "replace": [step("b", 1, 3, "a") | {"title": "B (EU)"}],
                "add": [step("x", 0, 1) | {"phase": "only"}],
                "remove": ["c"],
            }
        ],
    )
    steps = resolve_steps(pb, pb.variants)
    assert [(s.id, s.variant) for s in steps] == [("a", None), ("b", "eu"), ("x", "eu")]
    assert steps[1].step.title == "B (EU)"


def test_removing_a_step_hands_its_dependencies_on() -> None:
    pb = playbook(
        [step("a", 0, 1), step("b", 1, 1, "a"), step("c", 2, 1, "b")],
        variants=[{"id": "v", "title": "V", "regions": ["EMEA"], "remove": ["b"]}],
    )
    steps = {s.id: s for s in resolve_steps(pb, pb.variants)}
    assert steps["c"].depends_on == ("a",)


def test_dependency_order_is_topological_and_stable() -> None:
    pb = playbook(
        [
            step("late", 5, 1, "first"),
            step("first", 0, 1),
            step("other", 0, 1),
            step("last", 9, 1, "late"),
        ]
    )
    order = [s.id for s in dependency_order(resolve_steps(pb, []))]
    assert order == ["first", "late", "other", "last"]


def test_a_cycle_refuses_to_order() -> None:
    pb = playbook([step("a", 0, 1, "b"), step("b", 0, 1, "a")])
    with pytest.raises(DefinitionError, match="a -> b -> a"):
        dependency_order(resolve_steps(pb, []))


def test_critical_path_is_the_longest_chain_of_durations() -> None:
    pb = playbook(
        [
            step("a", 0, 3),
            step("b", 3, 5, "a"),
            step("c", 3, 2, "a"),
            step("d", 9, 1, "b", "c"),
            step("side", 0, 7),
        ]
    )
    ordered = dependency_order(resolve_steps(pb, []))
    assert critical_path(ordered) == ["a", "b", "d"]  # 3 + 5 + 1 = 9 > side's 7


def test_critical_path_ties_go_to_the_step_written_first() -> None:
    pb = playbook([step("a", 0, 2), step("b", 0, 2), step("c", 3, 1, "b", "a")])
    assert critical_path(dependency_order(resolve_steps(pb, []))) == ["b", "c"]


def test_owners_come_from_the_region_then_the_default_entry(defs: Definitions) -> None:
    owners = defs.settings.owners
    assert owner_of(owners, "EMEA", "VM") == "Ana Costa"
    assert owner_of(owners, "APAC", "VM") == "Rajesh Iyer"
    assert owner_of(owners, "APAC", "HGO") == "Maria Lindqvist"  # from `default`
    assert owner_of(owners, "APAC", "IT_SEC") == "Kenji Sato"  # the region's own wins
    assert owner_of(owners, "EMEA", "IT_SEC") == "Arjun Mehta"
    assert owner_of(owners, "EMEA", "NOBODY") is None
    manila = checklist_for(defs, "MNL1")
    go = next(i for i in manila.items if i.id == "go_no_go")
    assert (go.owner_role, go.owner) == ("HGO", "Maria Lindqvist")
    assert manila.who("VM") == "VM (Rajesh Iyer)"


def test_a_role_nobody_holds_is_shown_as_the_role_with_p621(defs: Definitions) -> None:
    bare = defs.settings.model_copy(update={"owners": {}})
    site = defs.registry.site("CAI1")
    assert site is not None
    c = build_checklist(
        load_playbook_file(SHIPPED_LAUNCH), site, defs.registry, bare, start=dt.date(2026, 7, 1)
    )
    assert all(i.owner is None for i in c.items)
    roles = {i.owner_role for i in c.items}
    assert sorted(w.message.split()[3] for w in c.warnings if w.code == "P621") == sorted(roles)
    assert c.who("VM") == "VM"


def test_a_playbook_refuses_a_site_it_is_not_for(defs: Definitions) -> None:
    site = defs.registry.site("DUB1")
    assert site is not None
    with pytest.raises(OpsgovError, match="status live is not one of launching"):
        build_checklist(
            load_playbook_file(SHIPPED_LAUNCH),
            site,
            defs.registry,
            defs.settings,
            start=dt.date(2026, 7, 1),
        )


def test_a_missing_anchor_date_is_asked_for(defs: Definitions) -> None:
    registry = Registry.model_validate(
        defs.registry.model_dump()
        | {"sites": [defs.registry.sites[-1].model_dump() | {"go_live": None}]}
    )
    with pytest.raises(OpsgovError, match="--anchor-date"):
        build_checklist(
            load_playbook_file(SHIPPED_LAUNCH),
            registry.sites[0],
            registry,
            defs.settings,
            start=dt.date(2026, 7, 1),
        )


def test_the_search_order_puts_the_workspace_before_the_built_ins(tmp_path: Path) -> None:
    own = tmp_path / "playbooks"
    own.mkdir()
    text = SHIPPED_LAUNCH.read_text("utf-8").replace(
        "title: New site / new BPO launch", "title: Our launch"
    )
    (own / "launch.yaml").write_text(text, "utf-8")
    (own / "broken.yaml").write_text("kind: playbook\nid: x\n", "utf-8")
    settings = Workspace.model_validate(
        {
            "kind": "workspace",
            "name": "t",
            "framework": "builtin:trust_safety",
            "registry": "r.yaml",
            "reporting_currency": "USD",
        }
    )
    library = load_library(search_dirs(None, tmp_path, settings))
    found = library.get("new_site_launch")
    assert (found.source, found.playbook.title) == ("workspace", "Our launch")
    assert [f.source for f in library.shadowed] == ["built-in"]
    assert library.issues and all(i.code == "D111" for i in library.issues)
    with pytest.raises(OpsgovError, match="Did you mean `new_site_launch`"):
        library.get("new_site_lunch")
