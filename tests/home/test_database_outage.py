"""A database that does not answer: 503 with Retry-After (JSON or plain text), never an HTML 500;
liveness stays 200 and readiness says which part failed.

The outage is real: the site's connection is pointed at a PostgreSQL address where nothing listens.
"""

import json
import logging
import socket

import pytest

from django.db import connections
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test import Client

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is


@pytest.fixture
def database_down(monkeypatch):
    """Every connection, in this thread and in the threads readiness uses, goes to a closed port."""
    down = {
        **connections["default"].settings_dict,
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": str(closed_port()),
        "NAME": "nowhere",
        "USER": "postgres",
        "PASSWORD": "",
        "OPTIONS": {"connect_timeout": 2},
        "CONN_MAX_AGE": 0,
        "TEST": {},
    }
    working = connections["default"]
    monkeypatch.setitem(connections.__dict__, "settings", {**connections.settings, "default": down})
    connections["default"] = DatabaseWrapper(down, "default")
    yield
    connections["default"].close()
    connections["default"] = working


def test_a_page_and_the_api_answer_503_with_retry_after_and_one_warning_line(rep, database_down, caplog):
    client = Client(raise_request_exception=False)
    # The session cookie names a session the database must be asked about.
    client.cookies["sessionid"] = "a" * 32
    with caplog.at_level(logging.INFO):
        page = client.get("/search/?q=roi")
        api = client.get("/api/search?q=roi")
    assert page.status_code == 503 and page["Content-Type"].startswith("text/plain")
    assert int(page["Retry-After"]) > 0 and "database is not answering" in page.text
    assert api.status_code == 503 and api.json()["error"].startswith("The database is not answering")
    assert int(api["Retry-After"]) > 0

    outage = [record for record in caplog.records if record.name == "commonground.database"]
    assert len(outage) == 2 and all(record.levelno == logging.WARNING and not record.exc_info for record in outage)
    assert "GET /search/ answered 503 (OperationalError" in outage[0].getMessage()
    assert not [record for record in caplog.records if record.name == "django.request"]  # no traceback at ERROR
    lines = [record for record in caplog.records if record.name == "commonground.request"]
    assert [(record.status, record.path) for record in lines] == [(503, "/search/"), (503, "/api/search")]


def test_liveness_stays_200_and_readiness_says_the_database_failed(database_down):
    client = Client(raise_request_exception=False)
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and int(ready["Retry-After"]) > 0
    answer = json.loads(ready.content)
    assert answer["ready"] is False and answer["checks"]["database"]["status"] == "failing"
    assert answer["checks"]["cache"]["status"] == "ok"
    text = client.get("/readyz", HTTP_ACCEPT="text/plain")
    assert text.status_code == 503 and text.text.startswith("not ready\n") and "database: failing" in text.text


def test_readiness_is_200_when_everything_answers(collateral, django_capture_on_commit_callbacks):
    from search import service

    service.rebuild()
    answer = Client().get("/readyz")
    assert answer.status_code == 200, answer.content
    assert {name: check["status"] for name, check in answer.json()["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "search": "ok",
        "tasks": "ok",
    }


def test_readiness_fails_when_the_search_index_is_short(collateral, admin_user):
    from search import service

    service.embedded_engine().rebuild([])  # a new node's empty index, or a restore without a rebuild
    operator = Client()
    operator.force_login(admin_user)  # the figures are for operators (tests/security/test_leftover_leaks.py)
    answer = operator.get("/readyz").json()
    assert answer["ready"] is False
    assert answer["checks"]["search"] == {
        "status": "failing",
        "detail": "the index holds 0 of 1 live collateral pages; run manage.py rebuild_search_index",
        "ms": answer["checks"]["search"]["ms"],
    }
