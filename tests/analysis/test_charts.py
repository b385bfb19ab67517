"""Charts and house style: what each chart draws, wrapped labels, scripts, repeatable files."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import findfont
from matplotlib.ft2font import FT2Font
from matplotlib.image import imread
from matplotlib.text import Annotation, Text

from analysis import charts
from analysis.frames import codes_frame
from analysis.style import (
    PRIMARY_FONT,
    font_families,
    new_axes,
    plot_style,
    save_figure,
    wrap_label,
)
from codebook import default_codebook

ARMENIAN = "Գործազրկություն և շուկայական հնարավորությունների բացակայություն"
CYRILLIC = "Безработица и отсутствие рыночных возможностей"
MOTIVES = ["unemployment", "clans_nepotism", "renewed_war", "frustration"]


# Fixtures: small tidy frames shaped as the table functions return them


@pytest.fixture(scope="module")
def codes() -> pd.DataFrame:
    return codes_frame(default_codebook())


def frequencies(codes: pd.DataFrame, ids: list[str], counts: list[int]) -> pd.DataFrame:
    frame = codes.set_index("code_id").loc[ids, ["path", "title", "group", "depth", "colour"]]
    frame = frame.reset_index()
    return frame.assign(unit="interviews", count=counts, base=20, share=[c / 20 for c in counts])


def wilson(present: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    share = present / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def prevalence(codes: pd.DataFrame) -> pd.DataFrame:
    rows = []
    present = {"female": [9, 2, 4], "male": [3, 5, 0]}
    n = {"female": 12, "male": 8}
    paths = codes.set_index("code_id")["path"]
    for index, code_id in enumerate(["unemployment", "virtual_widowhood", "weak_ties"]):
        for level in ("female", "male"):
            k = present[level][index]
            low, high = wilson(k, n[level])
            rows.append(
                {
                    "code_id": code_id,
                    "path": paths[code_id],
                    "level": level,
                    "present": k,
                    "n": n[level],
                    "share": k / n[level],
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pd.DataFrame(rows)


def grouped_counts() -> pd.DataFrame:
    return pd.DataFrame(
        {"soviet": [1, 0, 3], "conflict_1988_1994": [4, 2, 1], "after_1994": [6, 5, 2]},
        index=pd.Index(
            [
                "Unemployment and no market opportunities",
                "Expectation that war resumes",
                'Support from relatives outside the region ("the strength of weak ties")',
            ],
            name="code",
        ),
    )


def pairs() -> pd.DataFrame:
    counts = {
        ("unemployment", "clans_nepotism"): (3, 4, 2),
        ("unemployment", "renewed_war"): (5, 2, 1),
        ("clans_nepotism", "renewed_war"): (0, 5, 6),
    }
    rows = [
        {
            "code_a": a,
            "code_b": b,
            "both": both,
            "a_only": a_only,
            "b_only": b_only,
            "jaccard": both / (both + a_only + b_only),
        }
        for (a, b), (both, a_only, b_only) in counts.items()
    ]
    return pd.DataFrame(rows)


def code_matrix() -> pd.DataFrame:
    return pd.DataFrame(
        [[2, 0, 1], [0, 0, 3], [1, 1, 0], [0, 4, 0]],
        index=pd.Index(["I01", "I02", "I03", "I04"], name="interview_id"),
        columns=pd.Index(["unemployment", "renewed_war", "weak_ties"], name="code_id"),
    )


def saturation() -> pd.DataFrame:
    new = [7, 4, 2, 0, 1, 0]
    return pd.DataFrame(
        {
            "order": range(1, 7),
            "interview_id": [f"I0{i}" for i in range(1, 7)],
            "interview_date": pd.date_range("2003-06-01", periods=6, freq="7D"),
            "new_codes": new,
            "cumulative_codes": np.cumsum(new),
        }
    )


def agreement(codes: pd.DataFrame) -> pd.DataFrame:
    ids = ["unemployment", "renewed_war", "weak_ties", "coping"]
    return pd.DataFrame(
        {
            "code_id": ids,
            "path": codes.set_index("code_id").loc[ids, "path"].tolist(),
            "unit": "interviews",
            "coders": 2,
            "units": 20,
            "percent_agreement": [0.9, 0.95, 0.8, 1.0],
            "cohen_kappa": [0.7, 0.88, 0.5, np.nan],
            "fleiss_kappa": np.nan,
            "krippendorff_alpha": [0.71, 0.9, 0.52, np.nan],
            "method": "Krippendorff's alpha, nominal; Cohen's kappa",
        }
    )


def departures() -> pd.DataFrame:
    rows = [
        (1975, "soviet", 1),
        (1982, "soviet", 2),
        (1987, "soviet", 1),
        (1988, "conflict_1988_1994", 3),
        (1991, "conflict_1988_1994", 2),
        (1993, "conflict_1988_1994", 1),
        (1996, "after_1994", 2),
        (2001, "after_1994", 4),
    ]
    return pd.DataFrame(rows, columns=["year", "era", "departures"])


def events() -> pd.DataFrame:
    """The thirteen events of the study's timeline, with short labels."""
    rows = [
        (1917, "Armenia and Azerbaijan both claim the province", "study memo", False),
        (1921, "Autonomous Province created", "study memo", False),
        (1985, "Perestroika and glasnost", "Armenian-perspective history page", False),
        (1987, "Petition to transfer the region", "Armenian-perspective history page", False),
        (1988, "Campaign for transfer", "study memo", False),
        (1988, "Sumgait pogroms", "Armenian-perspective history page", False),
        (1988, "Kirovabad pogroms; martial law", "Armenian-perspective history page", False),
        (1988, "Spitak earthquake", "Armenian-perspective history page", False),
        (1989, "Blockade; Metsamor shut down", "Armenian-perspective history page", False),
        (1989, "Reunification proclaimed", "Armenian-perspective history page", True),
        (1990, "Soviet troops storm Baku", "Azerbaijani-perspective commentary", True),
        (1991, "USSR collapses; open war", "study memo; Azerbaijani-perspective commentary", False),
        (1994, "Armistice", "study memo", False),
    ]
    return pd.DataFrame(rows, columns=["year", "label", "source", "contested"])


