"""Zip packages (.docx, .odt) read defensively; a REFI-QDA project (.qdpx) is one too.

What an archive declares is checked before anything is inflated: how many entries it
has, how large each one and all of them say they are, and how far each expands (a zip
bomb expands a thousandfold). Declared sizes can lie, so the entries actually read are
streamed and counted as they inflate, and refused the moment they pass a limit. Every
refusal is one line naming the file, the entry and the limit. XML read from an archive
(`read_xml`) may not declare a document type (as defusedxml forbids), so that no entity is
expanded ("billion laughs") and nothing outside the archive is fetched.
"""

from __future__ import annotations

import struct
import zipfile
from typing import IO
from xml.etree.ElementTree import Element

from pydantic import BaseModel, ConfigDict, Field

from interviews.errors import InterviewsError, TooLargeError, TranscriptError, printable

MEGABYTE = 1_000_000

# Below this size an entry may expand as far as it likes: a page of identical empty
# paragraphs compresses several hundredfold and is harmless. Entries times this is still
# bounded by the limit on the total.
RATIO_GRACE_BYTES = 1 << 20
_CHUNK = 1 << 16
_END_RECORD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END_RECORD = b"PK\x06\x06"
# The end record is 22 bytes, after which a comment of up to 65,535 bytes may follow.
_TAIL = 22 + 65_535


class ArchiveLimits(BaseModel):
    """How much an archive may hold: entries, bytes per entry and in all, and expansion."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entries: int = Field(default=5_000, gt=0)
    entry_bytes: int = Field(default=100 * MEGABYTE, gt=0)
    total_bytes: int = Field(default=500 * MEGABYTE, gt=0)
    ratio: int = Field(default=100, gt=0)


class Archive:
    """A zip archive whose directory passed the limits; entries are read through ``read``.

    ``kind`` names the format in messages (``Word (.docx)``). The stream must be seekable
    and stays the caller's to close.
    """

    def __init__(self, stream: IO[bytes], *, source: str, kind: str, limits: ArchiveLimits):
        self.source = source
        self.kind = kind
        self.limits = limits
        self._inflated = 0
        announced = _announced_entries(stream)
        if announced is None:
            raise self.corrupt("no zip directory at its end")
        self._check_count(announced)
        try:
            self._zip = zipfile.ZipFile(stream)
        except Exception as error:  # zipfile fails in many ways on a damaged directory
            raise self.corrupt(_detail(error)) from None
        entries = self._zip.infolist()
        self._check_count(len(entries))
        self._entries = _by_name(entries, self)
        for entry in entries:
            self._check_entry(entry)
        total = sum(entry.file_size for entry in entries)
        if total > limits.total_bytes:
            raise TooLargeError(
                f"its entries hold {total:,} bytes in all; an archive may hold at most "
                f"{limits.total_bytes:,}",
                source=source,
                limit="total_bytes",
            )

    def names(self) -> list[str]:
        """The entries' names, in the archive's order."""
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def read(self, name: str) -> bytes:
        """An entry's bytes, inflated a chunk at a time and counted against the limits."""
        entry = self._entries.get(name)
        if entry is None:
            raise self.corrupt(f"no entry {name}")
        limits = self.limits
        chunks: list[bytes] = []
        produced = 0
        try:
            with self._zip.open(entry) as stream:
                while chunk := stream.read(_CHUNK):
                    produced += len(chunk)
                    if produced > limits.entry_bytes:
                        raise self._entry_too_large(name, "inflates to more than")
                    if self._inflated + produced > limits.total_bytes:
                        raise TooLargeError(
                            f"inflates past {limits.total_bytes:,} bytes, the most an archive "
                            "may hold in all",
                            source=self.source,
                            entry=name,
                            limit="total_bytes",
                        )
                    if produced > entry.file_size:
                        raise self.corrupt(
                            f"entry {name} inflates past the {entry.file_size:,} bytes it declares"
                        )
                    chunks.append(chunk)
        except InterviewsError:
            raise
        except Exception as error:  # a damaged entry fails in zipfile or zlib
            raise self.corrupt(f"entry {name}: {_detail(error)}") from None
        self._inflated += produced
        return b"".join(chunks)

    def read_xml(self, name: str) -> Element:
        """An XML entry parsed into an element tree; a document type declaration is refused."""
        import defusedxml.ElementTree as safe_xml
        from defusedxml import DefusedXmlException

        data = self.read(name)
        try:
            return safe_xml.fromstring(data, forbid_dtd=True)
        except DefusedXmlException:
            raise self.corrupt(f"entry {name} declares a document type or entities") from None
        except Exception as error:  # expat's ParseError, among others
            raise self.corrupt(f"entry {name}: {_detail(error)}") from None

    def corrupt(self, detail: str) -> TranscriptError:
        """The refusal of a file that is not a readable archive of this kind."""
        return TranscriptError(
            f"not a readable {self.kind} file ({printable(detail)})", source=self.source
        )

    def _check_count(self, count: int) -> None:
        if count > self.limits.entries:
            raise TooLargeError(
                f"{count:,} entries; an archive may hold at most {self.limits.entries:,}",
                source=self.source,
                limit="entries",
            )

    def _check_entry(self, entry: zipfile.ZipInfo) -> None:
        name = entry.filename
        if entry.flag_bits & 0x1:
            raise self.corrupt(f"entry {name} is encrypted")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise self.corrupt(f"entry {name} uses a compression documents do not use")
        ratio = self.limits.ratio
        if entry.file_size > ratio * entry.compress_size + RATIO_GRACE_BYTES:
            expands = entry.file_size / max(entry.compress_size, 1)
            raise TooLargeError(
                f"expands {expands:,.0f} times ({entry.compress_size:,} bytes to "
                f"{entry.file_size:,}); an entry may expand at most {ratio:,} times",
                source=self.source,
                entry=name,
                limit="ratio",
            )
        if entry.file_size > self.limits.entry_bytes:
            raise self._entry_too_large(name, f"says it holds {entry.file_size:,} bytes;")

    def _entry_too_large(self, name: str, what: str) -> TooLargeError:
        most = self.limits.entry_bytes
        message = (
            f"{what} {most:,} bytes, the most an entry may hold"
            if what.endswith("than")
            else f"{what} an entry may hold at most {most:,}"
        )
        return TooLargeError(message, source=self.source, entry=name, limit="entry_bytes")


