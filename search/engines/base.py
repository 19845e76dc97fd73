"""What every search engine takes and gives back. Views and commands only see these types."""

from dataclasses import dataclass, field

FACETS = ("persona", "objection", "stage", "kind", "tag")


@dataclass(frozen=True)
class IndexDocument:
    """One collateral item as the index sees it."""

    id: int
    title: str
    url: str
    summary: str = ""
    body: str = ""
    files: str = ""  # text read from inside the attached files
    taxonomy: str = ""  # persona and objection names, the objections' synonyms, tags
    facets: dict = field(default_factory=dict)  # facet name -> list of slugs
    labels: dict = field(default_factory=dict)  # facet name -> {slug: display name}
    stale: bool = False
    helped: int = 0
    not_helped: int = 0
    external_id: str | None = None
    published: str = ""  # ISO date, for browsing newest first

    def stored_fields(self):
        """What an engine keeps to show a hit without asking the database."""
        return {
            "title": self.title,
            "url": self.url,
            "labels": self.labels,
            "external_id": self.external_id,
            "helped": self.helped,
            "not_helped": self.not_helped,
        }


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: dict = field(default_factory=dict)  # facet name -> list of slugs, all must match
    objections: tuple = ()  # names of objections whose synonyms the text used; matched as tags
    page: int = 1
    page_size: int = 20
    # Ids the person searching may not see (Wagtail page view restrictions, home.visibility): an
    # engine leaves them out inside the query, so no total, facet count, page, highlight or
    # correction ever reflects them.
    exclude_ids: frozenset = frozenset()


@dataclass(frozen=True)
class Hit:
    id: int
    title: str
    url: str
    score: float
    highlights: list  # [{"field": where it matched, "html": escaped text with <mark> around matches}]
    labels: dict
    stale: bool
    external_id: str | None
    helped: int = 0
    not_helped: int = 0


@dataclass(frozen=True)
class SearchResults:
    hits: list
    total: int
    facets: dict  # facet name -> [(slug, label, count)], most frequent first
    took_ms: float
    engine: str
    corrections: dict = field(default_factory=dict)  # typed word -> words searched instead
    notice: str = ""  # said to the person searching, e.g. when the fallback engine answered


# After text relevance: helped rate and freshness reorder near-equals, they do not override relevance.
HELPED_WEIGHT = 0.2  # a boost from 0.9 (never helped) to 1.1 (always helped)
STALE_FACTOR = 0.7  # past review: clearly demoted, never hidden


def ranking_boost(helped, not_helped, stale):
    return (1 - HELPED_WEIGHT / 2 + HELPED_WEIGHT * smoothed_helped_rate(helped, not_helped)) * (
        STALE_FACTOR if stale else 1.0
    )


def smoothed_helped_rate(helped, not_helped, prior=1):
    """Share of 'helped' answers, pulled towards one half so a new asset is not buried or boosted."""
    return (helped + prior) / (helped + not_helped + 2 * prior)
