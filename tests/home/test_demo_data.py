"""The demo data command, and a crawl of every page of the demo site as each role."""

import datetime
import io
import logging
import re
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content.models import CollateralDocument, CollateralEvent, CollateralPage
from content.reports import all_reports
from personas.merging import merge_objections
from personas.models import Objection, ObjectionNote, PersonaPage
from search import service

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="([^"]+)"')
NOT_CRAWLED = ("/admin/", "/logout/", "/static/")


def load_demo(logins):
    output = io.StringIO()
    call_command("load_demo_data", logins_file=str(logins), stdout=output)
    return output.getvalue()


@pytest.fixture
def demo(tmp_path):
    logins = tmp_path / "logins.txt"
    output = load_demo(logins)
    assert "Demo data ready: 6 personas, 12 objections, 40 collateral items, 150 notes; 40 items" in output
    return logins


def counts():
    return {
        "personas": PersonaPage.objects.count(),
        "objections": Objection.objects.count(),
        "collateral": CollateralPage.objects.count(),
        "documents": CollateralDocument.objects.count(),
        "notes": ObjectionNote.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_demo_has_the_promised_size_and_runs_again_without_duplicates(demo, tmp_path):
    first = counts()
    assert first["personas"] >= 6 and first["objections"] >= 12
    assert first["collateral"] >= 40 and first["notes"] >= 150
    assert all(objection.synonym_list for objection in Objection.objects.all())

    load_demo(demo)
    assert counts() == first


def test_a_second_run_keeps_what_people_changed_and_reset_puts_the_demo_back(demo, django_capture_on_commit_callbacks):
    """`make run` loads the demo each time it starts the site: a marketer's published edit, a new
    slug, a talk track, a rep's note, a deleted page and a merged objection must survive it (the
    newcomer's edit was undone; a trial found a renamed page doubled); --reset puts the demo back."""
    page = CollateralPage.objects.get(title="Revenue leakage benchmark report")
    page.summary = "Zanzibarite: our own numbers."
    page.slug = "leakage-report-2026"
    with django_capture_on_commit_callbacks(execute=True):  # indexed as the site does, after the commit
        page.save_revision().publish()
    Objection.objects.filter(slug="price").update(talk_track="<p>Our own talk track.</p>")
    note = ObjectionNote.objects.get(external_id="demo-note-001")
    ObjectionNote.objects.filter(pk=note.pk).update(text="What the rep wrote after the call.")
    persona = PersonaPage.objects.get(slug="cfo")
    persona.title = "Chief Financial Officer (renamed)"
    persona.save_revision().publish()
    CollateralPage.objects.get(title="Discovery call guide").delete()
    merge_objections(Objection.objects.get(slug="not-priority"), Objection.objects.get(slug="price"))
    before = counts()

    output = load_demo(demo)
    assert "kept as it is" in output and "rep" in output  # the logins are printed again
    assert counts() == before
    assert CollateralPage.objects.get(pk=page.pk).summary == "Zanzibarite: our own numbers."
    assert CollateralPage.objects.filter(title=page.title).count() == 1
    assert [hit.title for hit in service.search("zanzibarite", exclude_ids=frozenset()).hits] == [page.title]
    assert Objection.objects.get(slug="price").talk_track == "<p>Our own talk track.</p>"
    assert ObjectionNote.objects.get(pk=note.pk).text == "What the rep wrote after the call."
    assert PersonaPage.objects.get(slug="cfo").title == "Chief Financial Officer (renamed)"
    assert not CollateralPage.objects.filter(title="Discovery call guide").exists()
    assert not Objection.objects.filter(slug="not-priority").exists()

    call_command("load_demo_data", logins_file=str(demo), reset=True, stdout=io.StringIO())
    assert Objection.objects.get(slug="price").talk_track != "<p>Our own talk track.</p>"
    assert ObjectionNote.objects.get(pk=note.pk).text != "What the rep wrote after the call."
    assert PersonaPage.objects.get(slug="cfo").title == "CFO"
    assert CollateralPage.objects.filter(title="Discovery call guide").exists()


def test_demo_notes_do_not_repeat_word_for_word_on_a_persona_page(demo):
    from django.db.models import Count

    repeats = ObjectionNote.objects.values("persona", "text").annotate(times=Count("pk")).filter(times__gt=1)
    assert not list(repeats)
    texts = list(ObjectionNote.objects.values_list("text", flat=True))
    assert len(set(texts)) >= 0.95 * len(texts)


def test_demo_notes_keep_names_and_acronyms_as_written(demo):
    """A quote read on after a lead ("Second call: ") starts lower-case, but "GDPR", "CISO",
    "OrbitPay" and "I" keep their capitals."""
    texts = list(ObjectionNote.objects.values_list("text", flat=True))
    assert any(": our " in text or ": the " in text for text in texts)  # the lead's rule still applies
    for wrong in ("gDPR", "cISO", "orbitPay", ": iT ", ": i need"):
        assert not [text for text in texts if wrong in text]
    assert any(": GDPR deletion" in text for text in texts)


def test_demo_files_are_real_and_their_text_is_read(demo):
    extensions = set()
    for document in CollateralDocument.objects.all():
        extensions.add(document.file_extension)
        assert document.extraction_error == "", document.title
        assert document.title in document.extracted_text
    assert {"pdf", "docx", "pptx", "xlsx"} <= extensions


def test_demo_notes_differ_visibly_by_persona_and_objection(demo):
    per_persona = {p.slug: ObjectionNote.objects.filter(persona=p).count() for p in PersonaPage.objects.all()}
    assert len(set(per_persona.values())) >= 4, per_persona
    top = [row["count"] for row in ObjectionNote.objects.filter(persona__slug="cfo").counts_by_objection()]
    assert top[0] >= 2 * top[-1], top


def test_demo_logins_work_and_survive_a_second_run(demo, tmp_path):
    passwords = dict(line.split(" ", 1) for line in demo.read_text().splitlines())
    assert set(passwords) == {"admin", "marketer", "rep"}
    load_demo(demo)
    for username, password in passwords.items():
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": password})
        assert response.status_code == 302 and response.url == "/", username


def test_the_login_link_names_the_port_the_site_is_served_on(demo):
    out = io.StringIO()
    call_command("load_demo_data", logins_file=str(demo), port=8123, stdout=out)
    assert "Log in at http://127.0.0.1:8123/login/ with:" in out.getvalue()


def test_demo_data_is_refused_where_not_allowed(settings, tmp_path):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("load_demo_data", logins_file=str(tmp_path / "x.txt"))
    assert not get_user_model().objects.filter(username="rep").exists()


def crawl(client, start="/"):
    """Follow every same-site link from the start page; return {url: status}."""
    seen, queue = {}, [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            for href in LINK.findall(response.content.decode()):
                href = urldefrag(urljoin(url, href.replace("&amp;", "&")))[0]
                parsed = urlparse(href)
                if parsed.scheme or parsed.netloc or href.startswith(NOT_CRAWLED):
                    continue
                queue.append(href)
    return seen


@pytest.mark.parametrize("username", ["rep", "marketer", "admin"])
def test_crawl_every_page_as_each_role(demo, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))

    statuses = crawl(client)

    errors = {url: status for url, status in statuses.items() if status >= 400}
    assert not errors
    pages = [url for url in statuses if url.startswith(("/collateral/", "/personas/"))]
    assert len(pages) >= 46, "every persona and collateral page is reachable"
    assert sum(url.startswith("/documents/") for url in statuses) >= 40, "every file downloads"
    assert any("page=2" in url for url in statuses), "paginated lists are followed"


def test_crawl_as_logged_in_user_without_a_role_and_as_anonymous(demo, no_role_user):
    client = Client()
    client.force_login(no_role_user)
    statuses = crawl(client)
    assert not {url: status for url, status in statuses.items() if status >= 400}
    assert reverse("note_create") not in statuses, "no 'File a note' link for someone who may not file one"

    anonymous = Client()
    for url in statuses:
        response = anonymous.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_the_demo_leaves_the_search_index_built_so_nothing_warns(demo, caplog):
    """The first `make run` loads the demo into a new site: no "search index missing" on the way,
    nor on the first search after it."""
    warnings = [r.getMessage() for r in caplog.get_records("setup") if r.levelno >= logging.WARNING]
    assert not [message for message in warnings if "index" in message.lower()], warnings
    assert service.embedded_engine().count() == CollateralPage.objects.live().count()
    caplog.clear()
    rep_client = Client()
    rep_client.force_login(get_user_model().objects.get(username="rep"))  # the demo's rep
    with caplog.at_level(logging.WARNING):
        page = rep_client.get("/search/", {"q": "price"})
    assert page.status_code == 200 and "The search index is" not in page.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "index" in r.getMessage().lower()]


def test_the_demo_has_believable_usage_so_few_assets_look_unused(demo):
    """Views, downloads and feedback over the last 90 days for most assets: the dashboard's
    "Assets past review or unused" lists a few, not nearly all; a second run adds no events."""
    since = timezone.now() - datetime.timedelta(days=90)
    recent = CollateralEvent.objects.filter(created__gte=since)
    live = CollateralPage.objects.live().count()
    viewed = recent.filter(type=CollateralEvent.Type.VIEW).values("collateral").distinct().count()
    assert viewed >= 0.8 * live, (viewed, live)
    assert {"view", "download", "helped"} <= set(recent.values_list("type", flat=True))
    assert not CollateralEvent.objects.filter(created__gt=timezone.now()).exists()
    (neglected,) = [report for report in all_reports() if report.slug == "neglected"]
    unused = [row for row in neglected.rows if "No views in 90 days" in row["why"]]
    assert 1 <= len(unused) <= 0.15 * live, [row["asset"] for row in unused]
    assert len(neglected.rows) <= 0.3 * live

    before = CollateralEvent.objects.count()
    load_demo(demo)
    assert CollateralEvent.objects.count() == before
