"""The canonical transcript text and the offset convention every span relies on.

A transcript is stored as one canonical text: a Python ``str`` with no leading byte
order mark, LF line breaks only, in Unicode NFC, without control characters other than
line feed and tab, and not blank. Every offset in the toolkit is a code-point index into
that text (``text[start:end]``, end exclusive). Browsers count in UTF-16 code units
instead; ``utf16_to_codepoint`` and ``codepoint_to_utf16`` translate at that border.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import re
import unicodedata

from interviews.encodings import plausible_encodings
from interviews.errors import (
    LooksLikeUtf8Error,
    OffsetError,
    TranscriptError,
    UndecodableTranscriptError,
)

BYTE_ORDER_MARK = "\ufeff"

# C0 controls except tab, LF and CR (CR becomes LF), DEL, C1 controls and lone
# surrogates. C1 controls in a transcript almost always mean a Windows code page was
# decoded as latin-1; lone surrogates cannot be stored as UTF-8.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# The same characters as UTF-8 bytes (strict decoding has already refused surrogates): the
# one-byte ones are deleted by bytes.translate, and C1 controls are C2 80 to C2 9F. Looking
# at the bytes is several times cheaper than searching the decoded text.
_FORBIDDEN_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C1_IN_UTF8 = re.compile(b"\xc2[\x80-\x9f]")

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 LE first: its mark begins with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 (big-endian)"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 (big-endian)"),
)

# Which named codecs may read a file that starts with each byte order mark.
_BOM_COMPATIBLE = {
    "UTF-8": {"utf-8", "utf-8-sig"},
    "UTF-16 (little-endian)": {"utf-16", "utf-16-le"},
    "UTF-16 (big-endian)": {"utf-16", "utf-16-be"},
    "UTF-32 (little-endian)": {"utf-32", "utf-32-le"},
    "UTF-32 (big-endian)": {"utf-32", "utf-32-be"},
}

# Codecs that consume a byte order mark, and the codec that reads the bytes after it.
_BOM_CONSUMING = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}

_WIDE_CODECS = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}

_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", ""),
    (b"GIF87a", "a GIF image", ""),
    (b"GIF89a", "a GIF image", ""),
    (b"\xff\xd8\xff", "a JPEG image", ""),
    (b"%PDF-", "a PDF document", "export its text, or save the transcript as .docx or .txt"),
    (b"PK\x03\x04", "a ZIP archive", "a .docx or .odt document is one: give it its own suffix"),
    (b"PK\x05\x06", "a ZIP archive", ""),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Microsoft Office file", "save it as .docx"),
    (b"{\\rtf", "an RTF document", "save it as .docx or plain text"),
    (b"ID3\x03\x00", "an MP3 audio recording", ""),
    (b"ID3\x04\x00", "an MP3 audio recording", ""),
    (b"\xff\xfb", "an MP3 audio recording", ""),
    (b"OggS", "an Ogg audio recording", ""),
    (b"fLaC", "a FLAC audio recording", ""),
    (b"\x1f\x8b", "a gzip archive", ""),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", ""),
    (b"Rar!\x1a\x07", "a RAR archive", ""),
)

_SNIFF_BYTES = 4096
_BINARY_CONTROL_SHARE = 0.10
_BINARY_CONTROL_MINIMUM = 8
_UTF16_NUL_SHARE = 0.10
_UTF16_NUL_MINIMUM = 4
_TEXT_CONTROL_BYTES = frozenset(b"\t\n\r\x0c")
# Bytes below 0x20 other than those: counted by deleting them (bytes.translate).
_BINARY_CONTROL_BYTES = bytes(byte for byte in range(0x20) if byte not in _TEXT_CONTROL_BYTES)


def normalise(text: str) -> str:
    """Strip leading byte order marks, turn CRLF and lone CR into LF, and compose to NFC."""
    text = text.lstrip(BYTE_ORDER_MARK)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def canonicalise(text: str) -> str:
    """Return the canonical form of a transcript text, refusing control characters and blanks."""
    return _canonical(text, search=True)


def _canonical(text: str, *, search: bool) -> str:
    """`canonicalise`, searching the text for forbidden characters unless already known free."""
    match = _FORBIDDEN.search(text) if search else None
    if match is not None:
        line, column = position(text, match.start())
        raise TranscriptError(
            f"{describe_character(match.group())} is not allowed in a transcript",
            line=line,
            column=column,
            offset=match.start(),
        )
    result = normalise(text)
    if not result:
        raise TranscriptError("the transcript is empty")
    if result.isspace():
        raise TranscriptError("the transcript contains only whitespace")
    return result


def first_forbidden_character(text: str) -> int | None:
    """Return the offset of the first character a canonical text may not contain, or None."""
    match = _FORBIDDEN.search(text)
    return None if match is None else match.start()


def is_canonical(text: str) -> bool:
    """Tell whether ``text`` is already canonical (so offsets into it are meaningful)."""
    try:
        return canonicalise(text) == text
    except TranscriptError:
        return False


def position(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of code point ``offset`` (CRLF and CR break lines)."""
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    line = before.count("\n") + 1
    last_line = before[before.rfind("\n") + 1 :]
    if line == 1:
        last_line = last_line.lstrip(BYTE_ORDER_MARK)
    return line, len(last_line) + 1


