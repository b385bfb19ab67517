"""Build the fictional demo study from the marked-up transcripts shipped beside this module.

Each transcript file has YAML front matter (respondent and interview attributes) and a body
in which `{{refs: text}}` marks a coded segment. A ref is `code` (both coders), `code>`
(only the first coder), `>code` (only the second) or `a>b` (first coder a, second coder b).
The second coder also draws some segment boundaries differently, by a seeded rule, so the
two coders disagree the way real coders do. Everything is deterministic: the same files
give the same study, timestamps included.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from interviews.importers import Transcript
from interviews.text import canonicalise
from research.errors import ResearchError, StudyExistsError
from research.services import codings, interviews, respondents, study_info
from research.services.codings import NewCoding
from research.settings import DATABASE_FILE, locate_study
from research.storage.tables import RespondentRow
from research.study import Study, create_study, open_study

DEMO_CODERS = ("lusine", "pavel")
DEMO_NAME = "Migration from Nagorno Karabakh (FICTIONAL DEMO DATA)"
SEED = 1994
_HEAD = re.compile(r"\{\{([a-z0-9_,>]+): ")


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


def load_demo_interviews() -> list[DemoInterview]:
    """Every demo transcript, parsed, in file order."""
    folder = resources.files("research.demo").joinpath("transcripts")
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".txt"))
    return [
        parse_demo_file(name, folder.joinpath(name).read_text(encoding="utf-8")) for name in names
    ]


def parse_demo_file(name: str, content: str) -> DemoInterview:
    """Split front matter from the body and the body's markup from its text."""
    content = canonicalise(content)
    parts = content.split("---\n", 2)
    if len(parts) != 3 or parts[0]:
        raise ResearchError(f"{name}: expected YAML front matter between '---' lines")
    meta = YAML(typ="safe").load(parts[1])
    text, marks = parse_markup(parts[2].strip("\n") + "\n", source=name)
    return DemoInterview(
        file_name=name,
        interview_id=str(meta["interview_id"]),
        respondent_id=str(meta["respondent_id"]),
        respondent=dict(meta["respondent"]),
        interview=dict(meta["interview"]),
        text=text,
        segments=marks,
    )


def parse_markup(body: str, *, source: str) -> tuple[str, list[DemoSegment]]:
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
            segments.append(DemoSegment(start, length, _codes(refs, source)))
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


def _codes(refs: str, source: str) -> dict[str, str]:
    """Map each coder to the code they gave; a segment may carry several refs."""
    # Several refs on one span become several entries keyed coder/n to keep them all.
    codes: dict[str, str] = {}
    for number, ref in enumerate(refs.split(",")):
        first, arrow, second = ref.partition(">")
        if not arrow:
            second = first
        if not first and not second:
            raise ResearchError(f"{source}: empty code reference in {refs!r}")
        for coder, code in zip(DEMO_CODERS, (first, second), strict=True):
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


def demo_codings(interview: DemoInterview) -> list[NewCoding]:
    """Both coders' codings of one demo interview, deterministic for its id."""
    rng = random.Random(f"{SEED}:{interview.interview_id}")
    found: dict[tuple[str, str, int, int], NewCoding] = {}
    for segment in interview.segments:
        for key, code in segment.codes.items():
            coder = key.split("/")[0]
            start, end = segment.start, segment.end
            if coder == DEMO_CODERS[1]:
                start, end = _jitter(interview.text, start, end, rng)
            found.setdefault(
                (coder, code, start, end),
                NewCoding(interview.interview_id, code, start, end, coder),
            )
    return list(found.values())


def coded_at(interview_date: date, coder: str) -> datetime:
    """When a demo coder coded an interview: a fixed time some weeks after the interview."""
    days = 20 if coder == DEMO_CODERS[0] else 27
    return datetime.combine(interview_date + timedelta(days=days), time(10, 0), tzinfo=UTC)


def build_demo(path: Path, *, database_url: str | None = None, replace: bool = False) -> Study:
    """Create the fictional demo study in `path` (replacing an older demo study if asked)."""
    if replace:
        remove_demo(path)
    demo = load_demo_interviews()
    study = create_study(
        path, name=DEMO_NAME, template="karabakh", database_url=database_url, fictional=True
    )
    with study.transaction() as session:
        for item in demo:
            if session.get(RespondentRow, item.respondent_id) is None:
                respondents.add_respondent(session, item.respondent_id, item.respondent)
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
            batch = demo_codings(item)
            for coder in DEMO_CODERS:
                mine = [coding for coding in batch if coding.coder == coder]
                stamp = coded_at(date.fromisoformat(str(item.interview["interview_date"])), coder)
                codings.add_codings(session, mine, coded_at=stamp)
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
