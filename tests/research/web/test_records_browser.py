"""Field entry in a browser: inline errors, warnings, a legacy transcript, drafts, resubmits."""

from __future__ import annotations

from typing import Any

import pytest

from research.study import Study
from tests.research.helpers import INTERVIEW, RESPONDENT, counts
from tests.research.web.conftest import screenshot

pytestmark = pytest.mark.browser


CYRILLIC = "Мы уехали в Москву в 1996 году.\nРаботы не было совсем, отец сказал: «Едем».\n"


def _fill_respondent(page: Any, respondent_id: str, birth_year: str) -> None:
    page.fill("#f-respondent_id", respondent_id)
    page.select_option("#f-gender", "female")
    page.fill("#f-birth_year", birth_year)
    page.select_option("#f-role", "migrant")
    page.fill("#f-household_size", "4")
    page.fill("#f-destination", "Краснодар, Russia")
    page.fill("#f-occupation_before", "շինարար")
    page.check('input[name="relatives_abroad"][value="yes"]')


def _no_dialogs(page: Any) -> list[str]:
    opened: list[str] = []

    def refuse(dialog: Any) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    return opened


def test_a_hard_error_is_corrected_and_the_respondent_saved(page: Any, demo_study: Study) -> None:
    opened = _no_dialogs(page)
    page.goto("/respondents/new")
    _fill_respondent(page, "B01", "1826")
    page.click("text=Save respondent")
    error = page.locator('[data-field="birth_year"] .issue.error')
    error.wait_for()
    assert "1826 is below the minimum 1900" in error.inner_text()
    # Every other value is still there.
    assert page.input_value("#f-destination") == "Краснодар, Russia"
    assert page.input_value("#f-occupation_before") == "շինարար"
    assert page.input_value("#f-role") == "migrant"
    assert page.is_checked('input[name="relatives_abroad"][value="yes"]')
    screenshot(page, "records_respondent_hard_error")
    assert counts(demo_study)[0] == 23
    page.fill("#f-birth_year", "1961")
    page.click("text=Save respondent")
    page.wait_for_url("**/respondents/B01?created=1")
    assert "Respondent B01 saved." in page.inner_text("main")
    assert "Migrant" in page.inner_text("dl.attributes")
    screenshot(page, "records_respondent_saved")
    assert counts(demo_study)[0] == 24
    assert opened == []


def test_a_soft_warning_is_confirmed(page: Any, demo_study: Study) -> None:
    page.goto("/respondents/new")
    _fill_respondent(page, "B02", "1961")
    page.fill("#f-household_size", "22")
    page.click("text=Save respondent")
    warning = page.locator('[data-field="household_size"] .issue.warning')
    warning.wait_for()
    assert "higher than expected" in warning.inner_text()
    screenshot(page, "records_respondent_warning")
    assert counts(demo_study)[0] == 23
    page.check('input[name="confirm_warnings"]')
    page.click("text=Save respondent")
    page.wait_for_url("**/respondents/B02?created=1")
    assert demo_study.respondents.get_respondent("B02").attributes["household_size"] == 22


def test_a_cp1251_transcript_is_previewed_chosen_and_saved(
    page: Any, demo_study: Study, tmp_path: Any
) -> None:
    demo_study.respondents.add_respondent("B03", RESPONDENT)
    page.goto("/interviews/new?respondent=B03")
    page.fill("#f-interview_date", "2004-06-12")
    page.select_option("#f-place", "moscow")
    page.fill("#f-interviewer", "Interviewer B")
    page.check('input[name="language"][value="ru"]')
    page.check('input[name="consent"][value="yes"]')
    page.check('input[name="consent_scope"][value="interview"]')
    page.click("text=Save interview")
    page.wait_for_url("**/interviews/B03-1?created=1")
    assert "No transcript yet" in page.inner_text("#transcript-status")
    page.click("text=Add the transcript")
    legacy = tmp_path / "interview.txt"
    legacy.write_bytes(CYRILLIC.replace("\n", "\r\n").encode("cp1251"))
    page.set_input_files("#f-file", str(legacy))
    page.click("text=Save transcript")
    page.locator("[data-intake-error]").first.wait_for()
    assert "line 1, column 1" in page.inner_text("[data-intake-error]")
    preview = page.locator('pre.preview[data-encoding="cp1251"]')
    assert preview.inner_text().startswith("Мы уехали в Москву")
    assert not page.locator('pre.preview[data-encoding="koi8-r"]').inner_text().startswith("Мы")
    screenshot(page, "records_transcript_preview")
    page.check('input[name="encoding"][value="cp1251"]')
    page.click("text=Save transcript")
    page.wait_for_url("**/interviews/B03-1?transcript_saved=1")
    assert "interview.txt" in page.inner_text("#transcript-status")
    screenshot(page, "records_transcript_saved")
    stored = demo_study.interviews.get_interview("B03-1").transcript
    assert stored == CYRILLIC


