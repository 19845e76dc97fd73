"""Two gunicorn nodes, one worker, shared PostgreSQL, Redis, osmem-server and S3 (issue 14).

Each node has its own folders, as two machines would; what one person does on node A, another
sees on node B. The cluster (``tests/deploy/cluster.py``) runs with the production settings and
the repository's ``gunicorn.conf.py``, started once for this module. It needs the PostgreSQL
server at 127.0.0.1:5432 and Redis at 127.0.0.1:6379 (both on every CI machine) on either of
CI's passes, whatever database the rest of the suite uses.
"""

import json
import re
import time

import pytest

from content.files import make_file
from tests.admin_forms import collateral_form_data, objection_form_data
from tests.deploy.cluster import Browser, Cluster


# One cluster for the module. Two xdist workers running this module's tests would start two, which
# share a database name: pass `--dist loadfile` when picking these tests out with `-n` (the full
# run keeps pytest-django's order, transactional tests last, which loadfile would break).
@pytest.fixture(scope="module")
def cluster():
    running = Cluster()
    try:
        running.start()
        yield running
    finally:
        running.stop()


def eventually(probe, timeout=90, every=0.25):
    """``probe()``'s first truthy answer within ``timeout`` seconds (the worker indexes in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = probe()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(every)


def titles_found(browser, text, token):
    response = browser.get("/api/search", params={"q": text}, token=token)
    assert response.status_code == 200, response.text
    return [hit["title"] for hit in response.json()["results"]]


class Ref:
    """Just enough of a model instance for tests/admin_forms.py (which reads ``.pk``)."""

    def __init__(self, pk):
        self.pk = pk


def test_published_on_a_is_found_on_b_and_its_file_downloads_on_b(cluster):
    marketer = Browser(cluster.a).log_in("marketer")
    data = make_file("pdf", "Quetzal proof", ["Quetzalcoatl Freight cut days sales outstanding from 58 to 41."])
    upload = marketer.post(
        "/admin/documents/add/",
        data={"title": "Quetzal proof", "collection": "1"},
        files={"file": ("quetzal-proof.pdf", data, "application/pdf")},
    )
    assert upload.status_code == 302, upload.text[:2000]
    (key,) = [key for key in cluster.bucket_keys() if "quetzal-proof" in key]
    document_id = int(cluster.query("SELECT id FROM content_collateraldocument WHERE title = 'Quetzal proof'")[0][0])

    seeded = cluster.seeded
    form = collateral_form_data(
        "Quetzal battlecard", Ref(seeded["persona"]["id"]), Ref(seeded["objection"]["id"]), Ref(document_id)
    )
    form["summary"] = "Quetzalcoatl Freight answers the cash question."
    created = marketer.post(f"/admin/pages/add/content/collateralpage/{seeded['collateral_index']}/", data=form)
    assert created.status_code == 302, created.text[:2000]

    rep = Browser(cluster.b).log_in("rep")
    token = seeded["tokens"]["rep"]
    assert eventually(lambda: titles_found(rep, "quetzalcoatl", token)) == ["Quetzal battlecard"]
    # Words read from inside the file uploaded on A find it on B too.
    assert "Quetzal battlecard" in eventually(lambda: titles_found(rep, "outstanding 58", token)), cluster.log("worker")

    download = rep.get(f"/documents/{document_id}/quetzal-proof.pdf")
    assert download.status_code == 200 and download.content == data
    assert download.headers["Content-Security-Policy"] == "default-src 'none'"
    # The file lives in the bucket only: on neither node's disk, and no page links to the bucket.
    assert key.endswith(".pdf") and cluster.local_files("a") == [] and cluster.local_files("b") == []
    page = rep.get("/search/", params={"q": "quetzalcoatl"})
    assert page.status_code == 200 and cluster.s3_endpoint not in page.text and "Quetzal battlecard" in page.text
    assert Browser(cluster.b).get(f"/documents/{document_id}/quetzal-proof.pdf").status_code == 302  # login first


def note_count(page_html):
    """The 90-day count shown for the persona's top objection ('Price is too high', the only one), or 0."""
    found = re.search(r"<strong>(\d+)</strong> in the last 90 days", page_html)
    return int(found.group(1)) if found else 0


