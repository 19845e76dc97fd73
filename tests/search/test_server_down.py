"""With SEARCH_ENGINE=elasticsearch: the search server stops mid-run, and nothing breaks or is lost."""

import socket

import pytest
from osmem_server import OsmemServer

from content.factories import create_collateral
from search import service
from search.models import PendingIndexing

pytestmark = pytest.mark.django_db


def free_address():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture
def search_server(settings):
    """A real osmem-server process of this test's own, which the test can stop and start again."""
    address = free_address()
    servers = [OsmemServer.start(addr=address)]
    settings.SEARCH_ENGINE = "elasticsearch"
    settings.ELASTICSEARCH_URL = servers[0].url
    settings.ELASTICSEARCH_PLAIN_JSON = True

    class Control:
        def stop(self):
            servers[-1].close()

        def start(self):
            servers.append(OsmemServer.start(addr=address))

    yield Control()
    servers[-1].close()


def test_search_falls_back_and_missed_writes_are_replayed(
    rep_client, persona, collateral, search_server, django_capture_on_commit_callbacks
):
    assert service.rebuild() == 1
    answer = rep_client.get("/api/search", {"q": "roi"}).json()
    assert (answer["engine"], answer["notice"], titles_of(answer)) == ("elasticsearch", "", ["ROI one-pager"])

    search_server.stop()

    # Searching still works, from the embedded index, and says so.
    page = rep_client.get("/search/", {"q": "roi"})
    assert page.status_code == 200
    assert "The search server is not answering" in page.text and "ROI one-pager" in page.text
    answer = rep_client.get("/api/search", {"q": "roi"}).json()
    assert answer["engine"] == "embedded" and answer["notice"]

    # Publishing while it is down: saved, searchable from the embedded index, remembered for the server.
    with django_capture_on_commit_callbacks(execute=True):
        new = create_collateral(title="Zanzibar battlecard", summary="Zanzibar pricing.", personas=[persona])
    assert list(PendingIndexing.objects.values_list("page_id", flat=True)) == [new.pk]
    assert titles_of(rep_client.get("/api/search", {"q": "zanzibar"}).json()) == ["Zanzibar battlecard"]

    # The server returns (empty, as a restarted in-memory server is): the missed write is replayed.
    search_server.start()
    assert service.replay_pending() == 1
    assert not PendingIndexing.objects.exists()
    answer = rep_client.get("/api/search", {"q": "zanzibar"}).json()
    assert (answer["engine"], titles_of(answer)) == ("elasticsearch", ["Zanzibar battlecard"])


def titles_of(answer):
    return [result["title"] for result in answer["results"]]