def test_a_draft_survives_a_reload_and_is_cleared_once_saved(page: Any, demo_study: Study) -> None:
    page.goto("/respondents/new")
    page.fill("#f-respondent_id", "B04")
    page.fill("#f-destination", "Ростов-на-Дону")
    page.check('input[name="relatives_abroad"][value="no"]')
    page.select_option("#f-gender", "male")
    _wait_for_draft(page, "respondent-new")
    page.reload()
    page.locator(".draft-note").wait_for()
    assert "Draft restored" in page.inner_text(".draft-note")
    assert page.input_value("#f-destination") == "Ростов-на-Дону"
    assert page.input_value("#f-respondent_id") == "B04"
    assert page.input_value("#f-gender") == "male"
    assert page.is_checked('input[name="relatives_abroad"][value="no"]')
    screenshot(page, "records_draft_restored")
    page.click("text=Save respondent")
    page.wait_for_url("**/respondents/B04?created=1")
    page.goto("/respondents/new")
    assert page.locator(".draft-note").count() == 0
    assert page.input_value("#f-destination") == ""


def test_a_draft_can_be_discarded(page: Any) -> None:
    page.goto("/interviews/new")
    page.fill("#f-interviewer", "Someone")
    _wait_for_draft(page, "interview-new")
    page.reload()
    page.locator(".draft-note").wait_for()
    page.click("text=Discard draft")
    assert page.input_value("#f-interviewer") == ""
    page.reload()
    assert page.locator(".draft-note").count() == 0


def test_a_form_sent_twice_makes_one_record(page: Any, demo_study: Study) -> None:
    page.goto("/respondents/new")
    _fill_respondent(page, "B05", "1961")
    # Two requests with the same form (token included) at once: what a resend does.
    statuses = page.evaluate(
        """async () => {
            const form = document.querySelector("form[data-draft]");
            const body = () => new URLSearchParams(new FormData(form));
            const send = () =>
                fetch(form.action, {method: "POST", body: body(), redirect: "manual"});
            const answers = await Promise.all([send(), send()]);
            return answers.map((answer) => answer.type);
        }"""
    )
    assert statuses == ["opaqueredirect", "opaqueredirect"]
    assert counts(demo_study)[0] == 24
    # A double click on the button sends the form once more, with the same token.
    page.dblclick("text=Save respondent")
    page.wait_for_url("**/respondents/B05?already=1")
    assert counts(demo_study)[0] == 24


def test_an_interview_double_click_makes_one_interview(page: Any, demo_study: Study) -> None:
    demo_study.respondents.add_respondent("B06", RESPONDENT)
    page.goto("/interviews/new?respondent=B06")
    page.fill("#f-interview_date", INTERVIEW["interview_date"])
    page.select_option("#f-place", "martuni")
    page.fill("#f-interviewer", "Interviewer A")
    page.check('input[name="language"][value="hy"]')
    page.check('input[name="consent"][value="yes"]')
    page.check('input[name="consent_scope"][value="archiving"]')
    page.fill("#f-transcript_text", "Մենք ապրում էինք Մարտունիում.")
    page.dblclick("text=Save interview")
    page.wait_for_url("**/interviews/B06-1?created=1")
    assert counts(demo_study)[1] == 27


def test_markup_typed_into_fields_never_runs(page: Any, demo_study: Study) -> None:
    opened = _no_dialogs(page)
    page.goto("/respondents/new")
    _fill_respondent(page, "B07", "1961")
    page.fill("#f-destination", "<script>alert(1)</script>")
    page.fill("#f-occupation_after", '"><img src=x onerror=alert(1)>')
    page.click("text=Save respondent")
    page.wait_for_url("**/respondents/B07?created=1")
    assert "<script>alert(1)</script>" in page.inner_text("dl.attributes")
    for url in ("/respondents", "/respondents/B07/edit", "/respondents?q=<script>"):
        page.goto(url)
    page.goto("/respondents?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert page.input_value("#search-q") == '"><img src=x onerror=alert(1)>'
    screenshot(page, "records_escaped_search")
    assert opened == []


def test_lists_and_pages_render_for_a_look(page: Any) -> None:
    page.goto("/respondents?gender=female")
    screenshot(page, "records_respondents")
    page.goto("/interviews?q=москв")
    assert page.locator("td.snippet mark").count() >= 1
    screenshot(page, "records_interviews_search")
    page.goto("/interviews/D01")
    screenshot(page, "records_interview")
    page.goto("/interviews/new?respondent=R01")
    screenshot(page, "records_interview_form")


def _wait_for_draft(page: Any, key: str) -> None:
    """Until the form's draft is kept in this tab (it is written a moment after typing stops)."""
    page.wait_for_function(
        "key => Object.keys(sessionStorage).some(k => k.startsWith('research-draft:' + key))",
        arg=key,
    )
