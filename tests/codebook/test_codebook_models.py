"""Code and Codebook: validation on construction and lookups by id and path."""

import unicodedata

import pytest
from pydantic import ValidationError

from codebook import Code, Codebook, CodebookError


def test_display_title_falls_back_to_name() -> None:
    assert Code(code_id="a", name="alpha").display_title == "alpha"


def test_display_title_is_the_title_when_given() -> None:
    assert Code(code_id="a", name="alpha", title="Alpha code").display_title == "Alpha code"


@pytest.mark.parametrize(
    ("group_only", "retired", "applicable"),
    [(False, False, True), (True, False, False), (False, True, False)],
)
def test_applicable_excludes_groups_and_retired_codes(
    group_only: bool, retired: bool, applicable: bool
) -> None:
    code = Code(code_id="a", name="a", group_only=group_only, retired=retired)
    assert code.applicable is applicable


@pytest.mark.parametrize("code_id", ["", "Upper", "_lead", "-lead", "with space", "ünï", "a/b"])
def test_code_rejects_ids_outside_the_pattern(code_id: str) -> None:
    with pytest.raises(CodebookError, match="is not a code id"):
        Code(code_id=code_id, name="a")


@pytest.mark.parametrize("code_id", ["a", "0", "a-b_c", "1988"])
def test_code_accepts_ids_inside_the_pattern(code_id: str) -> None:
    assert Code(code_id=code_id, name="a").code_id == code_id


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "is empty"),
        ("motives/economy", "contains '/'"),
        (" economy", "whitespace"),
        ("economy ", "whitespace"),
        ("two\nlines", "control character"),
    ],
)
def test_code_rejects_bad_names_and_names_the_code(name: str, problem: str) -> None:
    with pytest.raises(CodebookError, match=problem) as caught:
        Code(code_id="economy", name=name)
    assert caught.value.code == "economy"
    assert caught.value.field == "name"


def test_code_names_are_normalised_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "économie")
    assert Code(code_id="a", name=decomposed).name == "économie"


def test_bad_colour_error_names_the_code() -> None:
    with pytest.raises(CodebookError) as caught:
        Code(code_id="unemployment", name="unemployment", colour="zz")
    assert str(caught.value) == "code 'unemployment': colour 'zz' is not a #RRGGBB colour"


def test_colours_are_stored_upper_case() -> None:
    assert Code(code_id="a", name="a", colour="#00aaff").colour == "#00AAFF"


def test_text_fields_get_lf_newlines_and_no_surrounding_whitespace() -> None:
    code = Code(code_id="a", name="a", definition="  first line\r\nsecond line\r\n")
    assert code.definition == "first line\nsecond line"


def test_text_fields_refuse_control_characters() -> None:
    with pytest.raises(CodebookError, match="U\\+0007"):
        Code(code_id="a", name="a", memo="bell\x07")


def test_empty_title_becomes_none() -> None:
    assert Code(code_id="a", name="a", title="   ").title is None


def test_multi_line_title_is_refused() -> None:
    with pytest.raises(CodebookError, match="single line"):
        Code(code_id="a", name="a", title="one\ntwo")


def test_examples_are_stored_as_a_tuple() -> None:
    assert Code(code_id="a", name="a", examples=["one", "two"]).examples == ("one", "two")


def test_empty_example_is_refused() -> None:
    with pytest.raises(CodebookError, match="example 2 is empty"):
        Code(code_id="a", name="a", examples=["one", "  "])


def test_unknown_field_is_refused_as_codebook_error() -> None:
    with pytest.raises(CodebookError, match="colour_name is not a known field"):
        Code.model_validate({"code_id": "a", "name": "a", "colour_name": "red"})


def test_wrong_type_is_refused_as_codebook_error() -> None:
    with pytest.raises(CodebookError, match="definition: input should be a valid string"):
        Code.model_validate({"code_id": "a", "name": "a", "definition": 5})