def dated_events() -> pd.DataFrame:
    """The timeline as a study stores it: the date as written, the event, its exact date."""
    rows = [
        (1985, "1985-03-01", "1985–1986", "Perestroika and glasnost launched", False),
        (1988, "1988-01-01", "1988", "Campaign for transfer; confrontation escalates", False),
        (1988, "1988-02-26", "26–28 Feb 1988", "Pogroms against Armenians in Sumgait", True),
        (1988, "1988-11-21", "late Nov 1988", "Pogroms in Kirovabad (Ganja); martial law", True),
        (1988, "1988-12-07", "7 Dec 1988", "Earthquake in northern Armenia: 25,000 dead", False),
        (1989, "1989-01-01", "early 1989", "Blockade of Armenia and Karabakh", True),
        (1990, "1990-01-20", "20 Jan 1990", "Soviet troops storm Baku", True),
        (1994, "1994-05-12", "May 1994", "Armistice; the region is unrecognised", False),
    ]
    frame = pd.DataFrame(rows, columns=["year", "event_date", "label", "event", "contested"])
    return frame.assign(source="study memo")


def ranking(codes: pd.DataFrame) -> pd.DataFrame:
    respondents = [15, 8, 11, 6]
    titles = codes.set_index("code_id").loc[MOTIVES]
    rows = []
    for rank, (code_id, count) in enumerate(zip(MOTIVES, respondents, strict=True), start=1):
        low, high = wilson(count, 20)
        rows.append(
            {
                "given_rank": rank,
                "code_id": code_id,
                "path": titles.loc[code_id, "path"],
                "title": titles.loc[code_id, "title"],
                "respondents": count,
                "base": 20,
                "share": count / 20,
                "ci_low": low,
                "ci_high": high,
                "data_rank": [1, 3, 2, 4][rank - 1],
            }
        )
    return pd.DataFrame(rows)


def tick_texts(labels: Iterable[Text]) -> list[str]:
    return [label.get_text() for label in labels]


# Style


def test_wrap_label_keeps_every_line_within_the_width() -> None:
    text = 'Support from relatives outside the region ("the strength of weak ties")'
    wrapped = wrap_label(text, 28)
    assert all(len(line) <= 28 for line in wrapped.split("\n"))
    assert wrapped.replace("\n", " ") == text


def test_wrap_label_leaves_a_short_label_on_one_line() -> None:
    assert wrap_label("Virtual widowhood") == "Virtual widowhood"


def test_wrap_label_breaks_a_code_path_after_its_slashes() -> None:
    wrapped = wrap_label("motives/social_psychology/unrecognised_status", 28)
    assert wrapped == "motives/social_psychology/\nunrecognised_status"