# Characters that print nothing alone but build what a reader sees: joiners (emoji
# sequences; Indic and Persian letters) and tag characters (subdivision flags).
_BUILDING = frozenset("\u200c\u200d") | frozenset(map(chr, range(0xE0020, 0xE0080)))


def shown(text: str) -> str:
    """`text` as a terminal or a message should show it: a character that would not print
    (a control character, a direction override) as its escape (`\\u202e`), the rest as
    written, emoji sequences whole."""
    if text.isprintable():
        return text
    return "".join(
        character
        if character.isprintable() or character in _BUILDING
        else character.encode("unicode_escape").decode("ascii")
        for character in text
    )


def describe_character(character: str) -> str:
    """Name a single character for an error message, e.g. ``U+0000 (NUL)``."""
    code = ord(character)
    if code == 0:
        name = "NUL"
    elif 0xD800 <= code <= 0xDFFF:
        name = "a lone surrogate"
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        name = "a control character"
    else:
        name = unicodedata.name(character, "unnamed")
    return f"character U+{code:04X} ({name})"


def decode_transcript(
    data: bytes,
    *,
    encoding: str | None = None,
    source: str = "<bytes>",
    confirm_encoding: bool = False,
) -> tuple[str, str]:
    """Decode transcript bytes strictly and canonicalise them; return (text, encoding used).

    A legacy single-byte encoding named for bytes that read, mostly or wholly, as UTF-8 is
    refused (`LooksLikeUtf8Error`) unless ``confirm_encoding`` says a person meant it: every
    byte decodes in such an encoding, so the mistake would garble the text without a word.
    """
    if not data:
        raise TranscriptError("the file is empty", source=source)
    _refuse_known_binary(data, source)
    bom = _byte_order_mark(data)
    codec = _choose_codec(encoding, bom, source)
    if encoding is not None and not confirm_encoding and _is_single_byte(codec):
        _refuse_utf8_lookalike(data, codec, source)
    if codec not in _WIDE_CODECS:
        _refuse_nul_and_control_bytes(data, codec, source)
    text = _decode_strictly(data, codec, source)
    try:
        return _canonical(text, search=not _free_of_forbidden_utf8(data, codec)), codec
    except TranscriptError as error:
        skipped = len(bom[0]) if bom is not None and codec in _BOM_CONSUMING else 0
        raise _with_byte_offset(error, text, codec, skipped, source) from None


def _free_of_forbidden_utf8(data: bytes, codec: str) -> bool:
    """Whether UTF-8 bytes hold none of the characters a transcript may not contain; False
    (search the text) for any other codec."""
    if codec not in ("utf-8", "utf-8-sig"):
        return False
    if len(data.translate(None, _FORBIDDEN_BYTES)) != len(data):
        return False
    return b"\xc2" not in data or _C1_IN_UTF8.search(data) is None


# A well-formed UTF-8 sequence of two, three or four bytes (RFC 3629: no overlong forms,
# no surrogates, nothing past U+10FFFF).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
# Legacy text forms UTF-8 sequences by accident too (cp866 Russian: about a quarter of its
# letters), but never most of its bytes over a few words.
_UTF8_SHARE = 0.5
_UTF8_MINIMUM = 8