def _by_name(entries: list[zipfile.ZipInfo], archive: Archive) -> dict[str, zipfile.ZipInfo]:
    found: dict[str, zipfile.ZipInfo] = {}
    for entry in entries:
        if entry.filename in found:
            # Two entries of one name: readers disagree about which one counts.
            raise archive.corrupt(f"entry {entry.filename} appears twice")
        found[entry.filename] = entry
    return found


def _announced_entries(stream: IO[bytes]) -> int | None:
    """How many entries the archive's end record announces, read before zipfile lists them.

    An archive of a million entries is refused without its directory being parsed. None
    when there is no end record (not a zip archive).
    """
    stream.seek(0, 2)
    size = stream.tell()
    start = max(0, size - _TAIL)
    stream.seek(start)
    tail = stream.read()
    found = tail.rfind(_END_RECORD)
    if found < 0 or len(tail) < found + 22:
        return None
    count = int.from_bytes(tail[found + 10 : found + 12], "little")
    if count != 0xFFFF or found < 20:
        return count
    # 0xFFFF says: see the zip64 end record, which the locator before the end record finds.
    locator = tail[found - 20 : found]
    if not locator.startswith(_ZIP64_LOCATOR):
        return count
    (record_offset,) = struct.unpack("<Q", locator[8:16])
    if record_offset > size - 56:
        return None
    stream.seek(record_offset)
    record = stream.read(56)
    if not record.startswith(_ZIP64_END_RECORD):
        return None
    (total,) = struct.unpack("<Q", record[32:40])
    return int(total)


def _detail(error: BaseException) -> str:
    raw = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    return raw.strip().splitlines()[0] if raw.strip() else type(error).__name__
