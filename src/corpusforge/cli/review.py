"""CLI commands of the review stage: ``corpusforge review``."""

from __future__ import annotations

import typer

from corpusforge.cli.common import console, fail, get_workspace


def review(
    host: str | None = typer.Option(None, help="Address to bind (default: review.host, 127.0.0.1)."),
    port: int | None = typer.Option(
        None, min=1, max=65535, help="Port to bind (default: review.port, 8765)."
    ),
    token: str | None = typer.Option(
        None,
        help="Access token every request must carry, at least 16 characters; `auto` generates one and "
        "prints it in the URL. Required for any address but loopback.",
        envvar="CORPUSFORGE_REVIEW_TOKEN",
    ),
) -> None:
    """Open the review web app: accept, edit or reject samples; rate candidate answers."""
    from corpusforge.review.security import AUTO_TOKEN, BindError, check_bind, resolve_token
    from corpusforge.review.server import port_free, review_url, serve

    ws = get_workspace()
    host = host or ws.config.review.host
    port = ws.config.review.port if port is None else port
    try:
        generated = token == AUTO_TOKEN
        token = resolve_token(token)
        check_bind(host, token)
    except BindError as e:  # TokenError too
        fail(str(e))
    if not port_free(host, port):
        fail(f"cannot bind {host}:{port}: the address is in use or not available (pick another with --port)")
    counts = ws.store.count_samples("status")
    console.print(f"reviewing {sum(counts.values())} samples of {ws.root}")
    if generated:
        console.print(f"generated access token: {token}", highlight=False)
    console.print(f"open [bold]{review_url(host, port, token)}[/] (Ctrl+C to stop)", highlight=False)
    try:
        serve(ws, host=host, port=port, token=token)
    finally:
        ws.close()


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the app."""
    app.command()(review)
