"""Build a fictional example study from the marked-up transcripts shipped with the toolkit.

Two examples ship: `karabakh` (the default: migration from Nagorno Karabakh, the study the
toolkit was built around) and `central-asia` (labour migrants from Tajikistan, Uzbekistan
and Kyrgyzstan in Russian cities and Kazakhstan). An example other than Karabakh is a folder
under `research/demo/examples/` holding a template (codebook.yaml, dictionary.yaml,
settings.yaml, timeline.yaml) and `transcripts/`.

Each transcript file has YAML front matter (respondent and interview attributes) and a body
in which `{{refs: text}}` marks a coded segment. A ref is `code` (both coders), `code>`
(only the first coder), `>code` (only the second) or `a>b` (first coder a, second coder b).
The second coder also draws some segment boundaries differently, by a seeded rule, so the
two coders disagree the way real coders do. Everything is deterministic: the same files
give the same study, timestamps included.
"""

from __future__ import annotations

import csv
import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from interviews.importers import Transcript
from interviews.text import canonicalise
from research.errors import ResearchError, StudyExistsError
from research.services import codings, interviews, layers, passes, respondents, study_info
from research.services.codings import NewCoding
from research.settings import DATABASE_FILE, locate_study
from research.study import Study, create_study, open_study
from research.study_templates import StudyTemplate, find_template

DEMO_CODERS = ("lusine", "pavel")
DEMO_NAME = "Migration from Nagorno Karabakh (FICTIONAL DEMO DATA)"
SEED = 1994
DEFAULT_EXAMPLE = "karabakh"
TRANSCRIPTS = "transcripts"
_HEAD = re.compile(r"\{\{([a-z0-9_,>]+): ")


@dataclass(frozen=True)
class Example:
    """A shipped example study: its name, the study template it starts from, coders and seed.

    Its codebook, dictionary, timeline and settings are those of the shipped `template` of
    the same name (research/study_templates.py); its marked-up transcripts lie in
    `transcripts/` beside this module (Karabakh) or in its folder under `examples/`.
    """

    name: str
    study_name: str
    coders: tuple[str, str]
    seed: int
    folder: str | None = None

    def files(self) -> Traversable:
        """The folder holding the example's transcripts folder."""
        demo = resources.files("research.demo")
        return demo if self.folder is None else demo.joinpath("examples", self.folder)

    def template(self) -> StudyTemplate:
        """The study template the example starts from (read and checked)."""
        return find_template(self.name)


EXAMPLES: dict[str, Example] = {
    "karabakh": Example("karabakh", DEMO_NAME, DEMO_CODERS, SEED),
    "central-asia": Example(
        "central-asia",
        "Labour migration from Central Asia (FICTIONAL DEMO DATA)",
        ("dilnoza", "timur"),
        2015,
        folder="central_asia",
    ),
}


def example_named(name: str) -> Example:
    """The shipped example of that name; an unknown name is refused, naming the others."""
    if name not in EXAMPLES:
        raise ResearchError(
            f"no example study {name!r}; the examples are {', '.join(EXAMPLES)}"
        )
    return EXAMPLES[name]


@dataclass(frozen=True)
class DemoSegment:
    """A span of the plain transcript and the code each coder gave it (None: not coded)."""

    start: int
    end: int
    codes: dict[str, str]


@dataclass
class DemoInterview:
    """One parsed demo transcript: ids, attributes, plain text and marked segments."""

    file_name: str
    interview_id: str
    respondent_id: str
    respondent: dict[str, Any]
    interview: dict[str, Any]
    text: str
    segments: list[DemoSegment] = field(default_factory=list)


def load_demo_interviews(example: str = DEFAULT_EXAMPLE) -> list[DemoInterview]:
    """Every transcript of an example, parsed, in file order."""
    chosen = example_named(example)
    folder = chosen.files().joinpath(TRANSCRIPTS)
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".txt"))
    return [
        parse_demo_file(
            name, folder.joinpath(name).read_text(encoding="utf-8"), coders=chosen.coders
        )
        for name in names
    ]


