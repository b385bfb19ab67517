"""Coding layers: a coder's own and the consensus; the consensus filled from one coder."""

from __future__ import annotations

import pytest

from codebook import operations
from interviews.layers import CODER_LAYER, CONSENSUS_LAYER
from research.errors import ConflictError, ConsensusHeldError, NotFoundError, ResearchError
from research.services.codings import NewCoding
from research.study import Study
from tests.research.helpers import WORK, add_interview_with_text, code_work


def test_a_span_may_be_coded_once_in_each_layer(study: Study) -> None:
    add_interview_with_text(study)
    code_work(study, "ani")
    code_work(study, "ani", layer=CONSENSUS_LAYER)
    with pytest.raises(ConflictError, match="in the consensus layer"):
        code_work(study, "ani", layer=CONSENSUS_LAYER)
    listed = study.codings.list_codings()
    assert [coding.layer for coding in listed] == [CODER_LAYER, CONSENSUS_LAYER]
    [consensus] = study.codings.list_codings(layer=CONSENSUS_LAYER)
    assert consensus.coder == "ani"
    page = study.codings.page_codings(layer=CODER_LAYER)
    assert page.total == 1 and page.codings[0].layer == CODER_LAYER


def test_bulk_codings_carry_their_layer_and_repeat_only_within_one(study: Study) -> None:
    add_interview_with_text(study)
    new = NewCoding("I01", "unemployment", WORK, WORK + 17, "ani")
    consensus = NewCoding("I01", "unemployment", WORK, WORK + 17, "ani", layer=CONSENSUS_LAYER)
    assert study.codings.add_codings([new, consensus]) == 2
    assert sorted(c.layer for c in study.codings.list_codings()) == [CODER_LAYER, CONSENSUS_LAYER]
    with pytest.raises(ConflictError, match="in the consensus layer"):
        study.codings.add_codings([consensus, consensus])


def test_an_unknown_layer_is_refused_by_name(study: Study) -> None:
    add_interview_with_text(study)
    with pytest.raises(ResearchError, match="no coding layer 'pooled'; the layers are coder"):
        code_work(study, "ani", layer="pooled")
    with pytest.raises(ResearchError, match="no coding layer 'pooled'"):
        study.codings.add_codings(
            [NewCoding("I01", "unemployment", WORK, WORK + 5, "a", layer="pooled")]
        )
    with pytest.raises(ResearchError, match="no coding layer 'pooled'"):
        study.codings.list_codings(layer="pooled")
    assert study.codings.list_codings() == []


def test_copy_layer_fills_the_consensus_from_one_coder(study: Study) -> None:
    add_interview_with_text(study)
    add_interview_with_text(study, interview_id="I02")
    code_work(study, "ani")
    code_work(study, "ani", start=0)
    code_work(study, "boris")
    assert study.layers.copy_layer(from_coder="ani") == 2
    copied = study.codings.list_codings(layer=CONSENSUS_LAYER)
    assert [(c.coder, c.start_offset) for c in copied] == [("ani", 0), ("ani", WORK)]
    assert study.layers.consensus_count() == 2
    # The coder's own layer is untouched.
    assert len(study.codings.list_codings(layer=CODER_LAYER)) == 3


def test_copy_layer_refuses_to_overwrite_a_consensus_unless_asked(study: Study) -> None:
    add_interview_with_text(study)
    code_work(study, "ani")
    code_work(study, "boris", start=0)
    study.layers.copy_layer(from_coder="ani")
    with pytest.raises(ConsensusHeldError, match="already holds 1 coding of 1 interview .I01."):
        study.layers.copy_layer(from_coder="boris")
    assert [c.coder for c in study.codings.list_codings(layer=CONSENSUS_LAYER)] == ["ani"]
    assert study.layers.copy_layer(from_coder="boris", replace=True) == 1
    assert [c.coder for c in study.codings.list_codings(layer=CONSENSUS_LAYER)] == ["boris"]


def test_copy_layer_of_one_interview_and_its_errors(study: Study) -> None:
    add_interview_with_text(study)
    add_interview_with_text(study, interview_id="I02")
    code_work(study, "ani")
    with pytest.raises(NotFoundError, match="no interview 'I99'"):
        study.layers.copy_layer(from_coder="ani", interview_id="I99")
    with pytest.raises(ResearchError, match="coder 'ani' has no codings in interview I02"):
        study.layers.copy_layer(from_coder="ani", interview_id="I02")
    with pytest.raises(ResearchError, match="coder 'nobody' has no codings to copy"):
        study.layers.copy_layer(from_coder="nobody")
    assert study.layers.copy_layer(from_coder="ani", interview_id="I01") == 1


def test_merging_codes_folds_twins_within_a_layer_only(study: Study) -> None:
    add_interview_with_text(study)
    # ani's own layer has the span as unemployment, the consensus as poverty_ruin.
    code_work(study, "ani")
    study.codings.add_coding(
        interview_id="I01",
        code="poverty_ruin",
        start_offset=WORK,
        end_offset=WORK + 17,
        coder="ani",
        layer=CONSENSUS_LAYER,
    )
    study.codebooks.run_operation(
        operations.merge_codes, "unemployment", "poverty_ruin", changed_by="lead"
    )
    stored = study.codings.list_codings()
    assert sorted((c.layer, c.code_id) for c in stored) == [
        (CODER_LAYER, "poverty_ruin"),
        (CONSENSUS_LAYER, "poverty_ruin"),
    ]
