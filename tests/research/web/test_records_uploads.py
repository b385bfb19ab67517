"""Uploads with odd file names: read as the file they are, named safely, never a server error."""

from __future__ import annotations

import io

import docx
import pytest
from fastapi.testclient import TestClient

from research.study import Study
from tests.research.helpers import INTERVIEW


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name", ["x" * 300 + ".docx", "a\x00b.docx", "..\\..\\etc\\r\u202eport.docx"]
)
def test_a_docx_with_an_odd_name_is_previewed(client: TestClient, name: str) -> None:
    response = client.post(
        "/api/transcripts/preview",
        files={"file": (name, _docx("Работы нет."), "application/octet-stream")},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "Работы нет." in str(body)
    assert "\x00" not in body["source_name"] and "\u202e" not in body["source_name"]
    assert len(body["source_name"]) <= 200 and "/" not in body["source_name"]


def test_an_uploaded_docx_keeps_its_own_name(client: TestClient, demo_study: Study) -> None:
    demo_study.interviews.add_interview(
        respondent_id="R01", interview_id="U01", values=INTERVIEW
    )
    response = client.post(
        "/api/interviews/U01/transcript/file",
        files={"file": ("Интервью 7.docx", _docx("Он уехал в Москву."), "application/zip")},
    )
    assert response.status_code == 200, response.text
    assert response.json()["source_name"] == "Интервью 7.docx"
    assert demo_study.interviews.get_interview("U01").transcript == "Он уехал в Москву."
