"""What a persona objects to now, computed from reps' notes and one-click feedback.

Cached per persona and day; any change that could alter it (a note, feedback, the taxonomy,
collateral going live or away) moves the shared version on, so a new note shows at once in
every worker without a nightly job. The cache is shared by everyone, so it holds every
candidate asset; which of them a person sees (Wagtail's page view restrictions) is decided
per request, after the cache (``persona_insights``).
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from content import effectiveness
from home import versions
from personas.models import Objection, ObjectionNote, Outcome

WINDOW = datetime.timedelta(days=90)
QUOTES_SHOWN = 3
TOP_ASSETS = 3
CHART_WEEKS = 12
CHART_SERIES = 5  # the most frequent objections get a colour each; the rest are "Other"
CACHE_SECONDS = 60 * 60 * 24


@dataclass
class AssetRecord:
    """An asset that answers an objection, with its content.effectiveness record (the figure and
    words every screen shows: `effect.label`)."""

    id: int
    external_id: str | None
    title: str
    url: str
    effect: effectiveness.Effectiveness

    @property
    def helped(self):
        return self.effect.helped

    @property
    def not_helped(self):
        return self.effect.not_helped

    @property
    def rate(self):
        return self.effect.rate

    @property
    def answers(self):
        return self.effect.answers


@dataclass
class ObjectionInsight:
    slug: str
    name: str
    talk_track: str
    count_90d: int
    count_prev_90d: int
    count_all: int
    lost_90d: int
    quotes: list = field(default_factory=list)
    ranked_assets: list = field(default_factory=list)  # every candidate, best first (shared, cached)
    top_assets: list = field(default_factory=list)  # the first few the request may view (per request)

    @property
    def change(self):
        return self.count_90d - self.count_prev_90d

    @property
    def lost_share(self):
        """Share of the last 90 days' notes on this objection whose deal was lost (None: no notes)."""
        return round(self.lost_90d / self.count_90d, 3) if self.count_90d else None


@dataclass
class Insights:
    objections: list
    chart: dict


def version():
    """The shared version insights are cached under: the assets' helped figures' one
    (home/versions.py says what moves it on)."""
    return versions.current(versions.FIELD_RECORDS)


def persona_insights(persona, hidden_ids, today=None):
    """What `persona` objects to now, as one person may see it: an Insights whose objections'
    `top_assets` are the best TOP_ASSETS assets not in `hidden_ids` (usually
    ``home.visibility.hidden_page_ids(request)``; ``frozenset()`` when no person's view is
    involved). Filtered after the shared cache, so one person's view is never cached for another.
    """
    shared = shared_insights(persona, today)
    objections = [
        dataclasses.replace(
            item, top_assets=[asset for asset in item.ranked_assets if asset.id not in hidden_ids][:TOP_ASSETS]
        )
        for item in shared.objections
    ]
    add_urls([asset for item in objections for asset in item.top_assets if not asset.url])
    return dataclasses.replace(shared, objections=objections)


def shared_insights(persona, today=None):
    """The cached Insights every person's view is made from; every candidate asset, no top_assets."""
    today = today or timezone.localdate()
    key = f"persona-insights:{persona.pk}:{version()}:{today.isoformat()}"
    insights = cache.get(key)
    if insights is None:
        insights = compute(persona, today)
        cache.set(key, insights, CACHE_SECONDS)
    return insights


def compute(persona, today):
    now = timezone.now()
    start, previous_start = now - WINDOW, now - 2 * WINDOW
    notes = ObjectionNote.objects.visible().filter(persona=persona)
    rows = (
        notes.order_by()
        .values("objection")
        .annotate(
            count_all=Count("pk"),
            count_90d=Count("pk", filter=Q(created__gte=start)),
            count_prev_90d=Count("pk", filter=Q(created__gte=previous_start, created__lt=start)),
            lost_90d=Count("pk", filter=Q(created__gte=start, outcome=Outcome.LOST)),
        )
    )
    objections = {objection.pk: objection for objection in Objection.objects.filter(notes__persona=persona).distinct()}
    insights = {
        row["objection"]: ObjectionInsight(
            slug=objections[row["objection"]].slug,
            name=objections[row["objection"]].name,
            talk_track=objections[row["objection"]].talk_track,
            count_90d=row["count_90d"],
            count_prev_90d=row["count_prev_90d"],
            count_all=row["count_all"],
            lost_90d=row["lost_90d"],
        )
        for row in rows
        if row["objection"] in objections
    }
    add_quotes(notes, insights)
    add_top_assets(persona, notes, insights, today)
    ranked = sorted(insights.values(), key=lambda item: (-item.count_90d, -item.count_all, item.name))
    return Insights(objections=ranked, chart=weekly_chart(notes, ranked, today))


def add_quotes(notes, insights):
    """The latest few notes per objection, in one query."""
    latest = (
        notes.select_related("author")
        .annotate(
            position=Window(RowNumber(), partition_by=F("objection"), order_by=(F("created").desc(), F("pk").desc()))
        )
        .filter(position__lte=QUOTES_SHOWN)
        .order_by("objection", "position")
    )
    for note in latest:
        if note.objection_id in insights:
            insights[note.objection_id].quotes.append(
                {
                    "text": note.text,
                    "author": note.author_name,
                    "created": note.created,
                    "outcome": note.outcome,
                    "outcome_label": note.get_outcome_display(),
                }
            )


