"""The pipeline command refuses bad input with a message, before touching anything."""

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
