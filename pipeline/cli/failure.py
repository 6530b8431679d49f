"""Why a run failed, in one paragraph: the step, the cause (the innermost meaningful message, not the stack
trace) and what to do when that is known; the trace itself is in the run's log."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.environment import Environment

if TYPE_CHECKING:
    from dagster._utils.error import SerializableErrorInfo

LONGEST_CAUSE = 800
DBT_ERRORS = "Errors parsed from dbt logs:"
# Messages of the operating system about a path: the variable that chose the path is then worth naming.
PATH_PROBLEMS = (
    "Permission denied", "Read-only file system", "Not a directory", "No such file or directory", "File exists",
    "Is a directory", "No space left on device",
)
PATH_VARIABLES = {
    "KPI_OUTPUT_DIR": ("output_dir", "where the weekly sheets are written"),
    "KPI_WORKING_DUCKDB_PATH": ("working_duckdb_path", "the run's own warehouse file"),
    "KPI_DUCKDB_PATH": ("duckdb_path", "the analysts' warehouse, replaced after each successful run"),
    "KPI_EXPORT_PARQUET_DIR": ("export_parquet_dir", "where the Parquet export is written"),
    "KPI_FIXTURES_DIR": ("fixtures_dir", "the recorded dataset served in fixture mode"),
}


@dataclass(frozen=True)
class StepFailure:
    step: str
    """The step as the CLI names it (its asset key, or the step key and what it materializes)."""
    error: SerializableErrorInfo | None
    description: str | None
    """A dagster Failure's description: the asset's own account of what went wrong."""

    @property
    def cause(self) -> str:
        """The description, then each message down the chain of causes that says something new."""
        parts = [self.description] if self.description else []
        for error in _chain(self.error):
            if error.cls_name == "Failure" or _qualified_name(error).startswith("dagster._"):
                continue  # the description is the Failure's message; Dagster's wrappers only say a step failed
            text = _message(error)
            if not any(text in part for part in parts):
                parts.append(_shown(error, text))
        cause = "; caused by ".join(parts) or "unknown (see the log)"
        return cause if len(cause) <= LONGEST_CAUSE else cause[:LONGEST_CAUSE] + " … (see the log)"


def remedy(cause: str, env: Environment) -> str | None:
    """What to do, when the cause is one the CLI knows more about than the message says."""
    if "Could not set lock on file" in cause:
        return (
            "another process holds the warehouse file open for writing (a run from the Dagster UI, a duckdb "
            "session): let it finish or close it, then run again"
        )
    if any(problem in cause for problem in PATH_PROBLEMS):
        paths = {name: getattr(env, field) for name, (field, _) in PATH_VARIABLES.items()}
        for name, path in sorted(paths.items(), key=lambda item: -len(str(item[1] or ""))):
            if path is not None and str(path) in cause:
                return f"check {name}={path} ({PATH_VARIABLES[name][1]}) or point {name} elsewhere"
    return None


def failure_paragraphs(failures: list[StepFailure], not_run: list[str], env: Environment) -> list[str]:
    """One paragraph (one line, for the terminal to wrap) per distinct cause, naming the steps that failed of it;
    what did not run after them."""
    by_cause: dict[str, list[str]] = {}
    for failure in failures:
        by_cause.setdefault(failure.cause, []).append(failure.step)
    paragraphs = []
    for cause, steps in by_cause.items():
        text = f"FAILED: {' and '.join(steps)}: {cause.rstrip('.')}."
        hint = remedy(cause, env)
        if hint:
            text += f" What to do: {hint}."
        paragraphs.append(text)
    if not_run:
        paragraphs[-1] += f" Not run: {', '.join(not_run)}."
    return paragraphs


def log_pointer(path: Path) -> str:
    return f"The full log, with the trace: {path}"


def _chain(error: SerializableErrorInfo | None):
    while error is not None:
        yield error
        error = error.cause or error.context


def _qualified_name(error: SerializableErrorInfo) -> str:
    return error.message.split(":", 1)[0] if ":" in error.message else error.message.strip()


def _message(error: SerializableErrorInfo) -> str:
    """The exception's text, without its class name; dbt's failure as the errors dbt logged."""
    _, _, text = error.message.partition(": ")
    text = text.strip()
    if DBT_ERRORS in text:
        text = "dbt build failed: " + text.split(DBT_ERRORS, 1)[1]
    return " ".join(text.split())


def _shown(error: SerializableErrorInfo, text: str) -> str:
    """A built-in exception keeps its class name (PermissionError: ...); the project's messages stand alone."""
    return f"{error.cls_name}: {text}" if "." not in _qualified_name(error) else text
