"""`research serve`: the local web app for field entry and coding sessions."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from typing import Annotated, Any

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
    listening: list[socket.socket] = []
    try:
        app = create_app(opened, allowed_hosts=allowed)
        name = opened.summary().name
        # The address is taken before it is announced: a port in use is one clear line.
        listening = _listen(host, port)
        shown = f"[{host}]" if ":" in host else host
        typer.echo(f"Serving {name!r} at http://{shown}:{port}/ (Ctrl+C to stop)")
        config = uvicorn.Config(app, log_level="warning", server_header=False)
        uvicorn.Server(config).run(sockets=listening)
    finally:
        for bound in listening:
            bound.close()
        opened.close()


def _listen(host: str, port: int) -> list[socket.socket]:
    """Sockets bound to every address of `host` (`localhost` is often both 127.0.0.1 and
    ::1) at `port`, or a ResearchError saying why one cannot be."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        reason = f"no such address ({error.strerror})"
        raise ResearchError(f"cannot listen on {host}: {reason}") from None
    addresses = list(dict.fromkeys((entry[0], entry[4]) for entry in found))
    listening: list[socket.socket] = []
    try:
        for family, address in addresses:
            listening.append(_bound(family, address, host, port))
    except BaseException:
        for bound in listening:
            bound.close()
        raise
    return listening


def _bound(family: socket.AddressFamily, address: Any, host: str, port: int) -> socket.socket:
    bound = socket.socket(family, socket.SOCK_STREAM)
    if os.name != "nt":
        # Windows would let a second server share a port in use; elsewhere this only lets a
        # restarted server take its port back from connections still closing.
        bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        bound.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    try:
        bound.bind(address)
    except OSError as error:
        bound.close()
        reasons = {
            errno.EADDRINUSE: f"port {port} is already in use (another `research serve`, or "
            "another program); choose another with --port",
            errno.EACCES: f"this user may not listen on port {port} (ports below 1024 need "
            "administrator rights); choose another with --port",
            errno.EADDRNOTAVAIL: f"{host} is not an address of this computer",
        }
        reason = reasons.get(error.errno or 0, error.strerror or str(error))
        raise ResearchError(f"cannot listen on {host}:{port}: {reason}") from None
    return bound


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
