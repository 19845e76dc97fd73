"""Ranking quality on the judged query set: each engine must beat plain BM25 on the same data."""

import io

import pytest

from django.core.management import call_command

from search.engines.elastic import ElasticEngine
from search.engines.embedded import EmbeddedEngine, PlainBM25Engine
from search.quality import evaluate
from search.service import all_documents, mentioned_objections

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_documents(tmp_path):
    call_command("load_demo_data", logins_file=str(tmp_path / "logins.txt"), stdout=io.StringIO())
    return list(all_documents())


@pytest.fixture
def baseline(demo_documents, tmp_path):
    engine = PlainBM25Engine(tmp_path / "baseline.sqlite3")
    engine.rebuild(demo_documents)
    return evaluate(engine)


def test_embedded_engine_beats_plain_bm25(demo_documents, baseline, tmp_path):
    engine = EmbeddedEngine(tmp_path / "embedded.sqlite3")
    engine.rebuild(demo_documents)
    ours = evaluate(engine, synonyms=mentioned_objections, ranked=True)
    assert ours["ndcg"] >= baseline["ndcg"] + 0.02, (ours["ndcg"], baseline["ndcg"])
    assert ours["mrr"] >= baseline["mrr"]
    assert ours["per_query"]["cfo says too pricey"] > baseline["per_query"]["cfo says too pricey"] + 0.2


def test_elasticsearch_engine_beats_plain_bm25(demo_documents, baseline, osmem_clone):
    engine = ElasticEngine(osmem_clone.url, alias="quality", plain_json=True)
    engine.rebuild(demo_documents)
    ours = evaluate(engine, synonyms=mentioned_objections, ranked=True)
    assert ours["ndcg"] >= baseline["ndcg"] + 0.03, (ours["ndcg"], baseline["ndcg"])
    assert ours["mrr"] >= baseline["mrr"]
