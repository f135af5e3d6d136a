"""The readers' hints in the words of the command line (Python keywords stay in the API)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import crossborder
from crossborder.commands._common import cli_message

SRC = Path(crossborder.__file__).parent
KEYWORD = re.compile(r"\bpass [a-z_]+=|\b(?:on_error|encoding|decimal|delimiter|sheet|max_[a-z]+|"
                     r"mixed_crs|country_col|data)=")


def _messages(path: Path) -> list[str]:
    """The messages of a module: string constants and f-strings (placeholders as '{}', or "'x'"
    for ``!r``), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            skip.add(id(body[0].value))
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            out.append("".join(v.value if isinstance(v, ast.Constant)
                               else "'x'" if v.conversion == ord("r") else "{}"
                               for v in node.values))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in skip:
            out.append(node.value)
    return [m for m in out if "pass " in m]


FILES = sorted((SRC / "io").glob("*.py")) + [SRC / "validate.py"]
HINTS = [(p.name, m) for p in FILES for m in _messages(p) if KEYWORD.search(m)]


def test_the_readers_have_hints_to_translate():
    assert len(HINTS) >= 15  # the scan finds the hints (it cannot pass by finding none)


@pytest.mark.parametrize(("module", "message"), HINTS, ids=[f"{m}:{t[:30]}" for m, t in HINTS])
def test_every_reader_hint_speaks_the_command_line(module, message):
    text = cli_message(message)
    assert not KEYWORD.search(text), f"{module}: {text!r}"


def test_translations_name_the_options():
    assert cli_message("no country for 3 regions: pass country_col=") == (
        "no country for 3 regions: name the country column with --group-col COLUMN, or use "
        "--country-from-prefix")
    assert cli_message("no data files given: pass data='file.csv' or a list of files") == (
        "no data files given: give --data FILE")
    assert cli_message("followed: give the CRS by name, or pass crs=") == (
        "followed: give the CRS by name in the file, or give --crs CRS")


def test_the_command_line_prints_no_python_keyword(tmp_path, capsys):
    from crossborder.cli import main

    f = tmp_path / "mixed.csv"
    f.write_text("region,year,value\nAA-R1,2013,\"1,5\"\nAA-R2,2013,2.5\n", encoding="utf-8")
    code = main(["info", "--data", str(f)])
    err = capsys.readouterr().err
    assert code == 1 and "decimal comma" in err
    assert "one decimal mark" in err and "decimal=" not in err
