"""The embedded index heals itself: deleted, damaged, unwritable and locked, as an operator finds it.

Each fault is made for real on the index folder. CI runs as root, which chmod cannot stop, so an
unwritable index is made by putting a plain file where the folder should be (every write fails,
for root too).
"""

import shutil
import subprocess
import sys
import textwrap

import pytest

from content.factories import create_collateral
from search import service
from search.engines.embedded import EmbeddedEngine, IndexBusy
from search.models import PendingIndexing
from tests.search import test_search_page

pytestmark = pytest.mark.django_db
library = test_search_page.library  # three assets and an index built from the database


def answer(client, text):
    return client.get("/api/search", {"q": text}).json()


def found(client, text):
    return [result["title"] for result in answer(client, text)["results"]]


def test_a_deleted_index_is_said_answered_from_the_database_and_rebuilt(rep_client, library, search_index):
    shutil.rmtree(search_index)
    page = rep_client.get("/search/", {"q": "trust"})
    assert page.status_code == 200 and "The search index is missing" in page.text and "Trust overview" in page.text

    shutil.rmtree(search_index)  # rebuilt after that search: deleted again
    first = answer(rep_client, "trust")
    assert first["engine"] == "database" and first["notice"].startswith("The search index is missing")
    assert [result["title"] for result in first["results"]] == ["Trust overview"]

    # The rebuild the first search queued (run at once in tests) brought everything back.
    again = answer(rep_client, "frankfurt")
    assert (again["engine"], again["notice"]) == ("embedded", "")
    assert [result["title"] for result in again["results"]] == ["Trust overview"]
    assert again["results"][0]["highlights"][0]["field"] == "Inside the file"


def test_an_emptied_index_is_noticed_by_its_count_against_the_database(rep_client, library):
    service.embedded_engine().clear()
    first = answer(rep_client, "price")
    assert first["notice"].startswith("The search index is empty")
    assert {"Old price list"} <= {result["title"] for result in first["results"]}
    assert answer(rep_client, "price")["engine"] == "embedded" and found(rep_client, "frankfurt") == ["Trust overview"]
    service.embedded_engine().clear()
    several = answer(rep_client, "old price list")  # a strong pass, then a looser one: counted once
    assert several["notice"].startswith("The search index is empty") and several["engine"] == "database"


def test_a_damaged_index_gives_no_500_and_is_replaced(rep_client, library, search_index):
    service.embedded_engine().close()
    (search_index / "meta.json").write_text("{ not json at all")

    first = answer(rep_client, "price")
    assert first["engine"] == "database" and first["notice"].startswith("The search index is damaged")
    assert "Old price list" in {result["title"] for result in first["results"]}
    assert found(rep_client, "frankfurt") == ["Trust overview"]  # rebuilt in place


def test_an_index_made_by_an_earlier_release_is_replaced_after_an_upgrade(rep_client, library, search_index):
    """An index whose schema is not this release's (fields added or changed since) cannot be read:
    searches answer from the database meanwhile and the index is made again in this schema."""
    import tantivy

    service.embedded_engine().close()
    shutil.rmtree(search_index)
    search_index.mkdir()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True)
    old = tantivy.Index(builder.build(), path=str(search_index))
    writer = old.writer()
    writer.add_document(tantivy.Document(title="Pricing deck"))
    writer.commit()
    del writer, old

    first = answer(rep_client, "price")
    assert first["engine"] == "database" and first["notice"].startswith("The search index is damaged")
    again = answer(rep_client, "frankfurt")
    assert (again["engine"], again["notice"]) == ("embedded", "")
    assert again["results"][0]["highlights"][0]["field"] == "Inside the file"


def test_the_database_answer_honours_filters_and_hidden_pages(rep_client, library, search_index):
    shutil.rmtree(search_index)
    query = service.SearchQuery(text="price", filters={"kind": ["one_pager"]}, exclude_ids=frozenset())
    results = service.database_search(query, "notice")
    assert {hit.title for hit in results.hits} == {"Old price list"} and results.total == 1
    hidden = service.SearchQuery(text="price", exclude_ids=frozenset({library["old"].pk}))
    assert service.database_search(hidden, "notice").total == 0


