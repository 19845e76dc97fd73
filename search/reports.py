"""Search's report for marketing's loop dashboard (content.reports lists it there)."""

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.http import urlencode

from content.reports import ROWS, Report
from home.text import person_name
from search.models import QueryLog


def failed_searches(since):
    """Searches that found nothing useful: no result, or only weak matches (search.QueryLog.weak)."""
    rows = []
    searches = (
        QueryLog.objects.found_nothing_useful()
        .filter(created__gte=since)
        .exclude(query="")
        .values("query")
        .annotate(times=Count("pk"), weak=Count("pk", filter=Q(weak=True)), last=Max("created"))
        .order_by("-times", "-last")[:ROWS]
    )
    people = {}
    for log in (
        QueryLog.objects.found_nothing_useful()
        .filter(created__gte=since, query__in=[s["query"] for s in searches])
        .select_related("user")
    ):
        people.setdefault(log.query, set()).add(person_name(log.user, missing="Former colleague"))
    for search in searches:
        rows.append(
            {
                "query": search["query"],
                "times": search["times"],
                "weak": search["weak"],
                "last": search["last"],
                "who": ", ".join(sorted(people.get(search["query"], ()))),
                "actions": [("Search again", f"{reverse('search')}?{urlencode({'q': search['query']})}", "get")],
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
