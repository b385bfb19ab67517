"""The API's OpenAPI page, served with Swagger UI from this server (no CDN, no inline script)."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from research.errors import NotFoundError
from research.web.dependencies import render

router = APIRouter(include_in_schema=False)

# Only the files the API page loads; the bundle's demo pages are not served.
SWAGGER_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}


@router.get("/vendor/swagger/{name}")
def swagger_asset(name: str) -> FileResponse:
    """One of Swagger UI's files, from the installed package."""
    if name not in SWAGGER_FILES:
        raise NotFoundError(f"no file {name!r} here")
    path = Path(swagger_ui_bundle.swagger_ui_path) / name
    return FileResponse(path, media_type=SWAGGER_FILES[name])


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over /api/openapi.json, every asset local."""
    return render(request, "api_docs.html.j2")
