"""Rewrite engine-specific types in the project's yml files into portable ones.

    python ci/portable_types.py [files...]   (default: every yml under models/ and seeds/)

`varchar` becomes `string` (dbt translates it: text on DuckDB and PostgreSQL, string on
Spark), and `double precision` becomes the first column's `&double` anchor, a type named
per target (no one name of a double-precision float is valid on every engine). A helper
for merges: tests/python/test_engines.py refuses the old names.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOUBLE = ("\"{{ 'double precision' if target.type in ['postgres', 'redshift'] "
          "else 'float64' if target.type == 'bigquery' else 'double' }}\"")


def rewrite(text: str) -> str:
    text = re.sub(r"(data_type:\s*)varchar\b(?!\s*\()", r"\1string", text)
    defined = "&double" in text
    out = []
    for line in text.splitlines(keepends=True):
        while "double precision" in line and not line.lstrip().startswith("#"):
            if "'double precision' if target.type" in line:
                break
            line = line.replace("double precision", "*double" if defined else
                                f"&double {DOUBLE}", 1)
            defined = True
        out.append(line)
    return "".join(out)


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    files = [Path(a) for a in argv] or sorted(
        [*root.glob("models/**/*.yml"), *root.glob("seeds/**/*.yml")])
    for path in files:
        old = path.read_text()
        new = rewrite(old)
        if new != old:
            path.write_text(new)
            print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
