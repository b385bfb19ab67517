"""Loading and saving codebooks as nested YAML, and the located errors for bad files."""

import os
import stat
import textwrap
from pathlib import Path

import pytest

from codebook import (
    Codebook,
    CodebookError,
    dumps_codebook,
    load_codebook,
    loads_codebook,
    save_codebook,
)

GOOD = textwrap.dedent(
    """\
    name: Small study
    version: 3
    codes:
      - id: motives
        name: motives
        title: Motives for leaving
        group_only: true
        colour: "#0072B2"
        children:
          - id: unemployment
            name: unemployment
            definition: |
              No work.
              No market.
            examples:
              - "Աշխատանք չկա։ [There is no work.]"
      - id: clan
        name: clan
        retired: true
    """
)


def load_error(text: str) -> CodebookError:
    """Load text that must fail, and return the error."""
    with pytest.raises(CodebookError) as caught:
        loads_codebook(textwrap.dedent(text), source="bad.yaml")
    return caught.value


def test_loads_nested_codes_with_their_parents() -> None:
    codebook = loads_codebook(GOOD)
    assert [(code.code_id, code.parent_id) for code in codebook.codes] == [
        ("motives", None),
        ("unemployment", "motives"),
        ("clan", None),
    ]


def test_loads_fields() -> None:
    codebook = loads_codebook(GOOD)
    unemployment = codebook.get("unemployment")
    assert (codebook.name, codebook.version) == ("Small study", 3)
    assert unemployment.definition == "No work.\nNo market."
    assert unemployment.examples == ("Աշխատանք չկա։ [There is no work.]",)
    assert codebook.get("motives").group_only
    assert codebook.get("clan").retired


def test_version_defaults_to_one() -> None:
    assert loads_codebook("name: x\ncodes: []\n").version == 1


def test_empty_text_fields_may_be_left_blank() -> None:
    codebook = loads_codebook("name: x\ncodes:\n  - id: a\n    name: a\n    memo:\n    title:\n")
    assert (codebook.get("a").memo, codebook.get("a").title) == ("", None)


def test_dump_writes_the_nested_form_without_defaults() -> None:
    text = dumps_codebook(loads_codebook(GOOD))
    assert text.splitlines()[:12] == [
        "name: Small study",
        "version: 3",
        "codes:",
        "  - id: motives",
        "    name: motives",
        "    title: Motives for leaving",
        "    group_only: true",
        "    colour: '#0072B2'",
        "    children:",
        "      - id: unemployment",
        "        name: unemployment",
        "        definition: |-",
    ]
    assert "retired: false" not in text and "memo" not in text and "inclusion" not in text


def test_dump_writes_multi_line_text_as_a_literal_block() -> None:
    text = dumps_codebook(loads_codebook(GOOD))
    assert "definition: |-\n          No work.\n          No market.\n" in text


def test_dump_folds_long_prose_for_editing() -> None:
    definition = " ".join(["word"] * 60)
    codebook = loads_codebook(
        f"name: x\ncodes:\n  - id: a\n    name: a\n    definition: {definition}\n"
    )
    text = dumps_codebook(codebook)
    assert "definition: >-" in text
    assert max(len(line) for line in text.splitlines()) <= 100


def test_dump_quotes_names_yaml_would_read_as_other_types() -> None:
    text = "name: x\ncodes:\n  - id: a\n    name: '1988'\n  - id: b\n    name: 'true'\n"
    codebook = loads_codebook(text)
    assert loads_codebook(dumps_codebook(codebook)) == codebook


def test_load_dump_load_keeps_the_codebook() -> None:
    codebook = loads_codebook(GOOD)
    assert loads_codebook(dumps_codebook(codebook)) == codebook


def test_save_then_load_file(tmp_path: Path) -> None:
    codebook = loads_codebook(GOOD)
    save_codebook(codebook, tmp_path / "codebook.yaml")
    assert load_codebook(tmp_path / "codebook.yaml") == codebook


def test_save_writes_utf8_with_lf_newlines(tmp_path: Path) -> None:
    save_codebook(loads_codebook(GOOD), tmp_path / "codebook.yaml")
    raw = (tmp_path / "codebook.yaml").read_bytes()
    assert b"\r\n" not in raw
    assert "Աշխատանք".encode() in raw


def test_save_replaces_an_existing_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "codebook.yaml"
    target.write_text("old", encoding="utf-8")
    save_codebook(loads_codebook(GOOD), target)
    assert load_codebook(target).name == "Small study"
    assert os.listdir(tmp_path) == ["codebook.yaml"]


def test_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "codebook.yaml"
    target.write_text("old", encoding="utf-8")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        save_codebook(loads_codebook(GOOD), target)
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["codebook.yaml"]


