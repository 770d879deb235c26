"""dbt's `run_started_at` (when the invocation started, UTC): a fixed time for the linter."""

from __future__ import annotations

from datetime import datetime

_STARTED = datetime(2024, 1, 1, 0, 0, 0)


def strftime(fmt: str) -> str:
    return _STARTED.strftime(fmt)