def test_wrap_label_keeps_a_word_longer_than_the_width_whole() -> None:
    assert wrap_label("a Antidisestablishmentarianism b", 10) == (
        "a\nAntidisestablishmentarianism\nb"
    )


def test_plot_style_leaves_the_global_rcparams_untouched() -> None:
    before = dict(mpl.rcParams)
    with plot_style():
        assert mpl.rcParams["axes.spines.top"] is False
        assert mpl.rcParams["svg.hashsalt"] is not None
    assert dict(mpl.rcParams) == before


def test_charts_leave_the_global_rcparams_untouched(codes: pd.DataFrame) -> None:
    before = dict(mpl.rcParams)
    charts.plot_frequencies(frequencies(codes, MOTIVES, [12, 7, 9, 4]))
    assert dict(mpl.rcParams) == before


def test_the_primary_font_covers_armenian_letters_and_cyrillic() -> None:
    assert font_families()[0] == PRIMARY_FONT
    charmap = FT2Font(findfont(PRIMARY_FONT, fallback_to_default=False)).get_charmap()
    armenian_letters = [*range(0x0531, 0x0557), *range(0x0561, 0x0588)]
    assert all(code in charmap for code in armenian_letters)
    assert all(code in charmap for code in range(0x0400, 0x0500))


def test_armenian_and_cyrillic_labels_draw_without_missing_glyphs(
    codes: pd.DataFrame, tmp_path: Path
) -> None:
    freq = frequencies(codes, MOTIVES, [12, 7, 9, 4])
    freq["title"] = [ARMENIAN, CYRILLIC, "Մարտունի / Мартуни", "Moscow — Москва"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = charts.plot_frequencies(freq)
        ax.set_title("Միգրացիա — Миграция")
        written = save_figure(figure_of(ax), tmp_path / "scripts")
    assert [path.suffix for path in written] == [".png", ".svg"]


def test_a_missing_glyph_is_reported_as_a_warning(tmp_path: Path) -> None:
    ax = new_axes()
    ax.set_title("中文")
    with pytest.warns(UserWarning, match="missing from font"):
        save_figure(figure_of(ax), tmp_path / "cjk", formats=("png",))


def test_new_axes_are_print_width_with_no_top_or_right_spine() -> None:
    ax = new_axes()
    assert figure_of(ax).get_figwidth() == pytest.approx(6.5)
    assert not ax.spines["top"].get_visible()
    assert not ax.spines["right"].get_visible()


# save_figure


def figure_of(ax: Axes) -> Figure:
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    return figure


def test_save_figure_writes_a_png_and_an_svg_that_open(codes: pd.DataFrame, tmp_path: Path) -> None:
    ax = charts.plot_frequencies(frequencies(codes, MOTIVES, [12, 7, 9, 4]))
    png, svg = save_figure(figure_of(ax), tmp_path / "figures" / "frequencies")
    assert png == tmp_path / "figures" / "frequencies.png"
    assert imread(png).shape[2] == 4
    assert svg.read_text(encoding="utf-8").rstrip().endswith("</svg>")


def test_save_figure_writes_identical_svg_bytes_for_identical_input(
    codes: pd.DataFrame, tmp_path: Path
) -> None:
    first = save_figure(
        figure_of(charts.plot_departures(departures(), events())), tmp_path / "a", formats=("svg",)
    )[0]
    second = save_figure(
        figure_of(charts.plot_departures(departures(), events())), tmp_path / "b", formats=("svg",)
    )[0]
    assert first.read_bytes() == second.read_bytes()


def test_save_figure_writes_no_date_into_the_svg(codes: pd.DataFrame, tmp_path: Path) -> None:
    ax = charts.plot_saturation(saturation())
    svg = save_figure(figure_of(ax), tmp_path / "saturation", formats=("svg",))[0]
    assert b"<dc:date>" not in svg.read_bytes()


def test_save_figure_png_changes_when_the_data_change(codes: pd.DataFrame, tmp_path: Path) -> None:
    before = charts.plot_frequencies(frequencies(codes, MOTIVES, [12, 7, 9, 4]))
    after = charts.plot_frequencies(frequencies(codes, MOTIVES, [12, 7, 9, 5]))
    one = save_figure(figure_of(before), tmp_path / "one", formats=("png",), dpi=72)[0]
    two = save_figure(figure_of(after), tmp_path / "two", formats=("png",), dpi=72)[0]
    assert not np.array_equal(imread(one), imread(two))


def test_save_figure_rejects_an_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="jpeg"):
        save_figure(figure_of(new_axes()), tmp_path / "x", formats=("jpeg",))


