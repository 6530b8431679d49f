"""Screenshots of the Dagster UI on a fresh warehouse: `python -m tools.ui_screenshots [--out DIR] [--weeks N]`.

From the project root. It starts `dagster dev` on a free loopback port with a new DAGSTER_HOME (a copy of
dagster_home/dagster.yaml) and a new warehouse, all under a temporary directory; runs the weekly job for
the newest report week, backfills the sheet's weeks (all of them, or the last N) and publishes the
warehouse from its asset page, all through the UI's own GraphQL requests; then photographs the asset
graph, a raw asset, a mart, the sheet asset and its partitions, the published warehouse, the run and the
schedule with headless Chromium (Debian's `chromium`), and prints the directory of the PNGs.

Fixture mode only (no HubSpot or Salesforce credential in the environment); about 10 minutes on 2 cores
for the demo's 52 weeks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tools.dagster_ui_requests import (
    ASSET_JOB,
    BACKFILL_STATUS,
    LAUNCH_BACKFILL,
    LAUNCH_RUN,
    LOCATION_NAMES,
    REPOSITORY,
    RUN_STATUS,
    backfill_params,
    launched_backfill_id,
    launched_run_id,
    run_params,
)

REPO = Path(__file__).resolve().parents[1]
SHEET = ["reporting", "kpi_sheet"]
PUBLISHED = ["reporting", "published_warehouse"]
SHEET_WEEKS = """
query SheetWeeks($assetKey: AssetKeyInput!) {
  assetNodeOrError(assetKey: $assetKey) { ... on AssetNode { partitionKeysByDimension { partitionKeys } } }
}
"""
FINISHED_RUN = {"SUCCESS", "FAILURE", "CANCELED"}
UNFINISHED_BACKFILL = {"REQUESTED", "CANCELING", "FAILING"}


class DagsterDev:
    """`dagster dev` in its own process group, with the GraphQL endpoint it serves."""

    def __init__(self, home: Path, env: dict, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        dagster = Path(sys.executable).with_name("dagster")
        self._log = log.open("w")
        self._process = subprocess.Popen(
            [str(dagster), "dev", "-h", "127.0.0.1", "-p", str(self.port)],
            cwd=REPO, env={**env, "DAGSTER_HOME": str(home)}, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its webserver, daemon and code server end with it
        )

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(f"{self.url}/graphql", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        if answer.get("errors"):
            raise RuntimeError(f"GraphQL errors: {answer['errors']}")
        return answer["data"]

    def wait_for_location(self, timeout: float = 300) -> str:
        """The code location's name, once it has loaded."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"dagster dev exited ({self._process.returncode}); see {self._log.name}")
            try:
                entries = self.graphql(LOCATION_NAMES)["workspaceOrError"]["locationEntries"]
            except OSError:
                entries = []
            for entry in entries:
                loaded = (entry["locationOrLoadError"] or {}).get("__typename")
                if loaded == "PythonError":
                    raise RuntimeError(f"the code location did not load; see {self._log.name}")
                if loaded == "RepositoryLocation":
                    return entry["name"]
            time.sleep(2)
        raise TimeoutError("the code location did not load in time")

    def stop(self) -> None:
        if self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
        self._log.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_run(dev: DagsterDev, run_id: str, timeout: float = 900) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = dev.graphql(RUN_STATUS, {"runId": run_id})["runOrError"].get("status")
        if status in FINISHED_RUN:
            return status
        time.sleep(3)
    raise TimeoutError(f"run {run_id} did not finish in time")


def wait_for_backfill(dev: DagsterDev, backfill_id: str, timeout: float = 3600) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = dev.graphql(BACKFILL_STATUS, {"backfillId": backfill_id})["partitionBackfillOrError"]["status"]
        if status not in UNFINISHED_BACKFILL:
            return status
        time.sleep(5)
    raise TimeoutError(f"backfill {backfill_id} did not finish in time")


