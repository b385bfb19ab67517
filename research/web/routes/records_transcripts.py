"""Transcript intake for the web: uploaded bytes to canonical text, previews, held uploads.

A file that is not UTF-8 is refused with its line and column; the page then shows the
first lines as each legacy encoding would read them, so a person can pick the one that
reads right. The uploaded bytes wait server-side meanwhile (a few entries, size-capped,
thirty minutes), named by a random token the page sends back. Every upload is read within
the study's transcript limits; a request body larger than them is refused while it
arrives (`research.web.uploads`).
"""

from __future__ import annotations

import secrets
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from fastapi import Request

from interviews.errors import TooLargeError, TranscriptError
from interviews.importers import (
    Transcript,
    TranscriptLimits,
    transcript_from_bytes,
    transcript_from_text,
)
from interviews.text import decode_transcript

AUTO = "auto"
ENCODINGS: tuple[tuple[str, str], ...] = (
    (AUTO, "Automatic: UTF-8, or as the byte order mark says"),
    ("utf-8", "UTF-8"),
    ("cp1251", "Windows Cyrillic (cp1251)"),
    ("koi8-r", "KOI8-R (Russian)"),
    ("cp866", "DOS Cyrillic (cp866)"),
    ("iso-8859-5", "ISO 8859-5 (Cyrillic)"),
    ("mac-cyrillic", "Mac Cyrillic"),
    ("latin-1", "Latin-1 (ISO 8859-1)"),
    ("cp1252", "Windows Western (cp1252)"),
    ("utf-16", "UTF-16 (with byte order mark)"),
    ("utf-16-le", "UTF-16 little-endian, no mark"),
    ("utf-16-be", "UTF-16 big-endian, no mark"),
)
ENCODING_NAMES = frozenset(name for name, _ in ENCODINGS)
# Tried for a preview when a file is not UTF-8 and no encoding was named.
LEGACY_CANDIDATES: tuple[str, ...] = ("cp1251", "koi8-r", "cp866", "iso-8859-5", "latin-1")
PREVIEW_LINES = 15
PASTED_SOURCE = "pasted text"

HELD_UPLOADS = 6
HELD_SECONDS = 30 * 60


@dataclass(frozen=True)
class Candidate:
    """How one encoding reads an upload: its first lines, or why it cannot."""

    encoding: str
    label: str
    lines: list[str]
    error: str


def label_of(encoding: str) -> str:
    """The name people see for an encoding."""
    return dict(ENCODINGS).get(encoding, encoding)


def check_encoding(encoding: str) -> str | None:
    """The codec to use (None for automatic); refuses names not offered."""
    if encoding not in ENCODING_NAMES:
        offered = ", ".join(name for name, _ in ENCODINGS)
        raise TranscriptError(f"unknown encoding {encoding!r}; choose one of: {offered}")
    return None if encoding == AUTO else encoding


MAX_NAME_LENGTH = 200


def safe_name(name: str | None) -> str:
    """The file's own name: no folder a browser may send, no control characters, not too long."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    base = base.strip()
    if len(base) > MAX_NAME_LENGTH:
        suffix = PurePath(base).suffix[:10]
        base = base[: MAX_NAME_LENGTH - len(suffix) - 1] + "…" + suffix
    return base or "upload.txt"


_READ_CHUNK = 1 << 20


def upload_bytes(upload: BinaryIO, limits: TranscriptLimits) -> bytes:
    """An uploaded file's bytes, up to one past the most a transcript file may have.

    Read a chunk at a time: one read of the limit would set the whole limit aside first.
    """
    most = limits.text_bytes + 1
    chunks: list[bytes] = []
    total = 0
    while total < most:
        chunk = upload.read(min(_READ_CHUNK, most - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_upload(name: str, data: bytes, encoding: str, limits: TranscriptLimits) -> Transcript:
    """An uploaded file as a canonical transcript; TranscriptError names line and column.

    The web takes a file of at most the text a transcript may hold, documents included.
    """
    source = safe_name(name)
    if len(data) > limits.text_bytes:
        raise TooLargeError(
            f"the upload has more than {limits.text_bytes:,} bytes, the most a transcript "
            "file may have here",
            source=source,
            limit="text_bytes",
        )
    codec = check_encoding(encoding)
    if PurePath(source).suffix.lower() not in (".txt", ".md"):
        # Documents carry their own encoding: the form's choice applies to text files only.
        codec = None
    return transcript_from_bytes(data, name=source, encoding=codec, limits=limits)


def pasted(text: str, limits: TranscriptLimits) -> Transcript:
    """Pasted text as a canonical transcript."""
    return transcript_from_text(text, source=PASTED_SOURCE, limits=limits)


def is_text_file(name: str) -> bool:
    """Whether an encoding choice applies to this file (plain text and Markdown)."""
    return PurePath(safe_name(name)).suffix.lower() in (".txt", ".md")


def candidates(name: str, data: bytes, encoding: str) -> list[Candidate]:
    """The first lines as the named encoding and each legacy encoding read them."""
    if not is_text_file(name):
        return []
    chosen = (encoding,) if encoding in ENCODING_NAMES - {AUTO, "utf-8"} else ()
    names = dict.fromkeys((*chosen, *LEGACY_CANDIDATES))
    return [_candidate(data, codec, safe_name(name)) for codec in names]


def other_encodings(shown: list[Candidate]) -> list[tuple[str, str]]:
    """The encodings offered besides the previewed ones (automatic left out)."""
    previewed = {candidate.encoding for candidate in shown}
    return [(name, label) for name, label in ENCODINGS if name != AUTO and name not in previewed]


def _candidate(data: bytes, codec: str, source: str) -> Candidate:
    try:
        text, _ = decode_transcript(data, encoding=codec, source=source)
    except TranscriptError as error:
        return Candidate(codec, label_of(codec), [], str(error))
    return Candidate(codec, label_of(codec), text.splitlines()[:PREVIEW_LINES], "")


def first_lines(transcript: Transcript) -> list[str]:
    """The first lines of a decoded transcript, for a preview."""
    return transcript.text.splitlines()[:PREVIEW_LINES]


@dataclass(frozen=True)
class HeldUpload:
    """An uploaded file kept while a person chooses its encoding."""

    name: str
    data: bytes
    stored_at: float


class UploadStore:
    """A few uploads kept in memory, oldest dropped first, each for thirty minutes."""

    def __init__(self, *, capacity: int = HELD_UPLOADS, seconds: float = HELD_SECONDS) -> None:
        self.capacity = capacity
        self.seconds = seconds
        self._held: OrderedDict[str, HeldUpload] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, name: str, data: bytes) -> str:
        """Keep an upload; returns the token that names it."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._expire()
            self._held[token] = HeldUpload(name, data, time.monotonic())
            while len(self._held) > self.capacity:
                self._held.popitem(last=False)
        return token

    def get(self, token: str) -> HeldUpload | None:
        """The upload a token names, unless it expired or was dropped."""
        with self._lock:
            self._expire()
            return self._held.get(token)

    def drop(self, token: str) -> None:
        """Forget an upload once its transcript is saved."""
        with self._lock:
            self._held.pop(token, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)

    def _expire(self) -> None:
        deadline = time.monotonic() - self.seconds
        for token in [token for token, held in self._held.items() if held.stored_at < deadline]:
            del self._held[token]


_STORE_LOCK = threading.Lock()


def upload_store(request: Request) -> UploadStore:
    """The app's store of held uploads, made on first use."""
    state = request.app.state
    with _STORE_LOCK:
        store = getattr(state, "records_uploads", None)
        if store is None:
            store = UploadStore()
            state.records_uploads = store
    return store