def test_a_note_filed_on_a_moves_the_persona_page_on_b_at_once(cluster):
    seeded = cluster.seeded
    rep_on_b = Browser(cluster.b).log_in("rep")
    before = rep_on_b.get(seeded["persona"]["url"])
    assert before.status_code == 200
    rep_on_a = Browser(cluster.a)
    note = {"persona": "cfo", "objection": "price", "text": "Too pricey for this quarter", "outcome": "lost"}
    for _ in range(2):
        assert rep_on_a.post("/api/notes", json=note, token=seeded["tokens"]["rep"]).status_code == 201
    after = rep_on_b.get(seeded["persona"]["url"])
    assert note_count(after.text) == note_count(before.text) + 2


def test_a_synonym_added_on_a_finds_on_b(cluster):
    seeded = cluster.seeded
    rep = Browser(cluster.b)
    token = seeded["tokens"]["rep"]
    assert "Price battlecard" not in titles_found(rep, "wallet shock", token)

    marketer = Browser(cluster.a).log_in("marketer")
    form = objection_form_data("Price is too high", "price")
    form["synonyms"] = "too pricey, wallet shock"
    edited = marketer.post(f"/admin/snippets/personas/objection/edit/{seeded['objection']['id']}/", data=form)
    assert edited.status_code == 302, edited.text[:2000]

    assert "Price battlecard" in eventually(lambda: titles_found(rep, "wallet shock", token))


def test_the_notes_rate_limit_holds_across_both_nodes(cluster):
    note = {"persona": "cfo", "objection": "price", "text": "Budget frozen"}
    for user in ["rep2", "rep3"]:  # the limit counts per clock minute: a second user if the minute turned
        if time.time() % 60 > 50:
            time.sleep(61 - time.time() % 60)
        minute = int(time.time() // 60)
        token = cluster.seeded["tokens"][user]
        answers = [
            Browser(cluster.a if number % 2 == 0 else cluster.b).post("/api/notes", json=note, token=token)
            for number in range(14)
        ]
        if int(time.time() // 60) == minute:
            break
    statuses = [answer.status_code for answer in answers]
    assert statuses == [201] * 10 + [429] * 4  # NOTES_API_PER_MINUTE=10 for both nodes together
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 60


def test_admin_has_its_css_health_is_truthful_and_logs_are_json_lines(cluster):
    node = Browser(cluster.a)
    login = node.get("/admin/login/")  # not logged in: static files need no session either
    assert login.status_code == 200
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', login.text)
    assert stylesheets
    for href in stylesheets:
        css = node.get(href)
        assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css"), href
    assert node.get("/healthz").status_code == 200
    assert node.log_in("marketer").get("/admin/").status_code == 200

    ready = eventually(lambda: Browser(cluster.b).get("/readyz").json()["ready"], timeout=20)
    answer = Browser(cluster.b).get("/readyz")
    assert ready and answer.status_code == 200, answer.text
    assert {name: check["status"] for name, check in answer.json()["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "search": "ok",
        "tasks": "ok",
    }

    lines = [json.loads(line) for line in cluster.log("a").splitlines() if line.startswith("{")]
    requests_logged = [line for line in lines if line.get("logger") == "commonground.request"]
    login_post = [line for line in requests_logged if line["path"] == "/login/" and line["method"] == "POST"]
    assert login_post and login_post[0]["status"] == 302 and login_post[0]["duration_ms"] > 0
    assert login_post[-1]["user_id"] and any(line["user_id"] for line in requests_logged if line["path"] == "/admin/")
    assert all({"time", "level", "message"} <= set(line) for line in lines)
    tasks_logged = [json.loads(line) for line in cluster.log("worker").splitlines() if '"commonground.task"' in line]
    assert tasks_logged and all(line["status"] == "succeeded" for line in tasks_logged)
