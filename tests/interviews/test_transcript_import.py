"""Reading transcript files of every supported format into canonical text."""

import codecs
import zipfile
from pathlib import Path

import docx
import pytest
from odf.opendocument import OpenDocumentText
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, LineBreak, Note, NoteBody, NoteCitation, P, S, Tab

from interviews.errors import TranscriptError
from interviews.importers import SUPPORTED_SUFFIXES, Transcript, read_transcript

LINES = ["Интервью R07, Մարտունի", "I: Երբ՞ եք մեկնել։", "R: В девяносто третьем 🚂"]


def _write_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading(LINES[0], level=1)
    document.add_paragraph(LINES[1])
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "R:"
    table.cell(0, 1).text = "Мама осталась дома"
    document.add_paragraph(LINES[2])
    document.save(str(path))
    return path


def _write_odt(path: Path) -> Path:
    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=LINES[0]))
    document.text.addElement(P(text=LINES[1]))
    table = Table(name="Speakers")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    row = TableRow()
    for text in ("R:", "Мама осталась дома"):
        cell = TableCell()
        cell.addElement(P(text=text))
        row.addElement(cell)
    table.addElement(row)
    document.text.addElement(table)
    document.text.addElement(P(text=LINES[2]))
    document.save(str(path))
    return path


def test_supported_suffixes_are_the_four_formats() -> None:
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".docx", ".odt")


def test_txt_is_read_as_canonical_text(tmp_path: Path) -> None:
    path = tmp_path / "interview07.txt"
    path.write_bytes("\r\n".join(LINES).encode("utf-8"))
    transcript = read_transcript(path)
    assert transcript == Transcript(
        text="\n".join(LINES), source_name="interview07.txt", encoding="utf-8", format="txt"
    )


def test_md_is_read_as_text_with_its_markup(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Մարտունի\n\n*Пауза*", encoding="utf-8")
    transcript = read_transcript(path)
    assert (transcript.text, transcript.format) == ("# Մարտունի\n\n*Пауза*", "md")


def test_txt_uses_the_named_encoding(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Краснодар, 1994".encode("cp1251"))
    transcript = read_transcript(path, encoding="cp1251")
    assert (transcript.text, transcript.encoding) == ("Краснодар, 1994", "cp1251")


def test_txt_in_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "exported.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "\n".join(LINES).encode("utf-16-le"))
    assert read_transcript(path).text == "\n".join(LINES)


def test_decoding_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "interview07.txt"
    path.write_bytes(b"line one\nline two \xff")
    with pytest.raises(TranscriptError) as caught:
        read_transcript(path)
    assert str(caught.value) == (
        "interview07.txt, line 2, column 10: byte 0xff cannot be decoded as utf-8"
    )


def test_docx_paragraphs_and_table_cells_are_read_in_order(tmp_path: Path) -> None:
    transcript = read_transcript(_write_docx(tmp_path / "r07.docx"))
    expected = [LINES[0], LINES[1], "R:", "Мама осталась дома", LINES[2]]
    assert transcript.text == "\n".join(expected)


def test_docx_transcript_records_its_format(tmp_path: Path) -> None:
    transcript = read_transcript(_write_docx(tmp_path / "R07.DOCX"))
    assert (transcript.format, transcript.source_name) == ("docx", "R07.DOCX")


def test_docx_merged_cells_are_read_once(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Բոլորը միասին"
    document.save(str(tmp_path / "merged.docx"))
    assert read_transcript(tmp_path / "merged.docx").text == "Բոլորը միասին"


def test_odt_headings_paragraphs_and_tables_are_read_in_order(tmp_path: Path) -> None:
    transcript = read_transcript(_write_odt(tmp_path / "r07.odt"))
    expected = [LINES[0], LINES[1], "R:", "Мама осталась дома", LINES[2]]
    assert (transcript.text, transcript.format) == ("\n".join(expected), "odt")


def test_odt_spaces_tabs_and_line_breaks_are_kept(tmp_path: Path) -> None:
    document = OpenDocumentText()
    paragraph = P(text="I:")
    paragraph.addElement(Tab())
    paragraph.addText("Ճիշտ")
    paragraph.addElement(S(c=3))
    paragraph.addText("так")
    paragraph.addElement(LineBreak())
    paragraph.addText("R: да")
    document.text.addElement(paragraph)
    document.save(str(tmp_path / "spaced.odt"))
    assert read_transcript(tmp_path / "spaced.odt").text == "I:\tՃիշտ   так\nR: да"


def test_odt_footnotes_are_left_out(tmp_path: Path) -> None:
    document = OpenDocumentText()
    paragraph = P(text="Мы уехали")
    note = Note(id="ftn1", noteclass="footnote")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="transcriber's note"))
    note.addElement(body)
    paragraph.addElement(note)
    paragraph.addText(" в 1993.")
    document.text.addElement(paragraph)
    document.save(str(tmp_path / "noted.odt"))
    assert read_transcript(tmp_path / "noted.odt").text == "Мы уехали в 1993."


def test_empty_docx_is_refused(tmp_path: Path) -> None:
    docx.Document().save(str(tmp_path / "blank.docx"))
    with pytest.raises(TranscriptError, match="blank.docx: the transcript is empty"):
        read_transcript(tmp_path / "blank.docx")


def test_corrupt_docx_is_a_transcript_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip file")
    with pytest.raises(TranscriptError, match="not a readable Word"):
        read_transcript(path)


def test_odt_renamed_to_docx_is_a_transcript_error(tmp_path: Path) -> None:
    path = _write_odt(tmp_path / "r07.odt").rename(tmp_path / "r07.docx")
    with pytest.raises(TranscriptError, match="r07.docx: not a readable Word"):
        read_transcript(path)


def test_corrupt_odt_is_a_transcript_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("content.xml", "<office:document-content><unclosed>")
    with pytest.raises(TranscriptError, match="not a readable OpenDocument"):
        read_transcript(path)


def test_unsupported_suffix_names_supported_formats(tmp_path: Path) -> None:
    path = tmp_path / "r07.pdf"
    path.write_bytes(b"%PDF-1.7")
    with pytest.raises(TranscriptError, match=r"supported: \.txt, \.md, \.docx, \.odt"):
        read_transcript(path)


def test_legacy_doc_suffix_gets_advice(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="save it as .docx"):
        read_transcript(tmp_path / "old.doc")


def test_missing_file_is_a_transcript_error(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="file not found"):
        read_transcript(tmp_path / "nowhere.txt")


def test_encoding_for_docx_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="only to .txt and .md"):
        read_transcript(_write_docx(tmp_path / "r07.docx"), encoding="cp1251")


def test_transcript_refuses_non_canonical_text() -> None:
    with pytest.raises(ValueError, match="canonical"):
        Transcript(text="a\r\nb", source_name="x.txt", encoding="utf-8", format="txt")


def test_bytes_are_read_by_the_suffix_of_their_name(tmp_path: Path) -> None:
    from interviews.importers import transcript_from_bytes

    text = "Мы уехали в 1996 году.\r\n"
    legacy = transcript_from_bytes(text.encode("cp1251"), name="r07.txt", encoding="cp1251")
    assert (legacy.text, legacy.encoding, legacy.source_name) == (
        "Мы уехали в 1996 году.\n",
        "cp1251",
        "r07.txt",
    )
    with pytest.raises(TranscriptError, match="unsupported format"):
        transcript_from_bytes(b"x", name="notes.pdf")
