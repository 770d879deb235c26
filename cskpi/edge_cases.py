"""The demo data plus the rows on which engines are known to disagree.

    python -m cskpi.edge_cases data/demo data/engines/raw

Copies a raw folder and appends, to existing customers, the cases that a port to
another engine gets wrong silently (issue 11), so the three-engine comparison sees
them in the marts:

- survey comments with a tab, a line break inside the quoted field, repeated spaces,
  guillemets around a keyword, e-mail addresses (to be masked), non-ASCII letters next
  to a keyword ('pricé' is not 'price'), a keyword phrase split by two spaces, and a
  regex metacharacter;
- bad numbers: '12.5' for an integer score and usage counts, '1e3', ' 7 ' (kept:
  whitespace is trimmed);
- impossible dates and times: 2026-02-30, 2026-13-01, 25:00:00.

Each bad value is one row in a table of thousands, well under the rejected-row
threshold, so the build goes on and the audit counts them on every engine.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from pathlib import Path

LOADED = "2026-11-14 03:00:00"

COMMENTS = [
    "The\tprice is fine,\tsupport  is slow.",
    "Line one about the price.\nLine two: the interface is\tconfusing.",
    "Two  spaces:  value  for  money, and too   slow.",
    "«price» and «support»: write to john.smith@example.com or (ops@acme.io).",
    "Mail jane.doe+cs@example.co.uk; prices pricé PRICÉ Preis naïve café déjà-vu.",
    "Ünïcödé ütf-8: Größe, żółć, Ελληνικά, кириллица: support.",
    "C++ and .NET users: price? (price) [price] {price} price.",
    "   leading and trailing whitespace, slow   ",
    "Tab-only next:\t\t",
    'Quotes "inside" the comment, and a comma, price',
]


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        first = handle.readline()
        header = next(csv.reader([first]))
    ending = "\r\n" if first.endswith("\r\n") else "\n"  # as the file ends its lines
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore",
                                lineterminator=ending)
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in header})


def _first(path: Path, column: str, count: int) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        values = list(dict.fromkeys(r[column] for r in csv.DictReader(handle)))
    return values[:count]


def write(source: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    responses = target / "surveys" / "survey_responses.csv"
    customers = _first(target / "crm" / "customers.csv", "customer_id", 12)
    rows = []
    for i, comment in enumerate(COMMENTS):
        rows.append({
            "response_id": f"RX{i:05d}", "customer_id": customers[i % len(customers)],
            "respondent_email": f"edge{i}@example.com", "survey_type": "nps",
            "score": str(i % 11), "comment": comment,
            "responded_at": f"2026-{(i % 9) + 1:02d}-1{i % 10}T10:00:00Z", "_loaded_at": LOADED,
        })
    rows += [
        {"response_id": "RX90001", "customer_id": customers[0], "survey_type": "nps",
         "score": "12.5", "comment": "bad score", "responded_at": "2026-03-01",
         "_loaded_at": LOADED},
        {"response_id": "RX90002", "customer_id": customers[1], "survey_type": "csat",
         "score": " 4 ", "comment": "Score with spaces around it, price",
         "responded_at": "2026-04-02 08:00:00", "_loaded_at": LOADED},
        {"response_id": "RX90003", "customer_id": customers[2], "survey_type": "nps",
         "score": "9", "comment": "impossible date", "responded_at": "2026-02-30T10:00:00Z",
         "_loaded_at": LOADED},
        {"response_id": "RX90004", "customer_id": customers[3], "survey_type": "nps",
         "score": "8", "comment": "impossible hour", "responded_at": "2026-05-05 25:00:00",
         "_loaded_at": LOADED},
        {"response_id": "RX90005", "customer_id": customers[4], "survey_type": "nps",
         "score": "1e1", "comment": "exponent", "responded_at": "2026-13-01", "_loaded_at": LOADED},
    ]
    _append(responses, rows)
    _append(target / "product" / "usage_daily.csv", [
        {"customer_id": customers[5], "usage_date": "2026-02-30", "active_users": "3",
         "sessions": "4", "key_events": "5", "_loaded_at": LOADED},
        {"customer_id": customers[6], "usage_date": "2026-10-31", "active_users": "12.5",
         "sessions": "1e3", "key_events": "7", "_loaded_at": LOADED},
    ])
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args(argv)
    if not any(args.source.glob("*/*.csv")):
        print(f"error: {args.source} holds no raw CSVs: run `make build` first", file=sys.stderr)
        return 2
    write(args.source, args.target)
    print(f"==> {args.target}: {args.source} plus the engine edge cases", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
