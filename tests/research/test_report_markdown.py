"""Text quoted in the report's Markdown shows as written: checked with a CommonMark parser
(markdown-it-py, with GitHub's tables and strikethrough) on chosen payloads, on arbitrary
text, and in report.md and the tables' .md files of a study named and coded with HTML."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from codebook import operations
from research.report import ReportOptions, write_report
from research.report.markdown import markdown_table, markdown_text
from research.study import Study
from tests.research.small_study import coded_study, frames_of

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "a | b | c",
    "`rm -rf` and ``more``",
    "# not a heading",
    "> not a quote",
    "- not a list",
    "+ not a list",
    "1995. not a list",
    "7) not a list",
    "**not bold** _not em_ ~~not struck~~",
    "[not a link](javascript:alert(1)) ![no image](x.png)",
    "<http://not.an.autolink>",
    "&lt;already an entity&gt; &amp; R&D",
    "back\\slash\\",
    "---",
    "===",
    "ends with #",
    "first line\nsecond line\r\nthird",
]
# Characters that mean something to Markdown, mixed with letters and spaces.
MARKUP = st.text(
    alphabet=st.sampled_from(list("abc xy_-+=#>*`[]()!|\\~<>&;:/.1207\n\t") + ["é", "ж"]),
    max_size=20,
)


def inline_tokens(markdown: str) -> list[Token]:
    """The inline tokens of a Markdown text that must be one paragraph."""
    blocks = PARSER.parse(markdown)
    assert [token.type for token in blocks] == ["paragraph_open", "inline", "paragraph_close"]
    return blocks[1].children or []


def shown(text: str) -> str:
    """What a reader should see: the text on one line, without outer whitespace."""
    return " ".join(text.splitlines()).strip()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_renders_as_its_own_characters(payload: str) -> None:
    tokens = inline_tokens(markdown_text(payload))
    assert [token.type for token in tokens] == ["text"]
    assert tokens[0].content == shown(payload)


@given(MARKUP)
def test_any_text_renders_as_its_own_characters(text: str) -> None:
    if not shown(text):
        assert markdown_text(text) == ""
        return
    tokens = inline_tokens(markdown_text(text))
    assert "".join(token.content for token in tokens) == shown(text)
    assert {token.type for token in tokens} == {"text"}


def test_identifiers_stay_readable() -> None:
    assert markdown_text("departure_year before 1992") == "departure_year before 1992"


def test_a_table_keeps_its_columns_and_numbers() -> None:
    table = pd.DataFrame({"title": PAYLOADS, "n|count": range(len(PAYLOADS))})
    table["share"] = -0.5
    tokens = PARSER.parse(markdown_table(table))
    cells = [token for token in tokens if token.type == "inline"]
    assert len(cells) == 3 * (len(PAYLOADS) + 1)
    texts = [token.content for token in cells]
    assert texts[:3] == ["title", "n|count", "share"]
    assert not [token for token in tokens if token.type.startswith("html")]
    rendered = PARSER.render(markdown_table(table))
    assert "<script" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert '<td style="text-align:right">-0.5</td>' in rendered


def test_a_missing_value_is_an_empty_cell_not_nan() -> None:
    table = pd.DataFrame(
        {
            "code_id": ["poverty", "(pooled)"],
            "path": ["motives/poverty", None],
            "kappa": [0.5, None],
        }
    )
    table["path"] = table["path"].astype(object).where(table["path"].notna(), float("nan"))
    written = markdown_table(table)
    assert "nan" not in written.lower() and "None" not in written
    [pooled] = [line for line in written.splitlines() if "pooled" in line]
    assert [cell.strip() for cell in pooled.strip("|").split("|")] == ["(pooled)", "", ""]
    assert "0.5" in written


def test_report_markdown_quotes_study_text_as_text(study: Study, tmp_path: Path) -> None:
    hostile_title = "<script>alert(1)</script> | `x` [a](javascript:b)"
    hostile_name = "<img src=x onerror=alert(2)>"
    coded_study(study, coders=(hostile_name, "ben"))
    study.codebooks.run_operation(
        operations.update_code, "unemployment", title=hostile_title, changed_by="test"
    )
    study.codebooks.run_operation(
        operations.rename_code, "renewed_war", "<b>war", changed_by="test"
    )
    report = write_report(
        frames_of(study), ReportOptions(out=tmp_path / "report"), progress=lambda _: None
    )
    assert report.markdown is not None and report.html is not None
    documents = [report.markdown, *sorted((tmp_path / "report" / "tables").glob("*.md"))]
    for path in documents:
        text = path.read_text(encoding="utf-8")
        for payload in (hostile_title, hostile_name, "<b>war", "<script", "<img"):
            assert payload not in text, (path.name, payload)
        tokens = PARSER.parse(text)
        inline = [child for token in tokens for child in token.children or []]
        assert not [t for t in tokens + inline if t.type.startswith("html")], path.name
        links = [t.attrGet("href") for t in inline if t.type == "link_open"]
        assert all(str(href).startswith(("figures/", "tables/")) for href in links), links
    rendered = PARSER.render(report.markdown.read_text(encoding="utf-8"))
    assert "&lt;img src=x onerror=alert(2)&gt;" in rendered
    frequencies = (tmp_path / "report" / "tables" / "frequencies_codings.md").read_text("utf-8")
    table = PARSER.render(frequencies)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | `x` [a](javascript:b)" in table
    # The HTML report shows its figures in <img> elements of its own.
    page = report.html.read_text(encoding="utf-8")
    for payload in (hostile_title, hostile_name, "<b>war", "<script", "<img src=x"):
        assert payload not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
