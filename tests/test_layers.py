"""The layering contract: codebook and interviews, then analysis, then the research shell."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports() -> subprocess.CompletedProcess[str]:
    executable = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert executable is not None, "import-linter is a dev dependency"
    return subprocess.run(
        [executable, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_the_layers_contract_is_kept() -> None:
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken" in result.stdout


def test_a_domain_package_importing_the_shell_breaks_the_contract(tmp_path: Path) -> None:
    offender = ROOT / "interviews" / "_layering_probe.py"
    offender.write_text('"""Probe."""\nimport research  # noqa: F401\n', encoding="utf-8")
    try:
        result = lint_imports()
    finally:
        offender.unlink()
    assert result.returncode != 0
    assert "broken" in result.stdout
