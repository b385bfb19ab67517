"""`research serve`: loopback by default, the address printed, a warning for other hosts."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from research.study import Study
from tests.research.cli.conftest import Run


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What uvicorn.run was asked to serve, instead of serving it."""
    calls: dict[str, Any] = {}

    def fake_run(app: Any, **options: Any) -> None:
        calls.update(options)
        # Ask the app what it answers while the study is still open, as uvicorn would.
        with TestClient(app, base_url=f"http://127.0.0.1:{options['port']}") as client:
            calls["loopback"] = client.get("/").status_code
            calls["other host"] = client.get(
                "/", headers={"host": f"192.168.1.20:{options['port']}"}
            ).status_code
            calls["named host"] = client.get(
                "/", headers={"host": f"{options['host']}:{options['port']}"}
            ).status_code

    monkeypatch.setattr(uvicorn, "run", fake_run)
    return calls


def test_serve_binds_to_loopback_and_prints_the_address(
    run: Run, study: Study, served: dict[str, Any]
) -> None:
    result = run("serve", "--study", str(study.folder), "--port", "8765")
    assert result.exit_code == 0, result.output
    assert served["host"] == "127.0.0.1" and served["port"] == 8765
    assert "http://127.0.0.1:8765/" in result.stdout
    assert (served["loopback"], served["other host"]) == (200, 400)


def test_serve_on_another_address_warns_and_answers_to_it(
    run: Run, study: Study, served: dict[str, Any]
) -> None:
    result = run("serve", "--study", str(study.folder), "--host", "0.0.0.0")
    assert result.exit_code == 0
    assert "anyone who can reach this address" in result.stderr
    assert served["named host"] == 200


def test_serve_without_a_study_is_a_clear_error(run: Run, tmp_path: Any) -> None:
    result = run("serve", "--study", str(tmp_path / "missing"))
    assert result.exit_code == 1
    assert "no study" in result.stderr
