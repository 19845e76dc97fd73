"""The engine contract on the embedded SQLite FTS5 engine."""

import pytest

from search.engines.embedded import EmbeddedEngine
from tests.search.contract import EngineContract


class TestEmbeddedEngine(EngineContract):
    @pytest.fixture
    def engine(self, tmp_path):
        return EmbeddedEngine(tmp_path / "index.sqlite3")