def test_an_unwritable_index_keeps_every_write_until_it_lands(
    rep_client, library, search_index, monkeypatch, persona, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "REBUILD_RETRY_SECONDS", 0)
    service.embedded_engine().close()
    shutil.rmtree(search_index)
    search_index.write_text("a file where the index folder should be")  # root ignores chmod; this stops root

    with django_capture_on_commit_callbacks(execute=True):
        page = create_collateral(title="Zanzibar battlecard", summary="Zanzibar pricing.", personas=[persona])
    assert list(PendingIndexing.objects.values_list("page_id", flat=True)) == [page.pk]
    down = answer(rep_client, "zanzibar")  # answered from the database meanwhile, and said
    assert down["notice"] and [result["title"] for result in down["results"]] == ["Zanzibar battlecard"]
    assert PendingIndexing.objects.exists()

    search_index.unlink()  # the fault clears
    answer(rep_client, "zanzibar")  # noticed missing: the rebuild lands, with the kept write
    assert not PendingIndexing.objects.exists()
    result = answer(rep_client, "zanzibar")
    assert (result["engine"], [hit["title"] for hit in result["results"]]) == ("embedded", ["Zanzibar battlecard"])


HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from search.engines.embedded import EmbeddedEngine
    writer = EmbeddedEngine(sys.argv[1]).writer()
    print("holding", flush=True)
    sys.stdin.read()
    """
)


@pytest.fixture
def lock_holder(search_index, settings):
    """Another process holding the index's writer until `release()`."""
    service.embedded_engine().close()  # this process lets go of its own writer first
    if not (search_index / "meta.json").exists():
        service.rebuild()
        service.embedded_engine().close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(search_index)],
        cwd=settings.BASE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"

    class Holder:
        def release(self):
            holder.stdin.close()
            holder.wait(timeout=10)

    yield Holder()
    if holder.poll() is None:
        holder.kill()
        holder.wait()


def test_a_second_writer_waits_a_bounded_time(lock_holder, search_index):
    import time

    engine = EmbeddedEngine(search_index, lock_wait=0.3)
    started = time.monotonic()
    with pytest.raises(IndexBusy):
        engine.delete([1])
    assert time.monotonic() - started < 3
    lock_holder.release()
    engine.delete([1])  # the lock is free: the write lands


def test_a_locked_index_keeps_the_write_and_replays_it(
    rep_client, library, lock_holder, settings, persona, django_capture_on_commit_callbacks
):
    settings.SEARCH_INDEX_LOCK_WAIT = 0.2
    service.embedded_engine_at.cache_clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = create_collateral(title="Zanzibar battlecard", summary="Zanzibar pricing.", personas=[persona])
    assert list(PendingIndexing.objects.values_list("page_id", flat=True)) == [page.pk]
    assert found(rep_client, "frankfurt") == ["Trust overview"]  # readers are not blocked by the lock
    assert found(rep_client, "zanzibar") == []

    lock_holder.release()
    with django_capture_on_commit_callbacks(execute=True):
        create_collateral(title="Yonder deck", summary="Yonder.", personas=[persona])  # the next write replays
    assert not PendingIndexing.objects.exists()
    assert found(rep_client, "zanzibar") == ["Zanzibar battlecard"] and found(rep_client, "yonder") == ["Yonder deck"]


def test_a_rebuild_or_demo_refresh_while_the_site_writes_the_index_hands_the_pages_over(
    rep_client, library, lock_holder, settings, persona, django_capture_on_commit_callbacks, tmp_path
):
    """`load_demo_data --reset` or `rebuild_search_index` while `make run` serves: the running server holds
    the writer. Before, load_demo_data stopped with an IndexBusy traceback. Now every page is kept
    for the writer, which writes them within seconds of its next search."""
    import io

    from django.core.management import call_command

    settings.SEARCH_INDEX_LOCK_WAIT = 0.2
    service.embedded_engine_at.cache_clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = create_collateral(title="Zanzibar battlecard", summary="Zanzibar pricing.", personas=[persona])
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Another process writes the search index" in out.getvalue()
    assert page.pk in set(PendingIndexing.objects.values_list("page_id", flat=True))

    out = io.StringIO()
    # --reset: this site has collateral already, which a plain load would leave as it is.
    call_command("load_demo_data", stdout=out, logins_file=str(tmp_path / "logins.txt"), reset=True)
    assert "the running site writes the search index" in out.getvalue()

    lock_holder.release()  # this test process now stands for the server, which holds the writer
    service.embedded_engine_at.cache_clear()
    service.replay_check["next"] = 0.0
    service.search("anything", exclude_ids=frozenset())  # a search notices the kept pages and replays them
    assert not PendingIndexing.objects.exists()
    assert [hit.title for hit in service.search("zanzibar", exclude_ids=frozenset()).hits] == ["Zanzibar battlecard"]
