"""The GX data docs work offline: every CDN address GX's templates name has a local copy."""

import re
from pathlib import Path

import great_expectations
import pytest

from cskpi import offline_docs

TEMPLATES = Path(great_expectations.__file__).parent / "render"


def gx_cdn_addresses() -> set[str]:
    found = set()
    for path in TEMPLATES.rglob("*"):
        if path.suffix in {".j2", ".py", ".html"}:
            found |= {m.group(0) for m in offline_docs.CDN.finditer(
                path.read_text(encoding="utf-8", errors="replace"))}
    return found


def test_every_cdn_asset_of_gx_is_served_locally(tmp_path):
    addresses = gx_cdn_addresses()
    assert len(addresses) >= 10  # GX 1.24 names 15: the scan must see them
    page = tmp_path / "validations" / "suite" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("\n".join(f'<script src="{a}"></script>' for a in sorted(addresses)))
    offline_docs.localise(tmp_path)
    text = page.read_text()
    assert not offline_docs.CDN.search(text)
    local = re.findall(r'src="([^"]+)"', text)
    assert len(local) == len(addresses)
    for reference in local:  # relative to the page, three folders down
        assert reference.startswith("../../offline/")
        assert (page.parent / reference).resolve().is_file(), reference


def test_font_awesome_finds_its_fonts():
    css = (offline_docs.ASSET_DIR / "css" / "all.min.css").read_text()
    for font in re.findall(r"url\(\.\./webfonts/([^)]+\.woff2)\)", css):
        assert (offline_docs.ASSET_DIR / "webfonts" / font).is_file(), font


def test_an_unknown_cdn_address_is_refused(tmp_path):
    (tmp_path / "index.html").write_text('<link href="https://unpkg.com/other@1/x.css">')
    with pytest.raises(RuntimeError, match=r"unpkg\.com/other@1/x\.css"):
        offline_docs.localise(tmp_path)
