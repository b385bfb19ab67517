"""The web app under test: in-process clients for the API, a live server and chromium for pages.

Browser tests drive Debian's chromium (/usr/bin/chromium) through Playwright. Without it
they are skipped, unless RESEARCH_REQUIRE_BROWSER=1 (as CI sets), when they fail instead.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from research.study import Study
from research.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
BASE_URL = "http://127.0.0.1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "bench" / "out" / "screenshots"


@pytest.fixture
def app(demo_study: Study) -> FastAPI:
    """The app over a private copy of the demo study."""
    return create_app(demo_study)


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    """A client that has sent no CSRF token and chosen no coder."""
    with TestClient(app, base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client as a browser page would be: CSRF token in its header, coder 'ani' chosen."""
    with TestClient(app, base_url=BASE_URL) as test_client:
        token = test_client.get("/api/session").json()["csrf_token"]
        test_client.headers["X-CSRF-Token"] = token
        test_client.post("/api/session/coder", json={"name": "ani"}).raise_for_status()
        yield test_client


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every route of the app, included routers opened (the app mounts them without prefix)."""
    found: list[APIRoute] = []
    pending: list[Any] = list(app.routes)
    while pending:
        route = pending.pop(0)
        inner = getattr(route, "original_router", None)
        if inner is not None:
            pending.extend(inner.routes)
        elif isinstance(route, APIRoute):
            found.append(route)
    return found


def free_port() -> int:
    """A TCP port nobody listens on, on the loopback address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    """uvicorn serving an app on a free loopback port, in a thread of this process."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start within 10 s")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    """The app served over real HTTP for the browser."""
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's chromium, driven by Playwright (its own browser download is never used)."""
    if not CHROMIUM.exists():
        if os.environ.get("RESEARCH_REQUIRE_BROWSER") == "1":
            pytest.fail("RESEARCH_REQUIRE_BROWSER=1 but /usr/bin/chromium is not installed")
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser tab on the live server, its coder 'ani' already chosen."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1400, "height": 900}, locale="en-GB"
    )
    context.add_cookies(
        [{"name": "research_coder", "value": quote("ani"), "url": live_server.url}]
    )
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    problems: list[str] = []
    browser_page.on("pageerror", lambda error: problems.append(str(error)))

    def on_console(message: Any) -> None:
        # A 4xx answer the page expected (a refused form, a 409) is logged by chromium as a
        # failed resource; script errors are what must never happen.
        if message.type == "error" and not message.text.startswith(
            "Failed to load resource: the server responded with a status of 4"
        ):
            problems.append(message.text)

    browser_page.on("console", on_console)
    # Every page works offline: nothing may be fetched from anywhere but this machine.
    outside: list[str] = []

    def on_request(request: Any) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:")) and host not in ("127.0.0.1", "localhost"):
            outside.append(request.url)

    context.on("request", on_request)
    yield browser_page
    context.close()
    assert not problems, f"the page reported errors: {problems}"
    assert not outside, f"the page fetched from outside this machine: {outside}"


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under bench/out/screenshots/ to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
