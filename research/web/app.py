"""The app factory: one FastAPI application serving one open study."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from research.study import Study
from research.web import errors
from research.web.routes import (
    codebook,
    coding,
    dashboard,
    docs,
    home,
    records,
    records_api,
    retrieval,
    search,
    session,
)
from research.web.security import (
    LOOPBACK_HOSTS,
    HostCheckMiddleware,
    SecurityHeadersMiddleware,
    TokenSigner,
)
from research.web.uploads import BodyLimitMiddleware, upload_limit

HERE = Path(__file__).resolve().parent


def template_environment() -> Environment:
    """Templates with autoescaping on whatever their suffix (ours end in .j2)."""
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
    )


def create_app(study: Study, *, allowed_hosts: Sequence[str] = LOOPBACK_HOSTS) -> FastAPI:
    """A web app over `study`; requests naming another host than `allowed_hosts` get 400."""
    app = FastAPI(
        title="Migration research toolkit",
        summary="Field entry, coding, codebook, retrieval and dashboard of one study.",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    # The bundled Swagger UI reads OpenAPI 3.0 documents; FastAPI's schema is valid as one.
    app.openapi_version = "3.0.3"
    summary = study.summary()
    app.state.study = study
    app.state.study_name = summary.name
    app.state.fictional = summary.fictional
    app.state.templates = Jinja2Templates(env=template_environment())
    app.state.dashboard_cache = dashboard.DashboardCache()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    errors.install(app)
    for module in (
        session,
        home,
        records,
        records_api,
        coding,
        codebook,
        retrieval,
        search,
        dashboard,
        docs,
    ):
        app.include_router(module.router)
    # The last middleware added runs first: the Host check before anything else, the
    # size of a body counted inside the security headers (a refusal carries them too).
    app.add_middleware(BodyLimitMiddleware, limit=lambda: upload_limit(study))
    app.add_middleware(SecurityHeadersMiddleware, signer=TokenSigner())
    app.add_middleware(HostCheckMiddleware, allowed_hosts=allowed_hosts)
    return app
