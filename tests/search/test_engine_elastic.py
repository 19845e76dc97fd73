"""The engine contract on the Elasticsearch/OpenSearch engine, against osmem-server.

osmem-server (PyPI) is an in-memory OpenSearch-compatible server; no Elasticsearch or
OpenSearch can be installed on these machines, so this is what CI proves the engine on.
"""

import pytest

from search.engines.elastic import ElasticEngine
from tests.search.contract import EngineContract


class TestElasticEngine(EngineContract):
    @pytest.fixture
    def engine(self, osmem_clone):
        """A fresh in-memory cluster (a clone of osmem-server's base) for each test."""
        return ElasticEngine(osmem_clone.url, alias="commonground", plain_json=True)

    def test_rebuild_swaps_the_alias_to_a_new_index(self, engine):
        from tests.search.contract import LIBRARY

        engine.index(LIBRARY)
        (before,) = engine.concrete_indexes()
        assert engine.rebuild(LIBRARY[:2]) == 2
        (after,) = engine.concrete_indexes()
        assert after != before
        assert not engine.client.indices.exists(index=before)


def test_highlights_come_from_fields_over_a_million_characters(osmem_clone):
    """Elasticsearch refuses to highlight past index.highlight.max_analyzed_offset (one million by
    default); the engine raises it on the index and caps the highlight query to match."""
    from search.engines.base import IndexDocument, SearchQuery

    engine = ElasticEngine(osmem_clone.url, alias="big", plain_json=True, timeout=30)
    engine.ensure_index()
    (name,) = engine.concrete_indexes()
    settings = engine.client.indices.get_settings(index=name)[name]["settings"]["index"]
    assert int(settings["highlight"]["max_analyzed_offset"]) > 1_000_000
    text = "filler words of a long contract " * 40_000 + "the zanzibar clause"
    assert len(text) > 1_000_000
    engine.index([IndexDocument(id=1, title="Master agreement", url="/a/", files=text)])
    (hit,) = engine.search(SearchQuery(text="zanzibar")).hits
    assert hit.highlights[0]["field"] == "Inside the file" and "<mark>zanzibar</mark>" in hit.highlights[0]["html"]
