"""`research compact`: one line saying how large the study was and is."""

from __future__ import annotations

import re
from pathlib import Path

from tests.research.cli.conftest import Run
from tests.research.test_compaction import removed  # noqa: F401 (a fixture)


def test_research_compact_says_how_much_it_freed(run: Run, removed: Path) -> None:  # noqa: F811
    result = run("compact", "--study", str(removed))
    assert result.exit_code == 0, result.output
    shown = re.fullmatch(
        r"Compacted (.+): ([\d,.]+) MB before, ([\d,.]+) MB after \(([\d,.]+) MB freed\); "
        r"search index merged\.",
        result.stdout.strip(),
    )
    assert shown is not None, result.stdout
    database, before, after, freed = shown.groups()
    assert database == str(removed / "study.db")
    sizes = [float(size.replace(",", "")) for size in (before, after, freed)]
    assert sizes[1] < sizes[0] / 2
    assert abs(sizes[0] - sizes[1] - sizes[2]) < 0.2
