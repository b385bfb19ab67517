"""Study settings for studies made before settings existed; analysis attributes marked.

A study created before revision 0005 has no `settings` fact, and its stored data
dictionary marks no attribute for analysis. The Karabakh study (recognised by its
dictionary's title) gets the settings shipped with it (research/data/karabakh_settings.yaml
as they were at this revision) and its gender, role and place attributes marked for
analysis; any other study gets empty settings. A study that already has settings is left
as it is. No table changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DICTIONARY = "data_dictionary"
SETTINGS = "settings"
KARABAKH_TITLE = "Migration from Nagorno Karabakh (Martuni, Moscow, Krasnodar)"
KARABAKH_ANALYSIS = ("gender", "role", "place")
# Revisions import no application code: the settings are written out as they were shipped.
KARABAKH_SETTINGS: dict[str, Any] = {
    "report": {
        "prevalence_by": "gender",
        "groups_by": "place",
        "era": {
            "attribute": "departure_year",
            "cuts": [1992],
            "names": ["soviet", "post_soviet"],
            "labels": ["Soviet era (left before 1992)", "Post-Soviet (left 1992 or later)"],
            "code_groups": ["patterns", "remittances", "gender"],
            "note": (
                "The USSR was dissolved in December 1991, so a departure in 1991 or earlier "
                'is Soviet-era. The study memo\'s own break ("after 1989") would move 1990 '
                "and 1991 into the later era; change the cut to compare."
            ),
        },
        "departures": "departure_year",
        "ranking": {
            "title": "The memo's ranked motives against the data",
            "codes": ["unemployment", "clans_nepotism", "renewed_war", "frustration"],
            "note": (
                "The memo ranks the motives of post-Soviet labour migrants; a mention in an "
                "interview is not a measure of importance."
            ),
        },
        "regression": {
            "outcomes": ["unemployment", "protracted", "virtual_widowhood"],
            "predictors": ["gender"],
        },
    }
}
EMPTY_SETTINGS: dict[str, Any] = {
    "report": {
        "prevalence_by": None,
        "groups_by": None,
        "era": None,
        "departures": None,
        "ranking": None,
        "regression": None,
    }
}

study_info = sa.table(
    "study_info",
    sa.column("key", sa.String(64)),
    sa.column("value", sa.Text()),
)


def upgrade() -> None:
    connection = op.get_bind()
    facts = dict(connection.execute(sa.select(study_info.c.key, study_info.c.value)).all())
    if DICTIONARY not in facts or SETTINGS in facts:
        # Not initialised yet (create_study stores everything), or already has settings.
        return
    dictionary = json.loads(facts[DICTIONARY])
    settings = EMPTY_SETTINGS
    if dictionary.get("title") == KARABAKH_TITLE:
        settings = KARABAKH_SETTINGS
        attributes = dictionary.get("attributes", [])
        if not any(attribute.get("analysis") for attribute in attributes):
            for attribute in attributes:
                if attribute.get("name") in KARABAKH_ANALYSIS:
                    attribute["analysis"] = True
            connection.execute(
                study_info.update()
                .where(study_info.c.key == DICTIONARY)
                .values(value=_json(dictionary))
            )
    connection.execute(study_info.insert().values(key=SETTINGS, value=_json(settings)))


def downgrade() -> None:
    # Revision 0004's code knows neither the settings nor the analysis flag.
    connection = op.get_bind()
    connection.execute(study_info.delete().where(study_info.c.key == SETTINGS))
    stored = connection.execute(
        sa.select(study_info.c.value).where(study_info.c.key == DICTIONARY)
    ).scalar()
    if stored is None:
        return
    dictionary = json.loads(stored)
    for attribute in dictionary.get("attributes", []):
        attribute.pop("analysis", None)
    connection.execute(
        study_info.update().where(study_info.c.key == DICTIONARY).values(value=_json(dictionary))
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
