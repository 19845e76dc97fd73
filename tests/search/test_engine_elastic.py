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
