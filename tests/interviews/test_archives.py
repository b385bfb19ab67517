"""Documents read as archives: limits checked before inflating, entries counted as they stream."""

from __future__ import annotations

import io
import resource
import time
import zipfile
from pathlib import Path

import pytest

from interviews.archives import Archive, ArchiveLimits
from interviews.errors import TooLargeError, TranscriptError
from interviews.importers import TranscriptLimits, read_transcript, transcript_from_bytes
from tests.interviews.hostile_files import (
    WORD_MAIN,
    docx_bomb,
    docx_with_entity_bomb,
    odt_bomb,
    odt_with_entity_bomb,
    plain_docx,
    plain_odt,
    replaced,
    understated,
    varied_paragraphs,
)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A 0.3 MB Word document whose main part inflates to 100 MB of repeated text."""
    return docx_bomb()


def _peak_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_zip_bomb_docx_is_refused_before_anything_is_inflated(
    tmp_path: Path, bomb: bytes
) -> None:
    assert len(bomb) < 1_000_000
    path = tmp_path / "bomb.docx"
    path.write_bytes(bomb)
    peak, began = _peak_megabytes(), time.monotonic()
    with pytest.raises(TooLargeError) as refused:
        read_transcript(path)
    assert time.monotonic() - began < 1
    # Nothing near the 100 MB it would inflate to was allocated.
    assert _peak_megabytes() - peak < 50
    message = str(refused.value)
    assert message.startswith(f"bomb.docx, entry {WORD_MAIN}: expands ")
    assert message.endswith("an entry may expand at most 100 times")
    assert "\n" not in message
    assert (refused.value.entry, refused.value.limit) == (WORD_MAIN, "ratio")


def test_a_zip_bomb_odt_is_refused_naming_content_xml(tmp_path: Path) -> None:
    with pytest.raises(TooLargeError, match=r"^b\.odt, entry content\.xml: expands "):
        transcript_from_bytes(odt_bomb(20_000_000), name="b.odt")


def test_a_modest_real_transcript_still_imports() -> None:
    # Some 2 MB of document text (a very long interview) expands as prose does.
    package = replaced(plain_docx(), WORD_MAIN, varied_paragraphs(2_000_000))
    with zipfile.ZipFile(io.BytesIO(package)) as check:
        entry = check.getinfo(WORD_MAIN)
        assert 2 < entry.file_size / entry.compress_size < 20
    transcript = transcript_from_bytes(package, name="long.docx")
    assert len(transcript.text) > 800_000


def test_an_entry_declaring_more_than_an_entry_may_hold_is_refused() -> None:
    package = replaced(plain_docx(), WORD_MAIN, varied_paragraphs(3_000_000))
    limits = TranscriptLimits(archive=ArchiveLimits(entry_bytes=2_000_000))
    with pytest.raises(TooLargeError) as refused:
        transcript_from_bytes(package, name="r.docx", limits=limits)
    assert str(refused.value).startswith(f"r.docx, entry {WORD_MAIN}: says it holds 3,")
    assert str(refused.value).endswith("an entry may hold at most 2,000,000")
    assert refused.value.limit == "entry_bytes"


def test_entries_declaring_more_than_an_archive_may_hold_in_all_are_refused() -> None:
    package = replaced(plain_docx(), WORD_MAIN, varied_paragraphs(2_000_000))
    limits = TranscriptLimits(archive=ArchiveLimits(total_bytes=1_500_000))
    with pytest.raises(TooLargeError) as refused:
        transcript_from_bytes(package, name="r.docx", limits=limits)
    assert str(refused.value).startswith("r.docx: its entries hold ")
    assert str(refused.value).endswith("an archive may hold at most 1,500,000")
    assert (refused.value.entry, refused.value.limit) == (None, "total_bytes")


def test_too_many_entries_are_refused_from_the_end_record() -> None:
    extra = {f"extra/item{number}.xml": b"<x/>" for number in range(60)}
    package = replaced(plain_docx(), "docProps/extra.xml", b"<x/>", extra=extra)
    limits = TranscriptLimits(archive=ArchiveLimits(entries=50))
    with pytest.raises(TooLargeError) as refused:
        transcript_from_bytes(package, name="many.docx", limits=limits)
    assert str(refused.value).startswith("many.docx: ")
    assert str(refused.value).endswith(" entries; an archive may hold at most 50")
    assert refused.value.limit == "entries"


def test_an_entry_whose_directory_understates_it_stops_at_the_declared_size() -> None:
    # The directory says 1,000 bytes; the entry really inflates to 20 MB.
    package = replaced(plain_docx(), WORD_MAIN, b"<w:document>" + b" " * 20_000_000)
    forged = understated(package, WORD_MAIN, 1_000)
    with zipfile.ZipFile(io.BytesIO(forged)) as check:
        assert check.getinfo(WORD_MAIN).file_size == 1_000
    with pytest.raises(TranscriptError, match=r"^r\.docx: not a readable Word \(\.docx\) file"):
        transcript_from_bytes(forged, name="r.docx")


def test_what_streams_is_counted_against_the_total_as_it_inflates() -> None:
    # Declared sizes pass (each entry once), but reading an entry twice inflates it twice.
    package = replaced(plain_docx(), WORD_MAIN, varied_paragraphs(1_000_000))
    total = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(package)).infolist())
    archive = Archive(
        io.BytesIO(package),
        source="r.docx",
        kind="Word (.docx)",
        limits=ArchiveLimits(total_bytes=total + 10),
    )
    assert len(archive.read(WORD_MAIN)) > 1_000_000
    with pytest.raises(TooLargeError) as refused:
        archive.read(WORD_MAIN)
    assert str(refused.value) == (
        f"r.docx, entry {WORD_MAIN}: inflates past {total + 10:,} bytes, the most an archive "
        "may hold in all"
    )


def test_a_docx_file_larger_than_an_archive_may_be_is_refused_from_its_size(
    tmp_path: Path,
) -> None:
    path = tmp_path / "huge.docx"
    with path.open("wb") as sparse:
        sparse.truncate(10**10)
    with pytest.raises(TooLargeError, match=r"^huge\.docx: 10,000,000,000 bytes; an archive"):
        read_transcript(path)


def test_a_text_file_larger_than_a_transcript_may_be_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as sparse:
        sparse.truncate(10**10)
    began = time.monotonic()
    with pytest.raises(TooLargeError) as refused:
        read_transcript(path)
    assert time.monotonic() - began < 1
    assert str(refused.value) == (
        "huge.txt: 10,000,000,000 bytes; a transcript may hold at most 50,000,000 bytes of text"
    )


@pytest.mark.parametrize("name", ["r.txt", "r.md"])
def test_text_bytes_past_the_limit_are_refused(name: str) -> None:
    limits = TranscriptLimits(text_bytes=100)
    assert transcript_from_bytes(b"x" * 100, name=name, limits=limits).text == "x" * 100
    with pytest.raises(TooLargeError, match=r"101 bytes; a transcript may hold at most 100 bytes"):
        transcript_from_bytes(b"x" * 101, name=name, limits=limits)


def test_a_document_with_more_text_than_a_transcript_may_hold_is_refused() -> None:
    limits = TranscriptLimits(text_bytes=1_000)
    with pytest.raises(TooLargeError) as refused:
        transcript_from_bytes(plain_docx("Работы нет. " * 100), name="r.docx", limits=limits)
    assert str(refused.value) == (
        "r.docx: 2,100 bytes of text; a transcript may hold at most 1,000"
    )
    with pytest.raises(TooLargeError, match="^r.odt, entry content.xml: more than 1,000 char"):
        transcript_from_bytes(plain_odt("Работы нет. " * 100), name="r.odt", limits=limits)


def test_an_odt_space_count_cannot_multiply_text_past_the_limit() -> None:
    xml = (
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        + b'<text:p>a<text:s text:c="40000000"/>b</text:p>' * 1000
        + b"</office:text></office:body></office:document-content>"
    )
    began = time.monotonic()
    with pytest.raises(TooLargeError, match="^s.odt, entry content.xml: more than 50,000,000"):
        transcript_from_bytes(replaced(plain_odt(), "content.xml", xml), name="s.odt")
    assert time.monotonic() - began < 1


def test_entity_bombs_are_refused_without_expansion() -> None:
    with pytest.raises(TranscriptError, match=rf"^e\.docx: .*entry {WORD_MAIN}"):
        transcript_from_bytes(docx_with_entity_bomb(), name="e.docx")
    with pytest.raises(
        TranscriptError, match=r"^e\.odt: .*entry content\.xml declares a document type"
    ):
        transcript_from_bytes(odt_with_entity_bomb(), name="e.odt")


def test_a_document_type_in_a_docx_is_refused_even_without_entities() -> None:
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE w:document><w:document xmlns:w="'
        b'http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        b"<w:t>hi</w:t></w:r></w:p></w:body></w:document>"
    )
    with pytest.raises(TranscriptError, match="declares a document type"):
        transcript_from_bytes(replaced(plain_docx(), WORD_MAIN, xml), name="d.docx")


def test_an_encrypted_entry_is_refused() -> None:
    package = bytearray(plain_docx())
    # Set the "encrypted" flag of every entry in the central directory.
    at = package.find(b"PK\x01\x02")
    while at >= 0:
        package[at + 8] |= 0x1
        at = package.find(b"PK\x01\x02", at + 4)
    with pytest.raises(TranscriptError, match=r"^x\.docx: not a readable .* is encrypted\)$"):
        transcript_from_bytes(bytes(package), name="x.docx")


def test_an_entry_named_twice_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain_docx())) as source, zipfile.ZipFile(buffer, "w") as out:
        for entry in source.infolist():
            out.writestr(entry, source.read(entry))
        with pytest.warns(UserWarning, match="Duplicate name"):
            out.writestr(WORD_MAIN, b"<w:document/>")
    with pytest.raises(TranscriptError, match=f"entry {WORD_MAIN} appears twice"):
        transcript_from_bytes(buffer.getvalue(), name="twice.docx")


def test_a_spreadsheet_renamed_docx_is_refused_as_not_a_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        out.writestr("xl/workbook.xml", '<workbook xmlns="urn:x"/>')
    with pytest.raises(TranscriptError, match="its main part xl/workbook.xml is not a Word doc"):
        transcript_from_bytes(buffer.getvalue(), name="sheet.docx")
