"""Dagster definitions of the weekly KPI pipeline."""
