"""The pipeline command refuses bad input with a message, before touching anything."""

import json
import os
import subprocess
import sys

import pytest

from cskpi import pipeline


def test_a_malformed_as_of_date_is_refused_with_a_message(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        pipeline.main(["--raw-dir", str(tmp_path), "--as-of", "2026-13-01",
                       "--duckdb-path", str(tmp_path / "wh.duckdb")])
    assert exit_info.value.code == 2
    assert "'2026-13-01' is not a date: use YYYY-MM-DD" in capsys.readouterr().err
    assert not (tmp_path / "wh.duckdb").exists()


def test_a_missing_raw_folder_is_refused_with_a_message(tmp_path, capsys):
    code = pipeline.main(["--raw-dir", str(tmp_path / "nowhere"), "--as-of", "2026-10-31",
                          "--duckdb-path", str(tmp_path / "wh.duckdb")])
    assert code == 2
    assert f"raw folder not found: {tmp_path / 'nowhere'}" in capsys.readouterr().err
    assert not (tmp_path / "wh.duckdb").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{gross_margin: 0.7", "--vars is not valid YAML"),
        ("{gross_margn: 0.7}", "--vars: unknown var 'gross_margn' (did you mean gross_margin?)"),
        ("{gross_margin: high}", "--vars: gross_margin must be a number (default 0.8), "
                                 "got 'high'"),
        ("{fcr_include_zero_touch: 1}", "fcr_include_zero_touch must be true/false"),
        ("[gross_margin]", "--vars must be a mapping"),
        ("{as_of_date: 2026-01-01}", "set the as-of date with AS_OF"),
    ],
)
def test_bad_vars_are_refused_in_one_line_before_dbt_starts(tmp_path, capsys, text, message):
    code = pipeline.main(["--raw-dir", str(tmp_path / "nowhere"), "--as-of", "2026-10-31",
                          "--duckdb-path", str(tmp_path / "wh.duckdb"), "--vars", text])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "wh.duckdb").exists()


def test_good_vars_are_parsed_with_their_yaml_types():
    from cskpi.dbt_runner import parse_vars

    assert parse_vars("{gross_margin: 0.7, fcr_include_zero_touch: true}") == {
        "gross_margin": 0.7, "fcr_include_zero_touch": True}
    assert parse_vars("") == {}
    assert parse_vars("{reporting_currency: EUR}") == {"reporting_currency": "EUR"}


def test_an_unwritable_duckdb_path_is_refused_before_anything_runs(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = pipeline.main(["--raw-dir", str(tmp_path / "nowhere"), "--as-of", "2026-10-31",
                          "--duckdb-path", str(blocker / "wh.duckdb")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == (f"nothing was published: cannot write beside DUCKDB_PATH "
                           f"{blocker / 'wh.duckdb'} ({blocker} is a file, not a folder): "
                           "choose a writable folder")


def test_a_held_lock_is_refused_naming_the_holder(tmp_path, capsys):
    from cskpi.publish import WarehouseLock

    db = tmp_path / "wh.duckdb"
    with WarehouseLock(db, "/data/raw") as held:
        code = pipeline.main(["--raw-dir", str(tmp_path), "--as-of", "2026-10-31",
                              "--duckdb-path", str(db)])
        record = held.path.read_text()
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith(f"nothing was published: another build is running on {db} "
                          f"(pid {os.getpid()}, started 20")
    assert "raw folder /data/raw" in err and len(err.splitlines()) == 1
    assert '"pid"' in record


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path):
    from cskpi.publish import WarehouseLock, lock_path

    db = tmp_path / "wh.duckdb"
    script = ("import os, sys; from pathlib import Path; from cskpi.publish import "
              "WarehouseLock; WarehouseLock(Path(sys.argv[1]), 'raw').acquire(); "
              "os.kill(os.getpid(), 9)")
    subprocess.run([sys.executable, "-c", script, str(db)], check=False)
    dead = json.loads(lock_path(db).read_text())
    with WarehouseLock(db) as lock:
        assert lock.took_over == dead
        assert json.loads(lock_path(db).read_text())["pid"] == os.getpid()
    assert lock_path(db).read_text() == ""  # released cleanly: no record left
