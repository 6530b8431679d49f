"""Weekly targets from the KGI through the KPI tree, and warnings where explicit targets disagree.

The tree, read downwards: leads × lead→MQL rate = MQLs; × MQL→SQL rate = SQLs; × 商談化率 = opportunities;
× 受注率 = won deals; × average deal size = revenue. Targets are derived upwards from the KGI's weekly
share (annual ÷ 52). A rate KPI with an explicit target replaces the configured assumption in the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline.kpi_config.sheet_config import KPI_CATALOG, RATE_KPIS, SheetConfig

WEEKS_PER_YEAR = 52

# Each count stage and the rate converting it into the next stage; won deals convert into revenue.
_TREE = (
    ("new_leads", "lead_to_mql_rate"),
    ("mqls", "mql_to_sql_rate"),
    ("sqls", "sql_to_opportunity_rate"),
    ("opportunities", "win_rate"),
)

Origin = Literal["explicit", "derived", "none"]


@dataclass(frozen=True)
class TargetPlan:
    weekly_targets: dict[str, float | None]
    """By KPI id, for every KPI of the catalogue; rates as fractions."""
    origins: dict[str, Origin]
    derivation: tuple[str, ...]
    """Human-readable steps from the KGI down to each derived target."""
    warnings: tuple[str, ...]
    """One per explicit target whose implied annual revenue misses the KGI by more than the tolerance."""


class _Tree:
    def __init__(self, config: SheetConfig):
        self.config = config
        self.explicit = {kpi.id: kpi.weekly_target for kpi in config.kpis if kpi.weekly_target is not None}
        self.names = {kpi_id: entry.name_ja if config.language == "ja" else entry.name_en
                      for kpi_id, entry in KPI_CATALOG.items()}
        self.names.update({kpi.id: kpi.name(config.language) for kpi in config.kpis})

    def rate(self, rate_id: str) -> float:
        if rate_id in self.explicit:
            return self.explicit[rate_id]
        return getattr(self.config.assumptions, rate_id)

    def rate_label(self, rate_id: str) -> str:
        source = "target" if rate_id in self.explicit else "assumption"
        name = self.names.get(rate_id, "lead→MQL rate")
        return f"{name} {self.rate(rate_id):.1%} ({source})"

    def currency(self, amount: float) -> str:
        return f"{amount:,.0f} {self.config.kgi.currency}"


def plan_targets(config: SheetConfig) -> TargetPlan:
    tree = _Tree(config)
    derived, steps = _derive_from_kgi(tree)
    targets: dict[str, float | None] = {}
    origins: dict[str, Origin] = {}
    for kpi_id in KPI_CATALOG:
        if kpi_id in tree.explicit:
            targets[kpi_id], origins[kpi_id] = tree.explicit[kpi_id], "explicit"
        elif kpi_id in derived:
            targets[kpi_id], origins[kpi_id] = derived[kpi_id], "derived"
        else:
            targets[kpi_id], origins[kpi_id] = None, "none"
    steps += [f"{tree.names[kpi_id]}: explicit target {value:,.2f}/week used on the sheet"
              for kpi_id, value in tree.explicit.items() if kpi_id in derived and kpi_id not in RATE_KPIS]
    return TargetPlan(targets, origins, tuple(steps), tuple(_mismatch_warnings(tree, derived)))


def _derive_from_kgi(tree: _Tree) -> tuple[dict[str, float], list[str]]:
    kgi = tree.config.kgi.annual_revenue
    deal_size = tree.config.assumptions.average_deal_size
    weekly_revenue = kgi / WEEKS_PER_YEAR
    won = weekly_revenue / deal_size
    derived = {"won_amount": weekly_revenue, "won_deals": won}
    steps = [
        f"KGI {tree.currency(kgi)} a year ÷ {WEEKS_PER_YEAR} = {tree.names['won_amount']} "
        f"{tree.currency(weekly_revenue)}/week",
        f"{tree.names['won_deals']} = {tree.currency(weekly_revenue)} ÷ average deal size "
        f"{tree.currency(deal_size)} = {won:,.2f}/week",
    ]
    downstream = won
    for stage_id, rate_id in reversed(_TREE):
        needed = downstream / tree.rate(rate_id)
        steps.append(
            f"{tree.names[stage_id]} = {downstream:,.2f} ÷ {tree.rate_label(rate_id)} = {needed:,.2f}/week"
        )
        derived[stage_id] = needed
        if rate_id in RATE_KPIS:
            derived[rate_id] = tree.rate(rate_id)
        downstream = needed
    return derived, steps


def _mismatch_warnings(tree: _Tree, derived: dict[str, float]) -> list[str]:
    kgi = tree.config.kgi.annual_revenue
    warnings = []
    for index, (stage_id, _) in enumerate([*_TREE, ("won_deals", None), ("won_amount", None)]):
        if stage_id not in tree.explicit:
            continue
        target = tree.explicit[stage_id]
        factors = [f"{_weekly(tree, stage_id, target)}/week"]
        implied = target * WEEKS_PER_YEAR
        for _, rate_id in _TREE[index:]:
            implied *= tree.rate(rate_id)
            factors.append(tree.rate_label(rate_id))
        if stage_id != "won_amount":
            implied *= tree.config.assumptions.average_deal_size
            factors.append(f"average deal size {tree.currency(tree.config.assumptions.average_deal_size)}")
        if abs(implied - kgi) <= tree.config.target_tolerance * kgi:
            continue
        verdict = "short of" if implied < kgi else "above"
        warnings.append(
            f"{tree.names[stage_id]} target: {' × '.join(factors)} × {WEEKS_PER_YEAR} weeks = "
            f"{tree.currency(implied)} a year, {verdict} the KGI {tree.currency(kgi)}; "
            f"the KGI needs {_weekly(tree, stage_id, derived[stage_id])}/week"
        )
    return warnings


def _weekly(tree: _Tree, stage_id: str, value: float) -> str:
    return tree.currency(value) if stage_id == "won_amount" else f"{value:,.2f}"