@functools.cache
def _is_single_byte(codec: str) -> bool:
    """Whether a codec reads each byte as one character (cp1251, koi8-r, latin-1, ...)."""
    if codec in _BOM_CONSUMING or codec in _WIDE_CODECS or codec.startswith("utf"):
        return False
    # A multi-byte codec joins some of these bytes into one character.
    return len(_HIGH_BYTES.decode(codec, errors="replace")) == len(_HIGH_BYTES)


def _refuse_utf8_lookalike(data: bytes, codec: str, source: str) -> None:
    """Refuse bytes that are wholly UTF-8, or mostly UTF-8 sequences, read as a legacy code page."""
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    if not non_ascii:
        return
    utf8 = len(data) - len(_UTF8_SEQUENCE.sub(b"", data))
    try:
        data.decode("utf-8")
        whole = True
    except UnicodeDecodeError:
        whole = False
    if not whole and (utf8 < _UTF8_MINIMUM or utf8 < _UTF8_SHARE * non_ascii):
        return
    lines = [
        number
        for number, line in enumerate(data.split(b"\n"), start=1)
        if _UTF8_SEQUENCE.search(line)
    ]
    how = "it is UTF-8 throughout" if whole else "it looks like UTF-8 in part"
    raise LooksLikeUtf8Error(
        f"{codec} was named, but {utf8:,} of its {non_ascii:,} bytes beyond ASCII form UTF-8 "
        f"characters (on {len(lines):,} line{'s' if len(lines) != 1 else ''}, the first "
        f"here): {how}, and {codec} would garble them",
        source=source,
        line=lines[0],
        utf8_bytes=utf8,
        utf8_lines=len(lines),
    )


def _byte_order_mark(data: bytes) -> tuple[bytes, str, str] | None:
    for entry in _BOMS:
        if data.startswith(entry[0]):
            return entry
    return None


