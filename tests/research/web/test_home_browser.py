"""The home page in a real browser: a coding added through the API shows in recent activity."""

from __future__ import annotations

from typing import Any

import pytest

from research.study import Study
from tests.research.web.conftest import screenshot
from tests.research.web.test_home_xss import add_hostile_data


@pytest.mark.browser
def test_home_shows_a_coding_just_added_through_the_api(page: Any, demo_study: Study) -> None:
    page.goto("/")
    assert page.inner_text("#count-codings") == "872"
    quote = (demo_study.interviews.get_interview("D08").transcript or "")[:36]
    created = page.evaluate(
        """(quote) => window.research.api('POST', '/api/codings', {
            interview_id: 'D08', code: 'remittances/visit_costs', start: 0, end: quote.length,
            unit: 'code_point', quote: quote})""",
        quote,
    )
    assert created["coder"] == "ani"
    page.reload()
    assert page.inner_text("#count-codings") == "873"
    latest = page.locator("#latest-codings li").first
    text = latest.inner_text()
    assert "ani" in text
    assert "remittances/visit_costs" in text
    assert " ".join(quote.split()) in text
    assert latest.locator("a").get_attribute("href") == "/interviews/D08/code"
    first_row = page.locator("#coding-progress tbody tr").first
    assert first_row.locator("td").first.inner_text() == "D08"
    screenshot(page, "home")


@pytest.mark.browser
def test_hostile_text_opens_no_dialog_on_home(page: Any, demo_study: Study) -> None:
    add_hostile_data(demo_study)
    dialogs: list[str] = []

    def record(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.goto("/")
    assert "<script>alert(1)</script>" in page.inner_text("#latest-codings")
    assert page.locator("#latest-codings img").count() == 0
    assert dialogs == []
