"""How well each asset works in the field: the one place its helped figure, freshness and usage come from.

An asset's helped figure counts two kinds of answer, each once:

- a visible objection note that names the asset and says whether it helped (yes / no; "don't
  know" and hidden notes do not count), from any persona;
- a one-click "It helped" / "It did not help" on the asset's page (`CollateralEvent`).

Search (re-ranking and the hits), persona insights, the asset page, the loop dashboard and
the usage panel all read `for_pages`, and show `Effectiveness.label`, so one asset shows one
figure in the same words everywhere. Nothing here is stored in a search index: a review-by
date that passes tonight demotes the asset tomorrow, and a new note needs no re-index.

Ranking rule (DESIGN.md "Ranking"): text relevance first; the smoothed helped rate and
freshness multiply it by a factor between 0.9 and 1.1, so they reorder near-equals only; an
asset past its review-by date is multiplied by STALE_FACTOR: demoted, never hidden.
"""

import datetime
import threading
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from content.models import CollateralEvent, CollateralPage, past_review
from home import versions
from personas.models import Helped, ObjectionNote

HELPED_WEIGHT = 0.2  # the helped rate moves relevance by at most ±10 % (0.9 never helped … 1.1 always)
STALE_FACTOR = 0.7  # past review-by: clearly demoted, never hidden
PRIOR = 1  # smoothing: one imagined "helped" and one "did not help" answer for every asset
USAGE_WINDOWS = (30, 90)  # days, for the usage panel and the admin listing
# Each asset's counts and review-by date are kept in each process's memory under the shared
# version home.versions.FIELD_RECORDS (as search.taxonomy keeps the taxonomy), which persona
# insights share; home/versions.py says what moves it on, and every process then starts afresh.
RECORDS_KEPT = 100_000  # records a process keeps for one version at most (about 150 bytes each)


def smoothed_helped_rate(helped, not_helped, prior=PRIOR):
    """Share of "helped" answers (0..1), pulled towards one half so one answer does not decide it:
    (helped + prior) / (answers + 2 × prior). A new asset is 0.5, neither buried nor boosted."""
    return (helped + prior) / (helped + not_helped + 2 * prior)


def helped_label(helped, not_helped):
    """The words every screen uses for an asset's helped figure: "Helped 3 of 4 times", or
    "No feedback yet" when nobody answered."""
    answers = helped + not_helped
    if not answers:
        return "No feedback yet"
    return f"Helped {helped} of {answers} time{'s' if answers != 1 else ''}"


@dataclass(frozen=True)
class Effectiveness:
    """One asset's field record on one day.

    helped / not_helped: counts of answers (notes and one-click feedback, see the module's
    docstring); review_by: the asset's review-by date or None; today: the day it was read for.
    """

    page_id: int
    helped: int = 0
    not_helped: int = 0
    review_by: datetime.date | None = None
    today: datetime.date | None = None

    @property
    def answers(self):
        return self.helped + self.not_helped

    @property
    def rate(self):
        """Smoothed helped rate, 0..1 (0.5 with no answers)."""
        return smoothed_helped_rate(self.helped, self.not_helped)

    @property
    def stale(self):
        """Past its review-by date (the day after the date, in the site's time zone)."""
        return past_review(self.review_by, self.today)

    @property
    def factor(self):
        """What text relevance is multiplied by: 0.9..1.1 from the helped rate, × STALE_FACTOR if stale."""
        helped = 1 - HELPED_WEIGHT / 2 + HELPED_WEIGHT * self.rate
        return helped * (STALE_FACTOR if self.stale else 1.0)

    @property
    def label(self):
        """ "Helped 3 of 4 times" / "No feedback yet": the same words on every screen."""
        return helped_label(self.helped, self.not_helped)

    @property
    def rate_percent(self):
        """The smoothed rate as "67 %"-style text, for sorting columns that show it next to `label`."""
        return f"{self.rate:.0%}"


def helped_counts(page_ids=None, since=None):
    """{page id: (helped, did not help)} from visible notes and one-click feedback, in two
    aggregate queries. `page_ids`: these pages (an iterable of ints) or None for all;
    `since`: an aware datetime, to count only answers given from then on (None: all time)."""
    events = CollateralEvent.objects.filter(type__in=CollateralEvent.FEEDBACK)
    notes = ObjectionNote.objects.visible().filter(helped__in=(Helped.YES, Helped.NO)).exclude(collateral=None)
    if page_ids is not None:
        page_ids = list(page_ids)
        events = events.filter(collateral__in=page_ids)
        notes = notes.filter(collateral__in=page_ids)
    if since is not None:
        events = events.filter(created__gte=since)
        notes = notes.filter(created__gte=since)
    counts = {}
    for row in (
        events.order_by()
        .values("collateral")
        .annotate(
            yes=Count("pk", filter=Q(type=CollateralEvent.Type.HELPED)),
            no=Count("pk", filter=Q(type=CollateralEvent.Type.NOT_HELPED)),
        )
    ):
        counts[row["collateral"]] = (row["yes"], row["no"])
    for row in (
        notes.order_by()
        .values("collateral")
        .annotate(yes=Count("pk", filter=Q(helped=Helped.YES)), no=Count("pk", filter=Q(helped=Helped.NO)))
    ):
        yes, no = counts.get(row["collateral"], (0, 0))
        counts[row["collateral"]] = (yes + row["yes"], no + row["no"])
    return counts


def read_records(page_ids):
    """{page id: (helped, not_helped, review_by)} from the database, in three queries whatever the
    number of ids (feedback clicks, notes, review-by dates); uncached."""
    counts = helped_counts(page_ids)
    review_by = dict(CollateralPage.objects.filter(pk__in=page_ids).values_list("pk", "review_by"))
    return {pk: (*counts.get(pk, (0, 0)), review_by.get(pk)) for pk in page_ids}


