"""`vanban serve`: the web UI and JSON API on one port."""
from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from api.cli import DbOption, app, err
from vanban.config import Settings, default_db_path


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
) -> None:
    """Start the web UI and the JSON API; open http://HOST:PORT/ in a browser."""
    import uvicorn

    from api.app import create_app

    settings = Settings.from_env()
    if settings.api_token is None and not _is_loopback(host):
        err.print("[yellow]warning[/yellow]: no VANBAN_TOKEN set, anyone who can reach "
                  f"{host}:{port} can upload and delete files")
    application = create_app(db or default_db_path(), settings)
    err.print(f"vanban: web UI at http://{host}:{port}/ , API reference at /tai-lieu-api, "
              f"database {application.state.db_path}")
    uvicorn.run(application, host=host, port=port, reload=False, log_level="info")
