"""`research serve`: loopback by default, the address printed, a warning for other hosts."""

from __future__ import annotations

import errno
import socket
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from research.study import Study
from tests.research.cli.conftest import Run


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What uvicorn's server was handed to serve (the app, the sockets), instead of serving."""
    calls: dict[str, Any] = {}

    def fake_run(server: uvicorn.Server, sockets: list[socket.socket]) -> None:
        calls["addresses"] = sorted(bound.getsockname()[:2] for bound in sockets)
        host, port = sockets[0].getsockname()[:2]
        calls.update(host=host, port=port, options=server.config)
        # Ask the app what it answers while the study is still open, as uvicorn would.
        app = server.config.app
        with TestClient(app, base_url=f"http://127.0.0.1:{port}") as client:
            calls["loopback"] = client.get("/").status_code
            calls["other host"] = client.get(
                "/", headers={"host": f"192.168.1.20:{port}"}
            ).status_code
            calls["named host"] = client.get("/", headers={"host": f"{host}:{port}"}).status_code
        calls["open"] = [bound.fileno() != -1 for bound in sockets]

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    return calls


def test_serve_binds_to_loopback_and_prints_the_address(
    run: Run, study: Study, served: dict[str, Any], free_tcp_port: int
) -> None:
    port = str(free_tcp_port)
    result = run("serve", "--study", str(study.folder), "--port", port)
    assert result.exit_code == 0, result.output
    assert served["host"] == "127.0.0.1" and served["port"] == free_tcp_port
    assert not served["options"].server_header
    assert f"http://127.0.0.1:{port}/" in result.stdout
    assert (served["loopback"], served["other host"]) == (200, 400)


def test_serve_on_another_address_warns_and_answers_to_it(
    run: Run, study: Study, served: dict[str, Any], free_tcp_port: int
) -> None:
    result = run(
        "serve", "--study", str(study.folder), "--host", "0.0.0.0", "--port", str(free_tcp_port)
    )
    assert result.exit_code == 0
    assert "anyone who can reach this address" in result.stderr
    assert served["named host"] == 200


def test_a_port_in_use_is_one_line_and_nothing_is_announced(
    run: Run, study: Study, served: dict[str, Any]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--study", str(study.folder), "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: cannot listen on 127.0.0.1:{port}: port {port} is already in use (another "
        "`research serve`, or another program); choose another with --port"
    )
    assert "Serving" not in result.stdout
    assert served == {}


def test_every_address_of_the_host_is_taken(
    run: Run,
    study: Study,
    served: dict[str, Any],
    free_tcp_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `localhost` is 127.0.0.1 and ::1 on most systems: a browser may try either.
    real = socket.getaddrinfo

    def both(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host != "localhost":
            return real(host, port, *args, **kwargs)
        stream = socket.SOCK_STREAM
        return [
            (socket.AF_INET6, stream, 6, "", ("::1", port, 0, 0)),
            (socket.AF_INET, stream, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", both)
    port = free_tcp_port
    result = run("serve", "--study", str(study.folder), "--host", "localhost", "--port", str(port))
    assert result.exit_code == 0, result.output
    assert served["addresses"] == [("127.0.0.1", port), ("::1", port)]
    assert served["open"] == [True, True]


class _Elsewhere(socket.socket):
    """A socket whose address is not one of this computer's, whatever the machine allows."""

    def bind(self, address: Any) -> None:
        raise OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address")


def test_an_address_not_of_this_computer_is_named(
    run: Run, study: Study, served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "socket", _Elsewhere)
    result = run("serve", "--study", str(study.folder), "--host", "192.0.2.1")
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(
        "cannot listen on 192.0.2.1:8000: 192.0.2.1 is not an address of this computer"
    )
    assert served == {}


def test_serve_without_a_study_is_a_clear_error(run: Run, tmp_path: Any) -> None:
    result = run("serve", "--study", str(tmp_path / "missing"))
    assert result.exit_code == 1
    assert "no study" in result.stderr