# plot_frequencies


def test_frequencies_draw_one_bar_and_one_value_per_code(codes: pd.DataFrame) -> None:
    ax = charts.plot_frequencies(frequencies(codes, MOTIVES, [12, 7, 9, 4]))
    assert len(ax.patches) == 4
    assert tick_texts(ax.texts) == ["60%", "35%", "45%", "20%"]


def test_frequencies_bars_take_their_codebook_colours(codes: pd.DataFrame) -> None:
    freq = frequencies(codes, ["unemployment", "virtual_widowhood", "clan"], [3, 2, 1])
    ax = charts.plot_frequencies(freq)
    colours = [mpl.colors.to_hex(patch.get_facecolor()) for patch in ax.patches]
    assert colours == [colour.lower() for colour in freq["colour"]]


def test_frequencies_name_the_unit_on_the_value_axis(codes: pd.DataFrame) -> None:
    freq = frequencies(codes, MOTIVES, [12, 7, 9, 4])
    assert charts.plot_frequencies(freq).get_xlabel() == "Share of interviews mentioning the code"
    counted = charts.plot_frequencies(freq, value="count")
    assert counted.get_xlabel() == "Interviews mentioning the code"


def test_frequencies_wrap_long_code_titles(codes: pd.DataFrame) -> None:
    ax = charts.plot_frequencies(frequencies(codes, ["weak_ties", "coping"], [5, 3]))
    labels = tick_texts(ax.get_yticklabels())
    assert "\n" in labels[0]
    assert labels[1] == "Women's coping strategies"


def test_frequencies_set_codes_with_children_shown_in_bold(codes: pd.DataFrame) -> None:
    freq = frequencies(codes, ["economy", "unemployment", "clan"], [9, 8, 2])
    ax = charts.plot_frequencies(freq)
    weights = [label.get_fontweight() for label in ax.get_yticklabels()]
    assert weights == ["bold", "normal", "normal"]


def test_frequencies_reject_an_unknown_value(codes: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="share"):
        charts.plot_frequencies(frequencies(codes, MOTIVES, [1, 2, 3, 4]), value="mean")


# plot_prevalence


def test_prevalence_draws_a_dot_with_an_interval_per_code_and_level(codes: pd.DataFrame) -> None:
    ax = charts.plot_prevalence(prevalence(codes), attribute="gender", codes=codes)
    assert len(ax.containers) == 2
    assert [len(container.lines[0].get_xdata()) for container in ax.containers] == [3, 3]
    assert len(ax.get_yticklabels()) == 3


def test_prevalence_legend_names_the_attribute_and_each_level_base(codes: pd.DataFrame) -> None:
    ax = charts.plot_prevalence(prevalence(codes), attribute="gender")
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "Gender"
    assert tick_texts(legend.get_texts()) == ["Female (n = 12)", "Male (n = 8)"]


def test_prevalence_names_the_frame_unit_on_the_value_axis(codes: pd.DataFrame) -> None:
    ax = charts.plot_prevalence(prevalence(codes).assign(unit="respondents"), attribute="gender")
    assert ax.get_xlabel() == "Share of respondents mentioning the code (95% Wilson interval)"


# plot_grouped_bars


def test_grouped_bars_draw_a_bar_per_code_and_level() -> None:
    ax = charts.plot_grouped_bars(grouped_counts(), attribute="migration_era")
    assert len(ax.patches) == 9
    assert tick_texts(ax.get_legend().get_texts()) == ["Soviet", "Conflict 1988–1994", "After 1994"]


def test_stacked_bars_start_where_the_previous_level_ends() -> None:
    ax = charts.plot_grouped_bars(grouped_counts(), attribute="migration_era", stacked=True)
    last_level = ax.patches[6:]
    assert [patch.get_x() for patch in last_level] == [5.0, 2.0, 4.0]


def test_grouped_bars_use_given_level_labels() -> None:
    ax = charts.plot_grouped_bars(
        grouped_counts(), attribute="migration_era", level_labels={"soviet": "Soviet era"}
    )
    assert tick_texts(ax.get_legend().get_texts())[0] == "Soviet era"


# plot_cooccurrence


def test_cooccurrence_is_a_symmetric_matrix_with_a_blank_diagonal(codes: pd.DataFrame) -> None:
    ax = charts.plot_cooccurrence(pairs(), codes=codes)
    matrix = ax.images[0].get_array()
    assert matrix.shape == (3, 3)
    assert np.ma.allequal(matrix, matrix.T)
    assert all(matrix.mask[index, index] for index in range(3))


