"""With SEARCH_ENGINE=elasticsearch: the search server stops, hangs or comes back empty, and
nothing breaks, waits long or is lost."""

import socket
import sqlite3
import threading
import time

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
    service.health.reset()

    class Control:
        def stop(self):
            servers[-1].close()

        def start(self):
            servers.append(OsmemServer.start(addr=address))

        def breaker_waited_out(self):
            """As if BREAKER_SECONDS had passed since the last failure."""
            service.health.skip_until = 0.0

        def count(self):
            return service.get_engine().count()

    yield Control()
    servers[-1].close()
    service.health.reset()


@pytest.fixture
def hung_server(settings):
    """A socket that accepts connections and never answers, as a hung search server does."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.SEARCH_ENGINE = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings.ELASTICSEARCH_PLAIN_JSON = True
    service.health.reset()
    yield
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()
    service.health.reset()


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

    # The server returns (empty, as a restarted in-memory server is). As soon as the breaker lets a
    # search through, the missed write is replayed before it, and the short index is rebuilt.
    search_server.start()
    search_server.breaker_waited_out()
    answer = rep_client.get("/api/search", {"q": "zanzibar"}).json()
    assert (answer["engine"], answer["notice"], titles_of(answer)) == ("elasticsearch", "", ["Zanzibar battlecard"])
    assert not PendingIndexing.objects.exists()
    assert search_server.count() == 2


def test_pending_writes_are_replayed_in_batches(persona, search_server, monkeypatch):
    monkeypatch.setattr(service, "REPLAY_BATCH", 2)
    pages = [create_collateral(title=f"Deck {number}", personas=[persona]) for number in range(5)]
    PendingIndexing.objects.bulk_create([PendingIndexing(page_id=page.pk) for page in pages])
    assert service.replay_pending() == 5
    assert not PendingIndexing.objects.exists() and search_server.count() == 5


def test_a_hung_server_costs_one_timeout_then_is_skipped(rep_client, collateral, hung_server, settings):
    service.embedded_engine().rebuild(service.all_documents())
    started = time.monotonic()
    answers = [rep_client.get("/api/search", {"q": "roi"}).json() for _ in range(9)]
    elapsed = time.monotonic() - started
    # One bounded call (ELASTICSEARCH_TIMEOUT, 1 s), then the circuit breaker: not 9 timeouts.
    assert elapsed < settings.ELASTICSEARCH_TIMEOUT + 2.5, elapsed
    assert all(answer["engine"] == "embedded" for answer in answers)
    assert all("not answering" in answer["notice"] for answer in answers)
    assert all(titles_of(answer) == ["ROI one-pager"] for answer in answers)


def test_a_write_while_the_breaker_is_open_is_kept_for_later(persona, hung_server):
    service.health.failed()
    page = create_collateral(title="Kept for later", personas=[persona])
    started = time.monotonic()
    service.index_collateral([page.pk])
    assert time.monotonic() - started < 0.5  # the open breaker skips the hung server at once
    assert list(PendingIndexing.objects.values_list("page_id", flat=True)) == [page.pk]
    assert [hit.title for hit in service.embedded_engine().search(service.SearchQuery(text="kept")).hits] == [
        "Kept for later"
    ]


def test_a_server_restarted_empty_is_noticed_and_rebuilt(rep_client, collateral, search_server, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert service.rebuild() == 1
    search_server.stop()
    search_server.start()  # up again, and empty: no alias, no documents
    service.health.next_check = 0.0  # the periodic count check is due

    # Not "0 results" in silence: the built-in index answers and says why; a rebuild is queued.
    answer = rep_client.get("/api/search", {"q": "roi"}).json()
    assert (answer["engine"], titles_of(answer)) == ("embedded", ["ROI one-pager"])
    assert "being rebuilt" in answer["notice"]
    from django_tasks import default_task_backend

    assert [result.task.name for result in default_task_backend.results] == ["rebuild_server_index"]
    # Searches until the worker has rebuilt it keep saying so, and queue nothing more.
    assert "being rebuilt" in rep_client.get("/api/search", {"q": "roi"}).json()["notice"]
    service.health.next_check = 0.0
    rep_client.get("/api/search", {"q": "roi"})
    assert len(default_task_backend.results) == 1

    # The worker runs the task: the server answers again, in full.
    assert service.rebuild_server() == 1
    answer = rep_client.get("/api/search", {"q": "roi"}).json()
    assert (answer["engine"], answer["notice"], titles_of(answer)) == ("elasticsearch", "", ["ROI one-pager"])


def test_a_broken_embedded_index_does_not_keep_the_write_from_the_server(persona, search_server, monkeypatch):
    def broken(documents):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(service.embedded_engine(), "index", broken)
    page = create_collateral(title="Server still gets it", personas=[persona])
    assert service.index_collateral([page.pk]) is False  # the task is told, and retries
    assert [hit.title for hit in service.get_engine().search(service.SearchQuery(text="server")).hits] == [
        "Server still gets it"
    ]
    # Kept for the embedded index: replayed by the writer once the index takes writes again.
    assert list(PendingIndexing.objects.values_list("page_id", flat=True)) == [page.pk]
    monkeypatch.undo()
    assert service.replay_pending() == 1 and not PendingIndexing.objects.exists()
    assert [hit.title for hit in service.embedded_engine().search(service.SearchQuery(text="server")).hits] == [
        "Server still gets it"
    ]


def titles_of(answer):
    return [result["title"] for result in answer["results"]]


def test_an_index_lost_between_count_checks_is_noticed_at_once(rep_client, collateral, search_server, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert service.rebuild() == 1
    assert rep_client.get("/api/search", {"q": "roi"}).json()["engine"] == "elasticsearch"  # count checked
    search_server.stop()
    search_server.start()
    answer = rep_client.get("/api/search", {"q": "roi"}).json()
    assert (answer["engine"], titles_of(answer)) == ("embedded", ["ROI one-pager"])
    assert "being rebuilt" in answer["notice"]
