"""Start the dashboard: python -m cskpi.dashboard [--duckdb-path PATH] [--port 8501].

Serves on 127.0.0.1 only; open the printed address in a browser.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cskpi.dashboard.data import DEFAULT_PATH

APP = Path(__file__).with_name("app.py")


def command(duckdb_path: Path, port: int) -> tuple[list[str], dict[str, str]]:
    """The streamlit command line and environment for a published warehouse."""
    env = dict(os.environ, DUCKDB_PATH=str(duckdb_path.resolve()),
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    args = [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.headless", "true", "--server.address", "127.0.0.1",
            "--server.port", str(port), "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"]
    return args, env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duckdb-path", type=Path,
                        default=Path(os.environ.get("DUCKDB_PATH", DEFAULT_PATH)))
    parser.add_argument("--port", type=int, default=8501)
    args = parser.parse_args(argv)
    if not args.duckdb_path.exists():
        print(f"error: no published warehouse at {args.duckdb_path}: run `make build` "
              "first or pass --duckdb-path", file=sys.stderr)
        return 2
    print(f"dashboard on http://127.0.0.1:{args.port} (reading {args.duckdb_path}, "
          "read-only; Ctrl-C stops it)", flush=True)
    cmd, env = command(args.duckdb_path, args.port)
    os.execve(cmd[0], cmd, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