def _choose_codec(encoding: str | None, bom: tuple[bytes, str, str] | None, source: str) -> str:
    if encoding is None:
        return bom[1] if bom is not None else "utf-8"
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise TranscriptError(
            f"unknown encoding {encoding!r}; name a Python codec such as utf-8, cp1251, "
            "koi8-r or latin-1, or convert the file to UTF-8",
            source=source,
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise TranscriptError(f"{encoding!r} is not a text encoding", source=source)
    if bom is not None and info.name not in _BOM_COMPATIBLE[bom[2]]:
        raise TranscriptError(
            f"the file starts with a {bom[2]} byte order mark but {info.name} was named; "
            "leave the encoding out to follow the mark",
            source=source,
        )
    return info.name


def _refuse_known_binary(data: bytes, source: str) -> None:
    for magic, description, advice in _MAGIC:
        if data.startswith(magic):
            raise TranscriptError(
                f"this looks like {description}, not a text transcript"
                + (f"; {advice}" if advice else ""),
                source=source,
            )
    if data[8:12] in (b"WAVE", b"AVI ") and data.startswith(b"RIFF"):
        raise TranscriptError(
            "this looks like a WAV or AVI recording, not a text transcript", source=source
        )
    if data[:2] == b"\x00\x00" and data[4:8] == b"ftyp":
        raise TranscriptError(
            "this looks like an MP4 or M4A recording, not a text transcript", source=source
        )


def _refuse_nul_and_control_bytes(data: bytes, codec: str, source: str) -> None:
    head = data[:_SNIFF_BYTES]
    controls = len(head) - len(head.translate(None, _BINARY_CONTROL_BYTES))
    # A few stray control bytes are reported with their position (by canonicalise, or
    # below for NUL); many of them mean the file is not text at all.
    binary = controls >= _BINARY_CONTROL_MINIMUM and controls / len(head) >= _BINARY_CONTROL_SHARE
    nul = data.find(b"\x00")
    if nul == -1 and not binary:
        return
    utf16 = _looks_like_utf16(head)
    if utf16 is not None:
        raise UndecodableTranscriptError(
            f"the file contains NUL bytes and looks like UTF-16 ({utf16}-endian) without a "
            f"byte order mark; name the encoding utf-16-{utf16[0]}e",
            source=source,
            encodings=(f"utf-16-{utf16[0]}e",),
        )
    if binary:
        raise TranscriptError(
            f"this looks like a binary file, not a text transcript "
            f"({controls * 100 // len(head)}% of its first bytes are control codes)",
            source=source,
        )
    prefix = data[:nul].decode(codec, errors="replace")
    line, column = position(prefix, len(prefix))
    raise TranscriptError(
        "byte 0x00 (NUL) is not allowed in a text transcript",
        source=source,
        line=line,
        column=column,
        offset=nul,
    )


def _looks_like_utf16(head: bytes) -> str | None:
    """Return "little" or "big" when many NUL bytes sit almost only on one parity, else None."""
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    # Spaces, digits and punctuation alone put NULs in well over a tenth of the units.
    enough = max(_UTF16_NUL_MINIMUM, len(head) // 2 * _UTF16_NUL_SHARE)
    if odd >= enough and odd >= 9 * even:
        return "little"
    if even >= enough and even >= 9 * odd:
        return "big"
    return None


def _decode_strictly(data: bytes, codec: str, source: str) -> str:
    try:
        return data.decode(codec, errors="strict")
    except UnicodeDecodeError as error:
        bad = data[error.start : error.end]
        shown = " ".join(f"0x{byte:02x}" for byte in bad)
        noun = "byte" if len(bad) == 1 else "bytes"
        message = f"{noun} {shown} cannot be decoded as {_display_name(codec)}"
        if "end of data" in error.reason or "truncated" in error.reason:
            message += " (the file ends in the middle of a character)"
        prefix = data[: error.start].decode(codec, errors="replace")
        line, column = position(prefix, len(prefix))
        raise UndecodableTranscriptError(
            message,
            source=source,
            line=line,
            column=column,
            offset=error.start,
            encodings=_guesses(data, codec),
        ) from None


def _guesses(data: bytes, codec: str) -> tuple[str, ...]:
    """Legacy encodings to suggest, unless the file's byte order mark already said what it is."""
    if codec in _WIDE_CODECS or codec in _BOM_CONSUMING:
        return ()
    return plausible_encodings(data, exclude=codec)


def _display_name(codec: str) -> str:
    return "utf-8" if codec == "utf-8-sig" else codec


def _with_byte_offset(
    error: TranscriptError, text: str, codec: str, skipped: int, source: str
) -> TranscriptError:
    """Re-issue a text-level error against the bytes: add the source, use a byte offset."""
    offset = error.offset
    if offset is not None:
        body_codec = _BOM_CONSUMING.get(codec, codec)
        offset = skipped + len(text[:offset].encode(body_codec, errors="surrogatepass"))
    return TranscriptError(
        error.message, source=source, line=error.line, column=error.column, offset=offset
    )


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Index:
    """Translates offsets into one text between code points and the UTF-16 units browsers count.

    Only characters outside the Basic Multilingual Plane (emoji, some scripts) take two
    UTF-16 units, so the index keeps their positions and translates with a binary search:
    building it is one regular-expression scan, each translation O(log n).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._astral = [match.start() for match in _ASTRAL.finditer(text)]
        # UTF-16 position of the first unit of each astral character.
        self._astral_units = [position + rank for rank, position in enumerate(self._astral)]
        self.code_points = len(text)
        self.units = len(text) + len(self._astral)

    def to_utf16(self, offset: int) -> int:
        """The UTF-16 unit offset of code point ``offset``."""
        if not 0 <= offset <= self.code_points:
            raise OffsetError(
                f"offset {offset} is outside the text (0 to {self.code_points} code points)",
                offset=offset,
            )
        return offset + bisect.bisect_left(self._astral, offset)

    def to_code_point(self, offset: int) -> int:
        """The code-point offset of UTF-16 unit ``offset``; refuses an offset inside a pair."""
        if not 0 <= offset <= self.units:
            raise OffsetError(
                f"UTF-16 offset {offset} is outside the text (0 to {self.units} code units)",
                offset=offset,
            )
        before = bisect.bisect_left(self._astral_units, offset)
        if before and self._astral_units[before - 1] == offset - 1:
            character = self.text[self._astral[before - 1]]
            raise OffsetError(
                f"UTF-16 offset {offset} falls inside {describe_character(character)}, "
                "between the two halves of its surrogate pair",
                offset=offset,
            )
        return offset - before


def codepoint_to_utf16(text: str, offset: int) -> int:
    """Translate a code-point offset into ``text`` to the UTF-16 code-unit offset a browser uses."""
    return Utf16Index(text).to_utf16(offset)


def utf16_to_codepoint(text: str, offset: int) -> int:
    """Translate a browser's UTF-16 code-unit offset into ``text`` to a code-point offset."""
    return Utf16Index(text).to_code_point(offset)
