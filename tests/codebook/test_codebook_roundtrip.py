"""Property tests: any valid codebook survives YAML dumping and loading unchanged."""

import tempfile
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from codebook import Code, Codebook, dumps_codebook, load_codebook, loads_codebook, save_codebook
from codebook.errors import CodebookError
from codebook.models import check_name

ARMENIAN = st.characters(min_codepoint=0x0531, max_codepoint=0x058A)
CYRILLIC = st.characters(min_codepoint=0x0400, max_codepoint=0x04FF)
# YAML-significant characters, so that quoting and block styles get exercised.
SYNTAX = st.sampled_from(list(" #:-'\"|>[]{},&*!%@`?~\\"))
ANY_TEXT_CHARACTER = st.characters(
    blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufffe\uffff"
)
LINE_CHARACTER = st.one_of(ARMENIAN, CYRILLIC, SYNTAX, ANY_TEXT_CHARACTER)
# Pieces that stress block scalars: line breaks, indentation, tabs, Windows newlines.
TEXT_PIECE = st.one_of(LINE_CHARACTER, st.sampled_from(["\n", "\n\n", "\t", "  ", "\r\n", "\n  "]))

code_ids = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)
lines = st.text(LINE_CHARACTER, min_size=1, max_size=30).filter(
    lambda text: unicodedata.normalize("NFC", text).strip() != ""
)


def _valid_name(text: str) -> bool:
    # The model's own rule (visible, no '/', no direction controls), so no draw is refused.
    try:
        check_name(text)
    except CodebookError:
        return False
    return True


names = st.text(st.one_of(LINE_CHARACTER), min_size=1, max_size=20).filter(_valid_name)
texts = st.lists(TEXT_PIECE, max_size=120).map("".join)
colours = st.none() | st.from_regex(r"#[0-9A-Fa-f]{6}", fullmatch=True)


def unused_names(taken: set[str]) -> st.SearchStrategy[str]:
    """Names that differ, after NFC normalisation, from the names already taken."""
    return names.filter(lambda text: unicodedata.normalize("NFC", text) not in taken)


@st.composite
def codes(draw: st.DrawFn, code_id: str, parent_id: str | None, name: str) -> Code:
    """Draw one code with arbitrary text in every field."""
    return Code(
        code_id=code_id,
        name=name,
        parent_id=parent_id,
        title=draw(st.none() | lines),
        definition=draw(texts),
        inclusion=draw(texts),
        exclusion=draw(texts),
        examples=draw(st.lists(texts.filter(lambda text: text.strip() != ""), max_size=3)),
        colour=draw(colours),
        memo=draw(texts),
        group_only=draw(st.booleans()),
        retired=draw(st.booleans()),
    )


@st.composite
def codebooks(draw: st.DrawFn) -> Codebook:
    """Draw a codebook: a random tree of codes with unique ids and unique sibling names."""
    ids = draw(st.lists(code_ids, min_size=0, max_size=12, unique=True))
    drawn: list[Code] = []
    sibling_names: dict[str | None, set[str]] = {}
    for index, code_id in enumerate(ids):
        parent_id = draw(st.none() | st.sampled_from(ids[:index])) if index else None
        taken = sibling_names.setdefault(parent_id, set())
        name = draw(unused_names(taken))
        taken.add(unicodedata.normalize("NFC", name))
        drawn.append(draw(codes(code_id, parent_id, name)))
    order = draw(st.permutations(drawn))
    return Codebook(name=draw(lines), version=draw(st.integers(1, 10**6)), codes=order)


@settings(deadline=None)
@given(codebooks())
def test_dump_then_load_gives_the_same_codebook(codebook: Codebook) -> None:
    assert loads_codebook(dumps_codebook(codebook)) == codebook


@settings(deadline=None)
@given(codebooks())
def test_dumping_a_loaded_codebook_gives_the_same_text(codebook: Codebook) -> None:
    text = dumps_codebook(codebook)
    assert dumps_codebook(loads_codebook(text)) == text


@settings(deadline=None, max_examples=25)
@given(codebooks())
def test_save_then_load_gives_the_same_codebook(codebook: Codebook) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "codebook.yaml"
        save_codebook(codebook, path)
        assert load_codebook(path) == codebook


@given(codebooks())
def test_every_code_is_reachable_by_its_path(codebook: Codebook) -> None:
    for code in codebook.codes:
        assert codebook.by_path(codebook.path_of(code.code_id)) == code