def test_save_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "codebook.yaml"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    save_codebook(loads_codebook(GOOD), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_load_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\ncodes:\n  - id: a\n    name: a\n    colour: zz\n", encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    assert str(caught.value) == f"{path}, line 5, code 'a': colour 'zz' is not a #RRGGBB colour"


def test_load_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: économie\ncodes: []\n".encode("latin-1"))
    with pytest.raises(CodebookError, match="not UTF-8"):
        load_codebook(path)


def test_load_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: x\ncodes: []\n")
    assert load_codebook(path) == Codebook(name="x", codes=[])


def test_bad_colour_is_located_at_its_key() -> None:
    error = load_error(
        """\
        name: x
        codes:
          - id: motives
            name: motives
            children:
              - id: unemployment
                name: unemployment
                colour: zz
        """
    )
    assert (
        str(error) == "bad.yaml, line 8, code 'unemployment': colour 'zz' is not a #RRGGBB colour"
    )


def test_unknown_key_suggests_the_known_one() -> None:
    error = load_error(
        """\
        name: x
        codes:
          - id: a
            name: a
            color: "#000000"
        """
    )
    assert (error.line, error.code) == (5, "a")
    assert error.message == "unknown key 'color'; did you mean 'colour'?"


def test_unknown_top_level_key_is_refused() -> None:
    error = load_error("name: x\nauthor: me\ncodes: []\n")
    assert (error.line, error.message) == (
        2,
        "unknown key 'author'; known keys: name, version, codes",
    )


def test_examples_must_be_a_list() -> None:
    error = load_error(
        """\
        name: x
        codes:
          - id: a
            name: a
            examples: just one quotation
        """
    )
    assert (error.line, error.code) == (5, "a")
    assert error.message == "examples must be a list of quotations, not text"


def test_number_where_text_is_expected_suggests_quotes() -> None:
    error = load_error(
        """\
        name: x
        codes:
          - id: a
            name: 1988
        """
    )
    assert (error.line, error.code) == (4, "a")
    assert (
        error.message == "name must be text, not a number (1988); put it in quotes to make it text"
    )


def test_example_of_the_wrong_type_is_located_at_its_item() -> None:
    error = load_error(
        """\
        name: x
        codes:
          - id: a
            name: a
            examples:
              - fine
              - 2020-01-01
        """
    )
    assert (error.line, error.code) == (7, "a")
    assert error.message.startswith("example 2 must be text, not a date")


def test_flag_must_be_true_or_false() -> None:
    error = load_error(
        """\
        name: x
        codes:
          - id: a
            name: a
            group_only: "yes"
        """
    )
    assert (error.line, error.message) == (5, "group_only must be true or false, not text")


def test_duplicate_id_points_at_the_second_use() -> None:
    error = load_error(
        """\
        name: x
        codes:
          - id: a
            name: first
          - id: b
            name: second
            children:
              - id: a
                name: third
        """
    )
    assert (error.line, error.code) == (8, "a")
    assert error.message == "the id 'a' is used twice (first on line 3)"


def test_duplicate_path_points_at_the_second_code() -> None:
    error = load_error(
        """\
        name: x
        codes:
          - id: p
            name: p
            children:
              - id: a
                name: same
              - id: b
                name: same
        """
    )
    assert (error.line, error.code) == (8, "b")
    assert error.message == "the path 'p/same' is used twice (first on line 6)"


def test_bad_code_id_is_located_at_the_id_key() -> None:
    error = load_error(
        """\
        name: x
        codes:
          - id: a
            name: a
          - id: Bad Id
            name: b
        """
    )
    assert (error.line, error.code) == (5, "Bad Id")
    assert "is not a code id" in error.message


def test_missing_name_is_located_at_the_code() -> None:
    error = load_error(
        """\
        name: x
        codes:
          - id: a
            title: No name
        """
    )
    assert (error.line, error.code, error.message) == (3, "a", "the key 'name' is missing or empty")


def test_missing_id_names_the_code_by_path() -> None:
    error = load_error(
        """\
        name: x
        codes:
          - id: p
            name: p
            children:
              - name: orphan
        """
    )
    assert (error.line, error.code) == (6, "p/orphan")
    assert error.message == "the key 'id' is missing or empty"


def test_child_that_is_not_a_mapping_is_refused() -> None:
    error = load_error(
        """\
        name: x
        codes:
          - id: p
            name: p
            children:
              - just a name
        """
    )
    assert (error.line, error.code) == (6, "p")
    assert error.message.startswith("each entry in children must be a code mapping")


def test_children_must_be_a_list() -> None:
    error = load_error("name: x\ncodes:\n  - id: p\n    name: p\n    children: none\n")
    assert (error.line, error.code) == (5, "p")
    assert error.message == "children must be a list of codes, not text"


def test_malformed_yaml_reports_the_line() -> None:
    error = load_error("name: x\ncodes:\n  - id: a\n    name: [unclosed\n  - id: b\n")
    assert error.file == "bad.yaml"
    assert error.line is not None and error.line >= 4
    assert error.message.startswith("malformed YAML")


def test_duplicate_yaml_key_reports_the_line() -> None:
    error = load_error("name: x\ncodes:\n  - id: a\n    name: a\n    name: b\n")
    assert error.line == 5
    assert "duplicate key" in error.message


def test_empty_document_is_refused() -> None:
    error = load_error("# only a comment\n")
    assert (error.line, error.message) == (
        1,
        "the codebook is empty; expected name, version and codes",
    )


def test_top_level_list_is_refused() -> None:
    assert "expected a mapping" in load_error("- a\n- b\n").message


def test_missing_codes_key_is_refused() -> None:
    assert load_error("name: x\n").message == "the key 'codes' is missing"


def test_version_must_be_a_number() -> None:
    error = load_error("name: x\nversion: two\ncodes: []\n")
    assert (error.line, error.message) == (2, "version must be a whole number, not text")


def test_version_below_one_is_located_at_its_key() -> None:
    error = load_error("name: x\nversion: 0\ncodes: []\n")
    assert (error.line, error.code) == (2, None)
    assert "version 0" in error.message


def test_text_with_a_control_character_is_located_at_its_key() -> None:
    error = load_error('name: x\ncodes:\n  - id: a\n    name: a\n    memo: "bell\\a"\n')
    assert (error.line, error.code) == (5, "a")
    assert "U+0007" in error.message