_records = (None, {})  # (version, {page id: (helped, not_helped, review_by)}) read by this process
_records_lock = threading.Lock()


def records(page_ids):
    """{page id: (helped, not_helped, review_by)} for every id given (a list of ints, no repeats).

    Records read so far are kept in this process's memory under the shared version (one small
    cache read per call, home/versions.py); the assets it lacks cost three queries together,
    whatever their number (`read_records`), and are added. A search re-ranks 200 candidates, so a
    shared cache entry holding every record (unpickled on each search) cost more than it saved."""
    global _records
    version = versions.current(versions.FIELD_RECORDS)
    kept_version, kept = _records
    known = kept if kept_version == version else {}
    wanted = {pk: known.get(pk) for pk in page_ids}
    missing = [pk for pk, record in wanted.items() if record is None]
    if missing:
        read = read_records(missing)
        wanted.update(read)
        with _records_lock:
            kept_version, kept = _records
            if kept_version != version or len(kept) + len(read) > RECORDS_KEPT:
                kept = {}
                _records = (version, kept)
            kept.update(read)
    return wanted


def for_pages(page_ids, today=None):
    """{page id: Effectiveness} for every id given (an asset nobody answered gets zeros), read
    through `records`. `today` (a date, default the site's today) decides staleness, which is
    never kept. Ids of pages that do not exist get an Effectiveness with no review date."""
    page_ids = list(dict.fromkeys(page_ids))
    if not page_ids:
        return {}
    today = today or timezone.localdate()
    return {
        pk: Effectiveness(pk, helped, not_helped, review_by=review_by, today=today)
        for pk, (helped, not_helped, review_by) in records(page_ids).items()
    }


def factors(page_ids, today=None):
    """{page id: Effectiveness.factor} for every id given, as `for_pages` would give, without
    building an Effectiveness per id: a search re-ranks 200 candidates on every request, and most
    share a record (no answers, no review date), so each distinct record is worked out once."""
    page_ids = list(dict.fromkeys(page_ids))
    if not page_ids:
        return {}
    today = today or timezone.localdate()
    worked_out = {}
    answer = {}
    for pk, record in records(page_ids).items():
        factor = worked_out.get(record)
        if factor is None:
            factor = worked_out[record] = Effectiveness(pk, *record, today=today).factor
        answer[pk] = factor
    return answer


def for_page(page_id, today=None):
    """The Effectiveness of one page (see `for_pages`)."""
    return for_pages([page_id], today)[page_id]


def rerank(scored, factors):
    """Order (id, relevance score) pairs by relevance × factor, best first; equal final scores keep
    their given order. Returns [(id, final score)]. `factors` maps id -> Effectiveness.factor (from
    `factors()`; an id missing from it counts as a new, current asset: 1.0)."""
    final = [(doc_id, score * factors.get(doc_id, 1.0), position) for position, (doc_id, score) in enumerate(scored)]
    final.sort(key=lambda item: (-item[1], item[2]))
    return [(doc_id, score) for doc_id, score, _position in final]


@dataclass(frozen=True)
class AssetUsage:
    """What people did with one asset over the last 30 and 90 days, for Marketing.

    Each count is a dict {30: n, 90: n}: views (page opened), downloads (a file fetched from the
    page), copies ("Copy link" clicks), helped and not_helped (answers as counted by
    `helped_counts`); `effect` is the all-time Effectiveness whose `label` every screen shows.
    """

    page_id: int
    views: dict
    downloads: dict
    copies: dict
    helped: dict
    not_helped: dict
    effect: Effectiveness

    def helped_label(self, days):
        return helped_label(self.helped[days], self.not_helped[days])

    @property
    def helped_label_30(self):
        return self.helped_label(30)

    @property
    def helped_label_90(self):
        return self.helped_label(90)


def usage_for_pages(page_ids, now=None):
    """{page id: AssetUsage} for every id given, in a fixed number of queries (one for usage
    events, two per window for helped answers, three for the all-time figure)."""
    page_ids = list(dict.fromkeys(page_ids))
    if not page_ids:
        return {}
    now = now or timezone.now()
    starts = {days: now - datetime.timedelta(days=days) for days in USAGE_WINDOWS}
    kinds = {
        "views": CollateralEvent.Type.VIEW,
        "downloads": CollateralEvent.Type.DOWNLOAD,
        "copies": CollateralEvent.Type.COPY_LINK,
    }
    aggregates = {
        f"{name}_{days}": Count("pk", filter=Q(type=kind, created__gte=start))
        for name, kind in kinds.items()
        for days, start in starts.items()
    }
    rows = {
        row["collateral"]: row
        for row in CollateralEvent.objects.filter(
            collateral__in=page_ids, type__in=CollateralEvent.USAGE, created__gte=min(starts.values())
        )
        .order_by()
        .values("collateral")
        .annotate(**aggregates)
    }
    answered = {days: helped_counts(page_ids, since=start) for days, start in starts.items()}
    effects = for_pages(page_ids, today=timezone.localdate(now))
    usage = {}
    for pk in page_ids:
        row = rows.get(pk, {})
        usage[pk] = AssetUsage(
            page_id=pk,
            **{name: {days: row.get(f"{name}_{days}", 0) for days in USAGE_WINDOWS} for name in kinds},
            helped={days: answered[days].get(pk, (0, 0))[0] for days in USAGE_WINDOWS},
            not_helped={days: answered[days].get(pk, (0, 0))[1] for days in USAGE_WINDOWS},
            effect=effects[pk],
        )
    return usage
