"""Deterministic generator of recorded-fixture datasets (layout: fixtures/README.md).

``generate`` writes a dataset from a seed; ``connectors.fixture_gen.evolve.evolve`` writes the next
recording of the same CRM, for tests of incremental syncs.
"""

from connectors.fixture_gen.generate import generate

__all__ = ["generate"]
