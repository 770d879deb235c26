"""dbt's command line, run by this interpreter: ``python -m cskpi.dbt_cli build ...``.

For virtualenvs with no ``dbt`` script of their own (.venv-spark is layered on .venv,
whose dbt-core it uses). A module, not ``python -c``: pyspark's connect package exits
at import when the main module has no file (it takes that for a doctest run).
"""

import sys

from dbt.cli.main import cli

if __name__ == "__main__":
    sys.argv[0] = "dbt"
    sys.exit(cli())