def test_codes_are_frozen() -> None:
    code = Code(code_id="a", name="a")
    with pytest.raises(ValidationError):
        code.name = "b"


def test_codes_are_hashable_and_equal_by_value() -> None:
    assert {Code(code_id="a", name="a"), Code(code_id="a", name="a")} == {
        Code(code_id="a", name="a")
    }


def test_codebook_refuses_duplicate_ids() -> None:
    with pytest.raises(CodebookError, match="used twice") as caught:
        Codebook(name="x", codes=[Code(code_id="a", name="a"), Code(code_id="a", name="b")])
    assert caught.value.code == "a"


def test_codebook_refuses_unknown_parent() -> None:
    with pytest.raises(CodebookError) as caught:
        Codebook(name="x", codes=[Code(code_id="a", name="a", parent_id="ghost")])
    assert str(caught.value) == "code 'a': parent 'ghost' does not exist"


def test_codebook_refuses_parent_loops() -> None:
    codes = [
        Code(code_id="a", name="a", parent_id="b"),
        Code(code_id="b", name="b", parent_id="a"),
    ]
    with pytest.raises(CodebookError, match="a -> b -> a"):
        Codebook(name="x", codes=codes)


def test_codebook_refuses_two_codes_with_one_path() -> None:
    codes = [
        Code(code_id="p", name="p"),
        Code(code_id="a", name="same", parent_id="p"),
        Code(code_id="b", name="same", parent_id="p"),
    ]
    with pytest.raises(CodebookError, match="'same' is already used by 'a'") as caught:
        Codebook(name="x", codes=codes)
    assert caught.value.code == "b"


def test_same_name_under_different_parents_is_fine() -> None:
    codes = [
        Code(code_id="p", name="p"),
        Code(code_id="q", name="q"),
        Code(code_id="a", name="other", parent_id="p"),
        Code(code_id="b", name="other", parent_id="q"),
    ]
    assert Codebook(name="x", codes=codes).by_path("q/other").code_id == "b"


def test_codebook_error_from_a_nested_dict_names_the_code() -> None:
    with pytest.raises(CodebookError) as caught:
        Codebook.model_validate(
            {"name": "x", "codes": [{"code_id": "a", "name": "a", "colour": "red"}]}
        )
    assert (caught.value.code, caught.value.field) == ("a", "colour")


@pytest.mark.parametrize("version", [0, -1, True, "2"])
def test_codebook_version_must_be_a_positive_whole_number(version: object) -> None:
    with pytest.raises(CodebookError, match="version"):
        Codebook(name="x", version=version, codes=[])  # type: ignore[arg-type]


def test_codebook_puts_codes_in_tree_order() -> None:
    codes = [
        Code(code_id="a", name="a"),
        Code(code_id="b", name="b"),
        Code(code_id="a2", name="a2", parent_id="a"),
        Code(code_id="b1", name="b1", parent_id="b"),
        Code(code_id="a1", name="a1", parent_id="a"),
        Code(code_id="a2x", name="x", parent_id="a2"),
    ]
    ordered = [code.code_id for code in Codebook(name="x", codes=codes).codes]
    assert ordered == ["a", "a2", "a2x", "a1", "b", "b1"]


def test_codebook_codes_are_an_immutable_tuple(small: Codebook) -> None:
    assert isinstance(small.codes, tuple)


def test_codebooks_are_hashable(small: Codebook) -> None:
    assert hash(small) == hash(small.model_copy())


def test_get_returns_the_code(small: Codebook) -> None:
    assert small.get("poverty").name == "poverty"


def test_get_unknown_id_suggests_close_ids(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="did you mean 'poverty'") as caught:
        small.get("povrty")
    assert caught.value.code == "povrty"


def test_by_path_finds_nested_codes(small: Codebook) -> None:
    assert small.by_path("motives/economy/unemployment").code_id == "unemployment"


