"""The coding view in chromium: real mouse selections, overlaps, recoding, layers."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from codebook import operations
from research.study import Study
from tests.research.helpers import add_interview_with_text
from tests.research.web.conftest import screenshot

pytestmark = pytest.mark.browser

TEXT = (
    "Մենք ապրում էինք Մարտունիում, հայրս Մոսկվայում էր։\n"
    "Он сказал: «Работы нет, денег нет». 🙏😢 "
    "There was no work at all, so he went to Moscow in 1996.\n"
    "Ամեն ամիս սպասում էինք նրա զանգին. Он звонил редко.\n"
)
PASSAGE = "There was no work at all"

# Client rectangles of the first and last characters of [start, end) (UTF-16 offsets).
RECTS = """([start, end]) => {
  const container = document.getElementById("transcript");
  function rect(offset) {
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (offset < seen + node.data.length) {
        const range = document.createRange();
        range.setStart(node, offset - seen);
        range.setEnd(node, offset - seen + 1);
        const r = range.getBoundingClientRect();
        return [r.left, r.right, r.top + r.height / 2];
      }
      seen += node.data.length;
    }
    throw new Error("offset beyond the text");
  }
  return [rect(start), rect(end - 1)];
}"""


def utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def open_view(page: Any, interview_id: str) -> None:
    page.goto(f"/interviews/{interview_id}/code")
    page.wait_for_selector("#transcript[data-ready='yes']")


def drag_select(page: Any, passage: str, text: str = TEXT) -> None:
    """Select `passage` with the mouse, from before its first to after its last character."""
    start = text.index(passage)
    first, last = page.evaluate(RECTS, [utf16(text, start), utf16(text, start + len(passage))])
    page.mouse.move(first[0] + 1, first[2])
    page.mouse.down()
    page.mouse.move((first[0] + last[1]) / 2, last[2], steps=5)
    page.mouse.move(last[1] - 1, last[2], steps=5)
    page.mouse.up()


def pick(page: Any, search: str) -> None:
    page.wait_for_selector("#picker-body:not(.hidden)")
    page.keyboard.type(search)
    page.keyboard.press("Enter")


def _coded(demo_study: Study, passage: str = PASSAGE, coder: str = "ani") -> int:
    add_interview_with_text(demo_study, TEXT, interview_id="W01")
    start = TEXT.index(passage)
    return demo_study.codings.add_coding(
        interview_id="W01",
        code="motives/economy/unemployment",
        start_offset=start,
        end_offset=start + len(passage),
        coder=coder,
    ).coding_id


def test_a_mouse_selection_after_armenian_cyrillic_and_emoji_stores_the_exact_quote(
    page: Any, demo_study: Study
) -> None:
    add_interview_with_text(demo_study, TEXT, interview_id="W01")
    open_view(page, "W01")
    drag_select(page, PASSAGE)
    assert page.inner_text("#picker-quote") == f"“{PASSAGE}”"
    pick(page, "unemploy")
    page.wait_for_selector("#status:has-text('Coded')")
    [stored] = demo_study.codings.list_codings(interview_id="W01")
    start = TEXT.index(PASSAGE)
    assert stored.quote == PASSAGE
    assert (stored.start_offset, stored.end_offset) == (start, start + len(PASSAGE))
    assert stored.code_path == "motives/economy/unemployment" and stored.coder == "ani"
    assert page.locator(".seg").first.inner_text() == PASSAGE
    screenshot(page, "coding_mixed_script")


def test_overlapping_selections_show_both_codings(page: Any, demo_study: Study) -> None:
    add_interview_with_text(demo_study, TEXT, interview_id="W01")
    open_view(page, "W01")
    drag_select(page, "Работы нет, денег нет")
    pick(page, "unemploy")
    page.wait_for_selector("#status:has-text('Coded')")
    drag_select(page, "денег нет». 🙏😢 There was no work")
    pick(page, "poverty")
    page.wait_for_selector("#status:has-text('poverty')")
    codings = demo_study.codings.list_codings(interview_id="W01")
    assert [c.quote for c in codings] == [
        "Работы нет, денег нет",
        "денег нет». 🙏😢 There was no work",
    ]
    shared = page.locator(".seg", has_text="денег нет").first
    ids = shared.get_attribute("data-ids").split()
    assert sorted(map(int, ids)) == sorted(c.coding_id for c in codings)
    # Each coding draws its own band: two lanes under the shared words.
    assert shared.get_attribute("style").count("linear-gradient(to top") == 2
    screenshot(page, "coding_overlap")


def test_recoding_a_highlight_from_its_panel(page: Any, demo_study: Study) -> None:
    coding = demo_study.codings.get_coding(_coded(demo_study))
    open_view(page, "W01")
    page.locator(".seg", has_text=PASSAGE).click()
    panel = page.locator(f"#segment-codings li[data-coding-id='{coding.coding_id}']")
    panel.get_by_role("button", name="Recode").click()
    pick(page, "clans")
    page.wait_for_selector("#status:has-text('Recoded')")
    assert demo_study.codings.get_coding(coding.coding_id).code_path.endswith("clans_nepotism")
    assert "clans_nepotism" in page.locator(".seg", has_text=PASSAGE).get_attribute("title")


def test_resize_and_remove_from_the_panel(page: Any, demo_study: Study) -> None:
    coding = demo_study.codings.get_coding(_coded(demo_study, "There was no work"))
    open_view(page, "W01")
    page.locator(".seg").first.click()
    page.get_by_role("button", name="Resize").click()
    drag_select(page, PASSAGE + ", so he went to Moscow")
    page.wait_for_selector("#status:has-text('Resized')")
    resized = demo_study.codings.get_coding(coding.coding_id)
    assert resized.quote == PASSAGE + ", so he went to Moscow"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove").click()
    page.wait_for_selector("#status:has-text('Removed')")
    assert demo_study.codings.list_codings(interview_id="W01") == []
    assert page.locator(".seg").count() == 0


def test_the_picker_works_from_the_keyboard_with_recent_codes_first(
    page: Any, demo_study: Study
) -> None:
    add_interview_with_text(demo_study, TEXT, interview_id="W01")
    open_view(page, "W01")
    drag_select(page, "Работы нет")
    pick(page, "clans")
    page.wait_for_selector("#status:has-text('Coded')")
    drag_select(page, "Он звонил редко")
    page.wait_for_selector("#picker-body:not(.hidden)")
    first = page.locator("#code-options li").first
    assert first.get_attribute("data-code-id") == "clans_nepotism"
    page.keyboard.press("ArrowDown")
    chosen = page.locator("#code-options li[aria-selected='true']").get_attribute("data-code-id")
    page.keyboard.press("Enter")
    page.wait_for_selector("#status:has-text('Он звонил')")
    last = demo_study.codings.list_codings(interview_id="W01")[-1]
    assert last.code_id == chosen != "clans_nepotism"


def test_other_coders_layers_can_be_hidden(page: Any, demo_study: Study) -> None:
    open_view(page, "D05")
    total = page.locator(".seg").count()
    page.get_by_label("pavel", exact=False).uncheck()
    assert "of 39 codings shown" in page.inner_text("#coding-count")
    shown = int(page.inner_text("#coding-count").split()[0])
    own = demo_study.codings.list_codings(interview_id="D05", coder="lusine", layer="coder")
    assert shown == len(own)
    assert page.locator(".seg").count() < total
    screenshot(page, "coding_demo_D05")


def test_a_retrieval_link_scrolls_to_its_coding(page: Any, demo_study: Study) -> None:
    coding = demo_study.codings.list_codings(interview_id="D05")[-1]
    page.goto(f"/interviews/D05/code#coding-{coding.coding_id}")
    page.wait_for_selector("#transcript[data-ready='yes']")
    item = page.locator(f"#segment-codings li[data-coding-id='{coding.coding_id}']")
    assert item.is_visible()
    expect(page.locator(".seg.selected").first).to_be_in_viewport()
    # A link on the same page works too.
    other = demo_study.codings.list_codings(interview_id="D05")[0]
    page.evaluate(f"location.hash = '#coding-{other.coding_id}'")
    expect(page.locator(f"#segment-codings li[data-coding-id='{other.coding_id}']")).to_be_visible()


def test_the_api_page_lists_the_routes_offline(page: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock-summary-path", has_text="/api/codings").count() >= 2
    assert all(
        url.startswith(page.url.split("/api/")[0]) or url.startswith("data:") for url in requested
    )


def test_a_drag_that_ends_in_the_sidebar_codes_the_transcript_part(
    page: Any, demo_study: Study
) -> None:
    add_interview_with_text(demo_study, TEXT, interview_id="W01")
    open_view(page, "W01")
    last_line = "Ամեն ամիս սպասում էինք նրա զանգին. Он звонил редко."
    start = TEXT.index(last_line)
    first, _ = page.evaluate(RECTS, [utf16(TEXT, start), utf16(TEXT, start + 1)])
    page.mouse.move(first[0] + 1, first[2])
    page.mouse.down()
    box = page.locator("#layer-toggles").bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] + 30, steps=8)
    page.mouse.up()
    assert page.inner_text("#picker-quote") == f"“{last_line}”"
    page.keyboard.type("clans")
    page.click("#apply-code")  # the mouse applies the code searched for
    page.wait_for_selector("#status:has-text('Coded')")
    [stored] = demo_study.codings.list_codings(interview_id="W01")
    assert (stored.quote, stored.code_id) == (last_line, "clans_nepotism")


def test_escape_cancels_a_resize_so_the_next_selection_is_a_new_coding(
    page: Any, demo_study: Study
) -> None:
    coding = demo_study.codings.get_coding(_coded(demo_study))
    open_view(page, "W01")
    page.locator(".seg").first.click()
    page.get_by_role("button", name="Resize").click()
    page.keyboard.press("Escape")
    page.wait_for_selector("#status:has-text('cancelled')")
    drag_select(page, "Работы нет")
    pick(page, "clans")
    page.wait_for_selector("#status:has-text('Coded')")
    assert demo_study.codings.get_coding(coding.coding_id).quote == PASSAGE
    assert len(demo_study.codings.list_codings(interview_id="W01")) == 2


ATTACK = """<!DOCTYPE html><html><body>
<form id="f" method="post" action="{target}/codebook/codes/motives/retire">
<input name="csrf_token" value="planted"></form>
<script>document.cookie = "research_csrf=planted; path=/";
document.getElementById("f").submit();</script>
</body></html>"""


def test_a_page_on_another_local_port_cannot_write(
    page: Any, demo_study: Study, live_server: Any, tmp_path: Any
) -> None:
    import functools
    import http.server
    import threading

    from tests.research.web.conftest import free_port

    (tmp_path / "attack.html").write_text(ATTACK.format(target=live_server.url))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    port = free_port()
    attacker = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=attacker.serve_forever, daemon=True)
    thread.start()
    try:
        page.goto(f"http://127.0.0.1:{port}/attack.html")
        page.wait_for_url(f"{live_server.url}/**")
        assert "cross-origin write refused" in page.inner_text("main")
    finally:
        attacker.shutdown()
        attacker.server_close()
    assert not demo_study.codebook().resolve("motives").retired


def test_an_in_vivo_code_and_a_memo_from_the_page(page: Any, demo_study: Study) -> None:
    add_interview_with_text(demo_study, TEXT, interview_id="W01")
    open_view(page, "W01")
    drag_select(page, "Работы нет")
    page.wait_for_selector("#picker-body:not(.hidden)")
    page.click("#in-vivo")
    page.wait_for_selector("#status:has-text('in-vivo')")
    [coding] = demo_study.codings.list_codings(interview_id="W01")
    assert coding.code_path == "in_vivo/Работы нет" and coding.quote == "Работы нет"
    page.locator(".seg", has_text="Работы нет").click()
    item = page.locator(f"#segment-codings li[data-coding-id='{coding.coding_id}']")
    item.get_by_role("textbox").fill("Said with a laugh; «нет» twice.")
    item.get_by_role("button", name="Save memo").click()
    page.wait_for_selector("#status:has-text('Memo saved')")
    assert demo_study.codings.get_coding(coding.coding_id).memo == "Said with a laugh; «нет» twice."
    # The new code is offered at once, recent first, for the next selection.
    drag_select(page, "Он звонил редко")
    page.wait_for_selector("#picker-body:not(.hidden)")
    first = page.locator("#code-options li").first.get_attribute("data-code-id")
    assert first == coding.code_id


def test_a_double_click_during_a_resize_resizes(page: Any, demo_study: Study) -> None:
    coding_id = _coded(demo_study)
    open_view(page, "W01")
    page.locator(".seg").first.click()
    page.get_by_role("button", name="Resize").click()
    page.locator(".seg").first.dblclick(position={"x": 5, "y": 8})
    page.wait_for_selector("#status:has-text('Resized')")
    assert demo_study.codings.get_coding(coding_id).quote == "There"


def test_removing_a_coding_being_recoded_closes_the_picker(page: Any, demo_study: Study) -> None:
    _coded(demo_study)
    open_view(page, "W01")
    page.locator(".seg").first.click()
    page.get_by_role("button", name="Recode").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove").click()
    page.wait_for_selector("#status:has-text('Removed')")
    assert page.locator("#picker-body").get_attribute("class") == "hidden"
    assert page.inner_text("#picker-title") == "Code the selection"


def test_hiding_a_coders_layer_takes_their_codings_off_the_panel(page: Any) -> None:
    open_view(page, "D05")
    page.locator(".seg").first.click()
    assert page.locator("#segment-codings li").count() >= 1
    for name in ("lusine", "pavel"):
        page.locator(f"#layer-toggles input[data-coder='{name}']").uncheck()
    assert page.locator(".seg").count() == 0
    assert page.locator("#segment-codings li").count() == 0
    assert page.locator("#segment-panel").is_hidden()


def test_a_double_click_on_apply_stores_one_coding_without_an_error(
    page: Any, demo_study: Study
) -> None:
    add_interview_with_text(demo_study, TEXT, interview_id="W01")
    open_view(page, "W01")
    drag_select(page, PASSAGE)
    page.keyboard.type("unemploy")
    page.locator("#apply-code").dblclick()
    page.wait_for_selector("#status:has-text('Coded')")
    page.wait_for_timeout(300)  # a second request, if one were sent, would answer by now
    assert "already" not in page.inner_text("#status")
    assert len(demo_study.codings.list_codings(interview_id="W01")) == 1


XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.mark.parametrize("payload", XSS)
def test_markup_everywhere_in_the_coding_view_stays_text(
    page: Any, demo_study: Study, payload: str
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    text = f"Before {payload} after, and more words.\n"
    add_interview_with_text(demo_study, text, interview_id="X01")
    change, _ = demo_study.codebooks.run_operation(
        operations.add_code,
        name=payload.replace("/", "|"),
        title=payload,
        definition=payload,
        changed_by=payload,
    )
    start = text.index(payload)
    demo_study.codings.add_coding(
        interview_id="X01",
        code=change.code_id,
        start_offset=start,
        end_offset=start + len(payload),
        coder=payload,
        memo=payload,
    )
    open_view(page, "X01")
    assert payload in page.inner_text("#transcript")
    page.locator(".seg").first.click()
    panel = page.inner_text("#segment-codings")
    assert payload.replace("/", "|") in panel and payload in panel
    assert page.locator("#segment-codings textarea").input_value() == payload
    assert page.locator("#layer-toggles").inner_text().count(payload) == 1
    drag_select(page, "more words", text=text)
    page.keyboard.type(payload[:5])
    assert payload.replace("/", "|") in page.inner_text("#code-options")
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("script:not([src])").count() == 1  # the JSON data block only
    assert dialogs == []
