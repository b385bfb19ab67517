"""One coding stored with sqlite3 alone (`research code apply`) equals the service's own."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from codebook import operations
from research.errors import StudyDatabaseError
from research.services import codebooks
from research.services.quick_codings import add_coding_to_file
from research.settings import DATABASE_FILE
from research.study import create_study, open_study
from tests.research.helpers import INTERVIEW, MIXED_TEXT, add_interview_with_text, unwritable

MOMENT = datetime(2026, 12, 5, 7, 30, 15, 123456, tzinfo=UTC)
CODE = "motives/economy/unemployment"
# A flag is one character of two code points (two regional indicators).
FLAGGED = "We left. 🇦🇲 We left again.\n"
FLAG = FLAGGED.index("🇦🇲")


@pytest.fixture(scope="module")
def template_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite study with a coded interview, a bare one and a retired code."""
    folder = tmp_path_factory.mktemp("quick") / "study"
    with create_study(folder, template="karabakh") as study:
        add_interview_with_text(study, MIXED_TEXT, interview_id="I01")
        add_interview_with_text(study, FLAGGED, interview_id="I03")
        with study.transaction() as session:
            from research.services.interviews import add_interview

            add_interview(
                session,
                respondent_id="R01",
                interview_id="I02",
                values={**INTERVIEW, "interview_date": "2004-06-13"},
            )
            codebooks.run_operation(
                session, operations.retire_code, "motives/economy/poverty_ruin", changed_by="lead"
            )
        study.codings.add_coding(
            interview_id="I01", code=CODE, start_offset=0, end_offset=5, coder="lusine"
        )
    return folder


