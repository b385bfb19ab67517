"""The guarded YAML composer: recursive aliases, alias bombs and deep nesting refused by line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from interviews import yaml_guard
from interviews.yaml_guard import MAX_DEPTH, MAX_REPEATED_NODES, YAMLLimitError, guard

ROOT = Path(__file__).resolve().parents[2]


def _load(text: str) -> object:
    return guard(YAML(typ="rt")).load(text)


def _laughs(levels: int) -> str:
    """Each anchor a list of nine of the one before: 9**levels leaves in a few lines."""
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: &x [*x]\n", 1),
        ("&s [*s]\n", 1),
        ("name: n\ncodes:\n  - &c\n    id: a\n    children: [*c]\n", 5),
        ("&m\nkey: value\nself: *m\n", 3),
        ("outer: &o\n  inner:\n    - deeper: [1, *o]\n", 3),
        ("base: &b\n  <<: *b\n", 2),
    ],
    ids=["list", "top-level-list", "code-children", "mapping", "nested", "merge-key"],
)
def test_a_recursive_alias_is_refused_at_its_line(text: str, line: int) -> None:
    with pytest.raises(YAMLLimitError) as caught:
        _load(text)
    assert "a recursive alias" in str(caught.value.problem)
    assert caught.value.problem_mark.line + 1 == line


def test_an_alias_bomb_is_refused_quickly_at_the_alias_that_crosses_the_limit() -> None:
    started = time.perf_counter()
    with pytest.raises(YAMLLimitError) as caught:
        _load(_laughs(9))
    assert time.perf_counter() - started < 1
    assert f"aliases repeat more than {MAX_REPEATED_NODES:,} nodes" in str(caught.value.problem)
    # Lines 2-5 repeat 74,718 nodes; the first alias on line 6 repeats 66,430 more.
    assert caught.value.problem_mark.line + 1 == 6


def test_aliases_that_repeat_a_little_are_read() -> None:
    loaded = _load("choices: &yes_no [yes, no]\nfirst: *yes_no\nsecond: *yes_no\n")
    assert loaded == {"choices": ["yes", "no"], "first": ["yes", "no"], "second": ["yes", "no"]}
    assert _load(_laughs(5))["l4"][0][0][0][0] == ["x"] * 9  # type: ignore[index]


def test_a_reused_anchor_name_is_valid_yaml_and_the_later_one_counts() -> None:
    assert _load("a: &x 1\nb: &x 2\nc: *x\n") == {"a": 1, "b": 2, "c": 2}


def test_an_alias_to_a_finished_sibling_of_a_reused_name_is_not_recursive() -> None:
    assert _load("outer: &x\n  - &x 1\n  - *x\n") == {"outer": [1, 1]}


def test_deep_nesting_is_refused_before_python_runs_out_of_stack() -> None:
    depth = 5000
    with pytest.raises(YAMLLimitError) as caught:
        _load("[" * depth + "]" * depth)
    assert f"nested more than {MAX_DEPTH} levels deep" in str(caught.value.problem)
    assert _load("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("!!set x", "the tag !!set is not used in this file; put text in quotes instead"),
        ("a: !!int x", "the tag !!int is not used in this file; put text in quotes instead"),
        ("a: !!str 1990", "the tag !!str is not used in this file; put text in quotes instead"),
        (
            "- !!binary aGk=",
            "the tag !!binary is not used in this file; put text in quotes instead",
        ),
        ("!x [1]", "the tag !x is not used in this file"),
    ],
)
def test_a_tag_other_than_list_or_mapping_is_refused(text: str, refusal: str) -> None:
    with pytest.raises(YAMLLimitError) as caught:
        _load(text)
    assert caught.value.problem == refusal


def test_list_and_mapping_tags_are_read() -> None:
    assert _load("b: !!seq [1]\nc: !!map {d: 2}\n") == {"b": [1], "c": {"d": 2}}


def test_the_codebook_keeps_the_same_guard() -> None:
    """The domain packages do not import each other: each holds a copy, kept equal here."""
    ours = Path(yaml_guard.__file__).read_text(encoding="utf-8")
    assert (ROOT / "codebook" / "yaml_guard.py").read_text(encoding="utf-8") == ours
