"""Search's report for marketing's loop dashboard (content.reports lists it there)."""

from django.db.models import Count, Max, Q, Value
from django.db.models.functions import Lower, Replace
from django.urls import reverse
from django.utils.http import urlencode

from content.reports import ROWS, Report
from home.text import person_name
from search.models import QueryLog

# Typed differently, searched alike: case, and curly against straight quotes (phones type curly).
SAME_QUOTES = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}


def said(field="query"):
    """A search's words as the report groups them: lower-cased, quotes straightened."""
    expression = field
    for curly, straight in SAME_QUOTES.items():
        expression = Replace(expression, Value(curly), Value(straight))
    return Lower(expression)


def failed_searches(since):
    """Searches that found nothing useful: no result, or only weak matches (search.QueryLog.weak).
    One row per search however it was typed (`said`), shown as one of the ways it was."""
    rows = []
    failed = QueryLog.objects.found_nothing_useful().filter(created__gte=since).exclude(query="").annotate(said=said())
    searches = (
        failed.values("said")
        .annotate(shown=Max("query"), times=Count("pk"), weak=Count("pk", filter=Q(weak=True)), last=Max("created"))
        .order_by("-times", "-last")[:ROWS]
    )
    people = {}
    for log in failed.filter(said__in=[s["said"] for s in searches]).select_related("user"):
        people.setdefault(log.said, set()).add(person_name(log.user, missing="Former colleague"))
    for search in searches:
        rows.append(
            {
                "query": search["shown"],
                "times": search["times"],
                "weak": search["weak"],
                "last": search["last"],
                "who": ", ".join(sorted(people.get(search["said"], ()))),
                "actions": [("Search again", f"{reverse('search')}?{urlencode({'q': search['shown']})}", "get")],
            }
        )
    return Report(
        "searches",
        "Searches that found nothing useful",
        "The last 90 days, most frequent first, with who searched: no result at all, or only weak guesses.",
        [
            ("query", "Search"),
            ("times", "Times"),
            ("last", "Last"),
            ("who", "Who searched"),
            ("weak", "Of which only weak matches"),
        ],
        rows,
    )
