"""The SQLite file the app writes is an ordinary database: Datasette opens it and
its full-text `search` table answers, folded column included."""
from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from test_api import CORPUS_PDFS, DECISION, PLAN, REPORT, SAMPLES, TOKEN, upload
from vanban.config import Settings

datasette_app = pytest.importorskip("datasette.app")


def query(db, path: str) -> list[dict]:
    async def get() -> list[dict]:
        ds = datasette_app.Datasette([str(db)])
        await ds.invoke_startup()
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(get())


def test_datasette_searches_the_database_the_app_wrote(tmp_path):
    db = tmp_path / "vanban.db"
    with TestClient(create_app(db, Settings(api_token=TOKEN))) as client:
        files = [(s.name, s.data) for s in SAMPLES] + [(CORPUS_PDFS[1].name, CORPUS_PDFS[1].read_bytes())]
        assert upload(client, *files).json()["added"] == 4
        api_hits = {d["id"] for d in client.get("/api/documents", params={"q": "nghi dinh 61/2018"}).json()["items"]}
    assert {DECISION.doc_id, PLAN.doc_id} <= api_hits

    # The table page's search box (_search escapes the words: one phrase each).
    rows = query(db, "/vanban/search.json?_search=nghi+dinh+61/2018&_shape=array&_col=doc_id")
    assert {r["doc_id"] for r in rows} == api_hits
    # SQL against the folded column: no diacritics, đ as d.
    sql = "select doc_id from search where search match 'body_folded: \"de nghi sua doi 214\"'"
    rows = query(db, f"/vanban.json?sql={sql}&_shape=array")
    assert [r["doc_id"] for r in rows] == [REPORT.doc_id]
    tables = {t["name"]: t for t in query(db, "/vanban.json")["tables"]}
    assert tables["search"]["fts_table"] == "search" and tables["search"]["count"] == 4
