"""Uploads within the study's limits: a hostile document is refused in one line, and a body
larger than a transcript may be is refused while it streams, never read whole."""

from __future__ import annotations

import asyncio
import tempfile
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from interviews.importers import TranscriptLimits
from research.study import Study
from research.web.uploads import FORM_ALLOWANCE
from tests.interviews.hostile_files import WORD_MAIN, docx_bomb, plain_docx
from tests.research.helpers import INTERVIEW, counts

LIMIT_TEXT = (
    "the upload is larger than the 1,000,000 bytes a transcript may have (the study's "
    "setting intake.transcript_megabytes)"
)


@pytest.fixture
def interview(demo_study: Study) -> str:
    """An interview without a transcript, in a study whose transcripts may be 1 MB."""
    demo_study.analysis_settings.import_settings(
        "intake:\n  transcript_megabytes: 1\n", source="settings.yaml"
    )
    demo_study.interviews.add_interview(respondent_id="R01", interview_id="U01", values=INTERVIEW)
    return "U01"


def _has_transcript(study: Study, interview_id: str) -> bool:
    return bool(study.interviews.get_interview(interview_id).has_transcript)


def test_a_zip_bomb_upload_is_refused_naming_file_entry_and_limit(
    client: TestClient, demo_study: Study, interview: str
) -> None:
    before = counts(demo_study)
    response = client.post(
        f"/api/interviews/{interview}/transcript/file",
        files={"file": ("bomb.docx", docx_bomb(20_000_000), "application/zip")},
    )
    assert response.status_code == 413, response.text
    detail = response.json()["detail"]
    assert detail.startswith(f"bomb.docx, entry {WORD_MAIN}: expands ")
    assert detail.endswith("an entry may expand at most 100 times")
    assert counts(demo_study) == before
    assert not _has_transcript(demo_study, interview)


def test_a_zip_bomb_is_refused_by_the_preview_too(client: TestClient, interview: str) -> None:
    response = client.post(
        "/api/transcripts/preview",
        files={"file": ("bomb.docx", docx_bomb(20_000_000), "application/zip")},
    )
    assert response.status_code == 413
    assert response.json()["detail"].startswith("bomb.docx, entry word/document.xml: expands")


def test_a_body_declared_too_large_is_refused_before_it_is_read(
    client: TestClient, demo_study: Study, interview: str
) -> None:
    response = client.post(
        f"/api/interviews/{interview}/transcript/file",
        files={"file": ("long.txt", b"a" * (1_000_000 + FORM_ALLOWANCE), "text/plain")},
    )
    assert response.status_code == 413
    assert response.json() == {"detail": LIMIT_TEXT}
    assert not _has_transcript(demo_study, interview)


def test_a_file_just_past_the_limit_in_a_small_body_is_refused_by_the_reader(
    client: TestClient, demo_study: Study, interview: str
) -> None:
    response = client.post(
        f"/api/interviews/{interview}/transcript/file",
        files={"file": ("long.txt", b"a" * 1_000_001, "text/plain")},
    )
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "long.txt: the upload has more than 1,000,000 bytes, the most a transcript file may "
        "have here"
    )
    assert not _has_transcript(demo_study, interview)


def test_a_modest_upload_is_read(client: TestClient, demo_study: Study, interview: str) -> None:
    response = client.post(
        f"/api/interviews/{interview}/transcript/file",
        files={"file": ("r.docx", plain_docx("Он уехал."), "application/zip")},
    )
    assert response.status_code == 200, response.text
    assert demo_study.interviews.get_interview(interview).transcript == "Он уехал."


def test_pasted_text_past_the_limit_is_refused(
    client: TestClient, demo_study: Study, interview: str
) -> None:
    response = client.put(
        f"/api/interviews/{interview}/transcript",
        json={"text": "ж" * 600_000, "source_name": "typed"},
    )
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "typed: 1,200,000 bytes; a transcript may hold at most 1,000,000 bytes of text"
    )
    assert not _has_transcript(demo_study, interview)


def test_a_form_upload_too_large_gets_a_page_saying_so(
    client: TestClient, demo_study: Study, interview: str
) -> None:
    response = client.post(
        f"/interviews/{interview}/transcript",
        headers={"Accept": "text/html"},
        files={"file": ("long.txt", b"a" * (2_000_000 + FORM_ALLOWANCE), "text/plain")},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    # Said once, as the page's error (not also as a notice at the top).
    assert response.text.count(LIMIT_TEXT.replace("'", "&#39;")) == 1
    assert "content-security-policy" in response.headers
    assert not _has_transcript(demo_study, interview)


def test_a_form_upload_of_a_bomb_is_shown_on_the_form(
    client: TestClient, demo_study: Study, interview: str
) -> None:
    response = client.post(
        f"/interviews/{interview}/transcript",
        headers={"Accept": "text/html"},
        files={"file": ("bomb.docx", docx_bomb(20_000_000), "application/zip")},
    )
    assert response.status_code == 422
    assert f"bomb.docx, entry {WORD_MAIN}: expands" in response.text
    assert not _has_transcript(demo_study, interview)


def _stream(app: FastAPI, client: TestClient, path: str, chunk: bytes) -> tuple[int, int, str]:
    """POST an endless chunked body straight to the app; (status, bytes pulled, body)."""
    token = client.cookies["research_csrf"]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"multipart/form-data; boundary=edge"),
            (b"transfer-encoding", b"chunked"),
            (b"cookie", f"research_csrf={token}".encode()),
            (b"x-csrf-token", token.encode()),
        ],
    }
    pulled = 0
    sent: list[dict[str, Any]] = []
    opening = (
        b'--edge\r\nContent-Disposition: form-data; name="file"; filename="endless.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
    )

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        body = opening if pulled == 0 else chunk
        pulled += len(body)
        if pulled > 100 * len(chunk) + 50_000_000:
            raise AssertionError("the app kept reading past any limit")
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # A thread of its own: a browser test in this process may hold an event loop running here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(app(scope, receive, send))).result()
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return start["status"], pulled, body.decode()


@pytest.mark.parametrize(
    "path", ["/api/interviews/U01/transcript/file", "/api/transcripts/preview"]
)
def test_an_endless_upload_is_refused_while_it_streams(
    app: FastAPI, client: TestClient, demo_study: Study, interview: str, path: str
) -> None:
    chunk = b"a" * 65_536
    status, pulled, body = _stream(app, client, path, chunk)
    assert status == 413
    assert LIMIT_TEXT in body
    # Read up to the limit and one chunk more: never the whole of what was sent.
    assert 1_000_000 + FORM_ALLOWANCE < pulled <= 1_000_000 + FORM_ALLOWANCE + 2 * len(chunk)
    assert not _has_transcript(demo_study, interview)


def test_reading_a_small_upload_sets_no_limit_sized_buffer_aside() -> None:
    from research.web.routes.records_transcripts import upload_bytes

    with tempfile.TemporaryFile() as upload:
        upload.write(b"x" * 1_000)
        upload.seek(0)
        tracemalloc.start()
        try:
            data = upload_bytes(upload, TranscriptLimits())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert data == b"x" * 1_000
    assert peak < 5_000_000
