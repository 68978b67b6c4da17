"""Access control from configuration (`Settings.api_token`, `read_token_required`).

A request presents the token as `Authorization: Bearer <token>` (API clients) or in
the `vanban_token` cookie that the sign-in page sets (browsers). Writes (upload,
delete, re-extract) need it whenever a token is configured; reads need it only when
`read_token_required` is set. The cookie is HttpOnly and SameSite=Strict, so another
site cannot make a browser send it."""
from __future__ import annotations

import hmac

from fastapi import Request

from api.routes.common import ApiError
from vanban.config import Settings

TOKEN_COOKIE = "vanban_token"


def presented_token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(TOKEN_COOKIE) or None


def token_matches(settings: Settings, token: str | None) -> bool:
    if settings.api_token is None or token is None:
        return False
    return hmac.compare_digest(token.encode("utf-8"), settings.api_token.encode("utf-8"))


def _check(request: Request) -> None:
    settings: Settings = request.app.state.settings
    token = presented_token(request)
    if token is None:
        raise ApiError(401, "missing_token", "Cần mã truy cập (Authorization: Bearer <token>).",
                       {"WWW-Authenticate": "Bearer"})
    if not token_matches(settings, token):
        raise ApiError(401, "invalid_token", "Mã truy cập không đúng.",
                       {"WWW-Authenticate": 'Bearer error="invalid_token"'})


def require_write(request: Request) -> None:
    """Dependency of every write endpoint."""
    if request.app.state.settings.api_token is not None:
        _check(request)


def require_read(request: Request) -> None:
    """Dependency of every read endpoint and page."""
    if request.app.state.settings.read_token_required:
        _check(request)


def check_settings(settings: Settings) -> None:
    if settings.read_token_required and settings.api_token is None:
        raise ValueError("VANBAN_READ_TOKEN_REQUIRED is set but no VANBAN_TOKEN is configured")