def test_by_path_ignores_surrounding_slashes(small: Codebook) -> None:
    assert small.by_path("/motives/economy/").code_id == "economy"


def test_by_path_unknown_lists_close_matches(small: Codebook) -> None:
    with pytest.raises(CodebookError) as caught:
        small.by_path("economy/unemployment")
    assert "did you mean 'motives/economy/unemployment'" in str(caught.value)


def test_by_path_unknown_typo_lists_close_matches(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="'motives/economy/poverty'"):
        small.by_path("motives/economy/povety")


def test_by_path_matches_decomposed_unicode() -> None:
    codebook = Codebook(name="x", codes=[Code(code_id="e", name="économie")])
    assert codebook.by_path(unicodedata.normalize("NFD", "économie")).code_id == "e"


def test_path_of_joins_names(small: Codebook) -> None:
    assert small.path_of("debt") == "motives/economy/poverty/debt"


def test_children_of_none_are_the_roots(small: Codebook) -> None:
    assert [code.code_id for code in small.children(None)] == ["motives", "patterns", "clan"]


def test_children_are_in_order(small: Codebook) -> None:
    assert [code.code_id for code in small.children("economy")] == [
        "unemployment",
        "poverty",
        "ruin",
    ]


def test_children_of_unknown_code_raises(small: Codebook) -> None:
    with pytest.raises(CodebookError):
        small.children("ghost")


def test_descendants_are_in_tree_order(small: Codebook) -> None:
    assert [code.code_id for code in small.descendants("economy")] == [
        "unemployment",
        "poverty",
        "debt",
        "ruin",
    ]


def test_ancestors_run_from_root_to_parent(small: Codebook) -> None:
    assert [code.code_id for code in small.ancestors("debt")] == [
        "motives",
        "economy",
        "poverty",
    ]


def test_root_has_no_ancestors(small: Codebook) -> None:
    assert small.ancestors("motives") == []


def test_top_group_is_the_root_above(small: Codebook) -> None:
    assert small.top_group("debt").code_id == "motives"


def test_top_group_of_a_root_is_itself(small: Codebook) -> None:
    assert small.top_group("clan").code_id == "clan"


def test_applicable_codes_leave_out_groups_and_retired(small: Codebook) -> None:
    assert [code.code_id for code in small.applicable_codes()] == [
        "unemployment",
        "poverty",
        "debt",
        "ruin",
        "clans_nepotism",
        "protracted",
        "clan",
    ]


def test_resolve_accepts_an_id(small: Codebook) -> None:
    assert small.resolve("debt").code_id == "debt"


def test_resolve_accepts_a_path(small: Codebook) -> None:
    assert small.resolve("motives/politics/clans_nepotism").code_id == "clans_nepotism"


def test_resolve_prefers_the_id_over_a_root_name() -> None:
    codebook = Codebook(
        name="x", codes=[Code(code_id="b", name="a"), Code(code_id="a", name="other")]
    )
    assert codebook.resolve("a").code_id == "a"


def test_resolve_unknown_reference_raises_with_suggestions(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="no code has the id or path 'protraced'") as caught:
        small.resolve("protraced")
    assert "'protracted'" in str(caught.value)


def test_colour_of_falls_back_to_the_nearest_ancestor(small: Codebook) -> None:
    assert small.colour_of("debt") == "#0072B2"


def test_colour_of_is_none_without_any_colour(small: Codebook) -> None:
    assert small.colour_of("clan") is None


@pytest.mark.parametrize("name", ["\u200b", "\u0301", "evil\u202eexe", " \u2060 "])
def test_invisible_or_direction_tricking_names_are_refused(name: str) -> None:
    from codebook.models import check_name

    with pytest.raises(CodebookError):
        check_name(name)


@pytest.mark.parametrize("name", ["Работы нет", "աշխատանք", "🙏", "?", "in_vivo"])
def test_visible_names_in_any_script_are_accepted(name: str) -> None:
    from codebook.models import check_name

    assert check_name(name) == name
