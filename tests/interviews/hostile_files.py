"""Hostile documents built in memory: zip bombs, lying directories, entity bombs.

Small on disk and quick to build; what they would inflate to is the point.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Iterable

import docx
from odf.opendocument import OpenDocumentText
from odf.text import P

WORD_MAIN = "word/document.xml"
WORD_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT_OPEN = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:document xmlns:w="{WORD_NAMESPACE}"><w:body>'
).encode()
DOCUMENT_CLOSE = b"</w:body></w:document>"
PARAGRAPH = "<w:p><w:r><w:t>Работы нет, денег нет. </w:t></w:r></w:p>".encode()


def plain_docx(text: str = "Он уехал в Москву в 1996 году.") -> bytes:
    """A small, real Word document of one paragraph."""
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plain_odt(text: str = "Он уехал в Москву в 1996 году.") -> bytes:
    """A small, real OpenDocument text of one paragraph."""
    document = OpenDocumentText()
    document.text.addElement(P(text=text))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def replaced(
    package: bytes,
    name: str,
    content: bytes | Iterable[bytes],
    *,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """The package with entry `name` written from `content` (streamed), other entries kept."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            if entry.filename != name:
                target.writestr(entry, source.read(entry))
        if isinstance(content, bytes):
            target.writestr(name, content)
        else:
            with target.open(name, "w", force_zip64=True) as stream:
                for chunk in content:
                    stream.write(chunk)
        for extra_name, data in (extra or {}).items():
            target.writestr(extra_name, data)
    return buffer.getvalue()


def word_paragraphs(total: int) -> Iterable[bytes]:
    """A document.xml of about `total` bytes of one repeated paragraph, in 1 MB chunks."""
    yield DOCUMENT_OPEN
    chunk = PARAGRAPH * (1_000_000 // len(PARAGRAPH))
    written = 0
    while written < total:
        yield chunk
        written += len(chunk)
    yield DOCUMENT_CLOSE


_WORDS = " ".join(
    (
        "мы уехали в девяносто третьем году мама осталась дома работы нет денег нет",
        "Մենք ապրում էինք Մարտունիում there was no work at all so he went to Moscow",
        "отец брат сестра деревня поезд граница паспорт patent 1996 2004 Ереван Степанакерт",
    )
).split(" ")


def varied_paragraphs(total: int, *, seed: int = 7) -> Iterable[bytes]:
    """A document.xml of about `total` bytes of varied sentences, compressing as prose does."""
    generator = random.Random(seed)
    yield DOCUMENT_OPEN
    written = 0
    while written < total:
        sentences = []
        for _ in range(200):
            words = " ".join(generator.choice(_WORDS) for _ in range(generator.randint(4, 14)))
            sentences.append(f"<w:p><w:r><w:t>{words}.</w:t></w:r></w:p>")
        chunk = "".join(sentences).encode()
        yield chunk
        written += len(chunk)
    yield DOCUMENT_CLOSE


def docx_bomb(total: int = 100_000_000) -> bytes:
    """A Word document whose main part inflates to `total` bytes of repeated text."""
    return replaced(plain_docx(), WORD_MAIN, word_paragraphs(total))


def odt_bomb(total: int = 100_000_000) -> bytes:
    """An OpenDocument text whose content.xml inflates to `total` bytes of repeated text."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    paragraph = "<text:p>Работы нет, денег нет. </text:p>".encode()

    def content() -> Iterable[bytes]:
        yield (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            f'xmlns:office="{office}" xmlns:text="{text}"><office:body><office:text>'
        ).encode()
        chunk = paragraph * (1_000_000 // len(paragraph))
        for _ in range(total // len(chunk) + 1):
            yield chunk
        yield b"</office:text></office:body></office:document-content>"

    return replaced(plain_odt(), "content.xml", content())


def understated(package: bytes, name: str, declared: int) -> bytes:
    """The package with entry `name`'s sizes in its directory and header forged to `declared`."""
    data = bytearray(package)
    encoded = name.encode()
    # Central directory headers: uncompressed size at 24; local headers: at 22.
    for signature, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        at = data.find(signature)
        while at >= 0:
            length_at = 28 if signature == b"PK\x01\x02" else 26
            (length,) = struct.unpack_from("<H", data, at + length_at)
            if bytes(data[at + name_at : at + name_at + length]) == encoded:
                size = struct.unpack_from("<I", data, at + size_at)[0]
                if size != 0xFFFFFFFF:
                    struct.pack_into("<I", data, at + size_at, declared)
            at = data.find(signature, at + 4)
    return bytes(data)


BILLION_LAUGHS_DTD = (
    '<!DOCTYPE w:document [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)


def docx_with_entity_bomb() -> bytes:
    """A Word document whose main part declares the 'billion laughs' entities and uses them."""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>{BILLION_LAUGHS_DTD}'
        f'<w:document xmlns:w="{WORD_NAMESPACE}"><w:body><w:p><w:r><w:t>&lol9;</w:t>'
        "</w:r></w:p></w:body></w:document>"
    ).encode()
    return replaced(plain_docx(), WORD_MAIN, xml)


def odt_with_entity_bomb() -> bytes:
    """An OpenDocument text whose content.xml declares the 'billion laughs' entities."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    dtd = BILLION_LAUGHS_DTD.replace("w:document", "office:document-content")
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<office:document-content '
        f'xmlns:office="{office}" xmlns:text="{text}"><office:body><office:text>'
        "<text:p>&lol9;</text:p></office:text></office:body></office:document-content>"
    ).encode()
    return replaced(plain_odt(), "content.xml", xml)
