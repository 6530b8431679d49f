"""How one person moves through the funnel: the calibrated rates and delays, independent of any CRM.

A journey lists the HubSpot lifecycle stages the person entered, in order, each with its time; both CRMs
render their records from it. Stages that would fall after the recording horizon simply did not happen.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from standin.generator.formats import DAY, MINUTE, next_week_boundary

NURTURE_STAGE = "105623845"  # custom lifecycle stage ナーチャリング
LIFECYCLE_STAGES = (
    "subscriber", "lead", NURTURE_STAGE, "marketingqualifiedlead", "salesqualifiedlead", "opportunity",
    "customer", "other",
)
MQL, SQL, OPPORTUNITY, CUSTOMER = "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"

QUALIFY_RATE = {"ready_to_buy": 0.95, "researching": 0.80}
MQL_MEAN_DELAY_DAYS = {"ready_to_buy": 2.0, "researching": 12.0}
SQL_RATE = {"ready_to_buy": 0.62, "researching": 0.19}
OPPORTUNITY_RATE = 0.16
WIN_RATE = 0.21
NURTURE_RATE = 0.25
WEEK_BOUNDARY_RATE = {"stage": 0.01, "deal": 0.12}
# Edge cases every dataset should hold a few of (rates are per person who got far enough).
SQL_REGRESSION_RATE = 0.08  # sales-qualified, no opportunity, sent back to nurturing
CLOSED_REGRESSION_RATE = 0.3  # lost (or churned) and recycled as a lead
BORN_QUALIFIED_RATE = 0.03  # created directly as MQL or SQL (import, sales-entered)
OPPORTUNITY_SKIP_RATE = 0.25  # opportunity without a recorded SQL (and often MQL) step
MQL_SKIP_RATE = 0.06  # lead straight to SQL


@dataclass
class Journey:
    created: int
    intent: str
    stages: list[tuple[str, int]] = field(default_factory=list)
    won: bool | None = None  # None while the opportunity is open (or there is none)
    closed_at: int | None = None
    regressed_at: int | None = None  # when the person was sent back to 'lead'
    born_stage: str | None = None  # created directly in this stage (no earlier stage recorded)

    def time_of(self, stage: str) -> int | None:
        return next((time for name, time in self.stages if name == stage), None)

    @property
    def last_event(self) -> int:
        return max([self.created, *(time for _, time in self.stages), self.closed_at or 0, self.regressed_at or 0])


def later(rng: random.Random, time: int, mean_days: float, boundary_rate: float = 0.01) -> int:
    """An event some exponentially distributed time after ``time``; a few land on the JST week boundary."""
    if rng.random() < boundary_rate:
        return next_week_boundary(time + MINUTE, monday_side=rng.random() < 0.5)
    return time + 20 * MINUTE + int(rng.expovariate(1.0 / (mean_days * DAY)))


def plan_journey(rng: random.Random, created: int, intent: str, horizon: int) -> Journey:
    journey = Journey(created, intent)
    if intent == "archive":
        _plan_unqualified(rng, journey, horizon)
    else:
        _plan_funnel(rng, journey, horizon)
    _apply_stage_skips(rng, journey)
    return journey


def _reach(journey: Journey, stage: str, time: int, horizon: int) -> bool:
    if time >= horizon:
        return False
    journey.stages.append((stage, time))
    return True


def _plan_unqualified(rng: random.Random, journey: Journey, horizon: int) -> None:
    time = journey.created
    if rng.random() < 0.3:
        _reach(journey, "subscriber", time, horizon)
        time = later(rng, time, 20.0)
    if _reach(journey, "lead", time, horizon) and rng.random() < 0.2:
        _reach(journey, "other", later(rng, time, 30.0), horizon)


def _plan_funnel(rng: random.Random, journey: Journey, horizon: int) -> None:
    intent, time = journey.intent, journey.created
    _reach(journey, "lead", time, horizon)
    if rng.random() >= QUALIFY_RATE[intent]:
        return
    if intent == "researching" and rng.random() < NURTURE_RATE:
        time = later(rng, time, 5.0)
        if not _reach(journey, NURTURE_STAGE, time, horizon):
            return
    time = later(rng, time, MQL_MEAN_DELAY_DAYS[intent])
    if not _reach(journey, MQL, time, horizon) or rng.random() >= SQL_RATE[intent]:
        return
    time = later(rng, time, 7.0)
    if not _reach(journey, SQL, time, horizon):
        return
    if rng.random() >= OPPORTUNITY_RATE:
        if rng.random() < SQL_REGRESSION_RATE:
            _regress(journey, later(rng, time, 20.0), horizon)
        return
    time = later(rng, time, 10.0, WEEK_BOUNDARY_RATE["deal"])
    if _reach(journey, OPPORTUNITY, time, horizon):
        _plan_close(rng, journey, time, horizon)


def _plan_close(rng: random.Random, journey: Journey, opened: int, horizon: int) -> None:
    won = rng.random() < WIN_RATE
    closed = later(rng, opened + 5 * DAY, 35.0, WEEK_BOUNDARY_RATE["deal"])
    if closed >= horizon:
        return
    journey.won, journey.closed_at = won, closed
    if won:
        journey.stages.append((CUSTOMER, closed))
    if rng.random() < CLOSED_REGRESSION_RATE:
        _regress(journey, later(rng, closed, 30.0), horizon)


def _regress(journey: Journey, time: int, horizon: int) -> None:
    if time < horizon:
        journey.regressed_at = time


def _apply_stage_skips(rng: random.Random, journey: Journey) -> None:
    """Records that jump stages: created already qualified, or moved past MQL/SQL in one step."""
    reached = {stage for stage, _ in journey.stages}
    if SQL in reached and rng.random() < BORN_QUALIFIED_RATE:
        _born_in(journey, SQL)
    elif MQL in reached and rng.random() < BORN_QUALIFIED_RATE:
        _born_in(journey, MQL)
    elif OPPORTUNITY in reached and rng.random() < OPPORTUNITY_SKIP_RATE:
        dropped = {NURTURE_STAGE, MQL, SQL} if rng.random() < 0.6 else {SQL}
        journey.stages = [(stage, time) for stage, time in journey.stages if stage not in dropped]
    elif SQL in reached and rng.random() < MQL_SKIP_RATE:
        journey.stages = [(stage, time) for stage, time in journey.stages if stage != MQL]


def _born_in(journey: Journey, stage: str) -> None:
    """Created directly in ``stage``: the earlier stages never happen and ``stage`` starts at creation."""
    names = [name for name, _ in journey.stages]
    journey.stages = [(stage, journey.created), *journey.stages[names.index(stage) + 1:]]
    journey.born_stage = stage
