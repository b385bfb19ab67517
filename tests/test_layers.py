"""The import contracts: the layers, and what each part of the shell may not use."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("research", "codebook", "interviews", "analysis")


def lint_imports(root: Path = ROOT) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert executable is not None, "import-linter is a dev dependency"
    environment = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [executable, "--no-cache"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_contract_is_kept() -> None:
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken" in result.stdout


def _copy_of_the_code(folder: Path) -> Path:
    """The packages and their contracts in a scratch folder, to break without harm."""
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, folder / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return folder


PROBES = [
    pytest.param(
        "interviews/_probe.py", "import research", "Domain packages use pydantic", id="domain"
    ),
    pytest.param(
        "analysis/_probe.py",
        "import sqlalchemy",
        "Analysis uses no database and no web library",
        id="analysis-database",
    ),
    pytest.param(
        "analysis/_probe.py",
        "import jinja2",
        "Analysis uses no database and no web library",
        id="analysis-web",
    ),
    pytest.param(
        "research/cli/_probe.py",
        "from research.storage import tables",
        "reach storage through services only",
        id="cli-storage",
    ),
    pytest.param(
        "research/web/_probe.py",
        "import research.storage.database",
        "reach storage through services only",
        id="web-storage",
    ),
    pytest.param(
        "research/demo/_probe.py",
        "from research.storage.tables import CodingRow",
        "reach storage through services only",
        id="demo-storage",
    ),
    pytest.param(
        "research/services/_probe.py",
        "import typer",
        "Services know nothing of the command line or the web",
        id="services-typer",
    ),
    pytest.param(
        "research/services/_probe.py",
        "from fastapi import HTTPException",
        "Services know nothing of the command line or the web",
        id="services-fastapi",
    ),
]


@pytest.mark.parametrize(("module", "statement", "contract"), PROBES)
def test_an_import_against_a_contract_breaks_it(
    tmp_path: Path, module: str, statement: str, contract: str
) -> None:
    root = _copy_of_the_code(tmp_path)
    (root / module).write_text(f'"""Probe."""\n{statement}  # noqa: F401\n', encoding="utf-8")
    result = lint_imports(root)
    assert result.returncode != 0
    assert _verdict(result.stdout, contract) == "BROKEN", result.stdout


def _verdict(report: str, contract: str) -> str:
    """KEPT or BROKEN, as lint-imports' summary says of the contract named (it wraps lines)."""
    summary = " ".join(report.split("Contracts\n")[-1].split())
    after = summary[summary.index(contract) + len(contract) :]
    return min(("KEPT", "BROKEN"), key=lambda word: after.find(word) % (len(after) + 1))