def test_cooccurrence_annotates_every_pair_cell(codes: pd.DataFrame) -> None:
    ax = charts.plot_cooccurrence(pairs(), codes=codes)
    assert sorted(tick_texts(ax.texts)) == ["0.00", "0.00", "0.33", "0.33", "0.62", "0.62"]


def test_cooccurrence_follows_codebook_order_with_wrapped_titles(codes: pd.DataFrame) -> None:
    ax = charts.plot_cooccurrence(pairs(), value="both", codes=codes)
    assert tick_texts(ax.get_yticklabels()) == [
        "Clans and nepotism as a\nreason to leave",
        "Unemployment and no\nmarket opportunities",
        "Expectation that war\nresumes",
    ]


def test_cooccurrence_of_many_codes_uses_one_line_labels(codes: pd.DataFrame) -> None:
    ids = codes.loc[codes["applicable"], "code_id"].tolist()[:20]
    many = pd.DataFrame(
        [
            {"code_a": a, "code_b": b, "both": 1, "a_only": 1, "b_only": 1, "jaccard": 1 / 3}
            for a, b in itertools.combinations(ids, 2)
        ]
    )
    ax = charts.plot_cooccurrence(many, codes=codes)
    labels = tick_texts(ax.get_yticklabels())
    assert len(labels) == 20
    assert not any("\n" in label for label in labels)
    assert "Weakened central governance…" in labels
    assert len(ax.texts) == 0


def test_cooccurrence_of_few_codes_wraps_its_colour_bar_label(codes: pd.DataFrame) -> None:
    few = charts.plot_cooccurrence(pairs(), codes=codes)
    bar = few.get_figure(root=True).axes[-1]  # type: ignore[union-attr]
    assert bar.get_ylabel() == "Jaccard similarity\n(both / either)"
    ids = codes.loc[codes["applicable"], "code_id"].tolist()[:10]
    many = pd.DataFrame(
        [
            {"code_a": a, "code_b": b, "both": 1, "a_only": 1, "b_only": 1, "jaccard": 1 / 3}
            for a, b in itertools.combinations(ids, 2)
        ]
    )
    ax = charts.plot_cooccurrence(many, codes=codes)
    bar = ax.get_figure(root=True).axes[-1]  # type: ignore[union-attr]
    assert bar.get_ylabel() == "Jaccard similarity (both / either)"


# plot_code_matrix


def test_code_matrix_shows_every_cell_and_writes_the_non_zero_counts() -> None:
    ax = charts.plot_code_matrix(code_matrix())
    assert ax.images[0].get_array().shape == (4, 3)
    assert sorted(tick_texts(ax.texts)) == ["1", "1", "1", "2", "3", "4"]
    assert tick_texts(ax.get_yticklabels()) == ["I01", "I02", "I03", "I04"]


# plot_saturation


def test_saturation_draws_a_bar_per_interview_and_the_cumulative_line() -> None:
    ax = charts.plot_saturation(saturation())
    assert [patch.get_height() for patch in ax.patches] == [7, 4, 2, 0, 1, 0]
    assert list(ax.lines[0].get_ydata()) == [7, 11, 13, 13, 14, 14]
    assert ax.texts[0].get_text() == "14"


# plot_agreement


def test_agreement_sorts_codes_by_alpha_with_the_uncomputable_last(codes: pd.DataFrame) -> None:
    ax = charts.plot_agreement(agreement(codes), codes=codes)
    assert [label.split("\n")[0] for label in tick_texts(ax.get_yticklabels())] == [
        "Expectation that war resumes",
        "Unemployment and no market",
        "Support from relatives",
        "Women's coping strategies",
    ]
    assert "α not computable (no variation)" in tick_texts(ax.texts)


def test_agreement_puts_a_pooled_row_last_in_bold(codes: pd.DataFrame) -> None:
    pooled = pd.DataFrame(
        [
            {
                "code_id": "(pooled)",
                "path": None,
                "unit": "interviews",
                "coders": 2,
                "units": 80,
                "percent_agreement": 0.9,
                "cohen_kappa": 0.95,
                "fleiss_kappa": np.nan,
                "krippendorff_alpha": 0.95,
                "method": "pooled",
            }
        ]
    )
    ax = charts.plot_agreement(pd.concat([pooled, agreement(codes)], ignore_index=True))
    last = ax.get_yticklabels()[-1]
    assert (last.get_text(), last.get_fontweight()) == ("(pooled)", "bold")


