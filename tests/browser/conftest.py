"""Playwright for Python driving Debian's chromium against a live Django server.

Never `playwright install`: the browser is the system's /usr/bin/chromium
(override with CHROMIUM_PATH). scripts/ensure-chromium installs it for `make test`.
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"critical", "serious"}
SETTLED = """() =>
    document.getAnimations().every((animation) => animation.playState !== "running")
    && [...document.querySelectorAll(".messages, .messages li")].every(
        (element) => getComputedStyle(element).opacity === "1"
    )"""


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Debian's chromium is missing at {CHROMIUM}; run scripts/ensure-chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def migrated_data(django_db_setup, django_db_blocker):
    """What the migrations put in the database (Wagtail's root page and locale, our site and groups)."""
    with django_db_blocker.unblock():
        return connections[DEFAULT_DB_ALIAS].creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def keep_migrated_data(migrated_data, transactional_db):
    """Let serialized_rollback restore the migrated data after each browser test's flush.

    pytest-django keeps that data on the connection object it set the database up with, but
    under Playwright's event loop Django hands out other (context-local) connection objects,
    at setup and at the flush after the test alike. Without the data the flush re-creates
    content types that the next restore then inserts again. So every connection object of
    this database is given it, through its class (there is one database in the tests).

    Restoring builds Wagtail pages, whose constructor looks up its content type and creates it
    when Django has not cached it yet; the restore then inserts the same content type again.
    So every content type is cached while the database still holds them all.
    """
    wrapper = type(connections[DEFAULT_DB_ALIAS])
    if not hasattr(wrapper, "_test_serialized_contents"):
        wrapper._test_serialized_contents = migrated_data
    ContentType.objects.get_for_models(*apps.get_models(), for_concrete_models=False)
    yield
    ContentType.objects.get_for_models(*apps.get_models(), for_concrete_models=False)


# Every page reports what its Content-Security-Policy blocked; Chromium also says "Refused to …".
REPORT_CSP_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) => {
    console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`
        + ` in ${event.sourceFile || document.URL}:${event.lineNumber}`);
});"""


def is_csp_violation(message):
    text = message.text
    return text.startswith(("CSP violation:", "Refused to")) or "Content Security Policy" in text


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh browser contexts; afterwards, no page may have had anything blocked by its CSP."""
    contexts = []
    csp_violations = []

    def open_page(width=1280, height=900):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, reduced_motion="reduce"
        )
        context.set_default_timeout(15_000)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on(
            "console",
            lambda message: is_csp_violation(message) and csp_violations.append(f"{message.page.url}: {message.text}"),
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    # Let requests the pages still have in flight finish, so the live server does not write into
    # the database while the test's flush empties it.
    for context in contexts:
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


_axe = Axe()


def assert_accessible(page):
    """No critical or serious axe-core violation on the page, once its animations have finished."""
    page.evaluate("Promise.all(document.getAnimations().map((animation) => animation.finished))")
    # Wagtail's messages fade in once its scripts have run (ignoring reduced motion), so a
    # fade can begin after the wait above; judge the page when they are fully shown.
    page.wait_for_function(SETTLED)
    violations = [v for v in _axe.run(page).response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(
        f"{v['impact']}: {v['id']} — {v['help']}\n"
        + "\n".join(f"    {n['target'][0]}: {n['failureSummary'].splitlines()[-1].strip()}" for n in v["nodes"][:4])
        for v in violations
    )
    assert not violations, f"{page.url}\n{report}"


def assert_fits_width(page):
    """Nothing sticks out sideways: the page needs no horizontal scrolling."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


# The two widths every daily-experience page is tried at: a phone and a laptop.
WIDTHS = pytest.mark.parametrize("width", [375, 1280], ids=["phone", "desktop"])


def check(page, width):
    """axe finds no serious or critical violation, and at phone width nothing scrolls sideways."""
    assert_accessible(page)
    if width <= 375:
        assert_fits_width(page)


def log_in(page, username, password=PASSWORD, start="/"):
    page.goto(start)
    assert "/login/" in page.url, "anonymous visitors are sent to the login page"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
