"""The default Karabakh codebook: the ids and paths others rely on, and complete coding rules."""

import re

import pytest

from codebook import Codebook, default_codebook, dumps_codebook, loads_codebook

GROUPS = {
    "motives": "motives",
    "politics": "motives/politics",
    "economy": "motives/economy",
    "social_psychology": "motives/social_psychology",
    "culture": "motives/culture",
    "patterns": "patterns",
    "remittances": "remittances",
    "gender": "gender",
    "state_welfare": "state_welfare",
}

APPLICABLE = {
    "weak_governance": "motives/politics/weak_governance",
    "ethnic_conflict": "motives/politics/ethnic_conflict",
    "refugee_flight": "motives/politics/refugee_flight",
    "clans_nepotism": "motives/politics/clans_nepotism",
    "unemployment": "motives/economy/unemployment",
    "poverty_ruin": "motives/economy/poverty_ruin",
    "war_destruction": "motives/economy/war_destruction",
    "renewed_war": "motives/social_psychology/renewed_war",
    "frustration": "motives/social_psychology/frustration",
    "unrecognised_status": "motives/social_psychology/unrecognised_status",
    "draft_avoidance": "motives/social_psychology/draft_avoidance",
    "honour_shame": "motives/culture/honour_shame",
    "urban_skills": "motives/culture/urban_skills",
    "seasonal_soviet": "patterns/seasonal_soviet",
    "protracted": "patterns/protracted",
    "delayed_return": "patterns/delayed_return",
    "family_reunification": "patterns/family_reunification",
    "destination": "patterns/destination",
    "remittances_regular": "remittances/regular",
    "remittances_irregular": "remittances/irregular",
    "remittances_none": "remittances/none",
    "weak_ties": "remittances/weak_ties",
    "visit_costs": "remittances/visit_costs",
    "male_breadwinner": "gender/male_breadwinner",
    "feminised_poverty": "gender/feminised_poverty",
    "virtual_widowhood": "gender/virtual_widowhood",
    "in_laws": "gender/in_laws",
    "coping": "gender/coping",
    "emancipation_discourse": "gender/emancipation_discourse",
    "traditional_discourse": "gender/traditional_discourse",
    "lost_soviet_welfare": "state_welfare/lost_soviet_welfare",
    "weak_state": "state_welfare/weak_state",
    "clan": "clan",
}

OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
PATH_MENTION = re.compile(r"\b[a-z_]+(?:/[a-z_]+)+")


@pytest.fixture(scope="module")
def karabakh() -> Codebook:
    """The default codebook."""
    return default_codebook()


def test_default_codebook_is_named_for_the_study(karabakh: Codebook) -> None:
    assert karabakh.name == "Migration from Nagorno Karabakh"


def test_default_codebook_has_exactly_the_agreed_ids_and_paths(karabakh: Codebook) -> None:
    paths = {code.code_id: karabakh.path_of(code.code_id) for code in karabakh.codes}
    assert paths == GROUPS | APPLICABLE


def test_groups_are_grouping_nodes(karabakh: Codebook) -> None:
    assert {code.code_id for code in karabakh.codes if code.group_only} == set(GROUPS)


def test_applicable_codes_are_exactly_the_agreed_ones(karabakh: Codebook) -> None:
    assert {code.code_id for code in karabakh.applicable_codes()} == set(APPLICABLE)


@pytest.mark.parametrize("code_id", sorted(GROUPS))
def test_every_group_has_a_title_and_definition(karabakh: Codebook, code_id: str) -> None:
    group = karabakh.get(code_id)
    assert group.title and group.definition


@pytest.mark.parametrize("code_id", sorted(APPLICABLE))
def test_every_applicable_code_has_complete_coding_rules(karabakh: Codebook, code_id: str) -> None:
    code = karabakh.get(code_id)
    assert code.title and code.definition and code.inclusion and code.exclusion
    assert len(code.examples) >= 1


@pytest.mark.parametrize("code_id", sorted(APPLICABLE))
def test_exclusions_point_to_codes_that_exist(karabakh: Codebook, code_id: str) -> None:
    mentioned = PATH_MENTION.findall(karabakh.get(code_id).exclusion)
    assert mentioned, "an exclusion should name the neighbouring code to use instead"
    for path in mentioned:
        assert karabakh.by_path(path).applicable, path


def test_every_path_mentioned_in_any_text_exists(karabakh: Codebook) -> None:
    for code in karabakh.codes:
        for text in (code.definition, code.inclusion, code.exclusion, code.memo):
            for path in PATH_MENTION.findall(text):
                assert karabakh.by_path(path), path


def test_some_examples_are_in_armenian_and_russian_with_a_gloss(karabakh: Codebook) -> None:
    examples = [example for code in karabakh.codes for example in code.examples]
    armenian = [example for example in examples if re.search("[\u0531-\u058a]", example)]
    russian = [example for example in examples if re.search("[\u0400-\u04ff]", example)]
    assert armenian and russian
    assert all(re.search(r"\[[A-Z][^\]]+\]$", example) for example in armenian + russian)


def test_top_level_groups_have_distinct_okabe_ito_colours(karabakh: Codebook) -> None:
    colours = [code.colour for code in karabakh.children(None)]
    assert len(set(colours)) == len(colours)
    assert set(colours) <= OKABE_ITO


def test_every_code_has_a_colour(karabakh: Codebook) -> None:
    assert all(code.colour is not None for code in karabakh.codes)


def test_codes_share_the_colour_of_their_group(karabakh: Codebook) -> None:
    for code in karabakh.codes:
        if code.parent_id is not None and not code.group_only:
            assert code.colour == karabakh.get(code.parent_id).colour, code.code_id


def test_the_default_codebook_survives_a_yaml_round_trip(karabakh: Codebook) -> None:
    assert loads_codebook(dumps_codebook(karabakh)) == karabakh


def test_default_codebook_is_loaded_once() -> None:
    assert default_codebook() is default_codebook()
