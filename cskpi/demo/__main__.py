"""python -m cskpi.demo: write the demo raw tables (see cskpi.demo.cli)."""

import sys

from cskpi.demo.cli import main

sys.exit(main())
