"""The command line: exit codes and machine-readable output."""

from __future__ import annotations

import json

from crossborder.cli import main


def test_info_json_lists_19_border_regions(capsys):
    assert main(["info", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert sum(r["border"] == "*" for r in rows) == 19


def test_table1_csv(capsys):
    assert main(["table1", "--csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("side,region,name")
    assert "RU-SAM" in out


def test_no_command_is_usage_error(capsys):
    assert main([]) == 2


def test_unknown_region_set_is_data_error(capsys):
    assert main(["info", "--regions", "nowhere"]) == 1
    assert "unknown region set" in capsys.readouterr().err
