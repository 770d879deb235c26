"""Compatibility shim: the demo generator now lives in the ``cskpi.demo`` package.

``python -m cskpi.demo_data ...`` keeps working and runs ``python -m cskpi.demo ...``.
"""

from __future__ import annotations

import sys

from cskpi.demo import DEMO_AS_OF, generate
from cskpi.demo.cli import main
from cskpi.demo.world import add_months

__all__ = ["DEMO_AS_OF", "add_months", "generate", "main"]

if __name__ == "__main__":
    sys.exit(main())