def _copy(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


def _through_the_service(folder: Path, coding: dict[str, Any]) -> Any:
    with open_study(folder) as study:
        try:
            if coding.get("quote") is not None:
                return study.codings.code_quote(
                    coded_at=MOMENT, **{k: v for k, v in coding.items() if "offset" not in k}
                ).model_dump()
            return study.codings.add_coding(
                coded_at=MOMENT,
                **{k: v for k, v in coding.items() if k not in ("quote", "occurrence")},
            ).model_dump()
        except Exception as error:  # noqa: BLE001 (the refusal is what is compared)
            return (type(error), str(error))


def _quickly(folder: Path, coding: dict[str, Any]) -> Any:
    try:
        record = add_coding_to_file(folder / DATABASE_FILE, coded_at=MOMENT, **coding)
    except Exception as error:  # noqa: BLE001
        return (type(error), str(error))
    assert record is not None, "a SQLite study at the newest revision is written quickly"
    return record.model_dump()


def _span(start: int, end: int, **rest: Any) -> dict[str, Any]:
    return {
        "interview_id": "I01",
        "code": CODE,
        "coder": "pavel",
        "start_offset": start,
        "end_offset": end,
        **rest,
    }


CASES = {
    "by span": _span(3, 12),
    "by span with a memo": _span(3, 12, memo="he left\r\nfor Moscow"),
    "by quote": _span(0, 0, start_offset=None, end_offset=None, quote="no work at all"),
    "a coder's name trimmed": _span(3, 12, coder="  pavel  "),
    "the same span coded again by the same coder": _span(0, 5, coder="lusine"),
    "the same span by another coder": _span(0, 5, coder="anna"),
    "no such interview": _span(3, 12, interview_id="I99"),
    "an interview without a transcript": _span(3, 12, interview_id="I02"),
    "no such code": _span(3, 12, code="motives/nowhere"),
    "a code that only groups others": _span(3, 12, code="motives/economy"),
    "a retired code": _span(3, 12, code="motives/economy/poverty_ruin"),
    "no coder": _span(3, 12, coder="  "),
    "a control character in the memo": _span(3, 12, memo="bell\x07"),
    "a negative start": _span(-1, 12),
    "an end past the text": _span(3, len(MIXED_TEXT) + 1),
    "an empty span": _span(12, 12),
    "whitespace alone": _span(MIXED_TEXT.index(" "), MIXED_TEXT.index(" ") + 1),
    "half a flag": _span(FLAG + 1, FLAG + 4, interview_id="I03"),
    "a quote nowhere": _span(0, 0, start_offset=None, end_offset=None, quote="no bread at all"),
    "a quote twice without its occurrence": _span(
        0, 0, start_offset=None, end_offset=None, quote="We left", interview_id="I03"
    ),
    "a quote's second occurrence": _span(
        0, 0, start_offset=None, end_offset=None, quote="We left", occurrence=2, interview_id="I03"
    ),
}


STORED = {
    "by span",
    "by span with a memo",
    "by quote",
    "a coder's name trimmed",
    "the same span by another coder",
    "a quote's second occurrence",
}


@pytest.mark.parametrize("case", CASES)
def test_the_quick_writer_stores_and_refuses_as_the_service_does(
    case: str, template_study: Path, tmp_path: Path
) -> None:
    coding = CASES[case]
    by_service = _through_the_service(_copy(template_study, tmp_path / "a"), coding)
    quickly = _quickly(_copy(template_study, tmp_path / "b"), coding)
    assert quickly == by_service
    assert isinstance(by_service, dict) == (case in STORED), by_service
    if isinstance(by_service, dict):
        # Stored alike too: the service reads back what the quick writer stored.
        with open_study(tmp_path / "b") as study:
            stored = study.codings.get_coding(by_service["coding_id"])
        assert stored.model_dump() == by_service


def test_a_refused_coding_leaves_the_file_as_it_was(template_study: Path, tmp_path: Path) -> None:
    folder = _copy(template_study, tmp_path / "s")
    with open_study(folder) as study:
        before = [c.model_dump() for c in study.codings.list_codings(include_incomplete=True)]
    with pytest.raises(Exception, match="already coded"):
        add_coding_to_file(folder / DATABASE_FILE, **_span(0, 5, coder="lusine"))
    with open_study(folder) as study:
        after = [c.model_dump() for c in study.codings.list_codings(include_incomplete=True)]
    assert after == before and len(before) == 1


def test_a_study_at_another_revision_is_left_to_the_service(
    template_study: Path, tmp_path: Path
) -> None:
    folder = _copy(template_study, tmp_path / "s")
    with sqlite3.connect(folder / DATABASE_FILE) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    connection.close()
    assert add_coding_to_file(folder / DATABASE_FILE, **_span(3, 12)) is None
    assert add_coding_to_file(tmp_path / "nowhere" / DATABASE_FILE, **_span(3, 12)) is None


def test_a_study_that_cannot_be_written_is_named(template_study: Path, tmp_path: Path) -> None:
    folder = _copy(template_study, tmp_path / "s")
    with unwritable(folder / DATABASE_FILE), pytest.raises(StudyDatabaseError) as refused:
        add_coding_to_file(folder / DATABASE_FILE, **_span(3, 12))
    assert str(folder / DATABASE_FILE) in str(refused.value)


def test_a_consensus_twin_does_not_stop_a_coder_coding_in_their_own_layer(
    template_study: Path, tmp_path: Path
) -> None:
    folder = _copy(template_study, tmp_path / "layers")
    with open_study(folder) as study:
        study.layers.copy_layer(from_coder="lusine")
        [own] = study.codings.list_codings(layer="coder")
        study.codings.remove_coding(own.coding_id)
    record = add_coding_to_file(
        folder / DATABASE_FILE,
        interview_id="I01",
        code=CODE,
        coder="lusine",
        start_offset=0,
        end_offset=5,
        coded_at=MOMENT,
    )
    assert record is not None and record.layer == "coder"
    with open_study(folder) as study:
        stored = study.codings.list_codings()
    assert sorted(coding.layer for coding in stored) == ["coder", "consensus"]
    assert study.codings.get_coding(record.coding_id) == record


def test_a_study_left_in_rollback_mode_is_written_through_the_log_again(
    template_study: Path, tmp_path: Path
) -> None:
    # A process that died in a bulk import leaves the file in rollback-journal mode.
    folder = _copy(template_study, tmp_path / "s")
    raw = sqlite3.connect(folder / DATABASE_FILE)
    assert raw.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    raw.close()
    record = add_coding_to_file(folder / DATABASE_FILE, **_span(3, 12))
    assert record is not None
    raw = sqlite3.connect(folder / DATABASE_FILE)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        raw.close()
