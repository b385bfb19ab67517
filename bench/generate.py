"""Synthetic studies for benchmarks: N transcripts of about 5,000 words and a metadata sheet.

    python bench/generate.py --interviews 1000 --out bench/out/s1000

Text mixes English, Armenian and Cyrillic words (and an emoji now and then), so decoding
and normalisation do real work. Everything is seeded: the same arguments give the same files.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

WORDS = [
    "work",
    "money",
    "home",
    "Moscow",
    "Krasnodar",
    "Martuni",
    "brother",
    "mother",
    "winter",
    "ticket",
    "border",
    "factory",
    "village",
    "market",
    "family",
    "husband",
    "children",
    "wedding",
    "debt",
    "construction",
    "brigade",
    "season",
    "Աշխատանք",
    "տուն",
    "մայր",
    "երեխաներ",
    "գյուղ",
    "ձմեռ",
    "փող",
    "работа",
    "деньги",
    "дом",
    "рынок",
    "стройка",
    "билет",
    "граница",
    "семья",
]
EXTRAS = ["🙏", "📱", "—", "«", "»"]


def transcript(rng: random.Random, words: int) -> str:
    """One synthetic transcript: speaker turns of 40–120 words each."""
    turns = []
    remaining = words
    speaker = "I"
    while remaining > 0:
        size = min(remaining, rng.randint(40, 120))
        body = rng.choices(WORDS, k=size)
        if rng.random() < 0.1:
            body.append(rng.choice(EXTRAS))
        turns.append(f"{speaker}: " + " ".join(body) + ".")
        remaining -= size
        speaker = "R" if speaker == "I" else "I"
    return "\n\n".join(turns) + "\n"


def generate(out: Path, interviews: int, *, words: int = 5000, seed: int = 7) -> Path:
    """Write `interviews` transcripts and sheet.csv into `out`; returns the sheet's path."""
    rng = random.Random(seed)
    folder = out / "transcripts"
    folder.mkdir(parents=True, exist_ok=True)
    sheet = out / "sheet.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "file",
                "respondent_id",
                "gender",
                "birth_year",
                "role",
                "interview_date",
                "place",
                "interviewer",
                "language",
                "consent",
                "consent_scope",
            ]
        )
        for number in range(1, interviews + 1):
            name = f"S{number:05d}.txt"
            (folder / name).write_text(transcript(rng, words), encoding="utf-8")
            # Two interviews per respondent, who keeps the same attributes in both rows.
            respondent = (number + 1) // 2
            person = random.Random(respondent)
            writer.writerow(
                [
                    name,
                    f"P{respondent:05d}",
                    person.choice(["female", "male"]),
                    person.randint(1930, 1985),
                    person.choice(["migrant", "stayed", "returnee"]),
                    f"2004-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.choice(["martuni", "moscow", "krasnodar"]),
                    "Interviewer A",
                    "hy;ru",
                    "yes",
                    "interview",
                ]
            )
    return sheet


def main() -> None:
    """Command-line entry: write one synthetic study's files."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interviews", type=int, default=1000)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    sheet = generate(arguments.out, arguments.interviews, words=arguments.words)
    print(f"wrote {arguments.interviews} transcripts and {sheet}")


if __name__ == "__main__":
    main()