def screenshot(url: str, path: Path, height: int = 1000) -> None:
    """One page in headless Chromium, given time for the UI's GraphQL answers to arrive and render."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("chromium not found: apt-get install -y chromium")
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--window-size=1600,{height}", "--virtual-time-budget=25000", f"--screenshot={path}", url],
        check=True, capture_output=True, timeout=180,
    )
    print(f"  {path.name}: {url}")


def run_the_weeks(dev: DagsterDev, location: str, weeks: int | None) -> dict[str, str]:
    """The runs whose pages are photographed; each through the UI's requests, as a person would start it."""
    keys = dev.graphql(SHEET_WEEKS, {"assetKey": {"path": SHEET}})["assetNodeOrError"]["partitionKeysByDimension"]
    partition_keys = keys[0]["partitionKeys"]
    newest = partition_keys[-1]
    print(f"report weeks {partition_keys[0]} .. {newest} ({len(partition_keys)}); weekly_kpi for {newest}")
    weekly_run = launched_run_id(dev.graphql(LAUNCH_RUN, run_params(location, "weekly_kpi", newest)))
    print(f"  run {weekly_run}: {wait_for_run(dev, weekly_run)}")

    chosen = partition_keys if weeks is None else partition_keys[-weeks:]
    print(f"backfill of {SHEET[-1]}: {len(chosen)} weeks, oldest first")
    backfill = launched_backfill_id(dev.graphql(LAUNCH_BACKFILL, backfill_params([SHEET], chosen)))
    print(f"  backfill {backfill}: {wait_for_backfill(dev, backfill)}")

    publish_run = launched_run_id(dev.graphql(LAUNCH_RUN, run_params(location, ASSET_JOB, assets=[PUBLISHED])))
    print(f"published_warehouse from its asset page, run {publish_run}: {wait_for_run(dev, publish_run)}")
    return {"weekly_run": weekly_run, "backfill": backfill}


def take_screenshots(dev: DagsterDev, location: str, runs: dict[str, str], out: Path) -> None:
    repo_path = f"{REPOSITORY}@{location}"
    pages = [  # file, page, window height (the asset pages are long)
        ("01_asset_graph.png", "/asset-groups", 1200),
        ("01b_reporting_group.png", f"/locations/{repo_path}/asset-groups/reporting", 1000),
        ("02_raw_hubspot_contacts.png", "/assets/raw_hubspot/contacts", 1400),
        ("03_mart_funnel_weekly.png", "/assets/marts/funnel_weekly", 2600),
        ("04_kpi_sheet.png", "/assets/reporting/kpi_sheet", 1600),
        ("05_kpi_sheet_partitions.png", "/assets/reporting/kpi_sheet?view=partitions", 1200),
        ("06_published_warehouse.png", "/assets/reporting/published_warehouse", 1400),
        ("07_weekly_run.png", f"/runs/{runs['weekly_run']}", 1000),
        ("08_backfill.png", f"/runs/b/{runs['backfill']}?tab=partitions", 1000),
        ("09_schedule.png", f"/locations/{repo_path}/schedules/weekly_kpi_schedule", 1000),
    ]
    for name, page, height in pages:
        screenshot(dev.url + page, out / name, height)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.ui_screenshots", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, help="directory for the PNGs (default: a new temporary directory)")
    parser.add_argument("--weeks", type=int, help="backfill only the last N report weeks (default: all)")
    parser.add_argument("--keep", action="store_true", help="leave dagster dev running until Ctrl-C")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="kpi-ui-"))
    out = args.out or work / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    home = work / "dagster_home"
    home.mkdir()
    # The project's instance settings, without the UI's first-visit invitation, which would cover every page.
    settings = (REPO / "dagster_home" / "dagster.yaml").read_text() + "\nnux:\n  enabled: false\n"
    (home / "dagster.yaml").write_text(settings)
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("HUBSPOT_", "SALESFORCE_"))},
        "KPI_DUCKDB_PATH": str(work / "data" / "kpi.duckdb"),
        "KPI_WORKING_DUCKDB_PATH": str(work / "data" / "working" / "kpi.duckdb"),
        "KPI_OUTPUT_DIR": str(work / "output"),
    }
    print(f"working directory {work} (DAGSTER_HOME, warehouse, sheets, dagster-dev.log)")
    dev = DagsterDev(home, env, work / "dagster-dev.log")
    try:
        location = dev.wait_for_location()
        print(f"dagster dev on {dev.url}, code location {location}")
        runs = run_the_weeks(dev, location, args.weeks)
        take_screenshots(dev, location, runs, out)
        print(f"screenshots in {out}")
        if args.keep:
            print(f"dagster dev stays on {dev.url}; Ctrl-C to stop it")
            signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        dev.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
