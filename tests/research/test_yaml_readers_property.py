"""Every YAML reader, fed random bytes and YAML-like text: a valid result or its own refusal.

The refusals are the readers' own errors (CodebookError, DictionaryError, StudySettingsError,
ProblemsError), which the command line prints as `Error:` lines; any other exception, a
recursion without end or a hang is what these tests look for.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from codebook import CodebookError, load_codebook
from interviews.dictionary.yaml_io import dictionary_file_problems, load_dictionary
from interviews.errors import DictionaryError
from research.errors import ProblemsError, StudySettingsError
from research.services.timeline import loads_timeline
from research.study_settings import loads_settings, settings_problems
from research.study_templates import find_template

KEYS = [
    "name",
    "version",
    "codes",
    "id",
    "children",
    "examples",
    "attributes",
    "scope",
    "type",
    "label",
    "choices",
    "required",
    "report",
    "eras",
    "ranking",
    "date",
    "event",
    "source",
    "contested",
    "<<",
]
SCALARS = [
    "x",
    "yes",
    "~",
    "null",
    "1",
    "-1.5e3",
    "2001-02-30",
    "2004-06-12",
    "0x1F",
    ".inf",
    "'q'",
    '"d\\u00e9"',
    "|",
    ">-",
    "!!binary aGk=",
    "!!binary ???",
    "!!int x",
    "!!float y",
    "!!timestamp z",
    "!!set",
    "!!omap",
    "!python/name:os.system",
    "Մարտունի",
    "🙏",
]
PUNCTUATION = ["- ", ": ", "? ", "[", "]", "{", "}", ", ", "#", "\t", "---", "...", "%YAML 1.2"]


@st.composite
def yaml_like(draw: st.DrawFn) -> str:
    """Lines of keys, scalars, anchors, aliases and YAML punctuation at random indents."""
    anchors = draw(st.lists(st.sampled_from("abc"), max_size=3))
    pieces = st.one_of(
        st.sampled_from(KEYS).map(lambda key: f"{key}: "),
        st.sampled_from(SCALARS),
        st.sampled_from(PUNCTUATION),
        st.sampled_from("abc").map(lambda name: f"&{name} "),
        st.sampled_from([*anchors, "z"]).map(lambda name: f"*{name}"),
        st.text(max_size=4),
    )
    lines = draw(
        st.lists(
            st.tuples(st.integers(0, 6), st.lists(pieces, max_size=5)),
            max_size=12,
        )
    )
    return "\n".join(" " * indent + "".join(parts) for indent, parts in lines) + "\n"


CONTENT = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
    yaml_like().map(lambda text: text.encode("utf-8", "surrogatepass")),
)
REFUSALS = (CodebookError, DictionaryError, StudySettingsError, ProblemsError)


def _codebook(path: Path) -> object:
    return load_codebook(path)


def _dictionary(path: Path) -> object:
    problems = dictionary_file_problems(path)
    if problems:
        return problems
    return load_dictionary(path)


def _settings(path: Path) -> object:
    text = path.read_bytes().decode("utf-8", errors="strict")
    problems = settings_problems(text, source=path.name)
    return problems or loads_settings(text, source=path.name)


def _timeline(path: Path) -> object:
    return loads_timeline(path.read_bytes().decode("utf-8"), source=path.name)


def _template(path: Path) -> object:
    # A template folder reads each of its YAML files with the readers above.
    return find_template(path.parent)


READERS: dict[str, tuple[str, Callable[[Path], object]]] = {
    "codebook": ("codebook.yaml", _codebook),
    "dictionary": ("dictionary.yaml", _dictionary),
    "settings": ("settings.yaml", _settings),
    "timeline": ("timeline.yaml", _timeline),
    "template-folder": ("timeline.yaml", _template),
}


def _read(kind: str, content: bytes) -> None:
    name, reader = READERS[kind]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            reader(path)
        except REFUSALS as refusal:
            assert str(refusal).strip()
        except UnicodeDecodeError:
            # The settings and timeline readers are given text; their callers decode and
            # refuse undecodable bytes themselves (read_settings_text, find_template).
            assert kind in ("settings", "timeline")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(READERS)), CONTENT)
# Each of these once escaped a reader as an exception of ruamel's or of datetime's.
@example("settings", b"report: 2001-02-30\n")
@example("codebook", b"!!set")
@example("codebook", b"!!int")
@example("settings", b"!!float e!")
@example("dictionary", b"&m\nname: x\nattributes: *m\n")
def test_any_file_gives_a_result_or_the_readers_own_refusal(kind: str, content: bytes) -> None:
    _read(kind, content)
