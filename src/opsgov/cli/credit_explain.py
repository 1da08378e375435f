"""`opsgov explain SL --credit --vendor V`: how one service credit was made, down to the cells."""

from __future__ import annotations

from rich.table import Table

from opsgov.console import make_console
from opsgov.contracts.explain import explain_credit
from opsgov.contracts.markdown import STATUS_TEXT
from opsgov.contracts.money import money_text
from opsgov.contracts.run import credits
from opsgov.errors import OpsgovError
from opsgov.pipeline import Definitions
from opsgov.validate.rows import period_bounds


def explain_credit_command(defs: Definitions, sl_id: str, vendor: str, period: str) -> None:
    """Print the explanation of one service level's credit in one month."""
    run = credits(
        defs,
        periods=[period],
        report_date=period_bounds(period)[1].isoformat(),
        allow_invalid=True,
        vendor=vendor,
    )
    ledger = run.report.vendor(vendor)
    contract = next((c for c in defs.contracts if c.vendor == vendor), None)
    if ledger is None or contract is None:
        raise OpsgovError(f"no contract for vendor {vendor!r}")
    e = explain_credit(contract, ledger, run.months, defs.framework, sl_id, period)
    o, m, cur = e.outcome, e.month, ledger.currency
    console = make_console()

    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False)

    say(f"{o.sl} ({o.name}) of {contract.id}, version {m.version}, {period}")
    say(f"KPI {o.kpi}: {e.formula} ({o.direction.replace('_', ' ')})")
    scope = ", ".join(o.sites) + (f"; queues {', '.join(o.queues)}" if o.queues else "")
    say(f"scope: {scope}; window {o.window}: {', '.join(o.months)}")
    if e.excluded_days:
        say("force-majeure days left out: " + ", ".join(e.excluded_days))
    table = Table("month", *e.measures.get(o.months[0], {}), title="measures over the scope",
                  title_justify="left")  # fmt: skip
    for month, values in e.measures.items():
        table.add_row(month, *("\u2014" if v is None else f"{v:,.6g}" for v in values.values()))
    console.print(table)
    value = "no value" if o.value is None else f"{o.value:.6g}"
    say(f"value {value}; target {o.target:g}, minimum {o.minimum:g}: {STATUS_TEXT[o.status]}")
    if o.excluded_because:
        say(f"excluded: {o.excluded_because}")
    say(f"at risk: {m.at_risk_arithmetic}")
    for step in o.arithmetic:
        say(f"credit: {step}")
    say(f"credited {money_text(o.credited, cur)} (before the cap {money_text(o.credit, cur)}; "
        f"month's cap {money_text(m.cap, cur)}{', binding' if m.cap_binds else ''})")  # fmt: skip
    for entry in e.earn_back:
        say(f"earn-back: {entry.status} {money_text(entry.earned, cur)} ({entry.why})")
    cells = Table("month", "site", "measure", "file", "sheet", "column", "rows", title="cells",
                  title_justify="left")  # fmt: skip
    for column in cells.columns:
        column.overflow = "fold"
    for month, site, measure, span in e.cells:
        cells.add_row(month, site, measure, span.file, span.sheet,
                      f"{span.column} ({span.header})", span.rows)  # fmt: skip
    console.print(cells)
