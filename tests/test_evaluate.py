"""`vanban eval` scores by the referee's rules: same numbers as corpus/gold/score.py on
the bundled corpus, and the bundled seeds meet the extraction bar of the issue."""
from __future__ import annotations

import importlib.util
import json

import pytest
from typer.testing import CliRunner

from api.cli import app
from conftest import CORPUS, SEEDS

GOLD = CORPUS / "gold"


@pytest.fixture(scope="module")
def referee():
    spec = importlib.util.spec_from_file_location("referee", GOLD / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def predictions(tmp_path_factory):
    """`vanban extract --format json` of every seed, as the referee reads them."""
    folder = tmp_path_factory.mktemp("pred")
    runner = CliRunner()
    for seed in SEEDS:
        result = runner.invoke(app, ["extract", str(seed), "--format", "json"])
        assert result.exit_code == 0, result.output
        (folder / f"{seed.stem}.json").write_text(result.stdout, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def scorecard():
    result = CliRunner().invoke(app, ["eval", str(GOLD), str(CORPUS / "seeds"), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["txt"]


def test_eval_agrees_with_the_referee(referee, predictions, scorecard):
    assert scorecard == referee.score(str(GOLD), str(predictions))


def test_eval_agrees_with_the_referee_on_damaged_predictions(referee, predictions, tmp_path):
    """Agreement must hold on imperfect output too: drop, alter and add items."""
    from extractors.evaluate import Scorecard

    card = Scorecard()
    for gold_file in sorted(GOLD.glob("*.json")):
        pred = json.loads((predictions / gold_file.name).read_text(encoding="utf-8"))
        for doc in pred["documents"]:
            doc["citations"] = doc["citations"][1:] + [{"doc_type": "Nghị định", "number": "1/2000/NĐ-CP"}]
            doc["tasks"] = [dict(t, text=t["text"][: len(t["text"]) // 2]) for t in doc["tasks"][::2]]
            doc["scores"] = [dict(s, value=s["value"] + 1) for s in doc["scores"][::3]] + doc["scores"][1::3]
            doc["title"] = (doc.get("title") or "")[:20] or None
        (tmp_path / gold_file.name).write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
        card.add_file(json.loads(gold_file.read_text(encoding="utf-8")), pred)
    assert card.report() == referee.score(str(GOLD), str(tmp_path))


def test_seed_scorecard_meets_the_bar(scorecard):
    assert all(v["acc"] >= 0.95 for v in scorecard["header"].values())
    assert scorecard["citations"]["f1"] >= 0.95
    assert scorecard["citation_attributes"]["issued_date"]["acc"] >= 0.90
    assert scorecard["citation_attributes"]["issuer"]["acc"] >= 0.90
    assert scorecard["tasks"]["f1"] >= 0.85
    assert scorecard["task_attributes"]["lead"]["acc"] >= 0.85
    assert scorecard["task_attributes"]["due"]["acc"] >= 0.90
    assert scorecard["scores"]["f1"] >= 0.90
