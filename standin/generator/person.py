"""Who the generated persons are: arrival times, names, companies, e-mail spellings, CRM membership."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from standin.generator import vocab
from standin.generator.formats import DAY, HOUR, TOKYO, next_week_boundary
from standin.generator.journey import Journey, plan_journey

SYSTEMS = ("hubspot", "salesforce", "both")
SYSTEM_WEIGHTS = (55, 20, 25)
MISSING_EMAIL_RATE = 0.03
WEEKEND_ACCEPT_RATE = 0.2
BUSINESS_HOURS_RATE = 0.85


@dataclass
class Person:
    journey: Journey
    systems: str
    surname: tuple[str, str]
    given_name: tuple[str, str]
    company: str | None
    title: str | None
    phone: str | None
    email: str | None  # canonical lower-case address; each CRM spells it its own way
    hubspot_source: str
    lead_source: str
    owner: int  # index into vocab.SALES_REPS

    @property
    def in_hubspot(self) -> bool:
        return self.systems != "salesforce"

    @property
    def in_salesforce(self) -> bool:
        return self.systems != "hubspot"


def arrival_times(rng: random.Random, count: int, start: int, end: int) -> list[int]:
    """Creation times in [start, end): weekdays and Tokyo business hours mostly; a few at the week boundary."""
    first_day = datetime.fromtimestamp(start, TOKYO).replace(hour=0, minute=0, second=0)
    day_count = (end - start) // DAY + 2
    days = [first_day + timedelta(days=offset) for offset in range(day_count)]
    day_starts = [(int(day.timestamp()), day.weekday() >= 5) for day in days]
    times = []
    while len(times) < count:
        day_start, weekend = day_starts[rng.randrange(day_count)]
        if weekend and rng.random() >= WEEKEND_ACCEPT_RATE:
            continue
        if rng.random() < BUSINESS_HOURS_RATE:
            time = day_start + 9 * HOUR + rng.randrange(10 * HOUR)
        else:
            time = day_start + rng.randrange(DAY)
        if rng.random() < 0.01:
            time = next_week_boundary(time, monday_side=rng.random() < 0.5)
        if start <= time < end:
            times.append(time)
    times.sort()
    return times


class PersonFactory:
    """Makes persons one at a time; remembers used addresses so that no two persons share one."""

    def __init__(self, rng: random.Random, horizon: int) -> None:
        self.rng = rng
        self.horizon = horizon
        self.address_uses: dict[str, int] = {}

    def make(self, created: int) -> Person:
        rng = self.rng
        intent = rng.choices(vocab.INTENTS, vocab.INTENT_WEIGHTS)[0]
        surname, given_name = rng.choice(vocab.SURNAMES), rng.choice(vocab.GIVEN_NAMES)
        personal = intent == "archive" and rng.random() < 0.7
        company, domain, title = self._affiliation(personal)
        email = None if rng.random() < MISSING_EMAIL_RATE else self._address(given_name[1], surname[1], domain)
        return Person(
            journey=plan_journey(rng, created, intent, self.horizon),
            systems=rng.choices(SYSTEMS, SYSTEM_WEIGHTS)[0],
            surname=surname, given_name=given_name, company=company, title=title,
            phone=self._phone(personal), email=email,
            hubspot_source=rng.choices(vocab.HUBSPOT_SOURCES, vocab.HUBSPOT_SOURCE_WEIGHTS)[0],
            lead_source=rng.choices(vocab.SALESFORCE_LEAD_SOURCES, vocab.SALESFORCE_LEAD_SOURCE_WEIGHTS)[0],
            owner=rng.randrange(len(vocab.SALES_REPS)),
        )

    def _affiliation(self, personal: bool) -> tuple[str | None, str, str | None]:
        rng = self.rng
        if personal:
            student = rng.random() < 0.5
            company = rng.choice(vocab.UNIVERSITIES) if student else rng.choice((*vocab.PERSONAL_COMPANIES, None))
            return company, rng.choice(vocab.PERSONAL_DOMAINS), rng.choice(vocab.ARCHIVE_JOB_TITLES)
        (stem, stem_romaji), (sector, sector_romaji) = rng.choice(vocab.COMPANY_STEMS), rng.choice(
            vocab.COMPANY_SECTORS)
        company = rng.choice(vocab.COMPANY_FORMS).format(stem + sector)
        domain = f"{stem_romaji}-{sector_romaji}.{rng.choice(vocab.TOP_LEVEL_DOMAINS)}"
        return company, domain, rng.choice(vocab.JOB_TITLES)

    def _address(self, given: str, surname: str, domain: str) -> str:
        local = f"{given}.{surname}".lower()
        key = f"{local}@{domain}"
        uses = self.address_uses.get(key, 0) + 1
        self.address_uses[key] = uses
        return key if uses == 1 else f"{local}{uses}@{domain}"

    def _phone(self, personal: bool) -> str | None:
        rng = self.rng
        if rng.random() < 0.1:
            return None
        prefix, middle_width = rng.choice(
            (("090", 4), ("080", 4), ("070", 4)) if personal else (("03", 4), ("06", 4), ("052", 3), ("045", 3)))
        return f"{prefix}-{rng.randrange(10 ** middle_width):0{middle_width}d}-{rng.randrange(10000):04d}"


def title_case_address(address: str) -> str:
    """'taro.yamada@example.co.jp' -> 'Taro.Yamada@Example.co.jp', as people type it into forms."""
    local, domain = address.split("@", 1)
    first_label, _, rest = domain.partition(".")
    capitalised = ".".join(part.capitalize() for part in local.split("."))
    return f"{capitalised}@{first_label.capitalize()}.{rest}"


def spellings(rng: random.Random, address: str, both: bool) -> tuple[str, str]:
    """The (HubSpot, Salesforce) spellings of one address; for a person in both CRMs they always differ."""
    hubspot = title_case_address(address) if rng.random() < 0.5 else address
    if not both:
        return hubspot, _salesforce_spelling(rng, address)
    if hubspot != address:
        salesforce = address if rng.random() < 0.5 else _padded(rng, address)
    else:
        salesforce = _padded(rng, address) if rng.random() < 0.6 else address.upper()
    return hubspot, salesforce


def _salesforce_spelling(rng: random.Random, address: str) -> str:
    roll = rng.random()
    if roll < 0.6:
        return address
    return _padded(rng, address) if roll < 0.85 else title_case_address(address)


def _padded(rng: random.Random, address: str) -> str:
    return rng.choice((" {}", "{} ", " {} ", "{}\t")).format(address)
