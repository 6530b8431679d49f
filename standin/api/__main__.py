"""python -m standin.api --dataset DIR [--port N]: serve a dataset until interrupted.

Prints the base URLs, CA file and this start's fake credentials (one KEY=value a line), then READY.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from standin.api.dataset import DatasetError
from standin.api.server import FixtureAPI


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m standin.api", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--dataset", required=True, type=Path, help="dataset directory (see fixtures/README.md)"
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--verbose", action="store_true", help="log one line per request on stderr")
    return parser.parse_args(argv)


def _announce(api: FixtureAPI) -> None:
    credentials = api.credentials
    lines = {
        "HUBSPOT_BASE_URL": api.base_url,
        "SALESFORCE_INSTANCE_URL": api.base_url,
        "CA_FILE": api.ca_file,
        "HUBSPOT_ACCESS_TOKEN": credentials.hubspot_token,
        "SALESFORCE_CLIENT_ID": credentials.salesforce_client_id,
        "SALESFORCE_CLIENT_SECRET": credentials.salesforce_client_secret,
        "SALESFORCE_USERNAME": credentials.salesforce_username,
        "SALESFORCE_PASSWORD": credentials.salesforce_password,
        "SALESFORCE_SECURITY_TOKEN": credentials.salesforce_security_token,
    }
    for key, value in lines.items():
        print(f"{key}={value}")
    print("READY", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(message)s", stream=sys.stderr)
    try:
        api = FixtureAPI(args.dataset, port=args.port)
    except (DatasetError, OSError) as error:
        print(f"fixture API: cannot load dataset {args.dataset}: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    with api:
        _announce(api)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
