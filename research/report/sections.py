"""The report's sections: one registry of small objects, each saying what it needs from a study.

A `Section` has a name (its key in the dashboard and the stem of its files), a title,
`needs` (None, or the one line saying why this study or selection cannot have it),
`compute` (its tables and methods note) and, for most, `figure` (a chart drawn from what
`compute` gave). The report, the dashboard and `research report` all go through
`SECTIONS`, in report order.

Nothing here knows one study: which attributes are crossed with codes comes from the data
dictionary (`analysis: true`); the era split, departures, the ranking of codes and the
regression come from the study's settings (`research.study_settings`). A study without
them simply has no such section, and the reason says which setting or attribute is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis import (
    agreement,
    charts,
    cooccurrence,
    coverage,
    findings,
    frequencies,
    regression,
)
from analysis.crosstabs import Crosstab
from analysis.multiple_testing import FAMILY_COLUMNS, leaf_codes
from research.report import testing
from research.report.context import Result, SectionContext, held_back_line
from research.report.selection import select
from research.services import agreement_data
from research.study_settings import EraSplit

Needs = Callable[[SectionContext], str | None]
Compute = Callable[[SectionContext], Result]
Figure = Callable[[SectionContext, Result], Axes | None]
Tests = Callable[[SectionContext], pd.DataFrame]


@dataclass(frozen=True)
class Section:
    """One section of the report: what it needs, how its tables and its figure are made."""

    name: str
    title: str
    needs: Needs
    compute: Compute
    figure: Figure | None = None
    # The tests the section makes, for the report's one family (research.report.testing).
    tests: Tests | None = None


def _family(context: SectionContext) -> testing.PValueFamily:
    """The report's one family of tests, from every section that tests."""
    members = [
        testing.FamilyMember(section.name, section.title, section.needs, section.tests)
        for section in SECTIONS
        if section.tests is not None
    ]
    return testing.family(context, members)


def _family_tests(table: pd.DataFrame, name: str, family: testing.PValueFamily) -> pd.DataFrame:
    """A tests table with its p-values adjusted in the report's family, and the family named."""
    adjusted = table.copy()
    adjusted["p_adjusted"] = family.adjusted(name, table["code_id"])
    adjusted["correction"] = np.where(adjusted["p_adjusted"].notna(), family.label(), "")
    return adjusted


def _crosstab_tests(name: str, attribute: str, table: Crosstab) -> pd.DataFrame:
    """The family rows of one crosstab's tests: each tested code against the attribute."""
    tests = table.tests
    return pd.DataFrame(
        {
            "hypothesis": [f"{code_id} ~ {attribute}" for code_id in tests["code_id"]],
            "table": name,
            "row": tests["code_id"].astype(str).to_numpy(),
            "p_value": tests["p_value"].to_numpy(),
        },
        columns=list(FAMILY_COLUMNS),
    )


def _always(context: SectionContext) -> str | None:
    """Sections over codings alone need nothing a study with codings lacks."""
    return None


def _choose_attribute(context: SectionContext, setting: str | None, key: str) -> tuple[str, str]:
    """(attribute, '') for a figure's attribute, or ('', why there is none).

    The setting `report.<key>` names it; without one, the first analysis attribute that
    the selected interviews have values for.
    """
    if setting is not None:
        if not context.known(setting):
            return "", f"report.{key} names {setting!r}, which the data dictionary does not have"
        if not context.has_values(setting):
            return "", f"no selected interview has a value for {setting} (report.{key})"
        return setting, ""
    marked = context.analysis_attributes()
    if not marked:
        return "", (
            "the data dictionary marks no attribute for analysis (analysis: true) and the "
            f"settings name none (report.{key})"
        )
    for name in marked:
        if context.has_values(name):
            return name, ""
    return "", f"no selected interview has a value for the analysis attributes {', '.join(marked)}"


def _once(methods: list[str]) -> str:
    """Several methods notes as one, each sentence they share said once."""
    sentences = (sentence for method in methods for sentence in re.split(r"(?<=\.)\s+", method))
    return " ".join(dict.fromkeys(sentence for sentence in sentences if sentence))