def test_agreement_draws_the_reference_lines_at_two_thirds_and_four_fifths(
    codes: pd.DataFrame,
) -> None:
    ax = charts.plot_agreement(agreement(codes))
    verticals = [
        line.get_xdata()[0] for line in ax.lines if line.get_xdata()[0] == line.get_xdata()[1]
    ]
    assert verticals == [0.667, 0.8]
    assert ax.get_xlabel() == "Agreement between coders (20 interviews, 2 coders)"


def test_agreement_plots_alpha_and_kappa_per_code(codes: pd.DataFrame) -> None:
    ax = charts.plot_agreement(agreement(codes))
    alpha, kappa = ax.lines[0], ax.lines[1]
    assert list(alpha.get_xdata()[:3]) == [0.9, 0.71, 0.52]
    assert list(kappa.get_xdata()[:3]) == [0.88, 0.7, 0.5]
    assert tick_texts(ax.get_legend().get_texts()) == ["Krippendorff's α", "Cohen's κ"]


# plot_departures


def event_annotations(ax: Axes) -> list[Annotation]:
    return [text for text in ax.texts if isinstance(text, Annotation) and text.arrow_patch]


def test_departures_stack_the_eras_in_time_order() -> None:
    ax = charts.plot_departures(departures(), events().head(0))
    assert len(ax.patches) == 8 * 3
    assert tick_texts(ax.get_legend().get_texts()) == ["Soviet", "Conflict 1988–1994", "After 1994"]


def test_departures_mark_every_event_and_list_the_sources() -> None:
    ax = charts.plot_departures(departures(), events())
    texts = tick_texts(ax.texts)
    assert len(texts) == 13 + 1
    assert sum(text.startswith("← ") for text in texts) == 2
    assert texts[0].startswith("Event sources: ¹ study memo; ² Armenian-perspective history")
    assert "1991 USSR collapses; open war¹,³" in texts


def test_departures_draw_contested_events_dashed_and_say_so() -> None:
    ax = charts.plot_departures(departures(), events())
    contested = [text for text in event_annotations(ax) if "(contested)" in text.get_text()]
    assert len(contested) == 2
    assert all(text.arrow_patch.get_linestyle() == "--" for text in contested)
    assert all(text.get_fontstyle() == "italic" for text in contested)


def test_departures_event_labels_never_overlap() -> None:
    ax = charts.plot_departures(departures(), events())
    figure = figure_of(ax)
    figure.draw_without_rendering()
    labels = [text for text in ax.texts if not text.get_text().startswith("Event sources")]
    boxes = [Text.get_window_extent(label) for label in labels]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
    page = figure.bbox
    assert all(page.x0 <= box.x0 and box.x1 <= page.x1 for box in boxes)


def test_departures_label_events_by_date_and_first_clause_when_described() -> None:
    ax = charts.plot_departures(departures(), dated_events())
    texts = tick_texts(event_annotations(ax))
    assert "26–28 Feb 1988: Pogroms against Armenians in Sumgait¹ (contested)" in texts
    assert "7 Dec 1988: Earthquake in northern Armenia¹" in texts


def test_departures_place_dated_events_in_time_order_within_the_year() -> None:
    ax = charts.plot_departures(departures(), dated_events())
    positions = [annotation.xy[0] for annotation in event_annotations(ax)]
    assert positions == sorted(positions)
    assert 1987.6 < positions[2] < 1987.7  # 26 February, within the bar of 1988


def test_departures_lines_never_run_through_another_label() -> None:
    for timeline in (events(), dated_events()):
        ax = charts.plot_departures(departures(), timeline)
        figure_of(ax).draw_without_rendering()
        annotations = event_annotations(ax)
        boxes = [Text.get_window_extent(annotation) for annotation in annotations]
        for annotation, own in zip(annotations, boxes, strict=True):
            x = ax.transData.transform((annotation.xy[0], 0))[0]
            for other in boxes:
                if other is not own:
                    assert not (other.x0 < x < other.x1 and other.y0 < own.y0), annotation


def test_departures_tick_whole_years_over_a_short_span() -> None:
    one_year = pd.DataFrame({"year": [1993], "era": ["all"], "departures": [2]})
    ax = charts.plot_departures(one_year, events().head(0))
    figure_of(ax).draw_without_rendering()
    ticks = [tick for tick in ax.get_xticks() if ax.get_xlim()[0] <= tick <= ax.get_xlim()[1]]
    assert ticks and all(float(tick).is_integer() for tick in ticks)
    labels = [text for text in tick_texts(ax.get_xticklabels()) if text]
    assert labels and all(label.isdigit() for label in labels)


