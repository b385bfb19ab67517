"""Codebook operations: each returns a new codebook and a Change, and refuses bad edits."""

from collections.abc import Callable

import pytest

from codebook import (
    Change,
    Codebook,
    CodebookError,
    add_code,
    merge_codes,
    move_code,
    rename_code,
    retire_code,
    update_code,
)

Operation = Callable[[Codebook], tuple[Codebook, Change]]

OPERATIONS: dict[str, Operation] = {
    "add": lambda codebook: add_code(codebook, name="debt", parent="motives/economy"),
    "rename": lambda codebook: rename_code(codebook, "poverty", "hardship"),
    "move": lambda codebook: move_code(codebook, "poverty", "patterns"),
    "merge": lambda codebook: merge_codes(codebook, "poverty", "ruin"),
    "retire": lambda codebook: retire_code(codebook, "poverty"),
    "update": lambda codebook: update_code(codebook, "poverty", definition="Deprivation."),
}


@pytest.mark.parametrize("kind", OPERATIONS)
def test_every_operation_bumps_the_version_by_one(small: Codebook, kind: str) -> None:
    new, _ = OPERATIONS[kind](small)
    assert new.version == small.version + 1


@pytest.mark.parametrize("kind", OPERATIONS)
def test_every_operation_leaves_its_input_unchanged(small: Codebook, kind: str) -> None:
    before = small.model_copy(deep=True)
    OPERATIONS[kind](small)
    assert small == before


@pytest.mark.parametrize("kind", OPERATIONS)
def test_every_operation_reports_its_kind(small: Codebook, kind: str) -> None:
    _, change = OPERATIONS[kind](small)
    assert change.kind == kind


def test_remap_leaves_ids_alone_when_nothing_was_merged() -> None:
    change = Change(kind="retire", code_id="a", details={"path": "a"})
    assert change.remap("a") == "a"


def test_add_code_puts_the_code_last_under_its_parent(small: Codebook) -> None:
    new, change = add_code(small, name="blockade", parent="motives/economy", definition="Siege.")
    assert [code.code_id for code in new.children("economy")][-1] == "blockade"
    assert new.get("blockade").definition == "Siege."
    assert change.code_id == "blockade"
    assert change.describe() == "added 'motives/economy/blockade'"


def test_add_code_accepts_the_parent_by_id(small: Codebook) -> None:
    new, _ = add_code(small, name="blockade", parent="economy")
    assert new.path_of("blockade") == "motives/economy/blockade"


def test_add_code_without_parent_adds_a_root(small: Codebook) -> None:
    new, _ = add_code(small, name="return", group_only=True)
    assert new.children(None)[-1].code_id == "return"
    assert new.get("return").group_only


def test_add_code_derives_the_id_from_the_name(small: Codebook) -> None:
    new, change = add_code(small, name="Réfugiés de Bakou", parent="motives")
    assert change.code_id == "refugies_de_bakou"
    assert new.get("refugies_de_bakou").name == "Réfugiés de Bakou"


def test_add_code_makes_a_derived_id_unique(small: Codebook) -> None:
    _, change = add_code(small, name="Poverty", parent="patterns")
    assert change.code_id == "poverty_2"


def test_add_code_with_a_name_without_latin_letters_gets_a_generic_id(small: Codebook) -> None:
    new, change = add_code(small, name="Աշխատանք", parent="motives/economy")
    assert change.code_id == "code"
    assert new.by_path("motives/economy/Աշխատանք").code_id == "code"


def test_add_code_keeps_a_given_id(small: Codebook) -> None:
    _, change = add_code(small, name="Blockade", code_id="blockade_1989", parent="economy")
    assert change.code_id == "blockade_1989"


def test_add_code_refuses_an_id_in_use(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="already used by 'motives/economy/poverty'") as caught:
        add_code(small, name="other", code_id="poverty")
    assert caught.value.code == "poverty"


def test_add_code_refuses_a_path_in_use(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="'motives/economy/ruin' already exists"):
        add_code(small, name="ruin", parent="economy", code_id="ruin_2")
    # Without an id given, the error names no id the user never chose (`ruin_2`).
    with pytest.raises(CodebookError) as caught:
        add_code(small, name="ruin", parent="economy")
    assert str(caught.value) == "'motives/economy/ruin' already exists (id ruin)"


def test_add_code_refuses_an_unknown_parent(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="no code has the id or path 'motives/econ'"):
        add_code(small, name="x", parent="motives/econ")


