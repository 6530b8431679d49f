"""`python -m pipeline run`: the weekly job run once in this process, reported one line per step (see README)."""