def test_departures_of_a_study_without_eras_have_no_legend() -> None:
    frame = departures().assign(era="all")
    ax = charts.plot_departures(frame, events().head(0))
    assert ax.get_legend() is None


def test_departures_with_events_over_the_whole_span_add_few_empty_years() -> None:
    years = range(1999, 2022, 2)
    frame = pd.DataFrame({"year": list(years), "era": "all", "departures": 1})
    spread = pd.DataFrame(
        {
            "year": list(years),
            "event_date": [f"{year}-06-01" for year in years],
            "label": [f"Jun {year}" for year in years],
            "event": [f"A rather long description of what changed in {year}" for year in years],
            "source": "a public source",
            "contested": False,
        }
    )
    ax = charts.plot_departures(frame, spread)
    data_span = (2021 + 1.5) - (1999 - 2)
    low, high = ax.get_xlim()
    assert high - low <= data_span * (1 + charts.MAX_TIMELINE_WIDENING) + 0.5


def test_departures_mark_the_era_cut_between_the_years_it_separates() -> None:
    ax = charts.plot_departures(departures(), dated_events(), cuts=[1992])
    cut = [text for text in event_annotations(ax) if text.get_text().startswith("Era cut")]
    assert [text.get_text() for text in cut] == ["Era cut: 1991 | 1992"]
    assert cut[0].xy[0] == 1991.5  # between the bars of 1991 and 1992
    assert cut[0].get_fontweight() == "bold" and cut[0].arrow_patch.get_linestyle() == "-"


def test_departures_with_two_cuts_mark_both_and_keep_labels_apart() -> None:
    ax = charts.plot_departures(departures(), dated_events(), cuts=[1988, 1995])
    figure_of(ax).draw_without_rendering()
    cut = [text for text in event_annotations(ax) if text.get_text().startswith("Era cut")]
    assert [text.xy[0] for text in cut] == [1987.5, 1994.5]
    labels = [text for text in ax.texts if not text.get_text().startswith("Event sources")]
    boxes = [Text.get_window_extent(label) for label in labels]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def test_departures_draw_no_cut_outside_the_years_shown_or_when_none_is_given() -> None:
    for cuts in ([], [1950], [2040]):
        ax = charts.plot_departures(departures(), dated_events(), cuts=cuts)
        assert not [text for text in ax.texts if "Era cut" in text.get_text()]


def test_code_matrix_at_size_draws_a_stated_part_with_the_most_coded_codes() -> None:
    rng = np.random.default_rng(5)
    counts = rng.integers(0, 3, (100, 50))
    counts[:, 7] += 50  # one code far more coded than the rest
    index = pd.Index([f"S{number:03d}" for number in range(100)], name="interview_id")
    matrix = pd.DataFrame(counts, index=index, columns=[f"c{n:02d}" for n in range(50)])
    ax = charts.plot_code_matrix(matrix, max_rows=60, max_codes=40)
    assert ax.images[0].get_array().shape == (60, 40)
    assert ax.get_title(loc="left") == (
        "Shown: the first 60 of 100 interviews and the 40 most-coded of 50 codes; every cell "
        "is in the table."
    )
    shown = tick_texts(ax.get_xticklabels())
    kept = matrix.sum().sort_values(ascending=False, kind="stable").index[:40]
    assert shown == sorted(kept) and "c07" in shown
    assert tick_texts(ax.get_yticklabels()) == list(index[:60])


def test_code_matrix_within_bounds_draws_all_and_says_nothing() -> None:
    ax = charts.plot_code_matrix(code_matrix())
    assert ax.get_title(loc="left") == ""


def test_saturation_of_many_interviews_is_one_filled_step_line() -> None:
    many = pd.DataFrame(
        {
            "order": range(1, 301),
            "interview_id": [f"S{n:03d}" for n in range(300)],
            "new_codes": [3, 1] + [0] * 298,
            "cumulative_codes": [3] + [4] * 299,
        }
    )
    ax = charts.plot_saturation(many, max_bars=200)
    assert len(ax.patches) == 0 and len(ax.collections) == 1
    assert ax.lines[0].get_marker() in ("", "None")
    few = charts.plot_saturation(many.head(20), max_bars=200)
    assert len(few.patches) == 20


# plot_rank_intervals (see also below)


