"""Reading transcript files (.txt, .md, .docx, .odt) into canonical text.

Every reader keeps to a `TranscriptLimits`: a text file larger than a transcript may be is
refused from its size, a document is read as an archive whose limits are checked before
anything is inflated (`interviews.archives`), and only the part holding the text is read.
"""

from __future__ import annotations

import io
import os
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal
from xml.etree.ElementTree import Element

from pydantic import BaseModel, ConfigDict, Field, field_validator

from interviews.archives import MEGABYTE, Archive, ArchiveLimits
from interviews.errors import TooLargeError, TranscriptError
from interviews.text import canonicalise, decode_transcript, is_canonical

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".odt")

TranscriptFormat = Literal["txt", "md", "docx", "odt"]

_HINTS = {
    ".doc": "save it as .docx first",
    ".rtf": "save it as .docx or .txt first",
    ".pdf": "export its text to .txt or .docx first",
    ".pages": "export it as .docx first",
}

_KINDS = {"docx": "Word (.docx)", "odt": "OpenDocument text (.odt)"}

_PACKAGE_RELATIONSHIPS = "_rels/.rels"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_WORD_DOCUMENT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}document"

_ODF_CONTENT = "content.xml"
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODF_PARAGRAPHS = {f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h"}
_ODF_LINE_BREAK = f"{{{_ODF_TEXT}}}line-break"
_ODF_TAB = f"{{{_ODF_TEXT}}}tab"
_ODF_SPACE = f"{{{_ODF_TEXT}}}s"
_ODF_COUNT = f"{{{_ODF_TEXT}}}c"
# Footnotes, comments and the record of tracked (deleted) changes are not the spoken text.
_ODF_SKIPPED = {
    f"{{{_ODF_TEXT}}}note",
    f"{{{_ODF_TEXT}}}tracked-changes",
    f"{{{_ODF_OFFICE}}}annotation",
    f"{{{_ODF_OFFICE}}}annotation-end",
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


class TranscriptLimits(BaseModel):
    """How large a transcript file may be: bytes of text, and the archive a document is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text_bytes: int = Field(default=50 * MEGABYTE, gt=0)
    archive: ArchiveLimits = Field(default_factory=ArchiveLimits)


def read_transcript(
    path: str | Path,
    *,
    encoding: str | None = None,
    limits: TranscriptLimits | None = None,
    confirm_encoding: bool = False,
) -> Transcript:
    """Read a transcript file by its suffix; ``encoding`` applies to .txt and .md only.

    A file larger than ``limits`` allow is refused from its size, before it is read. See
    ``decode_transcript`` for ``confirm_encoding``.
    """
    path = Path(path)
    file_format = _format_of(path.name, encoding)
    limits = limits if limits is not None else TranscriptLimits()
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            return _read_stream(
                stream,
                size=size,
                source=path.name,
                file_format=file_format,
                encoding=encoding,
                limits=limits,
                confirm_encoding=confirm_encoding,
            )
    except FileNotFoundError:
        raise TranscriptError("file not found", source=str(path)) from None
    except IsADirectoryError:
        raise TranscriptError("a folder, not a file", source=str(path)) from None
    except OSError as error:
        raise TranscriptError(f"cannot read the file: {error.strerror}", source=str(path)) from None


def transcript_from_bytes(
    data: bytes,
    *,
    name: str,
    encoding: str | None = None,
    limits: TranscriptLimits | None = None,
    confirm_encoding: bool = False,
) -> Transcript:
    """Read a transcript's bytes (an upload, say) by the suffix of its file ``name``."""
    file_format = _format_of(name, encoding)
    return _read_stream(
        io.BytesIO(data),
        size=len(data),
        source=name,
        file_format=file_format,
        encoding=encoding,
        limits=limits if limits is not None else TranscriptLimits(),
        confirm_encoding=confirm_encoding,
    )


def transcript_from_text(
    text: str, *, source: str, limits: TranscriptLimits | None = None
) -> Transcript:
    """Text typed or pasted (not read from a file) as a transcript, within the text limit."""
    most = (limits if limits is not None else TranscriptLimits()).text_bytes
    # Four bytes a code point at most: only a long text needs measuring.
    if len(text) * 4 > most:
        length = len(text.encode("utf-8", errors="surrogatepass"))
        if length > most:
            raise _text_too_large(length, most, source)
    try:
        canonical = canonicalise(text)
    except TranscriptError as error:
        raise TranscriptError(
            error.message, source=source, line=error.line, column=error.column, offset=error.offset
        ) from None
    return Transcript(text=canonical, source_name=source, encoding="utf-8", format="txt")


def _format_of(name: str, encoding: str | None) -> TranscriptFormat:
    suffix = Path(name).suffix.lower()
    _check_suffix(suffix, name)
    if encoding is not None and suffix not in (".txt", ".md"):
        raise TranscriptError(
            f"an encoding applies only to .txt and .md files, not {suffix}", source=name
        )
    return suffix[1:]  # type: ignore[return-value]


def _read_stream(
    stream: IO[bytes],
    *,
    size: int,
    source: str,
    file_format: TranscriptFormat,
    encoding: str | None,
    limits: TranscriptLimits,
    confirm_encoding: bool,
) -> Transcript:
    if file_format in ("txt", "md"):
        most = limits.text_bytes
        if size > most:
            raise _text_too_large(size, most, source)
        # A read of n bytes sets n bytes aside first: ask for the size, then for any growth
        # since it was taken, never past the limit.
        data = stream.read(size + 1)
        if len(data) > size:
            data += stream.read(most + 1 - len(data))
        if len(data) > most:
            raise _text_too_large(len(data), most, source)
        text, used = decode_transcript(
            data, encoding=encoding, source=source, confirm_encoding=confirm_encoding
        )
        return _made_canonical(text, source_name=source, encoding=used, file_format=file_format)
    if size > limits.archive.total_bytes:
        raise TooLargeError(
            f"{size:,} bytes; an archive may hold at most {limits.archive.total_bytes:,}",
            source=source,
            limit="total_bytes",
        )
    kind = _KINDS[file_format]
    archive = Archive(stream, source=source, kind=kind, limits=limits.archive)
    raw = _docx_text(archive) if file_format == "docx" else _odt_text(archive, limits)
    # Measured as UTF-8, as a plain text file's size is.
    length = len(raw.encode("utf-8", errors="surrogatepass"))
    if length > limits.text_bytes:
        raise TooLargeError(
            f"{length:,} bytes of text; a transcript may hold at most {limits.text_bytes:,}",
            source=source,
            limit="text_bytes",
        )
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


def _text_too_large(size: int, most: int, source: str) -> TooLargeError:
    return TooLargeError(
        f"{size:,} bytes; a transcript may hold at most {most:,} bytes of text",
        source=source,
        limit="text_bytes",
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


def _docx_text(archive: Archive) -> str:
    """Return the body's paragraphs, table cells included, in document order.

    Only the main part is read, through the archive's limits, and parsed by python-docx's
    own parser (which expands no entity); python-docx itself would inflate every part.
    """
    from docx.document import Document
    from docx.oxml.parser import parse_xml
    from docx.table import Table

    name = _docx_main_part(archive)
    data = archive.read(name)
    try:
        element = parse_xml(data)
    except Exception as error:  # lxml's XMLSyntaxError, its entity amplification guard
        raise archive.corrupt(f"entry {name}: {_first_line(error)}") from None
    tree = element.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise archive.corrupt(f"entry {name} declares a document type")
    if element.tag != _WORD_DOCUMENT:
        raise archive.corrupt(f"its main part {name} is not a Word document")
    try:
        lines: list[str] = []
        for block in Document(element, None).iter_inner_content():  # type: ignore[arg-type]
            if isinstance(block, Table):
                lines.extend(_docx_table_lines(block))
            else:
                lines.append(block.text)
    except Exception as error:  # python-docx fails on markup it does not expect
        raise archive.corrupt(f"entry {name}: {_first_line(error)}") from None
    return "\n".join(lines)


def _docx_main_part(archive: Archive) -> str:
    """The main document part, as the package's relationships name it."""
    if _PACKAGE_RELATIONSHIPS not in archive:
        raise archive.corrupt(f"no {_PACKAGE_RELATIONSHIPS}")
    for relationship in archive.read_xml(_PACKAGE_RELATIONSHIPS).iter(_RELATIONSHIP):
        if relationship.get("Type", "").endswith("/officeDocument"):
            target = relationship.get("Target", "")
            name = posixpath.normpath("/" + target).lstrip("/")
            if relationship.get("TargetMode") == "External" or name not in archive:
                raise archive.corrupt(f"its main part {target} is not in the package")
            return name
    raise archive.corrupt("no main document part")


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


def _odt_text(archive: Archive, limits: TranscriptLimits) -> str:
    """Return the text body's headings and paragraphs, in document order.

    Only content.xml is read; odfpy would inflate every entry and print what it cannot parse.
    """
    root = archive.read_xml(_ODF_CONTENT)
    body = root.find(f"{{{_ODF_OFFICE}}}body/{{{_ODF_OFFICE}}}text")
    if body is None:
        raise archive.corrupt(f"{_ODF_CONTENT} has no text body")
    text = _OdfText(limits.text_bytes, archive.source)
    try:
        lines = list(text.paragraphs(body))
    except RecursionError:
        raise archive.corrupt(f"{_ODF_CONTENT} nests its elements too deeply") from None
    return "\n".join(lines)


class _OdfText:
    """The text of ODF paragraphs, counted as it is built (``<text:s text:c=...>`` multiplies)."""

    def __init__(self, most: int, source: str) -> None:
        self.most = most
        self.source = source
        self.length = 0

    def paragraphs(self, element: Element) -> Iterator[str]:
        for child in element:
            if child.tag in _ODF_SKIPPED:
                continue
            if child.tag in _ODF_PARAGRAPHS:
                yield self.inline(child)
            else:
                yield from self.paragraphs(child)

    def inline(self, element: Element) -> str:
        parts: list[str] = []
        self.add(parts, element.text)
        for child in element:
            tag = child.tag
            if tag in _ODF_SKIPPED:
                pass
            elif tag == _ODF_LINE_BREAK:
                self.add(parts, "\n")
            elif tag == _ODF_TAB:
                self.add(parts, "\t")
            elif tag == _ODF_SPACE:
                self.add(parts, " " * self.spaces(child.get(_ODF_COUNT)))
            else:
                self.add(parts, self.inline(child), counted=True)
            # Text after a child belongs to this element, whatever the child was.
            self.add(parts, child.tail)
        return "".join(parts)

    def spaces(self, count: str | None) -> int:
        try:
            number = int(count) if count else 1
        except ValueError:
            number = 1
        if number > self.most - self.length:
            self.too_large()
        return max(number, 1)

    def add(self, parts: list[str], piece: str | None, *, counted: bool = False) -> None:
        if not piece:
            return
        if not counted:
            self.length += len(piece)
            if self.length > self.most:
                self.too_large()
        parts.append(piece)

    def too_large(self) -> None:
        raise TooLargeError(
            f"more than {self.most:,} characters of text; a transcript may hold at most "
            f"{self.most:,} bytes",
            source=self.source,
            entry=_ODF_CONTENT,
            limit="text_bytes",
        )


def _first_line(error: Exception) -> str:
    raw = str(error)
    return raw.strip().splitlines()[0] if raw.strip() else type(error).__name__
