"""Coding sources against a study: the default rule, refusals, and what each source counts."""

from __future__ import annotations

import pytest

from analysis.frequencies import frequencies
from analysis.sources import CONSENSUS, agreement_source, coder_source
from interviews.layers import CONSENSUS_LAYER
from research.errors import NotFoundError, ResearchError
from research.services.analysis_data import study_frames
from research.study import Study
from tests.research.helpers import WORK, add_interview_with_text, code_work

EMANCIPATION = "gender/emancipation_discourse"


def test_the_default_is_the_one_coder_then_agreement_then_consensus(study: Study) -> None:
    add_interview_with_text(study)
    with pytest.raises(ResearchError, match="no codings yet"):
        study.coding_sources.default_source()
    # A study nobody coded still states its source, and names no layer it does not have.
    assert study.coding_sources.resolve_source().provenance == (
        "Coding source: none yet (nobody has coded an interview) (the default)"
    )
    code_work(study, "ani")
    assert study.coding_sources.default_source() == coder_source("ani")
    code_work(study, "boris")
    assert study.coding_sources.default_source() == agreement_source(0.5)
    resolved = study.coding_sources.resolve_source()
    assert resolved.default
    assert resolved.provenance == (
        "Coding source: agreement of coders ani and boris (overlap ≥ 0.5) (the default)"
    )
    study.layers.copy_layer(from_coder="ani")
    assert study.coding_sources.default_source() == CONSENSUS
    assert study.coding_sources.resolve_source().provenance == (
        "Coding source: consensus layer (the default)"
    )


def test_a_source_the_study_cannot_give_is_refused_by_name(study: Study) -> None:
    add_interview_with_text(study)
    code_work(study, "ani")
    with pytest.raises(NotFoundError, match="no coder 'boris' has codings of their own; .* ani"):
        study.coding_sources.resolve_source("coder:boris")
    with pytest.raises(ResearchError, match="agreement needs two coders, the study has ani"):
        study.coding_sources.resolve_source("agreement:0.6")
    with pytest.raises(ResearchError, match="consensus layer holds no codings yet"):
        study.coding_sources.resolve_source("consensus")
    with pytest.raises(ResearchError, match="no coding source 'pooled'"):
        study.coding_sources.resolve_source("pooled")
    asked = study.coding_sources.resolve_source("union")
    assert not asked.default and asked.label == "union of all coders (ani)"


def test_each_source_selects_its_codings(study: Study) -> None:
    add_interview_with_text(study)
    code_work(study, "ani")
    code_work(study, "boris", start=WORK + 1)  # 16 of 18 characters shared
    code_work(study, "boris", start=0)
    code_work(study, "ani", layer=CONSENSUS_LAYER, start=0)

    def chosen(source: str) -> list[tuple[str, str, int]]:
        frame = study.coding_sources.select_codings(source)
        return list(zip(frame["coder"], frame["layer"], frame["start_offset"], strict=True))

    assert chosen("coder:boris") == [("boris", "coder", 0), ("boris", "coder", WORK + 1)]
    assert chosen("agreement") == [("ani", "coder", WORK)]
    assert chosen("agreement:0.95") == []
    assert chosen("consensus") == [("ani", "consensus", 0)]
    assert len(chosen("union")) == 3
    # The consensus exists, so it is what the default counts.
    default = study.coding_sources.select_codings()
    assert default["coding_id"].tolist() == (
        study.coding_sources.select_codings("consensus")["coding_id"].tolist()
    )


def _respondents_with(study: Study, source: str | None) -> tuple[int, int]:
    with study.transaction() as session:
        frames = study_frames(session, database=str(study.folder), source=source)
    table = frequencies(
        frames.codings, frames.interviews, frames.codes, unit="respondents", source="x"
    )
    [row] = table[table["path"] == EMANCIPATION].itertuples()
    return int(row.count), int(row.base)


def test_a_union_inflates_prevalence_over_one_coders_layer(demo_study: Study) -> None:
    # Emancipation discourse in the demo: 7 of 23 respondents in lusine's layer, 10 by the
    # union, where pavel saw it in three more.
    assert _respondents_with(demo_study, "coder:lusine") == (7, 23)
    assert _respondents_with(demo_study, "coder:pavel") == (10, 23)
    assert _respondents_with(demo_study, "union") == (10, 23)
    assert _respondents_with(demo_study, "agreement") == (7, 23)
    frame = demo_study.coding_sources.select_codings("coder:lusine")
    respondents = frame.loc[frame["code_path"] == EMANCIPATION, "respondent_id"].nunique()
    assert respondents == 7


def test_a_coder_filter_outside_the_source_says_which_source_to_ask_for(
    demo_study: Study,
) -> None:
    from research.report import Selection, nothing_to_show

    with demo_study.transaction() as session:
        frames = study_frames(session, database=str(demo_study.folder))
    # The demo's consensus was copied from lusine: pavel applied none of it.
    message = nothing_to_show(frames, Selection(coder="pavel"))
    assert message is not None
    assert "The coding source is the consensus layer, where pavel applied none of these" in message
    assert "coder:pavel as the source counts their own layer" in message
    assert nothing_to_show(frames, Selection(coder="lusine")) is None


def test_asking_for_one_known_coder_means_their_layer(study: Study) -> None:
    add_interview_with_text(study)
    code_work(study, "ani")
    code_work(study, "boris")
    with study.transaction() as session:
        from research.services.coding_sources import source_for_coder

        assert source_for_coder(session, None, "boris") == coder_source("boris")
        assert source_for_coder(session, "union", "boris") == "union"
        # An unknown coder keeps the default, whose empty selection says who coded.
        assert source_for_coder(session, None, "nobody") is None
        assert source_for_coder(session, None, None) is None
