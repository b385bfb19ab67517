"""Reading transcript files (.txt, .md, .docx, .odt) into canonical text."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from interviews.errors import TranscriptError
from interviews.text import canonicalise, decode_transcript, is_canonical

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".odt")

TranscriptFormat = Literal["txt", "md", "docx", "odt"]

_HINTS = {
    ".doc": "save it as .docx first",
    ".rtf": "save it as .docx or .txt first",
    ".pdf": "export its text to .txt or .docx first",
    ".pages": "export it as .docx first",
}

_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODF_PARAGRAPHS = {(_ODF_TEXT, "p"), (_ODF_TEXT, "h")}
# Footnotes, comments and the record of tracked (deleted) changes are not the spoken text.
_ODF_SKIPPED = {
    (_ODF_TEXT, "note"),
    (_ODF_TEXT, "tracked-changes"),
    (_ODF_OFFICE, "annotation"),
    (_ODF_OFFICE, "annotation-end"),
}


class Transcript(BaseModel):
    """A transcript read from a file: canonical text plus where and how it was read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    source_name: str
    encoding: str
    format: TranscriptFormat

    @field_validator("text")
    @classmethod
    def _text_is_canonical(cls, text: str) -> str:
        if not is_canonical(text):
            raise ValueError("transcript text must be canonical (see interviews.text)")
        return text


def read_transcript(path: str | Path, *, encoding: str | None = None) -> Transcript:
    """Read a transcript file by its suffix; ``encoding`` applies to .txt and .md only."""
    path = Path(path)
    _check_suffix(path.suffix.lower(), path.name)
    return transcript_from_bytes(_read_bytes(path), name=path.name, encoding=encoding)


def transcript_from_bytes(data: bytes, *, name: str, encoding: str | None = None) -> Transcript:
    """Read a transcript's bytes (an upload, say) by the suffix of its file ``name``."""
    suffix = Path(name).suffix.lower()
    source = name
    _check_suffix(suffix, source)
    file_format: TranscriptFormat = suffix[1:]  # type: ignore[assignment]
    if file_format in ("txt", "md"):
        text, used = decode_transcript(data, encoding=encoding, source=source)
        return _made_canonical(text, source_name=source, encoding=used, file_format=file_format)
    if encoding is not None:
        raise TranscriptError(
            f"an encoding applies only to .txt and .md files, not {suffix}", source=source
        )
    raw = _docx_text(data, source) if file_format == "docx" else _odt_text(data, source)
    try:
        text = canonicalise(raw)
    except TranscriptError as error:
        raise TranscriptError(
            error.message, source=source, line=error.line, column=error.column, offset=error.offset
        ) from None
    return _made_canonical(text, source_name=source, encoding="utf-8", file_format=file_format)


def _made_canonical(
    text: str, *, source_name: str, encoding: str, file_format: TranscriptFormat
) -> Transcript:
    """A Transcript of a text just made canonical here: its validator would canonicalise
    the whole text a second time, as much work again as reading the file."""
    return Transcript.model_construct(
        text=text, source_name=source_name, encoding=encoding, format=file_format
    )


def check_transcript_name(name: str) -> None:
    """Refuse a file whose suffix names no supported format, before anything is read."""
    _check_suffix(Path(name).suffix.lower(), name)


def _check_suffix(suffix: str, source: str) -> None:
    if suffix not in SUPPORTED_SUFFIXES:
        hint = _HINTS.get(suffix, "")
        raise TranscriptError(
            f"unsupported format {suffix or '(no suffix)'!r}"
            f"{'; ' + hint if hint else ''}; supported: {', '.join(SUPPORTED_SUFFIXES)}",
            source=source,
        )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise TranscriptError("file not found", source=str(path)) from None
    except OSError as error:
        raise TranscriptError(f"cannot read the file: {error.strerror}", source=str(path)) from None


def _docx_text(data: bytes, source: str) -> str:
    """Return the body's paragraphs, table cells included, in document order."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_docx_table_lines(block))
            else:
                lines.append(block.text)
    except Exception as error:  # a corrupt package can fail in zipfile, lxml or python-docx
        raise _corrupt(source, "Word (.docx)", error) from error
    return "\n".join(lines)


def _docx_table_lines(table: Any) -> Iterator[str]:
    """Yield each cell's paragraphs row by row; a merged cell is read once."""
    from docx.table import Table

    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            for block in cell.iter_inner_content():
                if isinstance(block, Table):
                    yield from _docx_table_lines(block)
                else:
                    yield block.text


def _odt_text(data: bytes, source: str) -> str:
    """Return the text body's headings and paragraphs, in document order."""
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))
        lines = list(_odf_paragraphs(document.text))
    except Exception as error:  # a corrupt package can fail in zipfile, expat or odfpy
        raise _corrupt(source, "OpenDocument text (.odt)", error) from error
    return "\n".join(lines)


def _odf_paragraphs(element: Any) -> Iterator[str]:
    for child in element.childNodes:
        if child.nodeType != child.ELEMENT_NODE or child.qname in _ODF_SKIPPED:
            continue
        if child.qname in _ODF_PARAGRAPHS:
            yield _odf_inline_text(child)
        else:
            yield from _odf_paragraphs(child)


def _odf_inline_text(element: Any) -> str:
    parts: list[str] = []
    for child in element.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(child.data)
        elif child.nodeType != child.ELEMENT_NODE or child.qname in _ODF_SKIPPED:
            continue
        elif child.qname == (_ODF_TEXT, "line-break"):
            parts.append("\n")
        elif child.qname == (_ODF_TEXT, "tab"):
            parts.append("\t")
        elif child.qname == (_ODF_TEXT, "s"):
            parts.append(" " * int(child.getAttribute("c") or 1))
        else:
            parts.append(_odf_inline_text(child))
    return "".join(parts)


def _corrupt(source: str, kind: str, error: Exception) -> TranscriptError:
    raw = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    detail = raw.strip().splitlines()[0] if raw.strip() else type(error).__name__
    return TranscriptError(f"not a readable {kind} file ({detail})", source=source)
