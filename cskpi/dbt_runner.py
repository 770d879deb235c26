"""The one way this project runs dbt: the pipeline, the benchmark and the tests call it.

    from cskpi.dbt_runner import run_dbt
    result = run_dbt(["build", "--vars", vars_json], duckdb_path=path, workdir=work)

Every call gets the project's profiles dir, the DuckDB file in ``DUCKDB_PATH``, on request
its own target and log folders (tests and the bench, so parallel builds never share
``target/``; the pipeline keeps the project's ``target/`` for docs and MetricFlow),
cautious indirect selection whenever a selection is given (a data test that also reads
an unselected model does not run against a table this build never made) and either
streamed output (the pipeline's progress lines) or captured output (tests, the bench).

``parse_vars`` checks a ``--vars`` text (``make build VARS='{gross_margin: 0.7}'``) against
the vars that ``dbt_project.yml`` declares before dbt starts: bad YAML, an unknown name or
a value of the wrong type is one line and exit code 2, not a dbt traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
# dbt's flags that take a selection; any of them turns on cautious indirect selection.
_SELECTION_FLAGS = ("--select", "-s", "--selector", "--exclude")


@dataclass
class DbtResult:
    """What one dbt invocation returned; stdout/stderr are empty when output streamed."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def dbt_env(duckdb_path: Path | str, selective: bool = False,
            extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment dbt runs in: profiles dir, warehouse file, selection mode."""
    env = dict(os.environ)
    env["DBT_PROFILES_DIR"] = os.environ.get("DBT_PROFILES_DIR", str(PROJECT_DIR))
    env["DUCKDB_PATH"] = str(duckdb_path)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    if selective:
        env["DBT_INDIRECT_SELECTION"] = "cautious"
    if extra:
        env.update(extra)
    return env


def dbt_command(args: Sequence[str], workdir: Path | str | None = None) -> list[str]:
    """The argv for ``dbt <args>`` with this project's dir and (optionally) own paths."""
    command = [DBT_EXECUTABLE, *args, "--project-dir", str(PROJECT_DIR)]
    if workdir is not None:
        workdir = Path(workdir)
        command += ["--target-path", str(workdir / "target"),
                    "--log-path", str(workdir / "logs")]
    return command


def run_dbt(args: Sequence[str], duckdb_path: Path | str, *,
            workdir: Path | str | None = None, capture: bool = True,
            env: Mapping[str, str] | None = None,
            pass_fds: Sequence[int] = ()) -> DbtResult:
    """Run ``dbt <args>`` on ``duckdb_path``; stream (capture=False) or capture its output.

    ``workdir`` holds this run's ``target/`` and ``logs/`` (default: the project's own).
    A selection flag in ``args`` makes indirect test selection cautious. ``pass_fds``
    are inherited by dbt (the pipeline passes its lock, so a dbt process that outlives
    a killed pipeline still holds the warehouse's lock until it ends).
    """
    args = list(args)
    selective = any(a in _SELECTION_FLAGS for a in args)
    command = dbt_command(args, workdir)
    environment = dbt_env(duckdb_path, selective=selective, extra=env)
    started = time.perf_counter()
    if capture:
        done = subprocess.run(command, cwd=PROJECT_DIR, env=environment,
                              capture_output=True, text=True, check=False,
                              pass_fds=tuple(pass_fds))
        stdout, stderr, code = done.stdout, done.stderr, done.returncode
    else:
        code = subprocess.call(command, cwd=PROJECT_DIR, env=environment,
                               pass_fds=tuple(pass_fds))
        stdout = stderr = ""
    return DbtResult(args, code, stdout, stderr, time.perf_counter() - started)


# --- --vars ---------------------------------------------------------------------------

class VarsError(ValueError):
    """A --vars text that dbt would reject or misread; the message is one line."""


def project_vars(project_dir: Path = PROJECT_DIR) -> dict[str, object]:
    """The vars ``dbt_project.yml`` declares, with their defaults."""
    import yaml

    with (project_dir / "dbt_project.yml").open(encoding="utf-8") as handle:
        project = yaml.safe_load(handle) or {}
    return dict(project.get("vars") or {})


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _same_kind(default: object, value: object) -> bool:
    if default is None or value is None:
        return True  # a null default takes anything; null resets a var to "unset"
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float)
    if isinstance(default, str):
        # YAML reads 2026-10-31 as a date and 007 as a number: both are fine as text.
        return not isinstance(value, list | dict)
    return isinstance(value, type(default))


def parse_vars(text: str | None, known: Mapping[str, object] | None = None) -> dict[str, object]:
    """Parse a ``--vars`` YAML mapping and check every name and type against the project.

    Raises VarsError with one line naming the problem and what to do.
    """
    import yaml

    if text is None or not text.strip():
        return {}
    known = project_vars() if known is None else known
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at column {mark.column + 1}" if mark is not None else ""
        raise VarsError(
            f"--vars is not valid YAML{where}: write a mapping, e.g. "
            "VARS='{gross_margin: 0.7}'") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise VarsError("--vars must be a mapping of names to values, e.g. "
                        "VARS='{gross_margin: 0.7}'")
    for name, given in value.items():
        if not isinstance(name, str) or name not in known:
            close = sorted(k for k in known if str(name)[:4] in k)[:3]
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise VarsError(f"--vars: unknown var '{name}'{hint}; the vars are listed "
                            "in dbt_project.yml")
        default = known[name]
        if not _same_kind(default, given):
            raise VarsError(f"--vars: {name} must be {_type_name(default)} "
                            f"(default {default!r}), got {given!r}")
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in value.items()}
