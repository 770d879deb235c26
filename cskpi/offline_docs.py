"""Make the Great Expectations data docs work offline.

GX's HTML report loads Bootstrap, jQuery, Font Awesome, bootstrap-table, the datepicker
and Vega from CDNs, so offline (or behind a firewall) it shows unstyled and without
charts. `localise(docs_dir)` copies the same files, vendored in
`cskpi/assets/gx_offline/` at the exact versions GX asks for, next to the report and
points every page at them.

    python -m cskpi.offline_docs --vendor   # re-fetch the vendored files with `npm pack`
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ASSET_DIR = Path(__file__).with_name("assets") / "gx_offline"
TARGET = "offline"  # folder inside the data docs site

# CDN address (a regex) -> (npm package@version, file inside the package, local name).
ASSETS: list[tuple[str, str, str, str]] = [
    (r"https://maxcdn\.bootstrapcdn\.com/bootstrap/4\.3\.1/css/bootstrap\.min\.css",
     "bootstrap@4.3.1", "dist/css/bootstrap.min.css", "bootstrap.min.css"),
    (r"https://stackpath\.bootstrapcdn\.com/bootstrap/4\.3\.1/js/bootstrap\.min\.js",
     "bootstrap@4.3.1", "dist/js/bootstrap.min.js", "bootstrap.min.js"),
    (r"https://code\.jquery\.com/jquery-3\.7\.1\.min\.js",
     "jquery@3.7.1", "dist/jquery.min.js", "jquery.min.js"),
    (r"https://cdnjs\.cloudflare\.com/ajax/libs/popper\.js/1\.12\.9/umd/popper\.min\.js",
     "popper.js@1.12.9", "dist/umd/popper.min.js", "popper.min.js"),
    (r"https://cdnjs\.cloudflare\.com/ajax/libs/font-awesome/6\.6\.0/css/all\.min\.css",
     "@fortawesome/fontawesome-free@6.6.0", "css/all.min.css", "css/all.min.css"),
    (r"https://cdnjs\.cloudflare\.com/ajax/libs/bootstrap-datepicker/1\.9\.0/css/"
     r"bootstrap-datepicker\.min\.css",
     "bootstrap-datepicker@1.9.0", "dist/css/bootstrap-datepicker.min.css",
     "bootstrap-datepicker.min.css"),
    (r"https://cdnjs\.cloudflare\.com/ajax/libs/bootstrap-datepicker/1\.9\.0/js/"
     r"bootstrap-datepicker\.min\.js",
     "bootstrap-datepicker@1.9.0", "dist/js/bootstrap-datepicker.min.js",
     "bootstrap-datepicker.min.js"),
    (r"https://unpkg\.com/bootstrap-table@1\.19\.1/dist/bootstrap-table\.min\.css",
     "bootstrap-table@1.19.1", "dist/bootstrap-table.min.css", "bootstrap-table.min.css"),
    (r"https://unpkg\.com/bootstrap-table@1\.19\.1/dist/bootstrap-table\.min\.js",
     "bootstrap-table@1.19.1", "dist/bootstrap-table.min.js", "bootstrap-table.min.js"),
    # GX links the filter-control css of 1.19.0 and 1.19.1 alike; 1.19.1's serves both.
    (r"https://unpkg\.com/bootstrap-table@1\.19\.[01]/dist/extensions/filter-control/"
     r"bootstrap-table-filter-control(\.min)?\.css",
     "bootstrap-table@1.19.1", "dist/extensions/filter-control/"
     "bootstrap-table-filter-control.min.css", "bootstrap-table-filter-control.min.css"),
    (r"https://unpkg\.com/bootstrap-table@1\.19\.1/dist/extensions/filter-control/"
     r"bootstrap-table-filter-control\.min\.js",
     "bootstrap-table@1.19.1", "dist/extensions/filter-control/"
     "bootstrap-table-filter-control.min.js", "bootstrap-table-filter-control.min.js"),
    (r"https://cdn\.jsdelivr\.net/npm/@forevolve/bootstrap-dark@1\.1\.0/dist/css/"
     r"bootstrap-prefers-dark\.css",
     "@forevolve/bootstrap-dark@1.1.0", "dist/css/bootstrap-prefers-dark.css",
     "bootstrap-prefers-dark.css"),
    (r"https://cdn\.jsdelivr\.net/npm/vega@5",
     "vega@5.33.1", "build/vega.min.js", "vega.min.js"),
    (r"https://cdn\.jsdelivr\.net/npm/vega-lite@5",
     "vega-lite@5.23.0", "build/vega-lite.min.js", "vega-lite.min.js"),
    (r"https://cdn\.jsdelivr\.net/npm/vega-embed@6",
     "vega-embed@6.29.0", "build/vega-embed.min.js", "vega-embed.min.js"),
]
# Font Awesome's css loads its fonts from ../webfonts/ relative to itself.
WEBFONTS = ("fa-brands-400", "fa-regular-400", "fa-solid-900", "fa-v4compatibility")
FONT_PACKAGE = "@fortawesome/fontawesome-free@6.6.0"
# Any address of a CDN GX uses; after localise() no page may still name one.
CDN = re.compile(r"https://(maxcdn\.bootstrapcdn|stackpath\.bootstrapcdn|code\.jquery|"
                 r"cdnjs\.cloudflare|unpkg|cdn\.jsdelivr)\.(com|net)/[^\"')\s]*")


def localise(docs_dir: Path) -> int:
    """Copy the vendored assets into the site and rewrite every page to use them.
    Returns how many references were rewritten; raises if a CDN address is left."""
    target = docs_dir / TARGET
    shutil.copytree(ASSET_DIR, target, dirs_exist_ok=True)
    patterns = [(re.compile(url), local) for url, _pkg, _path, local in ASSETS]
    rewritten = 0
    for page in docs_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        prefix = "../" * (len(page.relative_to(docs_dir).parts) - 1) + TARGET + "/"
        for pattern, local in patterns:
            text, count = pattern.subn(prefix + local, text)
            rewritten += count
        left = CDN.search(text)
        if left:
            raise RuntimeError(f"{page}: no offline copy of {left.group(0)}")
        page.write_text(text, encoding="utf-8")
    return rewritten


def vendor() -> None:
    """Fetch the files with `npm pack` (the npm registry) into ASSET_DIR."""
    with tempfile.TemporaryDirectory() as tmp:
        packages: dict[str, Path] = {}
        wanted = {pkg for _u, pkg, _p, _l in ASSETS} | {FONT_PACKAGE}
        for package in sorted(wanted):
            name = subprocess.run(["npm", "pack", "-q", package], cwd=tmp, check=True,
                                  capture_output=True, text=True).stdout.split()[-1]
            unpacked = Path(tmp) / name.removesuffix(".tgz")
            with tarfile.open(Path(tmp) / name) as archive:
                archive.extractall(unpacked, filter="data")
            packages[package] = unpacked / "package"
        if ASSET_DIR.exists():
            shutil.rmtree(ASSET_DIR)
        for _url, package, path, local in ASSETS:
            (ASSET_DIR / local).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(packages[package] / path, ASSET_DIR / local)
        (ASSET_DIR / "webfonts").mkdir()
        for font in WEBFONTS:
            # woff2 only: every current browser reads it (the css's ttf is a fallback)
            shutil.copy(packages[FONT_PACKAGE] / "webfonts" / f"{font}.woff2",
                        ASSET_DIR / "webfonts")
        lines = ["Vendored for the offline GX data docs (cskpi/offline_docs.py --vendor);",
                 "each file keeps its own licence header. Packages:"]
        for package, root in sorted(packages.items()):
            licence = next((p.name for p in root.iterdir()
                            if p.name.upper().startswith("LICEN")), None)
            if licence:
                name = package.rsplit("@", 1)[0].lstrip("@").replace("/", "_")
                shutil.copy(root / licence, ASSET_DIR / f"LICENSE.{name}")
            lines.append(f"- {package}")
        (ASSET_DIR / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vendor", action="store_true", help="re-fetch the assets")
    parser.add_argument("--docs-dir", type=Path, help="a data docs folder to localise")
    args = parser.parse_args(argv)
    if args.vendor:
        vendor()
    if args.docs_dir:
        print(f"{localise(args.docs_dir)} references now point at local copies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