def parse_demo_file(
    name: str, content: str, *, coders: tuple[str, str] = DEMO_CODERS
) -> DemoInterview:
    """Split front matter from the body and the body's markup from its text."""
    content = canonicalise(content)
    parts = content.split("---\n", 2)
    if len(parts) != 3 or parts[0]:
        raise ResearchError(f"{name}: expected YAML front matter between '---' lines")
    meta = YAML(typ="safe").load(parts[1])
    text, marks = parse_markup(parts[2].strip("\n") + "\n", source=name, coders=coders)
    return DemoInterview(
        file_name=name,
        interview_id=str(meta["interview_id"]),
        respondent_id=str(meta["respondent_id"]),
        respondent=dict(meta["respondent"]),
        interview=dict(meta["interview"]),
        text=text,
        segments=marks,
    )


def parse_markup(
    body: str, *, source: str, coders: tuple[str, str] = DEMO_CODERS
) -> tuple[str, list[DemoSegment]]:
    """The plain text of a marked-up body and its segments, offsets in code points."""
    out: list[str] = []
    length = 0
    stack: list[tuple[str, int]] = []
    segments: list[DemoSegment] = []
    position = 0
    while position < len(body):
        head = _HEAD.match(body, position)
        if head:
            stack.append((head.group(1), length))
            position = head.end()
        elif body.startswith("}}", position) and stack:
            refs, start = stack.pop()
            segments.append(DemoSegment(start, length, _codes(refs, source, coders)))
            position += 2
        else:
            out.append(body[position])
            length += 1
            position += 1
    if stack:
        raise ResearchError(f"{source}: unclosed {{{{{stack[-1][0]}: ...")
    text = "".join(out)
    if canonicalise(text) != text:
        raise ResearchError(f"{source}: text is not canonical after removing markup")
    return text, sorted(segments, key=lambda s: (s.start, s.end))


def _codes(refs: str, source: str, coders: tuple[str, str]) -> dict[str, str]:
    """Map each coder to the code they gave; a segment may carry several refs."""
    # Several refs on one span become several entries keyed coder/n to keep them all.
    codes: dict[str, str] = {}
    for number, ref in enumerate(refs.split(",")):
        first, arrow, second = ref.partition(">")
        if not arrow:
            second = first
        if not first and not second:
            raise ResearchError(f"{source}: empty code reference in {refs!r}")
        for coder, code in zip(coders, (first, second), strict=True):
            if code:
                codes[f"{coder}/{number}"] = code
    return codes


def _jitter(text: str, start: int, end: int, rng: random.Random) -> tuple[int, int]:
    """The second coder's boundary: sometimes to the end of the sentence, sometimes a word later."""
    roll = rng.random()
    if roll < 0.15:
        stop = text.find(". ", end, end + 200)
        if stop != -1:
            return start, stop + 1
    elif roll < 0.25:
        words = text[start:end].split(" ")
        if len(words) > 6:
            return start + len(words[0]) + 1, end
    return start, end


def demo_codings(interview: DemoInterview, example: str = DEFAULT_EXAMPLE) -> list[NewCoding]:
    """Both coders' codings of one demo interview, deterministic for its id."""
    chosen = example_named(example)
    rng = random.Random(f"{chosen.seed}:{interview.interview_id}")
    found: dict[tuple[str, str, int, int], NewCoding] = {}
    for segment in interview.segments:
        for key, code in segment.codes.items():
            coder = key.split("/")[0]
            start, end = segment.start, segment.end
            if coder == chosen.coders[1]:
                start, end = _jitter(interview.text, start, end, rng)
            found.setdefault(
                (coder, code, start, end),
                NewCoding(interview.interview_id, code, start, end, coder),
            )
    return list(found.values())


def coded_at(
    interview_date: date, coder: str, *, coders: tuple[str, str] = DEMO_CODERS
) -> datetime:
    """When a demo coder coded an interview: a fixed time some weeks after the interview."""
    days = 20 if coder == coders[0] else 27
    return datetime.combine(interview_date + timedelta(days=days), time(10, 0), tzinfo=UTC)


