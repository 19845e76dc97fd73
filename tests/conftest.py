import shutil
import tempfile
from pathlib import Path

import pytest

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from content.factories import create_collateral, create_document_for
from personas.factories import create_objection, create_persona
from search import service

PASSWORD = "correct horse battery staple"


def pytest_sessionfinish(session, exitstatus):
    """Remove the throwaway media, static and SQLite folders home/settings/test.py made for this
    process (also after an interrupted run, which leaves its test database behind)."""
    for folder in (settings.MEDIA_ROOT, settings.STATIC_ROOT, getattr(settings, "DATABASE_FOLDER", "")):
        if not folder:
            continue
        folder = Path(folder)
        if folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith("commonground-test-"):
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached insights and rate limits must not leak from one test into the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def search_index(settings, tmp_path):
    """Each test gets an empty search index of its own, closed afterwards."""
    settings.SEARCH_INDEX_PATH = tmp_path / "search-index"
    yield settings.SEARCH_INDEX_PATH
    engine = service.embedded_engine_at(str(settings.SEARCH_INDEX_PATH))
    engine.close()
    service.embedded_engine_at.cache_clear()


def make_user(username, group_name=None, **fields):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def rep(db):
    return make_user("rep", settings.SALES_GROUP, first_name="Riley")


@pytest.fixture
def marketer(db):
    return make_user("marketer", settings.MARKETING_GROUP, first_name="Morgan")


@pytest.fixture
def admin_user(db):
    return make_user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def no_role_user(db):
    """A valid login that belongs to no team: may look, may not act."""
    return make_user("visitor")


@pytest.fixture
def objection(db):
    return create_objection("Price is too high", slug="price", synonyms="too pricey, too expensive")


@pytest.fixture
def persona(db):
    return create_persona("CFO", slug="cfo", role="Chief Financial Officer", summary="Owns the budget.")


@pytest.fixture
def collateral(db, persona, objection, marketer):
    document = create_document_for(
        "ROI one-pager", "pdf", ["Customers recover the subscription within seven months on average."]
    )
    return create_collateral(
        title="ROI one-pager",
        summary="What it costs and what it saves.",
        body="<p>Use it when the CFO says it is too expensive.</p>",
        personas=[persona],
        objections=[objection],
        tags=["pricing"],
        documents=[document],
        content_owner=marketer,
    )


def client_for(user):
    """A client of its own per user, so two roles can act in one test."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rep_client(rep):
    return client_for(rep)


@pytest.fixture
def marketer_client(marketer):
    return client_for(marketer)
