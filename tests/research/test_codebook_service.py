"""Codebook changes on a study with codings: merge, retire, rename, move and import lose nothing."""

from __future__ import annotations

import pytest

from codebook import dumps_codebook, loads_codebook, operations
from research.errors import ConflictError, ResearchError
from research.study import Study


def coding_keys(study: Study) -> list[tuple[str, int, int, str]]:
    return sorted(
        (c.interview_id, c.start_offset, c.end_offset, c.coder)
        for c in study.codings.list_codings()
    )


def test_merge_moves_every_coding_to_the_target(demo_study: Study) -> None:
    before = coding_keys(demo_study)
    source = len(demo_study.codings.list_codings(code="war_destruction"))
    target = len(demo_study.codings.list_codings(code="poverty_ruin"))
    assert source > 0
    change, moved = demo_study.codebooks.run_operation(
        operations.merge_codes, "war_destruction", "poverty_ruin", changed_by="lead"
    )
    assert moved == source
    after = demo_study.codings.list_codings(code="poverty_ruin")
    # Identical spans by the same coder fold into one coding; every span survives.
    assert source + target >= len(after) >= max(source, target)
    assert set(coding_keys(demo_study)) == set(before)
    assert change.code_id_map == {"war_destruction": "poverty_ruin"}
    with pytest.raises(Exception, match="war_destruction"):
        demo_study.codebook().resolve("war_destruction")


def test_merge_counts_every_span_of_both_codes(demo_study: Study) -> None:
    spans = {
        (c.interview_id, c.start_offset, c.end_offset, c.coder)
        for code in ("war_destruction", "poverty_ruin")
        for c in demo_study.codings.list_codings(code=code)
    }
    demo_study.codebooks.run_operation(
        operations.merge_codes, "war_destruction", "poverty_ruin", changed_by="lead"
    )
    merged = {
        (c.interview_id, c.start_offset, c.end_offset, c.coder)
        for c in demo_study.codings.list_codings(code="poverty_ruin")
    }
    assert merged == spans


def test_retire_keeps_codings_and_refuses_new_ones(demo_study: Study) -> None:
    before = demo_study.codings.list_codings(code="clan")
    demo_study.codebooks.run_operation(operations.retire_code, "clan", changed_by="lead")
    assert demo_study.codings.list_codings(code="clan") == before
    interview_id = before[0].interview_id
    with pytest.raises(ResearchError, match="retired"):
        demo_study.codings.add_coding(
            interview_id=interview_id, code="clan", start_offset=0, end_offset=5, coder="new"
        )


def test_rename_changes_paths_of_children_and_keeps_codings(demo_study: Study) -> None:
    count = len(demo_study.codings.list_codings(code="motives/economy"))
    demo_study.codebooks.run_operation(
        operations.rename_code, "economy", "economic", changed_by="lead"
    )
    assert len(demo_study.codings.list_codings(code="motives/economic")) == count
    paths = {c.code_path for c in demo_study.codings.list_codings(code="motives/economic")}
    assert all(path.startswith("motives/economic/") for path in paths)


def test_move_keeps_codings(demo_study: Study) -> None:
    count = len(demo_study.codings.list_codings(code="clan"))
    demo_study.codebooks.run_operation(
        operations.move_code, "clan", "motives/politics", changed_by="lead"
    )
    assert len(demo_study.codings.list_codings(code="motives/politics/clan")) == count


def test_change_history_is_recorded(demo_study: Study) -> None:
    demo_study.codebooks.run_operation(operations.retire_code, "clan", changed_by="lead")
    history = demo_study.codebooks.history()
    assert history[-1].kind == "retire"
    assert history[-1].changed_by == "lead"
    assert demo_study.summary().codebook_version == history[-1].version


def test_import_refuses_to_drop_a_code_that_holds_codings(demo_study: Study) -> None:
    codebook = demo_study.codebook()
    text = dumps_codebook(codebook)
    smaller = codebook.model_copy(
        update={"codes": [c for c in codebook.codes if c.code_id != "clan"]}
    )
    with pytest.raises(ConflictError, match="clan"):
        demo_study.codebooks.import_codebook(smaller, changed_by="lead")
    assert dumps_codebook(demo_study.codebook()) == text


def test_import_of_an_edited_codebook_updates_definitions(study: Study) -> None:
    edited, _ = operations.update_code(study.codebook(), "unemployment", memo="revised after pilot")
    reloaded = loads_codebook(dumps_codebook(edited))
    study.codebooks.import_codebook(reloaded, changed_by="lead")
    assert study.codebook().get("unemployment").memo == "revised after pilot"


def test_a_codebook_edit_is_seen_within_the_same_transaction_and_after(study: Study) -> None:
    from codebook import operations
    from research.services import codebooks

    with study.transaction() as session:
        before = codebooks.load_codebook(session)
        codebooks.run_operation(
            session, operations.rename_code, "clans_nepotism", "clans", changed_by="lead"
        )
        inside = codebooks.load_codebook(session)
    assert before.path_of("clans_nepotism").endswith("clans_nepotism")
    assert inside.path_of("clans_nepotism").endswith("/clans")
    assert study.codebook().path_of("clans_nepotism").endswith("/clans")


def test_an_imported_codebook_of_the_same_version_is_not_served_stale(study: Study) -> None:
    from codebook import operations

    codebook = study.codebook()
    edited, _ = operations.update_code(codebook, "unemployment", definition="Changed.")
    same_version = edited.model_validate({**edited.model_dump(), "version": codebook.version})
    study.codebooks.import_codebook(same_version, changed_by="lead")
    assert study.codebook().get("unemployment").definition == "Changed."


def test_two_editors_at_once_keep_both_changes(study: Study) -> None:
    """The second editor waits for the first and builds on its codebook: nothing is lost."""
    import threading

    from research.services import codebooks

    version = study.codebook().version
    second_done = threading.Event()
    errors: list[BaseException] = []

    def second_editor() -> None:
        try:
            with study.transaction(immediate=True) as session:
                codebooks.run_operation(
                    session, operations.add_code, name="second", changed_by="pavel"
                )
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            second_done.set()

    with study.transaction(immediate=True) as session:
        codebooks.run_operation(session, operations.add_code, name="first", changed_by="lusine")
        thread = threading.Thread(target=second_editor)
        thread.start()
        # The first editor has not committed: the second must still be waiting.
        assert not second_done.wait(timeout=1.0)
    thread.join(timeout=30)
    assert not errors, errors
    codebook = study.codebook()
    assert {"first", "second"} <= {code.name for code in codebook.codes}
    assert codebook.version == version + 2
    versions = [change.version for change in study.codebooks.history()]
    assert versions[-2:] == [version + 1, version + 2]
