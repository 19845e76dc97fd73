"""Log lines people can use: one per request with its duration and user, JSON when asked, and one
warning line (no traceback) per search the server could not answer."""

import json
import logging
import socket

import pytest
from pythonjsonlogger.json import JsonFormatter

from home.settings.deploy import logging_from_env
from search import service

pytestmark = pytest.mark.django_db


def test_one_line_per_request_with_status_duration_and_user(rep_client, rep, caplog):
    with caplog.at_level(logging.INFO, logger="commonground.request"):
        rep_client.get("/search/", {"q": "roi"})
    (line,) = [record for record in caplog.records if record.name == "commonground.request"]
    assert (line.method, line.path, line.status, line.user_id) == ("GET", "/search/", 200, rep.pk)
    assert (
        line.duration_ms > 0
        and line.getMessage().startswith("GET /search/ 200 ")
        and f"user={rep.pk}" in line.getMessage()
    )


def test_json_lines_carry_time_level_and_the_event_fields():
    declared = logging_from_env({"LOG_FORMAT": "json"})["formatters"]["json"]
    assert declared["()"] == "pythonjsonlogger.json.JsonFormatter"
    formatter = JsonFormatter(declared["format"], rename_fields=declared["rename_fields"])
    record = logging.LogRecord("commonground.request", logging.INFO, __file__, 1, "GET / 200 1.0ms user=-", (), None)
    record.duration_ms, record.user_id = 1.0, None
    line = json.loads(formatter.format(record))
    assert line["level"] == "INFO" and line["logger"] == "commonground.request" and line["time"]
    assert line["message"] == "GET / 200 1.0ms user=-" and line["duration_ms"] == 1.0 and line["user_id"] is None


def test_a_degraded_search_logs_one_warning_line_without_a_traceback(settings, collateral, caplog):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.SEARCH_ENGINE = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed}"
    settings.ELASTICSEARCH_PLAIN_JSON = True
    service.embedded_engine().rebuild(service.all_documents())
    with caplog.at_level(logging.WARNING, logger="search.service"):
        results = service.search("roi", exclude_ids=frozenset())
    assert [hit.title for hit in results.hits] == ["ROI one-pager"] and results.notice
    (warning,) = [record for record in caplog.records if record.name == "search.service"]
    assert warning.exc_info is None and "\n" not in warning.getMessage()
    assert warning.getMessage().startswith("Search server failed (ConnectionError")
