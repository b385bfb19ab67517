"""The command as a separate process: a closed pipe ends it quietly; --version starts light."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from research.study import Study

ROOT = Path(__file__).resolve().parents[3]
# What `research` runs: the console script's entry point.
ENTRY = "from research.cli.app import main; main()"
HEAVY = ("pandas", "matplotlib", "scipy", "statsmodels", "fastapi", "uvicorn")


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [environment.get("PYTHONPATH")])]
    )
    environment.pop("RESEARCH_STUDY", None)
    return environment


def _start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", ENTRY, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
        cwd=ROOT,
    )


COMMANDS = [
    pytest.param(["agreement"], id="agreement"),
    pytest.param(["code", "list", "--format", "csv"], id="code-list-csv"),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_reader_that_takes_one_line_and_leaves_ends_the_command_quietly(
    command: list[str], demo_study: Study
) -> None:
    # As `research ... | head -1` does.
    with _start(*command, "--study", str(demo_study.folder)) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        errors = process.stderr.read().decode()
        process.wait(timeout=120)
    assert first.strip()
    assert errors == ""
    assert process.returncode in (0, 1)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_pipe_closed_before_any_output_ends_the_command_quietly(
    command: list[str], demo_study: Study
) -> None:
    with _start(*command, "--study", str(demo_study.folder)) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        errors = process.stderr.read().decode()
        process.wait(timeout=120)
    assert errors == ""
    assert process.returncode == 1


def test_an_error_is_still_reported_when_output_is_piped(tmp_path: Path) -> None:
    with _start("code", "list", "--study", str(tmp_path / "nowhere")) as process:
        _, errors = process.communicate(timeout=120)
    assert process.returncode == 1
    assert errors.decode().startswith("Error: ")


def test_version_prints_the_installed_version_without_loading_heavy_libraries() -> None:
    script = (
        "import sys\n"
        "from research.cli.app import app\n"
        "try:\n"
        "    app(['--version'], prog_name='research')\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        f"print(sorted(name for name in {HEAVY!r} if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=_environment(),
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    version_line, loaded = done.stdout.splitlines()
    assert version_line == f"research {metadata.version('migration-research')}"
    assert loaded == "[]"


def _modules_after(script: str) -> list[str]:
    """The top-level packages a fresh interpreter holds after running `script`."""
    done = subprocess.run(
        [sys.executable, "-c", f"{script}\nimport sys\nprint(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        env=_environment(),
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return done.stdout.splitlines()[-1].strip("[]").replace("'", "").split(", ")


def test_help_loads_no_heavy_library_and_no_database_layer() -> None:
    script = (
        "from research.cli.app import app\n"
        "try:\n"
        "    app(['--help'], prog_name='research')\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
    )
    loaded = set(_modules_after(script))
    assert "research.cli.app" in loaded
    assert loaded.isdisjoint({*HEAVY, "sqlalchemy", "alembic", "research.study"})


def test_a_command_loads_only_its_own_module(demo_study: Study) -> None:
    script = (
        "from research.cli.app import app\n"
        "try:\n"
        f"    app(['status', '--study', {str(demo_study.folder)!r}], prog_name='research')\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
    )
    loaded = set(_modules_after(script))
    assert "research.cli.study" in loaded
    # A study at the newest revision is opened without Alembic's machinery.
    assert loaded.isdisjoint({*HEAVY, "alembic", "research.cli.report", "research.cli.code"})


def test_status_reads_a_sqlite_study_without_the_database_layer(
    demo_template: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(demo_template, folder)
    script = (
        "from research.cli.app import app\n"
        "try:\n"
        f"    app(['status', '--study', {str(folder)!r}], prog_name='research')\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
    )
    loaded = set(_modules_after(script))
    assert "research.services.study_facts" in loaded
    assert loaded.isdisjoint({*HEAVY, "sqlalchemy", "alembic", "research.study"})


def test_applying_a_code_loads_no_database_layer_yaml_or_tables(
    demo_template: Path, tmp_path: Path
) -> None:
    # A SQLite study (whatever database the suite runs on): the one `code apply` writes quickly.
    folder = tmp_path / "demo"
    shutil.copytree(demo_template, folder)
    script = (
        "from research.cli.app import app\n"
        "try:\n"
        "    app(['code', 'apply', 'D01', '--code', 'motives/economy/unemployment',\n"
        "         '--start', '3', '--end', '20', '--coder', 'starter',\n"
        f"         '--study', {str(folder)!r}], prog_name='research')\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
    )
    loaded = set(_modules_after(script))
    # A SQLite study at the newest revision is written without the database layer.
    assert "research.services.quick_codings" in loaded
    assert loaded.isdisjoint(
        {*HEAVY, "sqlalchemy", "alembic", "ruamel", "rich", "research.cli.tables"}
    )


@pytest.mark.parametrize("suffix", ["csv", "parquet", "xlsx"])
def test_an_export_loads_no_pandas_and_writes_every_coding(
    demo_study: Study, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"codings.{suffix}"
    script = (
        "from research.cli.app import app\n"
        "try:\n"
        f"    app(['export', 'codings', '--out', {str(out)!r},\n"
        f"         '--study', {str(demo_study.folder)!r}], prog_name='research')\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
    )
    loaded = set(_modules_after(script))
    assert "pyarrow" in loaded
    assert loaded.isdisjoint(HEAVY)
    import pandas as pd

    read = {
        "csv": pd.read_csv,
        "parquet": pd.read_parquet,
        "xlsx": pd.read_excel,
    }[suffix](out)
    assert len(read) == len(demo_study.codings.list_codings()) > 0
