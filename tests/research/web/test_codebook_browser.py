"""The codebook and retrieval pages in a browser: merge, add and rename, and what follows."""

from __future__ import annotations

import re
from typing import Any

import pytest

from research.study import Study
from tests.research.web.conftest import screenshot

SOURCE = "motives/economy/war_destruction"
TARGET = "motives/economy/poverty_ruin"


def watch_dialogs(page: Any) -> list[str]:
    """Messages of every dialog the page opens (each dismissed); XSS would open one."""
    dialogs: list[str] = []

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return dialogs


def own_count(page: Any, code_id: str) -> int:
    counter = page.locator(f"#code-{code_id} > details > summary .code-count")
    return int(counter.get_attribute("data-count-own"))


@pytest.mark.browser
def test_merge_in_the_browser_moves_codings_to_the_target(page: Any, demo_study: Study) -> None:
    dialogs = watch_dialogs(page)
    page.goto("/codebook")
    target_before = own_count(page, "poverty_ruin")
    moving = own_count(page, "war_destruction")
    assert moving == 24
    screenshot(page, "codebook")
    page.locator("#code-war_destruction > details > summary").get_by_role(
        "link", name="Change"
    ).click()
    page.locator("details.action", has_text="Merge into another code").locator("summary").click()
    page.select_option("#merge-target", "poverty_ruin")
    impact = page.locator("[data-merge-impact]")
    assert impact.inner_text().startswith(f"24 codings will move to {TARGET}")
    screenshot(page, "codebook-merge")
    page.get_by_role("button", name="Merge").click()
    page.wait_for_url(re.compile(r"/codebook\?code=poverty_ruin"))
    assert page.locator(".flash").inner_text() == (
        f"Merged '{SOURCE}' into '{TARGET}': 24 codings moved."
    )
    assert own_count(page, "poverty_ruin") == target_before + 24
    assert page.locator("#code-war_destruction").count() == 0
    moved_ids = {c.coding_id for c in demo_study.codings.list_codings(code=TARGET)}

    page.goto(f"/retrieval?code={TARGET}")
    shown = {
        int(value)
        for value in page.locator("article.segment").evaluate_all(
            "nodes => nodes.map(n => n.dataset.codingId)"
        )
    }
    assert shown == moved_ids and len(shown) == target_before + 24
    assert page.locator(".counts").inner_text().startswith(f"{target_before + 24} segments")
    screenshot(page, "retrieval")
    assert not dialogs


@pytest.mark.browser
def test_add_and_rename_a_code_in_the_browser(page: Any) -> None:
    page.goto("/codebook")
    page.fill("#add-name", "housing")
    page.select_option("#add-parent", "economy")
    page.fill("#add-title", "Housing lost")
    page.fill("#add-definition", "Գյուղում տուն չկար; жилья нет 🏚")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(re.compile(r"/codebook\?code=housing"))
    assert page.locator(".flash").inner_text() == "Added 'motives/economy/housing'."
    node = page.locator("#code-housing > details > summary")
    assert "Housing lost" in node.inner_text()
    assert "motives/economy/housing" in node.inner_text()

    page.locator("details.action", has_text="Rename").locator("summary").click()
    assert page.input_value("#rename-name") == "housing"
    page.fill("#rename-name", "shelter")
    page.get_by_role("button", name="Rename", exact=True).click()
    page.wait_for_url(re.compile(r"/codebook\?code=housing"))
    assert (
        page.locator(".flash")
        .inner_text()
        .startswith("Renamed 'motives/economy/housing' to 'motives/economy/shelter'")
    )
    assert "motives/economy/shelter" in page.locator("#code-housing .code-path").first.inner_text()
    assert "ani" in page.locator("#history + .scroll").inner_text()


@pytest.mark.browser
def test_markup_in_codes_opens_no_dialog(page: Any) -> None:
    dialogs = watch_dialogs(page)
    page.goto("/codebook")
    page.fill("#add-name", '"><img src=x onerror=alert(1)>')
    page.select_option("#add-parent", "economy")
    page.fill("#add-title", "<script>alert(1)</script>")
    page.fill("#add-definition", '<script>alert(1)</script> "><img src=x onerror=alert(1)>')
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(re.compile(r"/codebook\?code="))
    assert "<script>alert(1)</script>" in page.locator(".codebook-main").inner_text()
    code_id = page.url.split("code=")[1].split("#")[0]
    page.goto(f"/retrieval?code={code_id}")
    page.goto("/api/docs")
    page.wait_for_selector("#swagger-ui .swagger-ui", state="attached")
    assert not dialogs