def build_demo(
    path: Path,
    *,
    example: str = DEFAULT_EXAMPLE,
    database_url: str | None = None,
    replace: bool = False,
) -> Study:
    """Create a fictional example study in `path` (replacing an older demo study if asked)."""
    chosen = example_named(example)
    # Every file of the example is read (and checked) before anything is created.
    demo = load_demo_interviews(example)
    template = chosen.template()
    if replace:
        remove_demo(path)
    study = create_study(
        path,
        name=chosen.study_name,
        database_url=database_url,
        fictional=True,
        template=template,
    )
    with study.transaction() as session:
        # The study is new: a respondent is in it once the first of their interviews is added.
        added: set[str] = set()
        for item in demo:
            if item.respondent_id not in added:
                respondents.add_respondent(session, item.respondent_id, item.respondent)
                added.add(item.respondent_id)
            interviews.add_interview(
                session,
                respondent_id=item.respondent_id,
                interview_id=item.interview_id,
                values=item.interview,
                transcript=Transcript(
                    text=item.text, source_name=item.file_name, encoding="utf-8", format="txt"
                ),
            )
        for item in demo:
            batch = demo_codings(item, example)
            for coder in chosen.coders:
                mine = [coding for coding in batch if coding.coder == coder]
                stamp = coded_at(
                    date.fromisoformat(str(item.interview["interview_date"])),
                    coder,
                    coders=chosen.coders,
                )
                codings.add_codings(session, mine, coded_at=stamp)
                # Each coder read every demo interview through: a code not applied is a 0.
                passes.mark_done(session, item.interview_id, coder, completed_at=stamp)
            # Until the team adjudicates, the consensus is the first coder's layer, copied a
            # week after the second coder finished.
            settled = coded_at(
                date.fromisoformat(str(item.interview["interview_date"])),
                chosen.coders[1],
                coders=chosen.coders,
            ) + timedelta(days=7)
            layers.copy_layer(
                session,
                from_coder=chosen.coders[0],
                interview_id=item.interview_id,
                copied_at=settled,
            )
    return study


def remove_demo(path: Path) -> None:
    """Delete a demo study folder, refusing any folder that is not a fictional demo study."""
    if not path.exists():
        return
    if not (path / DATABASE_FILE).exists():
        if any(path.iterdir()):
            raise StudyExistsError(f"{path} exists and is not a demo study; choose another folder")
        return
    locate_study(path)
    with open_study(path) as study, study.transaction() as session:
        fictional = study_info.get_fact(session, study_info.FICTIONAL) == "true"
    if not fictional:
        raise StudyExistsError(f"{path} holds a study with real data; it will not be replaced")
    shutil.rmtree(path)


METADATA_SHEET = "interviews.csv"


def write_plain_transcripts(folder: Path, example: str = DEFAULT_EXAMPLE) -> list[Path]:
    """Write an example's transcripts as plain text files and its records as one CSV sheet.

    This is a study as a researcher brings it: a folder of transcripts (no codings, no
    markup) and a spreadsheet describing each file (`interviews.csv`: file, respondent_id,
    then the respondent's and the interview's attributes), to practise importing. The
    folder must be new or empty; returns the files written, the sheet last.
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise StudyExistsError(f"{folder} is not an empty folder; name a new one")
    demo = load_demo_interviews(example)
    respondent_names = list(dict.fromkeys(k for item in demo for k in item.respondent))
    interview_names = list(dict.fromkeys(k for item in demo for k in item.interview))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in demo:
        path = folder / item.file_name
        path.write_text(item.text, encoding="utf-8")
        written.append(path)
    sheet = folder / METADATA_SHEET
    with sheet.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["file", "respondent_id", *respondent_names, *interview_names])
        for item in demo:
            writer.writerow(
                [
                    item.file_name,
                    item.respondent_id,
                    *(_cell(item.respondent.get(name)) for name in respondent_names),
                    *(_cell(item.interview.get(name)) for name in interview_names),
                ]
            )
    written.append(sheet)
    return written


def _cell(value: Any) -> str:
    """A front-matter value as a sheet cell: lists joined by ';', yes or no, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
