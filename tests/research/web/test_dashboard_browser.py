"""The dashboard in a real browser: every figure loads, a filter changes the numbers."""

from __future__ import annotations

from typing import Any

import pytest

from research.study import Study
from research.web.routes.dashboard import DEFAULT_SECTIONS
from tests.research.web.conftest import screenshot
from tests.research.web.test_home_xss import add_hostile_data

# The first view of a selection computes its results; later views come from the cache.
COMPUTE_TIMEOUT = 90_000


def loaded_images(page: Any) -> list[int]:
    """The natural width of every image on the page, once each has finished loading."""
    page.wait_for_function(
        "Array.from(document.images).every((image) => image.complete)", timeout=COMPUTE_TIMEOUT
    )
    widths: list[int] = page.eval_on_selector_all(
        "img", "(images) => images.map((image) => image.naturalWidth)"
    )
    return widths


@pytest.mark.browser
def test_dashboard_shows_every_figure_and_a_filter_changes_the_numbers(page: Any) -> None:
    page.goto("/dashboard", timeout=COMPUTE_TIMEOUT)
    widths = loaded_images(page)
    assert len(widths) == len(DEFAULT_SECTIONS)
    assert all(width > 0 for width in widths)
    # The demo's default source: the consensus layer.
    assert page.inner_text("#count-codings") == "424"
    assert page.inner_text("#coding-source") == "consensus layer"
    assert page.inner_text("#count-interviews") == "26"
    screenshot(page, "dashboard")

    # A select applies at once (dashboard.js submits the form).
    with page.expect_navigation(timeout=COMPUTE_TIMEOUT):
        page.select_option('select[data-attribute="place"]', "place=moscow")
    assert "where=place%3Dmoscow" in page.url
    assert page.inner_text("#count-interviews") == "7"
    moscow = int(page.inner_text("#count-codings"))
    assert 0 < moscow < 424
    expected = page.evaluate(
        "window.research.api('GET', '/api/dashboard?where=place%3Dmoscow&sections=ranking')"
    )
    assert expected["counts"]["codings"] == moscow
    assert page.input_value('select[data-attribute="place"]') == "place=moscow"
    assert "place = moscow" in page.inner_text(".selection-description")
    widths = loaded_images(page)
    assert len(widths) == len(DEFAULT_SECTIONS) and all(width > 0 for width in widths)
    screenshot(page, "dashboard-moscow")


@pytest.mark.browser
def test_sections_can_be_chosen_and_an_empty_selection_says_so(page: Any) -> None:
    page.goto("/dashboard?sections=matrix&sections=coverage", timeout=COMPUTE_TIMEOUT)
    assert page.locator(".dashboard-section").count() == 2
    assert page.locator("#section-matrix img").count() == 1
    assert page.locator("#section-coverage img").count() == 0
    assert page.locator("#section-coverage details[open] table.data").count() == 1
    assert loaded_images(page) != [0]
    with page.expect_navigation(timeout=COMPUTE_TIMEOUT):
        page.select_option('select[name="coder"]', "pavel")
    assert "coder=pavel" in page.url
    # Choosing a coder counts their own layer.
    assert page.locator(".dashboard-section").count() == 2
    assert page.inner_text("#coding-source") == "coder pavel's layer"
    page.goto("/dashboard?coder=nobody")
    assert "No coder named 'nobody'" in page.inner_text("#dashboard-message")
    assert page.locator(".dashboard-section").count() == 0


@pytest.mark.browser
def test_hostile_text_opens_no_dialog_on_the_dashboard(page: Any, demo_study: Study) -> None:
    add_hostile_data(demo_study)
    dialogs: list[str] = []

    def record(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.goto("/dashboard?sections=frequencies&sections=crosstabs", timeout=COMPUTE_TIMEOUT)
    assert all(width > 0 for width in loaded_images(page))
    assert (
        page.locator('input[name="group"][value="\\"><img src=x onerror=alert(1)>"]').count() == 1
    )
    assert dialogs == []