def test_rank_intervals_colour_each_code_from_the_codebook(codes: pd.DataFrame) -> None:
    ax = charts.plot_rank_intervals(ranked_with_ranges(codes), codes=codes)
    colours = [mpl.colors.to_hex(c.lines[0].get_color()) for c in ax.containers]
    expected = codes.set_index("code_id").loc[MOTIVES, "colour"].str.lower().tolist()
    assert colours == expected


# Every chart

CHART_NAMES = [
    "frequencies",
    "prevalence",
    "grouped",
    "cooccurrence",
    "code_matrix",
    "saturation",
    "agreement",
    "departures",
    "ranking",
]


def all_charts(codes: pd.DataFrame) -> dict[str, Callable[[Axes | None], Axes]]:
    return {
        "frequencies": lambda ax: charts.plot_frequencies(
            frequencies(codes, MOTIVES, [1, 2, 3, 4]), ax=ax
        ),
        "prevalence": lambda ax: charts.plot_prevalence(
            prevalence(codes), attribute="gender", ax=ax
        ),
        "grouped": lambda ax: charts.plot_grouped_bars(
            grouped_counts(), attribute="migration_era", ax=ax
        ),
        "cooccurrence": lambda ax: charts.plot_cooccurrence(pairs(), ax=ax),
        "code_matrix": lambda ax: charts.plot_code_matrix(code_matrix(), ax=ax),
        "saturation": lambda ax: charts.plot_saturation(saturation(), ax=ax),
        "agreement": lambda ax: charts.plot_agreement(agreement(codes), ax=ax),
        "departures": lambda ax: charts.plot_departures(departures(), events(), ax=ax),
        "ranking": lambda ax: charts.plot_rank_intervals(ranked_with_ranges(codes), ax=ax),
    }


@pytest.mark.parametrize("name", CHART_NAMES)
def test_each_chart_draws_on_the_axes_it_is_given(name: str, codes: pd.DataFrame) -> None:
    given = Figure(figsize=(6.5, 4), layout="constrained").add_subplot()
    assert all_charts(codes)[name](given) is given
    assert not given.spines["right"].get_visible()


@pytest.mark.parametrize("name", CHART_NAMES)
def test_each_chart_makes_a_print_width_figure_of_its_own(name: str, codes: pd.DataFrame) -> None:
    ax = all_charts(codes)[name](None)
    assert isinstance(ax, Axes)
    assert figure_of(ax).get_figwidth() == pytest.approx(6.5)


# plot_rank_intervals


def ranked_with_ranges(codes: pd.DataFrame) -> pd.DataFrame:
    from analysis.findings import rank_ranges

    table = ranking(codes)
    best, worst = rank_ranges(table["ci_low"].to_numpy(), table["ci_high"].to_numpy())
    return table.assign(rank_best=best, rank_worst=worst, among="post-Soviet migrants")


def test_rank_intervals_note_the_ranks_the_intervals_allow(codes: pd.DataFrame) -> None:
    table = ranked_with_ranges(codes)
    ax = charts.plot_rank_intervals(table.iloc[[2, 0, 3, 1]], codes=codes)
    assert [label[:2] for label in tick_texts(ax.get_yticklabels())] == ["1.", "2.", "3.", "4."]
    assert len(ax.containers) == 4
    notes = [note.get_text() for note in ax.texts]
    # Wilson intervals: 15/20 [0.53, 0.89], 8/20 [0.22, 0.61], 11/20 [0.34, 0.74], 6/20
    # [0.15, 0.52]. Only 15/20 lies wholly above 6/20, so 15/20 ranks 1–3 and 6/20 2–4.
    assert notes == [
        "15/20; ranks 1–3 within intervals",
        "8/20; ranks 1–4 within intervals",
        "11/20; ranks 1–4 within intervals",
        "6/20; ranks 2–4 within intervals",
    ]
    # Each stated rank is among those allowed, so none is bold.
    assert {note.get_fontweight() for note in ax.texts} == {"normal"}
    label = ax.get_xlabel()
    assert "Share of post-Soviet migrants (n = 20)" in label
    assert "A mention is not a measure of importance." in label


def test_a_stated_rank_the_intervals_rule_out_is_bold(codes: pd.DataFrame) -> None:
    table = ranked_with_ranges(codes).assign(rank_best=[3, 1, 1, 1], rank_worst=[4, 4, 4, 4])
    ax = charts.plot_rank_intervals(table, codes=codes)
    assert [note.get_fontweight() for note in ax.texts] == ["bold", "normal", "normal", "normal"]
