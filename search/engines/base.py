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
    # Not indexed: staleness and the helped figure change without any write to the asset, so
    # search reads them at query time from content.effectiveness. Engines ignore these three.
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
    # False: hits without highlights (the service's first, wide pass over the candidates).
    highlight: bool = True
    # Not None: only these ids may match (the service's second pass, for the page it shows).
    only_ids: frozenset | None = None


@dataclass(frozen=True)
class Hit:
    id: int
    title: str
    url: str
    score: float
    highlights: list  # [{"field": where it matched, "html": escaped text with <mark> around matches}]
    labels: dict
    stale: bool  # search.service sets it, helped and not_helped from content.effectiveness
    external_id: str | None
    helped: int = 0
    not_helped: int = 0
    helped_label: str = ""  # content.effectiveness's words for the figure, set by search.service


@dataclass(frozen=True)
class SearchResults:
    hits: list
    total: int
    facets: dict  # facet name -> [(slug, label, count)], most frequent first
    took_ms: float
    engine: str
    corrections: dict = field(default_factory=dict)  # typed word -> words searched instead
    notice: str = ""  # said to the person searching, e.g. when the fallback engine answered