def add_top_assets(persona, notes, insights, today):
    """Per objection, the live assets that answer it, best first: those tagged with it and those
    this persona's reps used against it, ordered as search orders near-equals (helped rate and
    freshness from content.effectiveness: the asset's one figure, from every note and click)."""
    from content.models import CollateralPage

    used = notes.filter(collateral__live=True).order_by().values_list("objection", "collateral").distinct()
    tagged = CollateralPage.objects.live().filter(objections__in=list(insights)).values_list("pk", "objections")
    per_objection = {}
    for objection_id, page_id in [*((o, p) for p, o in tagged), *used]:
        per_objection.setdefault(objection_id, set()).add(page_id)
    page_ids = {page_id for pages in per_objection.values() for page_id in pages}
    live = CollateralPage.objects.live().filter(pk__in=page_ids)
    details = {row["pk"]: row for row in live.values("pk", "title", "external_id")}
    effects = effectiveness.for_pages(sorted(details), today=today)
    for objection_id, assets in per_objection.items():
        if objection_id not in insights:
            continue
        records = [
            AssetRecord(
                id=page_id,
                external_id=details[page_id]["external_id"],
                title=details[page_id]["title"],
                url="",
                effect=effects[page_id],
            )
            for page_id in assets
            if page_id in details
        ]
        records.sort(key=lambda record: (-record.effect.factor, -record.helped, record.title, record.id))
        insights[objection_id].ranked_assets = records
    # Page objects (for their URLs) only for the few usually shown, not for every candidate; a
    # request that may not view one of them fills in the next ones' (persona_insights).
    add_urls([record for insight in insights.values() for record in insight.ranked_assets[:TOP_ASSETS]])


def add_urls(records):
    """Set each AssetRecord's url from its page, in one query."""
    from content.models import CollateralPage

    if not records:
        return
    urls = {page.pk: page.url for page in CollateralPage.objects.filter(pk__in={record.id for record in records})}
    for record in records:
        record.url = urls.get(record.id) or ""


def weekly_chart(notes, ranked, today):
    """Notes per week (Monday to Sunday) for the last CHART_WEEKS weeks, stacked by objection."""
    monday = today - datetime.timedelta(days=today.weekday())
    weeks = [monday - datetime.timedelta(weeks=n) for n in reversed(range(CHART_WEEKS))]
    series = [item.slug for item in ranked[:CHART_SERIES]]
    names = {item.slug: item.name for item in ranked}
    counts = {}
    rows = (
        notes.filter(created__date__gte=weeks[0])
        .annotate(day=TruncDate("created"))
        .order_by()
        .values("day", "objection__slug")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        week = row["day"] - datetime.timedelta(days=row["day"].weekday())
        slug = row["objection__slug"] if row["objection__slug"] in series else "other"
        counts[(week, slug)] = counts.get((week, slug), 0) + row["n"]
    keys = series + (["other"] if any(slug == "other" for _week, slug in counts) else [])
    return chart_geometry(
        weeks,
        [{"slug": slug, "name": names.get(slug, "Other objections")} for slug in keys],
        [[counts.get((week, slug), 0) for slug in keys] for week in weeks],
    )


# Chart drawing, in SVG user units; the template scales it to the column's width.
CHART_WIDTH, CHART_HEIGHT, AXIS = 480, 160, 24
COLOURS = ["#1d4ed8", "#b45309", "#047857", "#9333ea", "#be123c", "#6b7280"]


def chart_geometry(weeks, series, counts):
    """Stacked bars, one per week: everything the template needs to draw it, and to read it out."""
    for number, item in enumerate(series):
        item["colour"] = COLOURS[number] if item["slug"] != "other" else COLOURS[-1]
    highest = max([sum(week) for week in counts] + [1])
    slot = (CHART_WIDTH - AXIS) / len(weeks)
    bars = []
    for number, (week, values) in enumerate(zip(weeks, counts, strict=True)):
        x, bottom, segments = AXIS + number * slot + slot * 0.15, CHART_HEIGHT - AXIS, []
        for item, value in zip(series, values, strict=True):
            if value:
                height = value / highest * (CHART_HEIGHT - 2 * AXIS)
                bottom -= height
                segments.append({"y": round(bottom, 1), "height": round(height, 1), "value": value, **item})
        bars.append(
            {
                "week": week,
                "x": round(x, 1),
                "width": round(slot * 0.7, 1),
                "total": sum(values),
                "segments": segments,
                "label_x": round(x + slot * 0.35, 1),
                "values": values,
            }
        )
    return {
        "weeks": weeks,
        "series": series,
        "counts": counts,
        "bars": bars,
        "highest": highest,
        "total": sum(map(sum, counts)),
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": CHART_HEIGHT - AXIS,
        "top": AXIS,
    }
