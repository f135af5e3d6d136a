"""Hostile input, second round (issue 16), command-line and file side: every failure classified
(exit 1 or 2 with the path, never 3 "a bug"), ``--json`` failures as a JSON object, plain and
bounded messages, look-alike codes pointed out, nothing left behind by SIGTERM/SIGHUP or killed
runs, wide files in linear time, hostile GeoJSON refused before parsing.

Each case is built by its test in pytest's tmp_path.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import stat
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _grid import write_grid

from crossborder.cli import main
from crossborder.errors import DataError, plain_message, shorten
from crossborder.io import read_observations, read_regions, read_table
from crossborder.io.regions import MAX_JSON_DEPTH, json_depth
from crossborder.report.outputs import staged_dir, sweep_stale_builds
from crossborder.validate import how_codes_differ, near_codes

YEARS = [2000, 2001, 2002, 2003, 2004, 2005]


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    d = tmp_path_factory.mktemp("grid")
    regions, data = write_grid(d, YEARS, population=False)
    return ["--regions-file", str(regions), "--data", str(data)]


def refuse_under(monkeypatch, folder: Path, err: int) -> None:
    """Make creating files and folders under ``folder`` fail with ``err`` (EROFS, ENOSPC ...),
    as a read-only or full file system would; elsewhere they work as usual."""
    real_mkstemp, real_mkdtemp = tempfile.mkstemp, tempfile.mkdtemp

    def refused(real):
        def fake(suffix=None, prefix=None, dir=None, *a, **k):
            if dir is not None and Path(dir).resolve().is_relative_to(folder.resolve()):
                raise OSError(err, os.strerror(err), str(Path(dir) / "x"))
            return real(suffix, prefix, dir, *a, **k)
        return fake

    monkeypatch.setattr(tempfile, "mkstemp", refused(real_mkstemp))
    monkeypatch.setattr(tempfile, "mkdtemp", refused(real_mkdtemp))


# ---------------------------------------------------------------------- every failure classified
def test_disk_full_while_writing_a_figure_is_exit_2_naming_the_file(tmp_path, grid, capsys,
                                                                   monkeypatch):
    import crossborder.atomic as atomic

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    out = tmp_path / "figs"
    code, _, err = run(["rolling", *grid, "--window", "4", "--out", str(out / "r.png")], capsys)
    assert code == 2
    assert f"crossborder: error: {out / 'r.png'}: no space left on the device" in err
    assert "bug" not in err
    assert [p.name for p in out.iterdir()] == []  # no half-written file, no .part left


def test_disk_full_during_report_keeps_the_old_report_and_leaves_nothing(tmp_path, capsys,
                                                                          monkeypatch):
    import crossborder.atomic as atomic

    regions, data = write_grid(tmp_path, [2000, 2001, 2002], population=False)
    out = tmp_path / "r"
    out.mkdir()
    manifest = '{"crossborder_version": "0", "tables": [], "figures": []}'
    (out / "manifest.json").write_text(manifest, encoding="utf-8")  # an earlier (empty) report

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    code, _, err = run(["report", "--regions", str(regions), "--data", str(data), "--out",
                        str(out), "--quiet"], capsys)
    assert code == 2
    assert err.startswith(f"crossborder: error: {out}{os.sep}") and "no space left on the device" in err
    assert "bug" not in err and ".part" not in err
    assert [p.name for p in out.iterdir()] == ["manifest.json"] and hidden(tmp_path) == []
    assert (out / "manifest.json").read_text(encoding="utf-8") == manifest


@pytest.mark.parametrize("command", [["figures"], ["rolling", "--window", "4"]])
def test_read_only_out_fails_before_computing_with_the_path(tmp_path, grid, capsys, monkeypatch,
                                                             command):
    ro = tmp_path / "ro"
    ro.mkdir()
    refuse_under(monkeypatch, ro, errno.EROFS)
    out = ro / ("figs" if command[0] == "figures" else "r.png")
    import crossborder.commands._inputs as inputs

    def never(*a, **k):
        raise AssertionError("computed before checking --out")

    monkeypatch.setattr(inputs, "dataset_from_args", never)
    monkeypatch.setattr(inputs, "panel_from_args", never, raising=False)
    code, _, err = run([command[0], *grid, *command[1:], "--out", str(out)], capsys)
    assert code == 2
    assert f"{out}: the file system is read-only" in err


def test_read_only_report_out_is_a_usage_error(tmp_path, grid, capsys, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    refuse_under(monkeypatch, ro, errno.EROFS)
    code, out, err = run(["report", *grid, "--out", str(ro / "rep"), "--quiet"], capsys)
    assert code == 2 and out == ""
    assert err == (f"crossborder: error: cannot write in the folder {str(ro)!r}: "
                   f"{os.strerror(errno.EROFS)}\n")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="permissions do not bind root")
def test_a_really_read_only_folder(tmp_path, grid, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        code, _, err = run(["figures", *grid, "--out", str(ro / "figs")], capsys)
    finally:
        ro.chmod(0o755)
    assert code == 2 and str(ro / "figs") in err and "permission denied" in err


def test_missing_folder_and_fifo_given_as_files(tmp_path, grid, capsys):
    missing = tmp_path / "missing.csv"
    code, _, err = run(["sigma", "--data", str(missing)], capsys)
    assert code in (1, 2) and str(missing) in err and "bug" not in err
    folder = tmp_path / "regions.geojson"
    folder.mkdir()
    code, _, err = run(["border", "--regions-file", str(folder)], capsys)
    assert code == 1
    assert err == (f"crossborder: error: {folder}: a folder, not a file: pass the .geojson, .shp "
                   "or .gpkg file itself\n")
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    code, _, err = run(["sigma", "--regions-file", grid[1], "--data", str(fifo)], capsys)
    assert code == 1
    assert err == (f"crossborder: error: {fifo}: a FIFO (named pipe), not a file: pass the table "
                   "file itself\n")


def test_read_table_says_what_a_non_file_is(tmp_path):
    fifo = tmp_path / "t.csv"
    os.mkfifo(fifo)
    with pytest.raises(DataError) as info:
        read_table(fifo)
    assert info.value.reason == "a FIFO (named pipe), not a file: pass the table file itself"
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # never opened: opening would block


# ---------------------------------------------------------------------- --json failures
def test_json_failures_print_one_error_object_on_stdout(tmp_path, grid, capsys, monkeypatch):
    missing = tmp_path / "missing.csv"
    code, out, _ = run(["sigma", "--json", "--data", str(missing)], capsys)
    doc = json.loads(out)
    assert doc == {"error": f"{missing}: no such file or folder", "kind": "file", "exit": code}
    assert code == 2

    bad = tmp_path / "bad.csv"
    bad.write_text("region,year,value\nA-00,2000,abc\n", encoding="utf-8")
    code, out, _ = run(["sigma", "--json", "--regions-file", grid[1], "--data", str(bad)], capsys)
    doc = json.loads(out)
    assert (doc["kind"], doc["exit"], code) == ("data", 1, 1) and str(bad) in doc["error"]

    code, out, _ = run(["sigma", "--json", "--no-such-option"], capsys)
    assert code == 2 and json.loads(out) == {
        "error": "unrecognized arguments: --no-such-option", "kind": "usage", "exit": 2}

    import crossborder.commands.measures as m

    def boom(args):
        raise KeyError("x")

    monkeypatch.setattr(m, "run_gamma", boom)
    code, out, err = run(["gamma", "--json"], capsys)
    assert code == 3 and json.loads(out) == {"error": "internal error (KeyError): 'x'",
                                             "kind": "internal", "exit": 3}


def test_without_json_stdout_stays_empty_on_failure(tmp_path, capsys):
    code, out, err = run(["sigma", "--data", str(tmp_path / "missing.csv")], capsys)
    assert code == 2 and out == "" and "no such file" in err


# ---------------------------------------------------------------------- plain, bounded messages
def test_numpy_reprs_never_reach_the_message(capsys, monkeypatch):
    import crossborder.commands.measures as m

    def boom(args):
        raise DataError(f"no value in year {np.int64(2005)!r} for {np.str_('A-00')!r} "
                        f"(share {np.float64(0.25)!r})")

    monkeypatch.setattr(m, "run_gamma", boom)
    code, _, err = run(["gamma"], capsys)
    assert code == 1
    assert err == "crossborder: error: no value in year 2005 for 'A-00' (share 0.25)\n"


def test_a_10000_character_code_is_not_echoed_whole(capsys):
    code_10k = "X" * 10_000
    code, _, err = run(["sigma", "--regions", code_10k], capsys)
    assert code == 2
    assert "(10,000 characters)" in err and code_10k not in err
    assert len(err) < 800


def test_shorten_and_plain_message():
    assert shorten("AB" * 100, 40) == "ABABAB…BAB (200 characters)"
    assert shorten("Q" * 500) == "Q" * 60 + "…" + "Q" * 30 + " (500 characters)"
    assert shorten("short") == "short"
    assert plain_message("years [np.int64(2004), np.int64(2005)]") == "years [2004, 2005]"
    assert plain_message("on np.datetime64('2005-01-01')") == "on '2005-01-01'"
    assert plain_message(f"code '{'Z' * 300}' unknown") == (
        f"code '{'Z' * 60}…{'Z' * 30} (300 characters)' unknown")
    long_path = "/".join(["folder" * 10] * 5) + "/data.csv"     # 300+ characters, kept whole
    assert plain_message(f"{long_path}: no such file") == f"{long_path}: no such file"
    err = DataError(f"no value in {[np.int64(2004), np.int64(2005)]}", row=np.int64(3))
    assert err.reason == "no value in [2004, 2005]" and err.row == 3 and type(err.row) is int


# ---------------------------------------------------------------------- look-alike codes
CYR_A = "\u0410"  # CYRILLIC CAPITAL LETTER A, drawn like the Latin A


def test_how_codes_differ_names_case_form_and_look_alikes():
    assert how_codes_differ("kz-akt", "KZ-AKT") == "differs only in case"
    nfd, nfc = unicodedata.normalize("NFD", "Zürich"), unicodedata.normalize("NFC", "Zürich")
    assert nfd != nfc and how_codes_differ(nfd, nfc).startswith(
        "is the same text in another Unicode normal form (NFD")
    assert how_codes_differ(f"KZ-{CYR_A}KT", "KZ-AKT") == (
        "has 'А' (U+0410 CYRILLIC CAPITAL LETTER A) at position 4 where it has 'A' (U+0041 LATIN "
        "CAPITAL LETTER A) (letters that look alike)")
    assert how_codes_differ("KZ-AKT", "KZ-AKM") is None
    assert how_codes_differ("KZ-AKT", "KZ-AKT") is None
    assert near_codes(["kz-akt", "RU-ORE", "XX"], ["KZ-AKT", "RU-ORE"]) == {
        "kz-akt": "looks like 'KZ-AKT' but differs only in case"}


def codes_case(tmp_path: Path) -> tuple[Path, Path]:
    def square(x):
        return {"type": "Polygon", "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]]}

    codes = [("KZ-AKT", "KZ"), ("KZ-ZAP", "KZ"), ("RU-ORE", "RU"), ("RU-SAR", "RU"),
             ("RU-ZÜR", "RU")]
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"region": c, "country": k}, "geometry": square(i)}
        for i, (c, k) in enumerate(codes)]}
    regions = tmp_path / "regions.geojson"
    regions.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    written = [f"KZ-{CYR_A}KT", "kz-zap", "RU-ORE", "RU-SAR", unicodedata.normalize("NFD", "RU-ZÜR")]
    data = tmp_path / "data.csv"
    data.write_text("region,year,value\n" + "".join(
        f"{r},{y},{v}\n" for r in written for y, v in [(2010, 1), (2011, 2)]), encoding="utf-8")
    return regions, data


def test_unknown_codes_that_look_like_known_ones_are_pointed_out(tmp_path, capsys):
    regions, data = codes_case(tmp_path)
    code, _, err = run(["sigma", "--regions-file", str(regions), "--group-col", "country",
                        "--data", str(data)], capsys)
    assert code == 1
    assert (f"'KZ-{CYR_A}KT': 2 rows (first: {data}, row 2); it looks like 'KZ-AKT' but has 'А' "
            "(U+0410 CYRILLIC CAPITAL LETTER A) at position 4") in err
    assert "'kz-zap': 2 rows (first: " in err and "looks like 'KZ-ZAP' but differs only in case" in err
    assert "looks like 'RU-ZÜR' but is the same text in another Unicode normal form (NFD" in err


def test_drop_unknown_says_a_dropped_code_differs_only_in_case(tmp_path, capsys):
    regions, data = codes_case(tmp_path)
    _, _, err = run(["sigma", "--regions-file", str(regions), "--group-col", "country",
                        "--data", str(data), "--drop-unknown", "--regions", "all"], capsys)
    assert "note: 3 of the codes set aside look like codes of the regions table:" in err
    assert "'kz-zap' looks like 'KZ-ZAP' but differs only in case" in err


def test_regions_option_points_out_a_case_variant(tmp_path, capsys):
    regions, data = codes_case(tmp_path)
    data.write_text("region,year,value\n" + "".join(
        f"{r},{y},{v}\n" for r in ["KZ-AKT", "KZ-ZAP", "RU-ORE", "RU-SAR"]
        for y, v in [(2010, 1), (2011, 2)]), encoding="utf-8")
    code, _, err = run(["sigma", "--regions-file", str(regions), "--group-col", "country",
                        "--data", str(data), "--regions", "kz-akt,RU-ORE"], capsys)
    assert code == 2
    assert "'kz-akt' looks like 'KZ-AKT' but differs only in case" in err


# ---------------------------------------------------------------------- nothing left behind
def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_during_report_clean_up_like_ctrl_c(tmp_path, monkeypatch, capsys,
                                                               signum, code):
    regions, data = write_grid(tmp_path, [2000, 2001, 2002], population=False)
    import crossborder.report.sections.sigma as sigma

    def killed(*a, **k):
        assert hidden(tmp_path) and hidden(tmp_path)[0].endswith(".building")
        os.kill(os.getpid(), signum)
        time.sleep(5)  # the handler raises before this ends
        raise AssertionError("the signal did not interrupt the build")

    monkeypatch.setattr(sigma, "build", killed)
    got = main(["report", "--regions", str(regions), "--data", str(data), "--out",
                str(tmp_path / "r"), "--quiet"])
    assert got == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no report written" in err
    assert not (tmp_path / "r").exists() and hidden(tmp_path) == []
    assert signal.getsignal(signum) is not None  # restored after the run


def test_stale_build_folders_are_swept_and_live_ones_kept(tmp_path):
    import fcntl

    target = tmp_path / "report"
    stale = tmp_path / ".report.k1ll3d.building"
    (stale / "tables").mkdir(parents=True)
    (stale / "tables" / "t.csv").write_text("x\n", encoding="utf-8")
    live = tmp_path / ".report.w0rk1n.building"
    live.mkdir()
    other = tmp_path / ".other.abc.building"  # another target's: not ours to sweep
    other.mkdir()
    fd = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a run still building holds its lock
        assert sweep_stale_builds(target) == [stale]
        assert not stale.exists() and live.exists() and other.exists()
    finally:
        os.close(fd)
    stale.mkdir()
    with staged_dir(target) as building:  # the next run sweeps before it builds
        (building / "report.html").write_text("ok", encoding="utf-8")
        assert not stale.exists()
    # the folder held before was released (its run "died") and was swept too
    assert hidden(tmp_path) == [".other.abc.building"]


def test_a_run_killed_while_swapping_leaves_the_previous_report_restored(tmp_path):
    """Killed between moving the old report aside and moving the new one in: ``target`` is gone and
    ``.target.*.old`` holds the previous report. The next run puts it back before it builds, and
    removes leftover ``.old`` folders once ``target`` exists; a live build leaves them alone."""
    import fcntl

    target = tmp_path / "report"
    old = tmp_path / ".report.s3x9.old"
    old.mkdir()
    (old / "report.html").write_text("previous", encoding="utf-8")
    live = tmp_path / ".report.w0rk.building"
    live.mkdir()
    fd = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)    # another run is mid-swap: hands off
        assert sweep_stale_builds(target) == []
        assert old.is_dir() and not target.exists()
    finally:
        os.close(fd)
    assert sweep_stale_builds(target) == [live]            # that run died: its report comes back
    assert (target / "report.html").read_text(encoding="utf-8") == "previous"
    assert hidden(tmp_path) == []
    older = tmp_path / ".report.0ld1.old"
    older.mkdir()
    assert sweep_stale_builds(target) == [older]           # the report exists: a leftover goes
    assert (target / "report.html").read_text(encoding="utf-8") == "previous"
    assert hidden(tmp_path) == []


def test_report_folder_keeps_its_permissions(tmp_path):
    target = tmp_path / "report"
    target.mkdir()
    target.chmod(0o700)
    (target / "manifest.json").write_text("{}", encoding="utf-8")
    with staged_dir(target) as building:
        (building / "report.html").write_text("ok", encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert (target / "report.html").read_text(encoding="utf-8") == "ok"
    fresh = tmp_path / "fresh"
    with staged_dir(fresh) as building:
        (building / "a").write_text("", encoding="utf-8")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o777 & ~umask


# ---------------------------------------------------------------------- wide files, big cells
def test_30000_columns_read_in_linear_time_with_the_right_numbers(tmp_path):
    years = list(range(1900, 2100))
    names = [f"i{k}_{y}" for k in range(150) for y in years]           # 30,000 columns
    rng = np.random.default_rng(16)
    values = rng.uniform(1, 1000, (2, len(names))).round(2)
    lines = [",".join(["region", *names])]
    for r, row in zip(["A", "B"], values, strict=True):
        lines.append(",".join([r, *(f"{v:.2f}" for v in row)]))
    f = tmp_path / "wide.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    obs, report = read_observations(f)
    seconds = time.perf_counter() - t0
    assert seconds < 60  # measured 2 s on 2 busy cores; one pass per column took minutes
    assert len(obs) == 2 * len(names)
    got = obs.set_index(["region", "indicator", "year"])["value"]
    expect = pd.Series(values.ravel(), index=pd.MultiIndex.from_tuples(
        [(r, f"i{k}", y) for r in ["A", "B"] for k in range(150) for y in years]))
    assert np.array_equal(got.loc[expect.index].to_numpy(), expect.to_numpy())


def test_wide_columns_that_need_decisions_read_as_before(tmp_path):
    # plain columns (vectorised) beside columns with spaces, a unicode minus, a missing mark and a
    # decimal comma (each parsed alone): the same numbers as written
    f = tmp_path / "mixed.csv"
    f.write_text('region;2001;2002;2003;2004\nA;1 234,5;−2;..;7\nB;10,25;3;4,5;8\n',
                 encoding="utf-8")
    obs, report = read_observations(f)
    got = obs.set_index(["region", "year"])["value"].to_dict()
    assert got == {("A", 2001): 1234.5, ("A", 2002): -2.0, ("A", 2004): 7.0,
                   ("B", 2001): 10.25, ("B", 2002): 3.0, ("B", 2003): 4.5, ("B", 2004): 8.0}
    assert report.set_aside["row"].tolist() == [2]
    whats = {r.what for r in report.repairs}
    assert "'−' (U+2212) read as a minus sign" in whats
    assert "decimal comma read as a decimal point" in whats


def test_a_50_mb_cell_is_said_as_such(tmp_path):
    f = tmp_path / "big.csv"
    f.write_text("region,year,value\n" + "A" * 50_000_000 + ",2005,1\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_table(f, max_bytes=None)
    err = info.value
    assert err.row == 2
    assert err.reason.startswith("a cell of 50,000,000 characters (the line has 50,000,007), "
                                 "above the limit of 131,072 characters for one cell")


# ---------------------------------------------------------------------- hostile GeoJSON
def test_geojson_nested_200000_deep_is_refused_before_parsing(tmp_path, capsys):
    f = tmp_path / "deep.geojson"
    f.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
                 '{"a": ' + "[" * 200_000 + "]" * 200_000 + '}, "geometry": null}]}',
                 encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_regions(f)
    assert info.value.reason.startswith(f"not read: arrays and objects nested more than "
                                        f"{MAX_JSON_DEPTH} levels deep")
    code, _, err = run(["border", "--regions-file", str(f)], capsys)
    assert code == 1 and str(f) in err and "RecursionError" not in err


def _depth(o) -> int:
    if isinstance(o, dict):
        return 1 + max((_depth(v) for v in o.values()), default=0)
    if isinstance(o, list):
        return 1 + max((_depth(v) for v in o), default=0)
    return 0


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 24])
def test_json_depth_ignores_brackets_in_strings_across_chunks(tmp_path, monkeypatch, chunk):
    import crossborder.io.regions as regions

    monkeypatch.setattr(regions, "_CHUNK", chunk)
    doc = {"a": [[1, {"b": "[[[{{\\\"]]"}], "\\\\"], "c": {"d": [[["x\\\\\"[" * 3]]]},
           "e": '"{[' * 5}
    f = tmp_path / "x.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    assert json_depth(f) == _depth(doc) == 5


def test_a_nan_coordinate_names_file_row_and_region(tmp_path, capsys):
    def square(x, broken=False):
        ring = [[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]
        if broken:
            ring[2] = [float("nan"), 1]
        return {"type": "Polygon", "coordinates": [ring]}

    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"region": c, "country": k},
         "geometry": square(i, c == "B1")}
        for i, (c, k) in enumerate([("A1", "AA"), ("A2", "AA"), ("B1", "BB"), ("B2", "BB")])]}
    f = tmp_path / "regions.geojson"
    f.write_text(json.dumps(doc), encoding="utf-8")  # Python writes NaN, which GDAL reads
    with pytest.raises(DataError) as info:
        read_regions(f)
    err = info.value
    assert (err.file, err.row, err.column) == (str(f), 3, "geometry")
    assert err.reason == ("region 'B1' has a coordinate that is not a finite number (nan, 1): "
                          "fix the geometry")
    code, _, out = run(["border", "--regions-file", str(f), "--group-col", "country"], capsys)
    assert code == 1 and "GEOSException" not in out and "region 'B1'" in out


# ---------------------------------------------------------------------- unreachable scheduler
def test_unreachable_scheduler_fails_within_seconds(tmp_path, capsys):
    pytest.importorskip("distributed")
    f = tmp_path / "cells.parquet"
    pd.DataFrame({"region": ["A", "B"] * 3, "year": [1, 1, 2, 2, 3, 3],
                  "value": [1.0, 2, 3, 4, 5, 6]}).to_parquet(f)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    code, _, err = run(["sigma", "--data", str(f), "--scheduler", f"127.0.0.1:{port}"], capsys)
    seconds = time.perf_counter() - t0
    assert code == 2
    assert err.startswith(f"crossborder: error: --scheduler 127.0.0.1:{port}: cannot reach a Dask "
                          "scheduler there (")
    assert "Traceback" not in err and seconds < 25  # Dask's own wait is 30 s
