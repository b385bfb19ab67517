"""Any bytes, any zip archive, under any name: a transcript or a TranscriptError, nothing else."""

from __future__ import annotations

import io
import tempfile
import warnings
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviews.archives import ArchiveLimits
from interviews.errors import TooLargeError, TranscriptError
from interviews.importers import (
    Transcript,
    TranscriptLimits,
    read_transcript,
    transcript_from_bytes,
)
from interviews.text import canonicalise, is_canonical

SUFFIXES = [".txt", ".md", ".docx", ".odt", ".TXT", ".Docx"]
ENCODINGS = [None, "utf-8", "cp1251", "koi8-r", "latin-1", "utf-16", "utf-16-le", "gbk"]
SMALL = TranscriptLimits(
    text_bytes=2_000,
    archive=ArchiveLimits(entries=6, entry_bytes=20_000, total_bytes=30_000, ratio=20),
)
LIMITS = st.sampled_from([TranscriptLimits(), SMALL])

WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{target}"/></Relationships>'
)


def _word(text: str) -> bytes:
    return (
        f'<w:document xmlns:w="{WORD}"><w:body><w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>'
        f"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{escape(text[::-1])}</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:tbl></w:body></w:document>"
    ).encode("utf-8", errors="surrogatepass")


def _odf(text: str) -> bytes:
    return (
        f'<office:document-content xmlns:office="{OFFICE}" xmlns:text="{TEXT_NS}"><office:body>'
        f'<office:text><text:p>{escape(text)}<text:s text:c="{len(text)}"/><text:tab/></text:p>'
        "</office:text></office:body></office:document-content>"
    ).encode("utf-8", errors="surrogatepass")


# Text a document could hold: no controls or lone surrogates, which XML cannot carry.
PLAIN = st.characters(exclude_categories=["Cc", "Cs"])
NAMES = st.one_of(
    st.sampled_from(
        ["word/document.xml", "_rels/.rels", "content.xml", "mimetype", "[Content_Types].xml"]
    ),
    # zipfile cuts a name at a NUL (a name of NUL alone it cannot write) and encodes it.
    st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=12
    ),
)
CONTENTS = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(_word),
    st.text(max_size=200).map(_odf),
    st.sampled_from(["word/document.xml", "/word/document.xml", "nowhere.xml", ""]).map(
        lambda target: RELS.format(target=target).encode()
    ),
    st.integers(0, 60_000).map(lambda size: b"<" + b"a" * size),
    st.just(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;&a;</x>'),
)
ENTRIES = st.lists(
    st.tuples(NAMES, CONTENTS, st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])),
    max_size=8,
)


def _damaged(draw: st.DrawFn, entries: list[tuple[str, bytes, int]]) -> bytes:
    """A zip archive of `entries`, perhaps then damaged: bytes changed or cut off."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are part of the point
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content, method in entries:
                archive.writestr(name, content, compress_type=method)
    data = bytearray(buffer.getvalue())
    if not draw(st.booleans()):
        return bytes(data)
    changes = draw(st.lists(st.tuples(st.integers(0), st.integers(0, 255)), max_size=4))
    for position, value in changes:
        if data:
            data[position % len(data)] = value
    cut = draw(st.one_of(st.none(), st.integers(0, len(data))))
    return bytes(data if cut is None else data[:cut])


@st.composite
def archives(draw: st.DrawFn) -> bytes:
    """A zip archive of random entries, perhaps damaged."""
    return _damaged(draw, draw(ENTRIES))


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    """A .docx or .odt package of random text and random extra entries, perhaps damaged."""
    text = draw(st.text(max_size=400) | st.text(PLAIN, min_size=1, max_size=400))
    method = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    if draw(st.booleans()):
        rels = RELS.format(target="word/document.xml").encode()
        parts = [("_rels/.rels", rels, method), ("word/document.xml", _word(text), method)]
    else:
        parts = [("content.xml", _odf(text), method)]
    extras = draw(ENTRIES) if draw(st.booleans()) else []
    return _damaged(draw, [*parts, *extras])


def _read_or_refuse(data: bytes, name: str, **options: object) -> Transcript | None:
    try:
        transcript = transcript_from_bytes(data, name=name, **options)  # type: ignore[arg-type]
    except TranscriptError as error:
        message = str(error)
        assert message and "\n" not in message
        if isinstance(error, TooLargeError):
            assert error.limit in {"text_bytes", "entries", "entry_bytes", "total_bytes", "ratio"}
        return None
    assert is_canonical(transcript.text)
    return transcript


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=3_000),
    suffix=st.sampled_from(SUFFIXES),
    encoding=st.sampled_from(ENCODINGS),
    limits=LIMITS,
)
def test_random_bytes_are_read_or_cleanly_refused(
    data: bytes, suffix: str, encoding: str | None, limits: TranscriptLimits
) -> None:
    text_file = suffix.lower() in (".txt", ".md")
    _read_or_refuse(
        data,
        f"r{suffix}",
        encoding=encoding if text_file else None,
        limits=limits,
        confirm_encoding=encoding == "latin-1",
    )


@settings(max_examples=300, deadline=None)
@given(data=archives() | documents(), suffix=st.sampled_from([".docx", ".odt"]), limits=LIMITS)
def test_random_zip_archives_are_read_or_cleanly_refused(
    data: bytes, suffix: str, limits: TranscriptLimits
) -> None:
    transcript = _read_or_refuse(data, f"r{suffix}", limits=limits)
    if transcript is not None:
        assert len(transcript.text.encode("utf-8", errors="surrogatepass")) <= limits.text_bytes


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=archives() | documents() | st.binary(max_size=2_000), suffix=st.sampled_from(SUFFIXES))
def test_random_files_on_disk_are_read_or_cleanly_refused(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"r{suffix}"
        path.write_bytes(data)
        try:
            transcript = read_transcript(path, limits=SMALL)
        except TranscriptError as error:
            assert "\n" not in str(error)
            return
        assert is_canonical(transcript.text)


# Characters XML 1.0 can carry, besides tab and line feed.
XML_TEXT = st.text(
    st.characters(exclude_categories=["Cc", "Cs", "Cn"]), min_size=1, max_size=300
).filter(lambda text: text.strip())


@settings(max_examples=100, deadline=None)
@given(text=XML_TEXT, method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
def test_a_sound_document_of_any_text_reads_as_that_text(text: str, method: int) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("_rels/.rels", RELS.format(target="word/document.xml"), method)
        archive.writestr("word/document.xml", _word(text), method)
    docx = transcript_from_bytes(buffer.getvalue(), name="r.docx")
    assert docx.text == canonicalise(f"{text}\n{text[::-1]}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", _odf(text), method)
    odt = transcript_from_bytes(buffer.getvalue(), name="r.odt")
    assert odt.text == canonicalise(f"{text}{' ' * len(text)}\t")
