"""Where the loop breaks, for marketing: each report is a list of rows, shown in the admin and as CSV."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from wagtail import hooks

from content.effectiveness import Effectiveness, helped_counts
from content.models import CollateralEvent, CollateralPage
from personas.models import ObjectionNote, PersonaPage

RECENT = datetime.timedelta(days=90)
GAP_MIN_NOTES = 3  # a pair heard this often in 90 days needs an answer
RARELY_HELPS = 0.35  # smoothed helped rate under which an asset does not count as an answer
ROWS = 50
PER_OBJECTION = 3


@dataclass
class Report:
    slug: str
    title: str
    explanation: str
    columns: list
    rows: list  # dicts with the columns' keys, plus "actions": [(label, url, method)]

    @property
    def table(self):
        """(row, its cells in column order), for templates."""
        return [(row, [row[key] for key, _label in self.columns]) for row in self.rows]


def rated_assets(today=None):
    """Live collateral as plain rows: title, owner, review date, objections, and its
    content.effectiveness record ("effect": the figure every screen shows).
    Plain values, not page objects: building hundreds of Wagtail pages costs more than the report."""
    today = today or timezone.localdate()
    counts = helped_counts()
    objections = {}
    for page_id, objection_id, name in CollateralPage.objections.through.objects.values_list(
        "collateralpage_id", "objection_id", "objection__name"
    ):
        objections.setdefault(page_id, []).append((objection_id, name))
    assets = []
    for row in CollateralPage.objects.live().values(
        "pk", "title", "review_by", "content_owner__first_name", "content_owner__last_name", "content_owner__username"
    ):
        helped, not_helped = counts.get(row["pk"], (0, 0))
        effect = Effectiveness(row["pk"], helped, not_helped, row["review_by"], today)
        owner = " ".join(filter(None, [row["content_owner__first_name"], row["content_owner__last_name"]]))
        assets.append(
            {
                "id": row["pk"],
                "title": row["title"],
                "review_by": row["review_by"],
                "owner": owner or row["content_owner__username"] or "Nobody",
                "objections": objections.get(row["pk"], []),
                "helped": helped,
                "not_helped": not_helped,
                "effect": effect,
                "rate": effect.rate,
            }
        )
    return assets


def edit_url(page_id):
    return reverse("wagtailadmin_pages:edit", args=[page_id])


def content_gaps(assets, since):
    """Persona and objection pairs heard often with no asset, or only assets that rarely help."""
    answers = {}
    for asset in assets:
        for objection_id, _name in asset["objections"]:
            answers.setdefault(objection_id, []).append(asset)
    pairs = (
        ObjectionNote.objects.visible()
        .filter(created__gte=since, persona__live=True)
        .values("persona", "persona__title", "persona__slug", "objection", "objection__name", "objection__slug")
        .annotate(notes=Count("pk"), lost=Count("pk", filter=Q(outcome="lost")))
        .filter(notes__gte=GAP_MIN_NOTES)
        .order_by("-notes", "persona__title", "objection__name")
    )
    gaps = []
    for pair in pairs:
        best = max(answers.get(pair["objection"], []), key=lambda asset: asset["rate"], default=None)
        if best is None or best["rate"] < RARELY_HELPS:
            gaps.append((pair, best))
    persona_urls = {page.pk: page.url for page in PersonaPage.objects.filter(pk__in={p["persona"] for p, _ in gaps})}
    create = reverse("loop_create_asset")
    rows = []
    for pair, best in gaps:
        reason = "No asset answers it"
        if best is not None:
            reason = f"Best asset rarely helps: “{best['title']}”, {best['effect'].label.lower()}"
        tags = urlencode({"persona": pair["persona"], "objection": pair["objection"]})
        persona_page = f"{persona_urls.get(pair['persona']) or ''}#objection-{pair['objection__slug']}"
        rows.append(
            {
                "persona": pair["persona__title"],
                "objection": pair["objection__name"],
                "notes": pair["notes"],
                "lost": pair["lost"],
                "why": reason,
                "actions": [
                    ("Create asset", f"{create}?{tags}", "post"),
                    ("Persona page", persona_page, "get"),
                ],
            }
        )
    return Report(
        "gaps",
        "Content gaps",
        f"Persona and objection pairs with at least {GAP_MIN_NOTES} notes in 90 days and no asset that helps.",
        [
            ("persona", "Persona"),
            ("objection", "Objection"),
            ("notes", "Notes, 90 days"),
            ("lost", "Deals lost"),
            ("why", "Why"),
        ],
        rows[:ROWS],
    )


def neglected_assets(assets, today, since):
    viewed = CollateralEvent.objects.filter(
        collateral=OuterRef("pk"), type=CollateralEvent.Type.VIEW, created__gte=since
    )
    # An asset published inside the window has not had 90 days to be viewed: not "unused" yet.
    unviewed = set(
        CollateralPage.objects.live().filter(~Exists(viewed), first_published_at__lt=since).values_list("pk", flat=True)
    )
    rows = []
    for asset in assets:
        reasons = []
        if asset["effect"].stale:
            reasons.append(f"Past review date ({asset['review_by']:%-d %b %Y})")
        if asset["id"] in unviewed:
            reasons.append("No views in 90 days")
        if reasons:
            rows.append(
                {
                    "owner": asset["owner"],
                    "asset": asset["title"],
                    "why": "; ".join(reasons),
                    "review_by": asset["review_by"],
                    "actions": [("Edit", edit_url(asset["id"]), "get")],
                }
            )
    rows.sort(key=lambda row: (row["owner"], row["review_by"] or today, row["asset"]))
    return Report(
        "neglected",
        "Assets past review or unused",
        "Live assets past their review-by date, or not viewed in 90 days, by owner.",
        [("owner", "Owner"), ("asset", "Asset"), ("why", "Why"), ("review_by", "Review by")],
        rows[: ROWS * 2],
    )


def effectiveness(assets):
    rows = []
    by_objection = {}
    for asset in assets:
        if asset["helped"] + asset["not_helped"] == 0:
            continue
        for _objection_id, name in asset["objections"]:
            by_objection.setdefault(name, []).append(asset)
    for objection, rated in sorted(by_objection.items()):
        rated.sort(key=lambda asset: (-asset["rate"], asset["title"]))
        chosen = rated[:PER_OBJECTION] + [
            asset for asset in rated[-PER_OBJECTION:] if asset not in rated[:PER_OBJECTION]
        ]
        # The verdict follows the figure: an asset as helpful as one ranked "most" is "most" too.
        most_floor = max(0.5, min(asset["rate"] for asset in rated[:PER_OBJECTION]))
        for asset in chosen:
            rows.append(
                {
                    "objection": objection,
                    "asset": asset["title"],
                    "helped": asset["effect"].label,
                    "rank": "helps most" if asset["rate"] >= most_floor else "helps least",
                    "actions": [("Edit", edit_url(asset["id"]), "get")],
                }
            )
    return Report(
        "effectiveness",
        "What helps most and least, per objection",
        "How often each asset helped, from reps' notes and one-click feedback; ranked with one imagined "
        "answer each way, so one answer does not decide it.",
        [
            ("objection", "Objection"),
            ("asset", "Asset"),
            ("helped", "Helped"),
            ("rank", ""),
        ],
        rows,
    )


def all_reports(today=None):
    """Every report of where the loop breaks, in the dashboard's order: content's own, and each
    (order, Report) a `register_loop_report` hook returns when called with `since` (an aware
    datetime, the start of the recent window)."""
    today = today or timezone.localdate()
    since = timezone.now() - RECENT
    assets = rated_assets(today)
    ordered = [
        (10, content_gaps(assets, since)),
        (30, neglected_assets(assets, today, since)),
        (40, effectiveness(assets)),
    ]
    # Other apps add theirs: search its failed searches (search/wagtail_hooks.py), at 20.
    for fn in hooks.get_hooks("register_loop_report"):
        ordered.append(fn(since))
    return [report for _order, report in sorted(ordered, key=lambda pair: pair[0])]
