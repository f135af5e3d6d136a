"""Copy the compiled Russia–Kazakhstan figures from ../shared/data/ru_kz into the package.

Usage: python scripts/sync_ru_kz_data.py [SOURCE_DIR]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "src" / "crossborder" / "datasets" / "ru_kz"
FILES = ["regions.csv", "observations.csv", "sources.csv", "fx.csv", "table1_as_printed.csv",
         "historical_units.csv"]


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else REPO.parent / "shared" / "data" / "ru_kz"
    if not source.is_dir():
        print(f"no such folder: {source}", file=sys.stderr)
        return 1
    for name in FILES:
        shutil.copyfile(source / name, TARGET / name)
    shutil.copyfile(source / "README.md", TARGET / "DATA_README.md")
    print(f"copied {len(FILES) + 1} files from {source} to {TARGET.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
