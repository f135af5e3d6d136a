"""Options and output helpers shared by the commands."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from typing import Any

import numpy as np
import pandas as pd

from ..csvsafe import neutralise_formulas

#: The Python API's hints ("pass region='<column>'") in the words of the command line.
CLI_HINTS = [
    (r"pass name_col='<column>'", "name the column with --city-name-col COLUMN"),
    (r"pass pop_col='<column>'", "name the column with --city-pop-col COLUMN"),
    (r"pass lon_col='<column>'", "name the column with --lon-col COLUMN"),
    (r"pass lat_col='<column>'", "name the column with --lat-col COLUMN"),
    (r"pass country_col='<column>' or the regions",
     "name the column with --city-country-col COLUMN or give --regions-file FILE"),
    (r"pass the cities' crs='EPSG:\.\.\.\.'", "say which it is with --cities-crs EPSG:...."),
    (r"pass region='<column>'", "name the column with --id-col COLUMN"),
    (r"pass id_col='<column>'", "name the column with --regions-id-col COLUMN"),
    (r"pass year='<column>'", "name the column with --time-col COLUMN"),
    (r"pass value='<column>'", "name the column with --value-col COLUMN"),
    (r"pass indicator= to pick one", "pick one with --indicator NAME"),
    (r"pass country_col=", "name the country column with --group-col COLUMN, or use "
                           "--country-from-prefix"),
    (r"pass crs='EPSG:\.\.\.\.' to say which it is", "say which it is with --crs EPSG:...."),
    (r"pass crs= \(e\.g\. crs='EPSG:3857'\)", "give the right one with --crs (e.g. --crs EPSG:3857)"),
    (r"\(pass encoding= if it is one\)", "(convert it to UTF-8 if it is one)"),
    (r"pass encoding= \(e\.g\. 'cp1251' or 'latin-1'\)", "convert the file to UTF-8"),
    (r"pass encoding=", "convert the file to UTF-8"),
    (r"pass delimiter=('[^']*'|\"[^\"]*\")", "save the file as CSV separated by commas"),
    (r"pass max_bytes=None \(or a larger max_bytes\) to read it anyway — read_observations then "
     r"reads CSV files in chunks in bounded memory",
     "the limit guards against hostile files: split the file into smaller ones"),
    (r"pass max_unpacked_bytes= \(or None\) to read it anyway, or save the sheet as CSV",
     "save the sheet as CSV"),
    (r"pass max_columns= \(or None\) to read it anyway",
     "delete the cells far to the right, or save the sheet as CSV"),
    (r"pass max_rows= \(or None\) to read it anyway", "split the sheet into smaller files"),
    (r"pass layer='<name>' \(or a list of layers\)", "keep the regions in one layer of the file"),
    (r"pass sheet=", "move the data to the first sheet, or save the sheet as CSV"),
    (r"fix the file or pass decimal=", "write every number of the file with one decimal mark"),
    (r"pass decimal=',' or decimal='\.'", "write the numbers without thousands separators"),
    (r"pass mixed_crs='reproject' to reproject each to EPSG:4326",
     "reproject the files to one CRS"),
    (r"fill it or pass on_error='set_aside'", "fill it in the file"),
    (r"pass data='file\.csv' or a list of files", "give --data FILE"),
    (r"give the CRS by name, or pass crs=", "give the CRS by name in the file, or give --crs CRS"),
    (r"pass currency='USD' or 'PPP' to convert", "convert with --currency USD or PPP"),
    (r"Dataset\.with_units\(unit='NAME'\)", "--unit NAME"),
    (r"Dataset\.with_units\(fx=rates\) \(country, year, rate; deflator=index for constant "
     r"prices\)", "--fx FILE (country, year, rate; --deflator FILE for constant prices)"),
    (r"Dataset\.with_units\(fx=rates\)", "--fx FILE"),
    (r"relative='national'", "--relative national"),
    (r"pass regions= with a country column", "name the country with --group-col COLUMN"),
    (r"build it with group=\.\.\. or pass by=", "name the country with --group-col COLUMN"),
]


def cli_message(text: str) -> str:
    """An error message with the API's hints replaced by command-line options."""
    for pattern, cli in CLI_HINTS:
        text = re.sub(pattern, cli, text)
    return text


def add_output_options(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--json", action="store_true", help="print JSON (records) for machines")
    g.add_argument("--csv", action="store_true", help="print CSV")


def smart_float(v: float) -> str:
    """Numbers as people read them: 496,014 not 4.96e+05; 0.2633; 1.5e-05; 3.3e+307 (not 308
    digits with commas)."""
    a = abs(v)
    if a >= 1e15:
        return f"{v:.4g}"
    if a >= 1e4:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:,.1f}"
    return f"{v:.4g}"


def emit(args: argparse.Namespace, frame: pd.DataFrame, title: str | None = None,
         float_format: str | None = None) -> None:
    """Print a table as JSON, CSV or aligned text, per the command's options."""
    out = sys.stdout
    if getattr(args, "json", False):
        dump_json(_records(frame), out)
    elif getattr(args, "csv", False):
        flat = frame.copy()
        if isinstance(flat.columns, pd.MultiIndex):
            flat.columns = [".".join(map(str, c)) for c in flat.columns]
        neutralise_formulas(flat).to_csv(out, index=False)
    else:
        if title:
            out.write(title + "\n")
        if frame.empty:
            out.write("(no rows)\n")
            return
        with pd.option_context("display.width", 200, "display.max_rows", 500,
                               "display.max_columns", 50, "display.max_colwidth", 60):
            fmt = smart_float if float_format is None else float_format.format
            out.write(frame.to_string(index=False, na_rep="–", float_format=fmt) + "\n")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    flat = frame.copy()
    if isinstance(flat.columns, pd.MultiIndex):
        flat.columns = [".".join(map(str, c)) for c in flat.columns]
    flat = flat.astype(object).where(flat.notna(), None)
    return flat.to_dict(orient="records")


def _json_default(o: Any) -> Any:
    if isinstance(o, np.integer | np.bool_):
        return o.item()
    if isinstance(o, np.floating):
        return float(o) if np.isfinite(o) else None
    return str(o)


def json_safe(o: Any) -> Any:
    """``o`` with every non-finite float (NaN, ±inf) as None: JSON (RFC 8259) has no Infinity or
    NaN, and ``JSON.parse`` rejects them."""
    if isinstance(o, dict):
        return {str(k): json_safe(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [json_safe(v) for v in o]
    if isinstance(o, float | np.floating):
        return float(o) if math.isfinite(o) else None
    if isinstance(o, np.integer | np.bool_):
        return o.item()
    return o


def dump_json(obj: Any, out: Any = None) -> None:
    """JSON on ``out`` (stdout): non-finite numbers as null, never ``Infinity``/``NaN``."""
    out = sys.stdout if out is None else out
    json.dump(json_safe(obj), out, ensure_ascii=False, indent=1, default=_json_default,
              allow_nan=False)
    out.write("\n")
