"""Running the CLI in-process, as a user would type it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result
from typer.testing import CliRunner

from research.cli.app import app

Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Invoke `research ARGS...`; stdout and stderr are kept apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke
