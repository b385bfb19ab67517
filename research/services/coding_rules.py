"""What a coding must be, decided without the database: an applicable code, a coder's name,
a layer, a memo, a segment of whole characters matching its quote, and the refusal of a
duplicate.

Both writers of codings apply these rules: the service (`codings`, through SQLAlchemy) and
`quick_codings`, which stores one coding in a SQLite study with the standard library alone
so that `research code apply` starts quickly. Neither states a rule of its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from codebook import Code, Codebook
from interviews.errors import SegmentError
from interviews.layers import CODER_LAYER, LAYERS
from interviews.segments import check_segment
from research.errors import ConflictError, NotFoundError, ResearchError

MAX_CODER_LENGTH = 100
MAX_MEMO_LENGTH = 20_000
# The stored columns of a code, in the order both readers select them.
CODE_COLUMNS = (
    "code_id",
    "name",
    "title",
    "parent_id",
    "definition",
    "inclusion",
    "exclusion",
    "examples",
    "colour",
    "memo",
    "group_only",
    "retired",
)


def code_from_values(values: Mapping[Any, Any]) -> Code:
    """A stored code row (by `CODE_COLUMNS`, examples already a list) as a codebook code."""
    return Code(**{**values, "examples": list(values["examples"])})


def applicable(codebook: Codebook, reference: str) -> Code:
    """The code a path or id names, refused if it only groups others or is retired."""
    code = codebook.resolve(reference)
    path = codebook.path_of(code.code_id)
    if code.group_only:
        raise ResearchError(
            f"code {path} groups other codes and cannot be applied; pick one below it"
        )
    if code.retired:
        raise ResearchError(f"code {path} is retired and no longer offered for coding")
    return code


def checked_coder(coder: str) -> str:
    """A coder's name as stored (trimmed): printable, not empty, not too long."""
    name = coder.strip()
    if not name:
        raise ResearchError("a coding needs a coder's name")
    if len(name) > MAX_CODER_LENGTH or any(not ch.isprintable() for ch in name):
        raise ResearchError(
            f"coder name {coder!r} must be printable and at most {MAX_CODER_LENGTH} characters"
        )
    return name


def checked_memo(memo: str) -> str:
    """A memo is free text, but no control characters (PostgreSQL refuses NUL outright)."""
    text = unicodedata.normalize("NFC", memo.replace("\r\n", "\n"))
    bad = next(
        (ch for ch in text if unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t"),
        None,
    )
    if bad is not None:
        raise ResearchError(f"memo contains the control character U+{ord(bad):04X}")
    if len(text) > MAX_MEMO_LENGTH:
        raise ResearchError(f"a memo is at most {MAX_MEMO_LENGTH} characters, not {len(text)}")
    return text


def codable_transcript(interview_id: str, *, found: bool, transcript: str | None) -> str:
    """An interview's transcript, or why it cannot be coded (no such interview, no text)."""
    if not found:
        raise NotFoundError(f"no interview {interview_id!r}")
    if transcript is None:
        raise ResearchError(f"interview {interview_id!r} has no transcript to code yet")
    return str(transcript)


def checked_segment(
    text: str, interview_id: str, start_offset: int, end_offset: int, quote: str | None
) -> str:
    """The quote of [start_offset, end_offset) in an interview's text, refused as
    `check_segment` refuses it, with the interview named."""
    try:
        return check_segment(text, start_offset, end_offset, quote)
    except SegmentError as error:
        # The kind survives (a quote mismatch stays one) with the interview named.
        raise type(error)(
            f"interview {interview_id}: {error}", start=start_offset, end=end_offset
        ) from error


def checked_layer(layer: str) -> str:
    """A layer's name (`interviews.layers.LAYERS`), or a clear error naming those there are."""
    if layer not in LAYERS:
        raise ResearchError(f"no coding layer {layer!r}; the layers are {', '.join(LAYERS)}")
    return layer


def duplicate_error(
    codebook: Codebook,
    key: tuple[str, str, int, int, str] | tuple[str, str, int, int, str, str],
    *,
    coding_id: int | None = None,
) -> ConflictError:
    """The refusal of a coding whose interview, code, span, coder and layer (a coder's own
    when the key leaves it out) are already stored."""
    interview_id, code_id, start, end, coder = key[:5]
    layer = key[5] if len(key) > 5 else CODER_LAYER
    stored = f" (coding {coding_id})" if coding_id is not None else ""
    where = "" if layer == CODER_LAYER else f" in the {layer} layer"
    return ConflictError(
        f"interview {interview_id}: {coder} already coded {start}-{end} with "
        f"{codebook.path_of(code_id)}{where}{stored}"
    )
