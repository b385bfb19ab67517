"""`research code done/reopen/passes/copy-layer`, `code list --layer` and `--source`."""

from __future__ import annotations

import csv
import io
import json

from research.study import Study
from tests.research.cli.conftest import Run
from tests.research.helpers import MIXED_TEXT, add_interview_with_text

WORK = MIXED_TEXT.index("There was no work")


def _coded(study: Study) -> str:
    add_interview_with_text(study)
    for coder in ("ani", "boris"):
        study.codings.add_coding(
            interview_id="I01",
            code="unemployment",
            start_offset=WORK,
            end_offset=WORK + 17,
            coder=coder,
        )
    return str(study.folder)


def test_a_coder_marks_an_interview_done_lists_it_and_reopens_it(run: Run, study: Study) -> None:
    folder = _coded(study)
    result = run("code", "done", "I01", "--coder", "ani", "--study", folder)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ani completed I01 (marked ")
    listed = json.loads(run("code", "passes", "--study", folder, "--format", "json").stdout)
    assert [(row["interview_id"], row["coder"]) for row in listed] == [("I01", "ani")]
    assert study.passes.is_done("I01", "ani")
    result = run("code", "reopen", "I01", "--coder", "ani", "--study", folder)
    assert result.stdout == "Reopened I01 for ani.\n"
    assert not study.passes.is_done("I01", "ani")
    again = run("code", "reopen", "I01", "--coder", "ani", "--study", folder)
    assert "had not marked I01 done; nothing changed" in again.stdout
    table = run("code", "passes", "--study", folder)
    assert "0 completed passes" in table.stdout


def test_done_for_an_unknown_interview_is_a_clear_error(run: Run, study: Study) -> None:
    folder = _coded(study)
    result = run("code", "done", "I99", "--coder", "ani", "--study", folder)
    assert result.exit_code != 0
    assert "no interview 'I99'" in result.stderr
    assert "Traceback" not in result.output
    assert study.passes.list_passes() == []


def test_copy_layer_fills_the_consensus_and_list_filters_by_layer(run: Run, study: Study) -> None:
    folder = _coded(study)
    result = run("code", "copy-layer", "--from", "ani", "--study", folder)
    assert result.stdout == "Copied 1 coding by ani into the consensus layer.\n"
    refused = run("code", "copy-layer", "--from", "boris", "--study", folder)
    assert refused.exit_code != 0
    assert "already holds 1 coding of 1 interview" in refused.stderr
    assert refused.stderr.rstrip().endswith("(to overwrite them, add --replace)")
    replaced = run("code", "copy-layer", "--from", "boris", "--replace", "--study", folder)
    assert replaced.exit_code == 0, replaced.output
    shown = run(
        "code", "list", "--layer", "consensus", "--study", folder, "--format", "csv"
    ).stdout
    rows = list(csv.DictReader(io.StringIO(shown)))
    assert [(row["coder"], row["layer"]) for row in rows] == [("boris", "consensus")]
    every = run("code", "list", "--study", folder, "--format", "json").stdout
    assert sorted(row["layer"] for row in json.loads(every)) == ["coder", "coder", "consensus"]
    wrong = run("code", "list", "--layer", "adjudicated", "--study", folder)
    assert wrong.exit_code != 0 and "no coding layer 'adjudicated'" in wrong.stderr


def test_export_by_source_names_it(run: Run, study: Study) -> None:
    folder = _coded(study)
    result = run("export", "codings", "--source", "coder:boris", "--study", folder)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["coder"], row["layer"]) for row in rows] == [("boris", "coder")]
    assert "Coding source: coder boris's layer." in result.stderr
    bad = run("export", "codings", "--source", "agreement:2", "--study", folder)
    assert bad.exit_code != 0
    assert "overlap threshold must be above 0 and at most 1" in bad.stderr
