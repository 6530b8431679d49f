"""Helpers shared by the tests: datasets, served stand-ins, what the raw layer must hold, the contract oracle."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
