"""The commercial side of an opportunity: amount, name and when it moved through its open stages."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from standin.generator import vocab
from standin.generator.formats import DAY, HOUR
from standin.generator.journey import OPPORTUNITY
from standin.generator.person import Person

AMOUNT_MEDIAN_JPY = 820_000
AMOUNT_SIGMA = 0.6
AMOUNT_RANGE_JPY = (300_000, 5_000_000)
MISSING_AMOUNT_RATE = 0.03
OPEN_STAGE_COUNT = 5  # Salesforce's open stages; HubSpot pipelines with fewer cap at their last open stage


@dataclass(frozen=True)
class DealPlan:
    name: str
    amount: int | None
    created: int
    stage_entries: tuple[int, ...]  # when each open stage (0, 1, ...) was entered; the first is ``created``
    closed_at: int | None
    won: bool | None
    expected_close: int


def plan_deal(rng: random.Random, person: Person, horizon: int) -> DealPlan | None:
    journey = person.journey
    created = journey.time_of(OPPORTUNITY)
    if created is None:
        return None
    end = journey.closed_at if journey.closed_at is not None else horizon
    if journey.closed_at is not None:
        stages_visited = rng.randint(1, OPEN_STAGE_COUNT)
    else:
        stages_visited = min(OPEN_STAGE_COUNT, 1 + int(rng.random() * (horizon - created) / (8 * DAY)))
    later_entries = sorted(created + HOUR + rng.randrange(max(1, end - created - 2 * HOUR))
                           for _ in range(stages_visited - 1))
    return DealPlan(
        name=f"{person.company or person.surname[0] + '様'} - {rng.choice(vocab.DEAL_PRODUCTS)}",
        amount=None if rng.random() < MISSING_AMOUNT_RATE else deal_amount(rng),
        created=created,
        stage_entries=(created, *later_entries),
        closed_at=journey.closed_at,
        won=journey.won,
        expected_close=created + rng.randint(30, 90) * DAY,
    )


def deal_amount(rng: random.Random) -> int:
    low, high = AMOUNT_RANGE_JPY
    amount = AMOUNT_MEDIAN_JPY * math.exp(rng.gauss(0.0, AMOUNT_SIGMA))
    return int(min(high, max(low, round(amount, -4))))