def test_add_code_refuses_a_bad_colour_naming_the_code(small: Codebook) -> None:
    with pytest.raises(CodebookError) as caught:
        add_code(small, name="x", code_id="x", colour="blue")
    assert str(caught.value) == "code 'x': colour 'blue' is not a #RRGGBB colour"


def test_rename_changes_the_path_and_keeps_the_id(small: Codebook) -> None:
    new, change = rename_code(small, "motives/economy/poverty", "hardship")
    assert new.get("poverty").name == "hardship"
    assert new.path_of("poverty") == "motives/economy/hardship"
    assert change.describe() == "renamed 'motives/economy/poverty' to 'motives/economy/hardship'"


def test_renaming_a_parent_changes_the_paths_of_its_descendants(small: Codebook) -> None:
    new, _ = rename_code(small, "economy", "economic")
    assert new.path_of("debt") == "motives/economic/poverty/debt"
    assert new.by_path("motives/economic/unemployment").code_id == "unemployment"


def test_rename_can_set_a_new_title(small: Codebook) -> None:
    new, change = rename_code(small, "clan", "clan", new_title="Clans and leverage")
    assert new.get("clan").title == "Clans and leverage"
    assert change.describe() == "retitled 'clan' as 'Clans and leverage'"


def test_rename_keeps_the_title_unless_given(small: Codebook) -> None:
    new, _ = rename_code(small, "clan", "clans")
    assert new.get("clan").title == "Clans and power"


def test_rename_refuses_a_sibling_name(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="'motives/economy/ruin' already exists") as caught:
        rename_code(small, "poverty", "ruin")
    assert caught.value.code == "poverty"


def test_rename_refuses_the_current_name(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="already named 'poverty'"):
        rename_code(small, "poverty", "poverty")


def test_rename_refuses_a_name_with_a_slash(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="contains '/'") as caught:
        rename_code(small, "poverty", "poverty/ruin")
    assert caught.value.code == "poverty"


def test_move_puts_the_code_and_its_subtree_under_the_new_parent(small: Codebook) -> None:
    new, change = move_code(small, "poverty", "motives/politics")
    assert new.path_of("poverty") == "motives/politics/poverty"
    assert new.path_of("debt") == "motives/politics/poverty/debt"
    assert [code.code_id for code in new.children("politics")] == ["clans_nepotism", "poverty"]
    assert change.describe() == "moved 'motives/economy/poverty' to 'motives/politics/poverty'"


def test_move_to_none_makes_a_root(small: Codebook) -> None:
    new, _ = move_code(small, "economy", None)
    assert [code.code_id for code in new.children(None)][-1] == "economy"
    assert new.path_of("debt") == "economy/poverty/debt"


def test_move_refuses_moving_under_its_own_descendant(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="own descendant 'motives/economy/poverty'") as caught:
        move_code(small, "economy", "poverty")
    assert caught.value.code == "economy"


def test_move_refuses_moving_under_itself(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="under itself"):
        move_code(small, "economy", "economy")


def test_move_refuses_the_current_parent(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="already under 'motives/economy'"):
        move_code(small, "poverty", "economy")


def test_move_refuses_a_name_taken_at_the_destination(small: Codebook) -> None:
    crowded, _ = add_code(small, name="poverty", parent="patterns", code_id="poverty_patterns")
    with pytest.raises(CodebookError, match="'patterns/poverty' already exists"):
        move_code(crowded, "poverty", "patterns")


def test_merge_removes_the_source(small: Codebook) -> None:
    new, _ = merge_codes(small, "poverty", "ruin")
    with pytest.raises(CodebookError):
        new.get("poverty")


def test_merge_moves_the_source_children_under_the_target(small: Codebook) -> None:
    new, change = merge_codes(small, "poverty", "ruin")
    assert new.path_of("debt") == "motives/economy/ruin/debt"
    assert change.details["moved_children"] == "debt"


def test_merge_maps_the_source_id_to_the_target(small: Codebook) -> None:
    _, change = merge_codes(small, "motives/economy/poverty", "motives/economy/ruin")
    assert change.code_id_map == {"poverty": "ruin"}
    assert (change.remap("poverty"), change.remap("debt")) == ("ruin", "debt")


def test_merge_describes_itself_by_paths(small: Codebook) -> None:
    _, change = merge_codes(small, "poverty", "ruin")
    assert change.describe() == "merged 'motives/economy/poverty' into 'motives/economy/ruin'"


def test_merge_adds_the_source_examples_to_the_target_once(small: Codebook) -> None:
    new, _ = merge_codes(small, "poverty", "unemployment")
    assert new.get("unemployment").examples == (
        "There is no work here.",
        "We sold the carpets.",
    )


