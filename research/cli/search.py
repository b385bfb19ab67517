"""`research search WORDS`: each hit of words in the transcripts, in context, a page at a time."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.cells import cell_len

from research.cli.common import (
    FormatOption,
    OutputFormat,
    StudyOption,
    WhereOption,
    emit,
    load_study,
)
from research.cli.tables import terminal_width
from research.services.transcript_search import (
    DEFAULT_CONTEXT_WORDS,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    KeywordHit,
    SearchPage,
)

COLUMNS = [
    "interview_id",
    "respondent_id",
    "start_offset",
    "end_offset",
    "before",
    "match",
    "after",
    "codes",
    "complete",
]


def register(app: typer.Typer) -> None:
    """Add the search command to the main app."""
    app.command("search")(search)


def search(
    words: Annotated[
        list[str],
        typer.Argument(
            help="Words to find, in this order (a phrase); end with * to take the last as a prefix."
        ),
    ],
    where: WhereOption = None,
    include_incomplete: Annotated[
        bool,
        typer.Option(
            "--include-incomplete",
            help="Also show hits in incomplete interviews (held back from quotation by default).",
        ),
    ] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Hits per page.")] = DEFAULT_LIMIT,
    offset: Annotated[int, typer.Option("--offset", help="Hits to skip (the page's start).")] = 0,
    every: Annotated[bool, typer.Option("--all", help="Every hit, page after page.")] = False,
    context: Annotated[
        int, typer.Option("--context", "-c", help="Words of context either side.")
    ] = DEFAULT_CONTEXT_WORDS,
    study: StudyOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Find words in the transcripts and show each hit in context, with the codes applied there.

    Case is ignored in every script; words match whole (Armenian marks such as ՞ inside
    a word are ignored). Offsets are code points of the canonical transcript.

    Example: research search "no work" --where place=moscow --limit 10
    """
    query = " ".join(words)
    if every:
        # Each page reads the hits before it again: for everything, take the largest pages.
        limit = MAX_LIMIT
    pages: list[SearchPage] = []
    with load_study(study) as opened:
        while True:
            page: SearchPage = opened.transcript_search.search_transcripts(
                query,
                where=where or [],
                include_incomplete=include_incomplete,
                offset=offset,
                limit=limit,
                context_words=context,
            )
            pages.append(page)
            if not (every and page.more):
                break
            offset += limit
    hits = [hit for page in pages for hit in page.hits]
    first, last = pages[0], pages[-1]
    summary = _summary(first, last, len(hits), every=every)
    if fmt is OutputFormat.TABLE:
        typer.echo(summary)
        _print_concordance(hits)
        return
    # Scripts read the rows from standard output; the summary goes to standard error.
    typer.echo(summary, err=True)
    emit([_row(hit) for hit in hits], COLUMNS, fmt)


def _summary(first: SearchPage, last: SearchPage, shown: int, *, every: bool) -> str:
    quoted = f"“{first.query}”"
    noun = "interview holds" if first.interviews == 1 else "interviews hold"
    parts = [f"{first.interviews} {noun} {quoted}"]
    if shown:
        parts.append(f"hits {first.offset + 1}–{first.offset + shown} shown")
    elif first.offset:
        parts.append(f"no hits after the first {first.offset}")
    if last.more and not every:
        parts.append(f"more follow: --offset {last.offset + last.limit}, or --all")
    sentence = "; ".join(parts) + "."
    if first.held_back:
        noun = "interview" if first.held_back == 1 else "interviews"
        sentence += (
            f" {first.held_back} incomplete {noun} with hits held back "
            "(--include-incomplete shows them)."
        )
    if first.include_incomplete:
        sentence += " Hits in incomplete interviews are marked (incomplete): not for quotation."
    if not first.indexed:
        sentence += " This SQLite has no full-text index (FTS5): every transcript was read."
    return sentence


def _row(hit: KeywordHit) -> dict[str, object]:
    return {column: getattr(hit, column) for column in COLUMNS}


def _print_concordance(hits: list[KeywordHit]) -> None:
    """One line per hit: where, then the context aligned on the match, then the codes."""
    if not hits:
        return
    labels = [
        f"{hit.interview_id} {hit.respondent_id} @{hit.start_offset}"
        + (" (incomplete)" if not hit.complete else "")
        for hit in hits
    ]
    label_width = max(cell_len(label) for label in labels)
    width = max(terminal_width(), 60)
    for hit, label in zip(hits, labels, strict=True):
        room = max(width - label_width - cell_len(hit.match) - 2, 20)
        before = _keep_end(hit.before, room // 2)
        after = _keep_start(hit.after, room - room // 2)
        line = (
            f"{label.ljust(label_width)}  {_pad_left(before, room // 2)}"
            f"{typer.style(hit.match, bold=True)}{after}"
        )
        typer.echo(line.rstrip())
        if hit.codes:
            typer.echo(" " * (label_width + 2) + "codes: " + ", ".join(hit.codes))


def _pad_left(text: str, width: int) -> str:
    return " " * max(width - cell_len(text), 0) + text


def _keep_end(text: str, width: int) -> str:
    """The end of `text` in at most `width` cells, an ellipsis where it was cut."""
    if cell_len(text) <= width:
        return text
    kept = ""
    for character in reversed(text):
        if cell_len(kept) + cell_len(character) + 1 > width:
            break
        kept = character + kept
    return "…" + kept


def _keep_start(text: str, width: int) -> str:
    """The start of `text` in at most `width` cells, an ellipsis where it was cut."""
    if cell_len(text) <= width:
        return text
    kept = ""
    for character in text:
        if cell_len(kept) + cell_len(character) + 1 > width:
            break
        kept += character
    return kept + "…"
