"""The report's one family of tests: every p-value its sections produce, adjusted once.

Each section that tests says which tests it makes (`Section.tests`: a frame of
`analysis.multiple_testing.FAMILY_COLUMNS`, one row per test, keyed by the hypothesis it
tests). The family is built from every such section the study and selection can have,
whichever sections are shown, so that a p-value reads the same in the full report, in one
section of the dashboard and in the CSV tables. The correction (Holm by default, or
Benjamini-Hochberg) is the study's setting `report.correction`. A hypothesis a later section
tests again (a one-predictor regression on an attribute already crossed with the code) is
counted once, where it is first tested.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.multiple_testing import CORRECTIONS, FAMILY_COLUMNS, Correction, correct_family
from research.report.context import SectionContext

Collect = Callable[[SectionContext], pd.DataFrame]
FAMILY_TABLE = "test_family"
_MEMO = "test family"


@dataclass(frozen=True)
class FamilyMember:
    """A section's tests: its name, title, what it needs and the tests it makes."""

    name: str
    title: str
    needs: Callable[[SectionContext], str | None]
    tests: Collect


@dataclass(frozen=True)
class PValueFamily:
    """Every test of the report with its adjusted p-value, and the tests counted elsewhere.

    tests: FAMILY_COLUMNS + p_adjusted and section. repeats: hypotheses a later table tests
    again, with the table where they stand in the family (`counted_in`).
    """

    tests: pd.DataFrame
    repeats: pd.DataFrame
    correction: Correction
    by_section: dict[str, int]

    @property
    def size(self) -> int:
        """The number of tests in the family."""
        return len(self.tests)

    def adjusted(self, table: str, rows: Sequence[object]) -> np.ndarray:
        """The adjusted p-values of `rows` of `table` (NaN where a row is not in the family)."""
        mine = self.tests[self.tests["table"] == table]
        lookup = dict(zip(mine["row"].astype(str), mine["p_adjusted"], strict=True))
        return np.array([lookup.get(str(row), np.nan) for row in rows], dtype=np.float64)

    def counted_in(self, table: str, row: object) -> str | None:
        """Where a row left out as a repeat is counted in the family, if it is one."""
        mine = self.repeats[(self.repeats["table"] == table) & (self.repeats["row"] == str(row))]
        return None if mine.empty else str(mine["counted_in"].iloc[0])

    def label(self) -> str:
        """The correction and family in a few words, for a table column."""
        return f"{_SHORT[self.correction]}, one family of {self.size} tests across the report"

    def sentence(self) -> str:
        """One sentence for a methods note: the family, its size, where its tests are, how."""
        if not self.size:
            return "The report makes no test, so no p-value is adjusted."
        parts = ", ".join(f"{title}: {count}" for title, count in self.by_section.items())
        return (
            f"Multiple testing: every p-value of the report is one family of {self.size} "
            f"tests ({parts}), adjusted once by {CORRECTIONS[self.correction]} (setting "
            f"report.correction: {self.correction}); p_adjusted is that family's. Only codes "
            "without children are tested, and each attribute once."
        )


_SHORT = {"holm": "Holm", "bh": "Benjamini-Hochberg"}


def family(context: SectionContext, members: Sequence[FamilyMember]) -> PValueFamily:
    """The report's test family for this context, built once and kept in its memo."""
    found = context.memo.get(_MEMO)
    if isinstance(found, PValueFamily):
        return found
    collected: list[pd.DataFrame] = []
    repeats: list[dict[str, str]] = []
    seen: dict[str, str] = {}
    by_section: dict[str, int] = {}
    for member in members:
        if member.needs(context) is not None:
            continue
        try:
            tests = member.tests(context)
        # A section whose analysis fails is left out of the report with its error (see
        # run_section), so it makes no test; the other sections keep their family.
        except Exception:
            continue
        tests = tests.loc[tests["p_value"].notna(), list(FAMILY_COLUMNS)]
        keep = []
        for row in tests.itertuples(index=False):
            hypothesis, table = str(row.hypothesis), str(row.table)
            counted_in = seen.setdefault(hypothesis, table)
            keep.append(counted_in == table)
            if counted_in != table:
                repeats.append({"table": table, "row": str(row.row), "counted_in": counted_in})
        kept = tests.loc[np.array(keep, dtype=bool)].assign(section=member.name)
        if len(kept):
            collected.append(kept)
            by_section[member.title] = len(kept)
    tests = (
        pd.concat(collected, ignore_index=True)
        if collected
        else pd.DataFrame(columns=[*FAMILY_COLUMNS, "section"])
    )
    corrected = correct_family(tests, context.settings.correction)
    corrected["section"] = tests["section"].to_numpy()
    result = PValueFamily(
        tests=corrected,
        repeats=pd.DataFrame(repeats, columns=["table", "row", "counted_in"]),
        correction=context.settings.correction,
        by_section=by_section,
    )
    context.memo[_MEMO] = result
    return result