def test_merge_notes_the_source_in_the_target_memo(small: Codebook) -> None:
    new, _ = merge_codes(small, "poverty", "ruin")
    assert new.get("ruin").memo == (
        "Merged from 'motives/economy/poverty' (id poverty) in version 2.\n"
        "Often overlaps with unemployment."
    )


def test_merge_refuses_merging_into_itself(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="into itself"):
        merge_codes(small, "poverty", "motives/economy/poverty")


def test_merge_refuses_merging_into_its_own_descendant(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="own descendant") as caught:
        merge_codes(small, "poverty", "debt")
    assert caught.value.code == "poverty"


def test_merge_refuses_a_grouping_target(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="grouping node, so the source's codings could not"):
        merge_codes(small, "poverty", "politics")


def test_merge_refuses_a_retired_target(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="it is retired"):
        merge_codes(small, "protracted", "seasonal")


def test_merge_refuses_children_whose_names_clash_under_the_target(small: Codebook) -> None:
    clashing, _ = add_code(small, name="debt", parent="ruin", code_id="ruin_debt")
    with pytest.raises(CodebookError, match="'motives/economy/ruin/debt' already exists"):
        merge_codes(clashing, "poverty", "ruin")


def test_merge_into_an_ancestor_lifts_the_children(small: Codebook) -> None:
    new, _ = add_code(small, name="bank debt", parent="debt", code_id="bank_debt")
    merged, _ = merge_codes(new, "debt", "poverty")
    assert merged.path_of("bank_debt") == "motives/economy/poverty/bank debt"


def test_retire_keeps_the_code_but_stops_offering_it(small: Codebook) -> None:
    new, change = retire_code(small, "motives/economy/poverty")
    assert new.get("poverty").retired
    assert new.get("poverty") not in new.applicable_codes()
    assert new.path_of("poverty") == "motives/economy/poverty"
    assert change.describe() == "retired 'motives/economy/poverty'"


def test_retire_leaves_children_applicable(small: Codebook) -> None:
    new, _ = retire_code(small, "poverty")
    assert new.get("debt").applicable


def test_retire_refuses_a_retired_code(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="already retired") as caught:
        retire_code(small, "seasonal")
    assert caught.value.code == "seasonal"


def test_update_changes_the_given_fields(small: Codebook) -> None:
    new, change = update_code(
        small, "poverty", definition="Deprivation.", examples=["No bread."], colour="#d55e00"
    )
    poverty = new.get("poverty")
    assert (poverty.definition, poverty.examples, poverty.colour) == (
        "Deprivation.",
        ("No bread.",),
        "#D55E00",
    )
    assert change.details["fields"] == "definition, examples, colour"


def test_update_records_old_and_new_values(small: Codebook) -> None:
    _, change = update_code(small, "unemployment", definition="No jobs.")
    assert (change.details["old_definition"], change.details["new_definition"]) == (
        "No work.",
        "No jobs.",
    )
    assert change.describe() == "updated definition of 'motives/economy/unemployment'"


def test_update_can_clear_the_title(small: Codebook) -> None:
    new, _ = update_code(small, "clan", title=None)
    assert new.get("clan").title is None


def test_update_refuses_an_unknown_field(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="'colour_name' is not a code field") as caught:
        update_code(small, "poverty", colour_name="red")
    assert caught.value.code == "poverty"


def test_update_points_to_the_operation_for_structural_fields(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="use rename_code"):
        update_code(small, "poverty", name="hardship")


def test_update_refuses_no_fields(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="nothing to update"):
        update_code(small, "poverty")


def test_update_refuses_an_update_that_changes_nothing(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="changes nothing"):
        update_code(small, "unemployment", definition="No work.")


def test_update_refuses_a_bad_value_naming_the_code(small: Codebook) -> None:
    with pytest.raises(CodebookError) as caught:
        update_code(small, "poverty", colour="red")
    assert str(caught.value) == "code 'poverty': colour 'red' is not a #RRGGBB colour"


def test_update_refuses_examples_given_as_one_string(small: Codebook) -> None:
    with pytest.raises(CodebookError, match="list of quotations"):
        update_code(small, "poverty", examples="No bread.")


def test_operations_refuse_an_unknown_code(small: Codebook) -> None:
    with pytest.raises(CodebookError) as caught:
        retire_code(small, "motives/economy/hunger")
    assert caught.value.code == "motives/economy/hunger"
