"""The repository stands on its own: a clone with nothing beside it has every document,
link and fixture it needs.

Every tracked text file is read: none may point at the shared folder beside the
repository (a relative path up into it, or the founders' workspace's absolute path), and
every relative link of a Markdown file must name a file or folder inside the repository.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Spelled so that this file does not match itself.
OUTSIDE = re.compile(r"\.\./shared\b|/work/[s]hared\b")
UP = "." * 2 + "/shared"  # the relative path up into the shared folder
# [text](target) with a relative target (no scheme, no anchor-only, no mail).
LINK = re.compile(r"\[[^\]]*\]\((?!https?:|mailto:|#)([^)\s]+)\)")


def tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed.split("\0") if name]


def text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
        return None


def outside_references(files: list[Path]) -> list[str]:
    found = []
    for path in files:
        text = text_of(path)
        for number, line in enumerate((text or "").splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def broken_links(files: list[Path]) -> list[str]:
    found = []
    for path in files:
        if path.suffix != ".md":
            continue
        for target in LINK.findall(text_of(path) or ""):
            resolved = (path.parent / target.split("#", 1)[0]).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                found.append(f"{path.relative_to(ROOT)}: link to {target} does not resolve "
                             "inside the repository")
    return found


def test_no_tracked_file_points_outside_the_repository():
    assert outside_references(tracked_files()) == []


def test_every_markdown_link_resolves_inside_the_repository():
    assert broken_links(tracked_files()) == []


def test_the_checks_catch_an_outside_path_and_a_dangling_link(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "raw-contract.md").write_text("# contract\n")
    readme = tmp_path / "README.md"
    line = (f"[contract](docs/raw-contract.md), [old]({UP}/spec/x.md), "
            "[gone](docs/missing.md), [web](https://example.com)")
    readme.write_text(line + "\n")
    code = tmp_path / "seed.py"
    code.write_text(f'SEED = "/work{UP[2:]}/external/seed.csv"\n')
    assert outside_references([readme, code]) == [
        f"README.md:1: {line}", f'seed.py:1: SEED = "/work{UP[2:]}/external/seed.csv"']
    assert broken_links([readme, code]) == [
        f"README.md: link to {UP}/spec/x.md does not resolve inside the repository",
        "README.md: link to docs/missing.md does not resolve inside the repository"]


def test_the_specs_and_the_playbook_fixture_are_in_the_repository():
    for name in ("raw-contract.md", "kpi-definitions.md", "style.md"):
        assert "kept in step with" in (ROOT / "docs" / name).read_text()
    fixture = ROOT / "tests" / "fixtures" / "mrr-playbook"
    assert (fixture / "subscription_periods.csv").is_file()
    assert "dbt Labs" in (fixture / "LICENSE").read_text()
