"""python -m standin.generator --seed 3 --persons 3000 --out fixtures/demo"""

from __future__ import annotations

import argparse

from standin.generator.generate import DEFAULT_RECORDED_AT, DEFAULT_WEEKS, generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m standin.generator", description=__doc__)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--persons", type=int, required=True)
    parser.add_argument("--out", required=True, help="dataset directory to write")
    parser.add_argument("--recorded-at", default=DEFAULT_RECORDED_AT, help="ISO-8601 UTC 'now' of the recording")
    parser.add_argument("--weeks", type=int, default=DEFAULT_WEEKS, help="weeks of history before recorded-at")
    parser.add_argument("--no-status-history", dest="status_history", action="store_false",
                        help="an org that never tracked Lead Status history: LeadHistory without Status rows")
    args = parser.parse_args(argv)
    try:
        generate(args.out, args.seed, args.persons, args.recorded_at, args.weeks, args.status_history)
    except ValueError as error:
        parser.error(str(error))


if __name__ == "__main__":
    main()
