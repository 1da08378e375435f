"""P6xx: problems in playbooks, in the checklists made from them, and in filled-in checklists."""

from __future__ import annotations

from opsgov.issues import CodeSpec, Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def _c(code: str, title: str, severity: Severity, description: str) -> CodeSpec:
    return CodeSpec(code=code, title=title, severity=severity, description=description)


PLAYBOOK_CODES: tuple[CodeSpec, ...] = (
    # Linting a playbook
    _c(
        "P600",
        "duplicate playbook id",
        E,
        "Two phases, two steps (across all phases and the steps variants add) or two variants "
        "share an id, so dependencies and status could not tell them apart. Rename one.",
    ),
    _c(
        "P601",
        "unknown step",
        E,
        "A `depends_on`, or a variant's `replace` or `remove`, names a step the playbook does "
        "not have. Fix the id (the hint suggests the closest) or add the step.",
    ),
    _c(
        "P602",
        "dependency cycle",
        E,
        "Steps depend on each other in a loop, so none of them could ever start. The message "
        "shows the loop; remove one of its dependencies.",
    ),
    _c(
        "P603",
        "unknown role",
        E,
        "A step's owner, RACI or gate, or the playbook's owner, names a role that is neither a "
        "standard role (HGO, VM, SL, WFM, QP, IT_SEC, LEG_PROC, HR_WB, FIN, PRIV, COMMS) nor "
        "declared under the playbook's `roles:`. Declare it or use a known one.",
    ),
    _c(
        "P604",
        "trigger on an unknown KPI",
        E,
        "A KPI trigger names a KPI the workspace's framework does not have (or, linted without "
        "a workspace, that no built-in framework has), so it could never fire. Use a KPI id "
        "from the framework, or `composite`.",
    ),
    _c(
        "P605",
        "lead time contradicts a dependency",
        E,
        "A step is due before a step it depends on ends: its lead time plus duration is earlier "
        "than the dependency's. Its date could never be met; move its lead time later or drop "
        "the dependency.",
    ),
    _c(
        "P606",
        "unknown phase",
        E,
        "A variant adds a step to a phase the playbook does not have. Use a phase id.",
    ),
    _c(
        "P607",
        "unknown region, country or vendor",
        W,
        "`applies_to` or a variant names a country that is not ISO 3166-1 alpha-2, or a region "
        "or vendor the workspace's registry does not declare: it would never match a site.",
    ),
    _c(
        "P608",
        "unknown KPI to watch",
        W,
        "A step's `kpis_to_watch` names a KPI the framework does not have. Fix the id.",
    ),
    _c(
        "P609",
        "unknown role or region in the owners",
        W,
        "The workspace's `owners` maps a region the registry does not declare, or a role no "
        "playbook uses. Fix the id, or remove the entry.",
    ),
    # Making a checklist
    _c(
        "P620",
        "less time than the lead time",
        W,
        "The checklist starts after the date a step should have started (its lead time before "
        "the anchor), so the step has less time than planned. Its dates are moved to the start "
        "date; check the step is still feasible, or move the anchor date.",
    ),
    _c(
        "P621",
        "no owner for a role",
        INFO,
        "No person is mapped to the step's owner role for the site's region in the "
        "workspace's `owners`; the checklist shows the role instead.",
    ),
    _c(
        "P622",
        "a go/no-go is pushed past its date",
        W,
        "The steps a go/no-go step depends on end too late (a late start, holidays, or a chain "
        "longer than its lead times allow), so the decision is due later than planned, perhaps "
        "after the anchor (such as after go-live). Start the chain earlier, shorten it, or move "
        "the anchor date.",
    ),
    # Reading back a checklist
    _c(
        "P630",
        "overdue step",
        E,
        "A step is not Done (or N/A) and its due date is before the as-of date.",
    ),
    _c(
        "P631",
        "blocked step",
        E,
        "A step is marked Blocked, or is In progress or Done while a step it depends on is "
        "not finished.",
    ),
    _c(
        "P632",
        "gate not passed",
        E,
        "A go/no-go step is due but not Done: the gate has not been passed.",
    ),
    _c(
        "P633",
        "unreadable checklist",
        E,
        "The checklist file is not an opsgov checklist (its Checklist sheet or header is "
        "missing), or a status cell holds a value outside the drop-down list.",
    ),
)
