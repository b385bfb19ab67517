"""The API's OpenAPI page, served with Swagger UI from this server (no CDN, no inline script)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from research.web.dependencies import render

router = APIRouter(include_in_schema=False)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over /api/openapi.json, every asset local."""
    return render(request, "api_docs.html.j2")
