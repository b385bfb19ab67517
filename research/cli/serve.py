"""`research serve`: the local web app for field entry and coding sessions."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from research.cli.common import StudyOption, load_study


def register(app: typer.Typer) -> None:
    """Add the serve command to the main app."""
    app.command("serve")(serve)


def serve(
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on. Keep 127.0.0.1 unless others must reach this study: "
            "research data here is sensitive."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    study: StudyOption = None,
) -> None:
    """Open the study in a local web app: enter records, code transcripts, see the dashboard.

    Example: research serve --study demo-study --port 8001
    """
    # The web stack loads only for this command, not at every CLI start.
    import uvicorn

    from research.web import create_app
    from research.web.security import LOOPBACK_HOSTS

    opened = load_study(study)
    allowed = list(LOOPBACK_HOSTS)
    if host not in ("127.0.0.1", "localhost", "::1"):
        allowed.append(host)
        if not _is_loopback(host):
            typer.secho(
                f"Warning: listening on {host}; anyone who can reach this address can read "
                "and change the study. There is no login.",
                err=True,
                fg=typer.colors.YELLOW,
            )
    app = create_app(opened, allowed_hosts=allowed)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"Serving {opened.summary().name!r} at http://{shown}:{port}/ (Ctrl+C to stop)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    finally:
        opened.close()


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
