"""`research serve`: the local web app for field entry and coding sessions."""

from __future__ import annotations

import errno
import ipaddress
import socket
from typing import Annotated

import typer

from research.cli.common import StudyOption, load_study
from research.errors import ResearchError


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
    try:
        app = create_app(opened, allowed_hosts=allowed)
        # The address is taken before it is announced: a port in use is one clear line.
        listening = _listen(host, port)
        shown = f"[{host}]" if ":" in host else host
        name = opened.summary().name
        typer.echo(f"Serving {name!r} at http://{shown}:{port}/ (Ctrl+C to stop)")
        config = uvicorn.Config(app, log_level="warning", server_header=False)
        uvicorn.Server(config).run(sockets=[listening])
    finally:
        opened.close()


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to `host`:`port`, or a ResearchError saying why it cannot be."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
    except socket.gaierror as error:
        reason = f"no such address ({error.strerror})"
        raise ResearchError(f"cannot listen on {host}: {reason}") from None
    listening = socket.socket(family, kind, protocol)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind(address)
    except OSError as error:
        listening.close()
        reasons = {
            errno.EADDRINUSE: f"port {port} is already in use (another `research serve`, or "
            "another program); choose another with --port",
            errno.EACCES: f"this user may not listen on port {port} (ports below 1024 need "
            "administrator rights); choose another with --port",
            errno.EADDRNOTAVAIL: f"{host} is not an address of this computer",
        }
        reason = reasons.get(error.errno or 0, error.strerror or str(error))
        raise ResearchError(f"cannot listen on {host}:{port}: {reason}") from None
    return listening


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