def _lowered(label: str) -> str:
    """A label inside a sentence: 'Interview place' becomes 'interview place'."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


# Frequencies


def _frequencies(context: SectionContext) -> Result:
    tables = {
        f"frequencies_{unit}": frequencies.frequencies(
            context.codings,
            context.interviews,
            context.codes,
            unit=unit,
            source=context.source.label,
        )
        for unit in ("codings", "interviews", "respondents")
    }
    codes = context.codes
    candidates = codes["applicable"].astype(bool)
    if context.selection.groups:
        candidates &= codes["group"].isin(list(context.selection.groups))
    return Result(
        "frequencies",
        FREQUENCIES.title,
        context.note(
            "Counts at three units: codings; interviews in which the coding source "
            "holds the code; respondents with any such interview. Parent codes roll "
            "up their children without counting an interview or respondent twice.",
            context.unused_line(codes.loc[candidates, "code_id"]),
        ),
        tables,
    )


def _frequencies_figure(context: SectionContext, result: Result) -> Axes | None:
    shown = result.tables["frequencies_interviews"]
    applicable = set(context.codes.loc[context.codes["applicable"], "code_id"])
    drawn = shown[shown["code_id"].isin(applicable) & (shown["count"] > 0)]
    return charts.plot_frequencies(drawn) if len(drawn) else None


FREQUENCIES = Section(
    "frequencies", "Code frequencies", _always, _frequencies, _frequencies_figure
)


# Crosstabs by the analysis attributes


def _analysed(context: SectionContext) -> list[str]:
    return [name for name in context.analysis_attributes() if context.has_values(name)]


def _crosstabs_needs(context: SectionContext) -> str | None:
    marked = context.analysis_attributes()
    if not marked:
        return "the data dictionary marks no attribute for analysis (analysis: true)"
    if not _analysed(context):
        return f"no selected interview has a value for the analysis attributes {', '.join(marked)}"
    return None


def _crosstabs_tests(context: SectionContext) -> pd.DataFrame:
    return pd.concat(
        [
            _crosstab_tests(f"crosstab_{attribute}_tests", attribute, context.crosstab(attribute))
            for attribute in _analysed(context)
        ],
        ignore_index=True,
    )


def _crosstabs(context: SectionContext) -> Result:
    tables: dict[str, pd.DataFrame] = {}
    methods = []
    family = _family(context)
    for attribute in _analysed(context):
        table = context.crosstab(attribute)
        tables[f"crosstab_{attribute}_counts"] = table.counts.reset_index()
        tables[f"crosstab_{attribute}_row_percent"] = table.row_percent.reset_index()
        tables[f"crosstab_{attribute}_column_percent"] = table.column_percent.reset_index()
        tables[f"crosstab_{attribute}_prevalence"] = table.prevalence
        name = f"crosstab_{attribute}_tests"
        tables[name] = _family_tests(table.tests, name, family)
        tables[f"crosstab_{attribute}_residuals"] = table.residuals.reset_index()
        methods.append(table.method)
    attribute, why = _choose_attribute(context, context.settings.prevalence_by, "prevalence_by")
    if why:
        figure = f"No figure: {why}."
    else:
        groups = context.codes.loc[context.codes["depth"] == 0, "code_id"]
        figure = (
            f"The figure shows the code groups by {_lowered(context.label(attribute))}. "
            + context.unused_line(groups, where="by the selected respondents")
        )
    return Result(
        "crosstabs",
        CROSSTABS.title,
        context.note(
            "Attributes marked for analysis in the data dictionary: "
            f"{', '.join(_analysed(context))}.",
            _once(methods),
            family.sentence(),
            figure,
        ),
        tables,
    )


def _crosstabs_figure(context: SectionContext, result: Result) -> Axes | None:
    attribute, why = _choose_attribute(context, context.settings.prevalence_by, "prevalence_by")
    if why:
        return None
    prevalence = context.crosstab(attribute).prevalence
    groups = set(context.codes.loc[context.codes["depth"] == 0, "code_id"]) & context.used_codes()
    drawn = prevalence[prevalence["code_id"].isin(groups)]
    if drawn.empty:
        return None
    return charts.plot_prevalence(
        drawn,
        attribute=context.label(attribute),
        codes=context.codes,
        level_labels=context.level_labels(attribute),
    )


CROSSTABS = Section(
    "crosstabs",
    "Code prevalence by the analysis attributes",
    _crosstabs_needs,
    _crosstabs,
    _crosstabs_figure,
    _crosstabs_tests,
)


# Code groups by one attribute


def _groups_needs(context: SectionContext) -> str | None:
    _, why = _choose_attribute(context, context.settings.groups_by, "groups_by")
    return why or None


def _groups_table(context: SectionContext, attribute: str) -> pd.DataFrame:
    """Respondents mentioning each used top-level group, by the levels of `attribute`."""
    table = context.crosstab(attribute)
    top = context.codes.loc[context.codes["depth"] == 0, ["code_id", "title"]]
    counts = table.counts.drop(columns="total", errors="ignore")
    used = context.used_codes()
    counts = counts.loc[counts.index.isin(top["code_id"]) & counts.index.isin(used)]
    counts.index = counts.index.map(dict(zip(top["code_id"], top["title"], strict=True)))
    return counts


def _groups(context: SectionContext) -> Result:
    attribute, _ = _choose_attribute(context, context.settings.groups_by, "groups_by")
    label = _lowered(context.label(attribute))
    counts = _groups_table(context, attribute)
    groups = context.codes.loc[context.codes["depth"] == 0, "code_id"]
    return Result(
        "groups",
        f"Code groups by {label}",
        context.note(
            f"Respondents mentioning each top-level code group (any code in it), by {label}; "
            "counts only, no test (the codes are tested in the crosstabs).",
            context.unused_line(groups, where="by the selected respondents"),
        ),
        {f"groups_by_{attribute}": counts.reset_index(names="group")},
    )


def _groups_figure(context: SectionContext, result: Result) -> Axes | None:
    attribute, _ = _choose_attribute(context, context.settings.groups_by, "groups_by")
    counts = _groups_table(context, attribute)
    if counts.empty:
        return None
    return charts.plot_grouped_bars(
        counts,
        attribute=context.label(attribute),
        value_label="Respondents",
        level_labels=context.level_labels(attribute),
    )


GROUPS = Section(
    "groups", "Code groups by an attribute", _groups_needs, _groups, _groups_figure
)


# Eras compared


def _eras_present(context: SectionContext, split: EraSplit) -> list[str]:
    """The eras (in the split's order) that the selected respondents fall in."""
    derived = findings.with_era(context.interviews, attribute=split.attribute, era_of=split.era_of)
    present = set(derived[findings.ERA].dropna())
    return [name for name in split.names if name in present]


def _era_labels(split: EraSplit) -> dict[str, str]:
    return dict(zip(split.names, split.labels, strict=True))


def _era_needs(context: SectionContext) -> str | None:
    split = context.settings.era
    if split is None:
        return "the study's settings define no era split (report.era)"
    if not context.has_years(split.attribute):
        return (
            f"no selected respondent has a year in {split.attribute}, the attribute the era "
            "split cuts (report.era.attribute)"
        )
    unknown = [group for group in split.code_groups if group not in context.top_groups()]
    if unknown:
        return (
            "report.era.code_groups names code groups the codebook does not have: "
            f"{', '.join(unknown)}"
        )
    eras = _eras_present(context, split)
    if len(eras) < 2:
        return (
            f"every selected respondent falls in one era ({_era_labels(split)[eras[0]]}); "
            "comparing eras needs respondents in two"
        )
    return None


def _era_table(context: SectionContext) -> tuple[EraSplit, Crosstab]:
    split = context.settings.era
    assert split is not None  # checked by _era_needs
    found = context.memo.get("era table")
    if isinstance(found, Crosstab):
        return split, found
    table = findings.era_comparison(
        context.present,
        context.interviews,
        context.codes,
        attribute=split.attribute,
        era_of=split.era_of,
        levels=_eras_present(context, split),
        groups=split.code_groups,
        correction=None,
        tested=leaf_codes(context.codes),
    )
    context.memo["era table"] = table
    return split, table


def era_statement(split: EraSplit) -> str:
    """The era cut in one sentence, saying where it comes from and what else it stands for."""
    eras = "; ".join(
        f"{label}: {split.attribute} {_era_years(split, index)}"
        for index, label in enumerate(split.labels)
    )
    cuts = ", ".join(str(cut) for cut in split.cuts)
    return (
        f"Era cut: {eras}. The cut is the study's setting (report.era.cuts: [{cuts}]), not "
        "the toolkit's; every era comparison, figure and filter by era in this report uses it."
    )


def _era_years(split: EraSplit, index: int) -> str:
    low = split.cuts[index - 1] if index else None
    high = split.cuts[index] if index < len(split.cuts) else None
    if low is None:
        return f"{high - 1 if high is not None else ''} or earlier"
    if high is None:
        return f"{low} or later"
    return f"{low} to {high - 1}"


def _era_tests(context: SectionContext) -> pd.DataFrame:
    split, table = _era_table(context)
    return _crosstab_tests("era_tests", f"era of {split.attribute}", table)


def _era(context: SectionContext) -> Result:
    split, table = _era_table(context)
    family = _family(context)
    linked = sorted((context.era_attributes() - {split.attribute}) & set(_analysed(context)))
    once = (
        f"The crosstabs by {', '.join(linked)} describe the same eras without testing them "
        "again."
        if linked
        else ""
    )
    return Result(
        "era",
        f"Eras compared by {_lowered(context.label(split.attribute))}",
        context.note(
            era_statement(split),
            split.note,
            table.method,
            family.sentence(),
            once,
            context.unused_line(table.counts.index[:-1], where="by the selected respondents"),
        ),
        {
            "era_counts": table.counts.reset_index(),
            "era_prevalence": table.prevalence,
            "era_tests": _family_tests(table.tests, "era_tests", family),
            "era_residuals": table.residuals.reset_index(),
        },
    )


def _era_figure(context: SectionContext, result: Result) -> Axes | None:
    split, table = _era_table(context)
    drawn = table.prevalence[table.prevalence["code_id"].isin(context.used_codes())]
    if drawn.empty:
        return None
    return charts.plot_prevalence(
        drawn, attribute="Era", codes=context.codes, level_labels=_era_labels(split)
    )


ERA = Section("era", "Eras compared", _era_needs, _era, _era_figure, _era_tests)


# A stated ranking of codes


def _ranked_interviews(context: SectionContext) -> tuple[pd.DataFrame, str]:
    """The interviews of the respondents the ranking speaks of, and what to call them."""
    ranking = context.settings.ranking
    assert ranking is not None
    among = ranking.among
    if among is None:
        return context.interviews, "respondents"
    interviews = context.interviews
    conditions: dict[str, list[str]] = dict(among.attributes)
    split = context.settings.era
    if among.eras and split is not None:
        interviews = findings.with_era(interviews, attribute=split.attribute, era_of=split.era_of)
        conditions[findings.ERA] = list(among.eras)
    return findings.respondents_among(interviews, conditions), among.label


def _ranking_needs(context: SectionContext) -> str | None:
    ranking = context.settings.ranking
    if ranking is None:
        return "the study's settings state no ranking of codes to check (report.ranking)"
    unknown = [code for code in ranking.codes if code not in set(context.codes["code_id"])]
    if unknown:
        return f"report.ranking names codes the codebook does not have: {', '.join(unknown)}"
    among = ranking.among
    if among is not None:
        split = context.settings.era
        if among.eras and split is None:
            return "report.ranking.among names eras, but the settings define no era split"
        if among.eras and split is not None and not context.has_years(split.attribute):
            return (
                f"no selected respondent has a year in {split.attribute}, which the eras of "
                "report.ranking.among need"
            )
        missing = [name for name in among.attributes if name not in context.interviews.columns]
        if missing:
            return f"report.ranking.among names attributes the data lack: {', '.join(missing)}"
        interviews, label = _ranked_interviews(context)
        if interviews.empty:
            return f"no selected respondent is among the {label} ({among.describe()})"
    return None


def _ranking(context: SectionContext) -> Result:
    ranking = context.settings.ranking
    assert ranking is not None  # checked by _ranking_needs
    interviews, label = _ranked_interviews(context)
    table = findings.code_ranking(
        context.present, interviews, context.codes, ranked=ranking.codes, among=label
    )
    base = int(table["base"].iloc[0])
    among = ranking.among
    who = (
        f"Among n = {base} {label} ({among.describe()}; setting report.ranking.among), "
        f"out of {context.interviews['respondent_id'].nunique()} selected respondents."
        if among is not None
        else f"Among all n = {base} selected respondents (no filter is set: report.ranking.among)."
    )
    era = context.settings.era
    cut = era_statement(era) if among is not None and among.eras and era is not None else ""
    return Result(
        "ranking",
        ranking.title,
        context.note(
            who,
            cut,
            str(table["method"].iloc[0]),
            _rank_sentence(table),
            "A mention in an interview is not a measure of importance: the share counts "
            "respondents who raised a motive at all, not how much it weighed.",
            ranking.note,
        ),
        {"ranking": table},
    )


def _rank_sentence(table: pd.DataFrame) -> str:
    """The ranks the intervals allow, in words: 'ranks 1–2 (tied within intervals)'."""
    parts = []
    for row in table.itertuples(index=False):
        if pd.isna(row.rank_best):
            continue
        best, worst = int(row.rank_best), int(row.rank_worst)
        ranks = f"rank {best}" if best == worst else f"ranks {best}–{worst}"
        parts.append(f"{row.title}: {ranks}")
    if not parts:
        return ""
    return "Ranks the 95% intervals allow: " + "; ".join(parts) + "."


def _ranking_figure(context: SectionContext, result: Result) -> Axes | None:
    return charts.plot_rank_intervals(result.tables["ranking"], codes=context.codes)


RANKING = Section(
    "ranking", "A stated ranking of codes against the data", _ranking_needs, _ranking,
    _ranking_figure,
)  # fmt: skip


# Co-occurrence, the code matrix, coverage and saturation


def _used_applicable(context: SectionContext) -> list[str]:
    codes = context.codes
    applicable = codes.loc[codes["applicable"].astype(bool), "code_id"]
    used = context.used_codes()
    return [str(code_id) for code_id in applicable if code_id in used]


def _cooccurrence_needs(context: SectionContext) -> str | None:
    used = _used_applicable(context)
    if len(used) < 2:
        return f"co-occurrence needs two or more codes in use; this selection uses {len(used)}"
    return None


def _cooccurrence(context: SectionContext) -> Result:
    same = cooccurrence.cooccurrence_interviews(context.present, context.codes)
    overlapping = cooccurrence.cooccurrence_segments(context.codings, distance=0)
    applicable = context.codes.loc[context.codes["applicable"].astype(bool), "code_id"]
    return Result(
        "cooccurrence",
        COOCCURRENCE.title,
        context.note(
            "Same interview: interviews in which both codes are present (Jaccard = "
            "both / either). Overlapping segments: each coder's codings on their own; "
            "Jaccard = codings of either code that overlap one of the other / codings "
            "of either code.",
            context.unused_line(applicable),
        ),
        {"cooccurrence_interviews": same, "cooccurrence_segments": overlapping},
    )


def _cooccurrence_figure(context: SectionContext, result: Result) -> Axes | None:
    pairs = result.tables["cooccurrence_interviews"]
    used = set(_used_applicable(context))
    drawn = pairs[pairs["code_a"].isin(used) & pairs["code_b"].isin(used)]
    return charts.plot_cooccurrence(drawn, value="jaccard", codes=context.codes)


COOCCURRENCE = Section(
    "cooccurrence", "Co-occurrence of codes", _cooccurrence_needs, _cooccurrence,
    _cooccurrence_figure,
)  # fmt: skip


def _matrix(context: SectionContext) -> Result:
    matrix = coverage.code_matrix(context.codings, context.interviews, context.codes)
    return Result(
        "matrix",
        MATRIX.title,
        context.note(
            "Number of codings of each code in each interview.",
            context.unused_line(matrix.columns),
        ),
        {"code_matrix": matrix.reset_index()},
    )


def _matrix_figure(context: SectionContext, result: Result) -> Axes | None:
    matrix = result.tables["code_matrix"].set_index("interview_id")
    drawn = matrix.loc[:, matrix.sum(axis=0) > 0]
    if drawn.shape[1] == 0:
        return None
    return charts.plot_code_matrix(drawn, codes=context.codes)


MATRIX = Section("matrix", "Code-by-interview matrix", _always, _matrix, _matrix_figure)


def _coverage(context: SectionContext) -> Result:
    return Result(
        "coverage",
        COVERAGE.title,
        context.note(
            "Characters inside at least one coding, per coder, over the "
            "transcript's characters; overlaps are counted once."
        ),
        {"coverage": coverage.coverage(context.codings, context.interviews)},
    )


COVERAGE = Section("coverage", "Coverage: share of each transcript coded", _always, _coverage)


def _saturation(context: SectionContext) -> Result:
    return Result(
        "saturation",
        SATURATION.title,
        context.note(
            "Interviews in date order; a code is new the first time any "
            "selected coder applies it."
        ),
        {"saturation": coverage.saturation(context.codings, context.interviews)},
    )


def _saturation_figure(context: SectionContext, result: Result) -> Axes | None:
    return charts.plot_saturation(result.tables["saturation"])


SATURATION = Section(
    "saturation", "Saturation: new codes per interview", _always, _saturation, _saturation_figure
)


# Agreement


def _every_coder(context: SectionContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every coder's own codings of the selection, before the coder filter."""
    every = replace(context.selection, coder=None)
    return select(context.frames, every, codings=context.frames.coder_codings)


def _agreement_needs(context: SectionContext) -> str | None:
    codings, _ = _every_coder(context)
    return agreement_data.second_coder_missing(codings)


def _agreement(context: SectionContext) -> Result:
    # Agreement compares coders, so the coder filter does not apply; the others do.
    codings, interviews = _every_coder(context)
    selected = replace(
        context.frames, codings=codings, coder_codings=codings, interviews=interviews
    )
    results = {
        unit: agreement_data.study_agreement(selected, context.frames.passes, unit=unit)
        for unit in ("interview", "segment", "character")
    }
    tables = {f"agreement_{unit}": result.table for unit, result in results.items()}
    first = results["interview"]
    tables["agreement_passes"] = first.completed
    every_coder = replace(context.selection, coder=None)
    return Result(
        "agreement",
        AGREEMENT.title,
        " ".join(
            part
            for part in (
                _agreement_headline(results),
                "Krippendorff's alpha is the headline coefficient; percent agreement stands "
                "beside it and is not chance-corrected: at the segment and character units it "
                "is dominated by spans and characters neither coder coded.",
                f"All coders, before the coder filter. {first.rule} {first.completed_line}",
                *(
                    agreement.UNIT_METHODS[unit].format(overlap=agreement_data.OVERLAP)
                    for unit in results
                ),
                *agreement.POOLED_METHODS.values(),
                agreement.COEFFICIENTS,
                f"Filters: {every_coder.describe()}.",
                held_back_line(context.frames),
            )
            if part
        ),
        tables,
    )


def _agreement_headline(results: dict[str, agreement_data.StudyAgreement]) -> str:
    """Pooled nominal alpha over codes at each unit, percent agreement beside it."""
    parts = []
    for unit, result in results.items():
        pooled = result.table[result.table["code_id"] == agreement.POOLED_NOMINAL]
        if pooled.empty or pd.isna(pooled["krippendorff_alpha"].iloc[0]):
            continue
        alpha = float(pooled["krippendorff_alpha"].iloc[0])
        percent = float(pooled["percent_agreement"].iloc[0])
        parts.append(f"{agreement.UNIT_NAMES[unit]} {alpha:.3f} ({percent:.1f}% agreement)")
    return f"Pooled nominal α over codes: {'; '.join(parts)}." if parts else ""


def _agreement_figure(context: SectionContext, result: Result) -> Axes | None:
    return charts.plot_agreement(result.tables["agreement_interview"], codes=context.codes)


AGREEMENT = Section(
    "agreement", "Intercoder agreement", _agreement_needs, _agreement, _agreement_figure
)


# Regression


def _predictors(context: SectionContext) -> tuple[list[str], list[str]]:
    """The regression's predictors with values in the selection, and those without."""
    spec = context.settings.regression
    assert spec is not None
    usable = [name for name in spec.predictors if context.has_values(name)]
    return usable, [name for name in spec.predictors if name not in usable]


def _regression_needs(context: SectionContext) -> str | None:
    spec = context.settings.regression
    if spec is None:
        return "the study's settings name no regression (report.regression)"
    unknown = [code for code in spec.outcomes if code not in set(context.codes["code_id"])]
    if unknown:
        return (
            "report.regression.outcomes names codes the codebook does not have: "
            f"{', '.join(unknown)}"
        )
    usable, missing = _predictors(context)
    if not usable:
        return (
            f"no selected respondent has a value for the predictors {', '.join(missing)} "
            "(report.regression.predictors)"
        )
    return None


def _regression_tables(context: SectionContext) -> dict[str, pd.DataFrame]:
    """One table of terms per outcome, fitted once per report (kept in the context's memo)."""
    found = context.memo.get("regression tables")
    if isinstance(found, dict):
        return found
    spec = context.settings.regression
    assert spec is not None  # checked by _regression_needs
    usable, _ = _predictors(context)
    tables = {
        f"logit_{code_id}": regression.logistic_regression(
            context.present,
            context.interviews,
            code_id,
            usable,
            unit="respondents",
            min_events_per_parameter=spec.min_events_per_parameter,
        )
        for code_id in spec.outcomes
    }
    context.memo["regression tables"] = tables
    return tables


def _fitted(table: pd.DataFrame) -> bool:
    return bool(table["coefficient"].notna().any())


def _regression_tests(context: SectionContext) -> pd.DataFrame:
    """Each fitted term but the intercept is a test; with one predictor of one term, the
    same question as that attribute's crosstab, so it is counted there if it is there."""
    usable, _ = _predictors(context)
    rows = []
    for name, table in _regression_tables(context).items():
        if not _fitted(table):
            continue
        code_id = name.removeprefix("logit_")
        terms = table[table["term"] != regression.INTERCEPT]
        for term, p_value in zip(terms["term"], terms["p_value"], strict=True):
            if len(usable) == 1 and len(terms) == 1:
                hypothesis = f"{code_id} ~ {usable[0]}"
            else:
                hypothesis = f"{code_id} ~ {term} | {', '.join(usable)}"
            rows.append({"hypothesis": hypothesis, "table": name, "row": term, "p_value": p_value})
    return pd.DataFrame(rows, columns=list(FAMILY_COLUMNS))


def _regression(context: SectionContext) -> Result:
    spec = context.settings.regression
    assert spec is not None  # checked by _regression_needs
    usable, missing = _predictors(context)
    fits = _regression_tables(context)
    family = _family(context)
    tables: dict[str, pd.DataFrame] = {}
    models = []
    for name, table in fits.items():
        code_id = name.removeprefix("logit_")
        fitted = _fitted(table)
        models.append(
            {
                "outcome": code_id,
                "predictors": ", ".join(usable),
                "n": int(table["n"].iloc[0]),
                "events": int(table["events"].iloc[0]),
                "parameters": int(table["parameters"].iloc[0]),
                "fitted": fitted,
                "reason": "" if fitted else str(table["note"].iloc[0]),
            }
        )
        if fitted:
            shown = table.copy()
            shown["p_adjusted"] = family.adjusted(name, table["term"])
            shown["correction"] = np.where(shown["p_adjusted"].notna(), family.label(), "")
            for index, term in enumerate(shown["term"]):
                counted = family.counted_in(name, term)
                if counted is not None:
                    shown.loc[index, "correction"] = f"same question as {counted}, tested there"
            tables[name] = shown
    tables["regression_models"] = pd.DataFrame(models)
    skipped = [model for model in models if not model["fitted"]]
    fitted_codes = [str(model["outcome"]) for model in models if model["fitted"]]
    summary = (
        f"Fitted: {', '.join(fitted_codes)}; odds ratios with 95% Wald intervals."
        if fitted_codes
        else "No model is fitted, so the section has no estimates; the reasons follow."
    )
    reasons = " ".join(
        f"{model['outcome']} not fitted: {model['reason']}." for model in skipped
    )
    first_code, first = next(iter(fits.items()))
    method = (
        str(first["method"].iloc[0])
        .replace(f"of {first_code.removeprefix('logit_')} ", "of each outcome code ")
        .split("; fitted only with")[0]
    )
    dropped = (
        f"Predictors without values in this selection, left out: {', '.join(missing)}."
        if missing
        else ""
    )
    return Result(
        "regression",
        REGRESSION.title,
        context.note(
            f"Specified by the study's settings (report.regression): outcomes "
            f"{', '.join(spec.outcomes)} on {', '.join(usable)}; a model is fitted only with "
            f"at least {spec.min_events_per_parameter} events (the rarer of code present and "
            "absent) per parameter besides the intercept "
            f"(report.regression.min_events_per_parameter, after {regression.EVENTS_SOURCE}) "
            "and when the data do not separate (checked by linear programming before fitting).",
            summary,
            reasons,
            method,
            family.sentence() if fitted_codes else "",
            dropped,
        ),
        tables,
    )


REGRESSION = Section(
    "regression",
    "Logistic regression of code presence on attributes",
    _regression_needs,
    _regression,
    tests=_regression_tests,
)


# Departures and the timeline


def _departures_needs(context: SectionContext) -> str | None:
    attribute = context.frames.settings.departures_attribute
    if attribute is None:
        return "the study's settings name no year of departure (report.departures or report.era)"
    if not context.has_years(attribute):
        return f"no selected respondent has a year in {attribute} (report.departures)"
    return None


@dataclass(frozen=True)
class _Departures:
    """Departures by year, the timeline events drawn with them and the notes on both."""

    table: pd.DataFrame
    events: pd.DataFrame
    notes: tuple[str, ...]
    level_labels: dict[str, str]
    cuts: tuple[int, ...] = ()


def _departures_data(context: SectionContext) -> _Departures:
    attribute = context.frames.settings.departures_attribute
    assert attribute is not None  # checked by _departures_needs
    split = context.settings.era
    interviews, era, labels, notes = context.interviews, None, {}, []
    cuts: tuple[int, ...] = ()
    if split is not None and context.has_years(split.attribute):
        interviews = findings.with_era(interviews, attribute=split.attribute, era_of=split.era_of)
        era = findings.ERA
        labels = {**_era_labels(split), findings.UNKNOWN_ERA: "Era unknown"}
        notes.append(f"Eras: {split.describe()}.")
        # The cut is a year of the era's attribute: drawn only on an axis of the same years.
        cuts = tuple(split.cuts) if split.attribute == attribute else ()
    table = findings.departures_by_year(interviews, attribute=attribute, era=era)
    events = context.frames.events
    first, last = int(table["year"].min()), int(table["year"].max())
    within = events[(events["year"] >= first) & (events["year"] <= last)]
    if events.empty:
        notes.append("The study has no timeline events, so none are drawn.")
    elif within.empty:
        notes.append(
            f"No timeline event falls within the years of departure ({first}–{last}), so "
            "the timeline is left out."
        )
        events = events.iloc[0:0]
    else:
        notes.append(
            "Timeline events are marked with their source, contested accounts dashed; "
            "events before the first year shown are listed at the left edge."
        )
    if cuts:
        notes.append(
            "The bold line on the chart marks the era cut, between the last year of one era "
            "and the first of the next."
        )
    return _Departures(table, events, tuple(notes), labels, cuts)


def _departures(context: SectionContext) -> Result:
    data = _departures_data(context)
    attribute = context.frames.settings.departures_attribute
    tables = {"departures_by_year": data.table}
    title = "Departures by year"
    if len(data.events):
        tables["timeline"] = data.events
        title += " and the historical timeline"
    return Result(
        "departures",
        title,
        context.note(
            f"Respondents by {_lowered(context.label(str(attribute)))}.", *data.notes
        ),
        tables,
    )


def _departures_figure(context: SectionContext, result: Result) -> Axes | None:
    data = _departures_data(context)
    return charts.plot_departures(
        data.table, data.events, level_labels=data.level_labels, cuts=data.cuts
    )


DEPARTURES = Section(
    "departures",
    "Departures by year and the historical timeline",
    _departures_needs,
    _departures,
    _departures_figure,
)


SECTIONS: tuple[Section, ...] = (
    FREQUENCIES,
    CROSSTABS,
    GROUPS,
    ERA,
    RANKING,
    COOCCURRENCE,
    MATRIX,
    COVERAGE,
    SATURATION,
    AGREEMENT,
    REGRESSION,
    DEPARTURES,
)
SECTION_NAMES: tuple[str, ...] = tuple(section.name for section in SECTIONS)
FIGURE_SECTIONS: tuple[str, ...] = tuple(
    section.name for section in SECTIONS if section.figure is not None
)
