"""Deterministic generator of recorded-fixture datasets (layout: fixtures/README.md).

``generate`` writes a dataset from a seed; ``standin.generator.evolve.evolve`` writes the next
recording of the same CRM, for tests of incremental syncs.
"""

from standin.generator.generate import generate

__all__ = ["generate"]
