"""`research demo --example`: the second shipped example study from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.research.cli.conftest import Run


def test_demo_builds_the_central_asia_example(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "labour"
    result = run("demo", str(folder), "--example", "central-asia")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"Built the FICTIONAL central-asia demo study in {folder}: 11 respondents, "
        "11 interviews,"
    )
    status = json.loads(run("status", "--format", "json", "--study", str(folder)).stdout)
    assert "Central Asia" in json.dumps(status)


def test_demo_refuses_an_unknown_example(run: Run, tmp_path: Path) -> None:
    result = run("demo", str(tmp_path / "x"), "--example", "atlantis")
    assert result.exit_code == 1
    assert "no example study 'atlantis'; the examples are karabakh, central-asia" in result.stderr
    assert not (tmp_path / "x").exists()
