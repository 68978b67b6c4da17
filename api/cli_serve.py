"""`vanban serve`: the web UI and JSON API on one port."""
from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from api.cli import DbOption, app, err
from vanban.config import Settings, default_db_path


GRACEFUL_SHUTDOWN = 10   # seconds open requests get to end when the server is stopped


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOption = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes ingesting uploads (default: $VANBAN_OCR_WORKERS or one per core).",
        show_default=False)] = None,
) -> None:
    """Start the web UI and the JSON API; open http://HOST:PORT/ in a browser. Uploads
    are ingested by worker processes from a job queue kept in the database: jobs left
    unfinished by a crash or a kill run when the server starts again."""
    import uvicorn

    from api.app import create_app

    settings = Settings.from_env()
    if settings.api_token is None and not _is_loopback(host):
        err.print("[yellow]warning[/yellow]: no VANBAN_TOKEN set, anyone who can reach "
                  f"{host}:{port} can upload and delete files")
    application = create_app(db or default_db_path(), settings, workers=workers)
    err.print(f"vanban: web UI at http://{host}:{port}/ , API reference at /tai-lieu-api, "
              f"database {application.state.db_path}, {application.state.workers} ingestion workers")
    # Uploads waiting for their jobs must not hold a shutdown for long: the jobs are kept.
    uvicorn.run(application, host=host, port=port, reload=False, log_level="info",
                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN)
