"""`research codebook import` and merge on a tree: subtrees dropped at every depth, with and
without codings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from codebook import Code, Codebook, dumps_codebook
from research.study import Study, create_study
from research.study_settings import StudySettings
from tests.research.cli.conftest import Run
from tests.research.helpers import add_interview_with_text, folder_state

# a            (root)
#   b          (middle)
#     c        (leaf)
#     d        (leaf)
# e            (root, a leaf)
TREE = [
    Code(code_id="a", name="a"),
    Code(code_id="b", name="b", parent_id="a"),
    Code(code_id="c", name="c", parent_id="b"),
    Code(code_id="d", name="d", parent_id="b"),
    Code(code_id="e", name="e"),
]
# Which codes a dropped subtree takes with it.
SUBTREES = {"c": {"c"}, "b": {"b", "c", "d"}, "a": {"a", "b", "c", "d"}}


@pytest.fixture
def tree_study(tmp_path: Path, database_url: str | None) -> Iterator[Study]:
    """A study whose codebook is TREE, with one interview to code."""
    with create_study(
        tmp_path / "study",
        template="karabakh",
        codebook=Codebook(name="Tree", codes=TREE),
        settings=StudySettings(),
        database_url=database_url,
    ) as created:
        add_interview_with_text(created)
        yield created


def _code(study: Study, code: str, start: int = 0) -> None:
    study.codings.add_coding(
        interview_id="I01", code=code, start_offset=start, end_offset=start + 3, coder="ana"
    )


def _without(dropped: str, tmp_path: Path) -> Path:
    kept = [code for code in TREE if code.code_id not in SUBTREES[dropped]]
    path = tmp_path / f"without-{dropped}.yaml"
    path.write_text(dumps_codebook(Codebook(name="Tree", version=2, codes=kept)), "utf-8")
    return path


def _paths(run: Run, study: Study) -> list[str]:
    shown = run("codebook", "show", "--study", str(study.folder), "--format", "json")
    return [code["path"] for code in json.loads(shown.stdout)]


@pytest.mark.parametrize("dropped", ["c", "b", "a"], ids=["leaf", "middle", "root"])
def test_a_subtree_without_codings_is_dropped_children_first(
    run: Run, tree_study: Study, tmp_path: Path, dropped: str
) -> None:
    _code(tree_study, "e")
    result = run(
        "codebook", "import", str(_without(dropped, tmp_path)), "--study", str(tree_study.folder)
    )
    assert result.exit_code == 0, result.output
    remaining = {code.code_id for code in TREE} - SUBTREES[dropped]
    assert {code.code_id for code in tree_study.codebook().codes} == remaining
    assert [coding.code_id for coding in tree_study.codings.list_codings()] == ["e"]


@pytest.mark.parametrize(
    ("coded", "dropped", "named"),
    [
        ("c", "c", "a/b/c (1 coding)"),
        ("c", "b", "a/b/c (1 coding)"),
        ("c", "a", "a/b/c (1 coding)"),
        ("b", "a", "a/b (1 coding)"),
    ],
    ids=["leaf", "leaf-under-middle", "leaf-under-root", "middle-under-root"],
)
def test_a_subtree_holding_codings_is_refused_naming_the_codes(
    run: Run, tree_study: Study, tmp_path: Path, coded: str, dropped: str, named: str
) -> None:
    _code(tree_study, coded)
    replacement = _without(dropped, tmp_path)
    codebook_before = dumps_codebook(tree_study.codebook())
    tree_study.close()
    before = folder_state(tree_study.folder)
    result = run("codebook", "import", str(replacement), "--study", str(tree_study.folder))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: the new codebook drops codes that hold codings: {named}; "
        "merge them into another code or retire them instead"
    )
    assert folder_state(tree_study.folder) == before
    assert dumps_codebook(tree_study.codebook()) == codebook_before


def test_several_codes_holding_codings_are_each_named(
    run: Run, tree_study: Study, tmp_path: Path
) -> None:
    _code(tree_study, "c")
    _code(tree_study, "d")
    _code(tree_study, "d", start=4)
    result = run(
        "codebook", "import", str(_without("a", tmp_path)), "--study", str(tree_study.folder)
    )
    assert result.exit_code == 1
    assert "a/b/c (1 coding), a/b/d (2 codings);" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_merging_a_middle_code_moves_its_codings_and_its_children(
    run: Run, tree_study: Study
) -> None:
    _code(tree_study, "b")
    _code(tree_study, "c", start=4)
    result = run("codebook", "merge", "a/b", "e", "--study", str(tree_study.folder))
    assert result.exit_code == 0, result.output
    assert _paths(run, tree_study) == ["a", "e", "e/c", "e/d"]
    assert sorted(coding.code_id for coding in tree_study.codings.list_codings()) == ["c", "e"]


def test_merging_a_root_with_grandchildren_keeps_the_grandchildren(
    run: Run, tree_study: Study
) -> None:
    _code(tree_study, "a")
    _code(tree_study, "d", start=4)
    result = run("codebook", "merge", "a", "e", "--study", str(tree_study.folder))
    assert result.exit_code == 0, result.output
    assert _paths(run, tree_study) == ["e", "e/b", "e/b/c", "e/b/d"]
    assert sorted(coding.code_id for coding in tree_study.codings.list_codings()) == ["d", "e"]
