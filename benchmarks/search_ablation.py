"""The site's WSGI application with parts of a search switched off, for `search_benchmark.py
--without`: how much of /api/search's throughput share each part costs. Only the benchmark serves
it (gunicorn 'benchmarks.search_ablation:served()'), on its throwaway site; people never are.

CG_BENCH_WITHOUT (comma-separated) names the parts: "highlights" (no passage is made), "facets" (no
facet is counted), "query-log" (no search is logged), "engine" (service.search answers an empty
result at once: what is left is the API's own work, login by token, hidden pages, filters, JSON).
"""

import os

PARTS = ("highlights", "facets", "query-log", "engine")
APP = "benchmarks.search_ablation:served()"


def parts(text):
    """The parts named in `text` (comma-separated), each once, checked against PARTS; raises
    ValueError for an unknown part or none at all."""
    named = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = sorted(set(named) - set(PARTS))
    if unknown or not named:
        raise ValueError(f"unknown parts {', '.join(unknown) or '(none named)'}; known: {', '.join(PARTS)}")
    return named


def served():
    """The site's WSGI application, the parts named in CG_BENCH_WITHOUT replaced in this process
    with ones that do nothing."""
    from home.wsgi import application
    from search import service
    from search.engines.base import FACETS, SearchResults
    from search.engines.embedded import EmbeddedEngine
    from search.highlighting import Highlighter
    from search.models import QueryLogQuerySet

    off = parts(os.environ["CG_BENCH_WITHOUT"])
    if "highlights" in off:
        Highlighter.passage = lambda _self, _text: ""
    if "facets" in off:
        EmbeddedEngine.facet_counts = staticmethod(lambda _searcher, _query, _matches=None: {f: [] for f in FACETS})
    if "query-log" in off:
        QueryLogQuerySet.record = lambda _self, *_args: None
    if "engine" in off:
        empty = SearchResults(hits=[], total=0, facets={facet: [] for facet in FACETS}, took_ms=0.0, engine="none")
        service.search = lambda *_args, **_kwargs: empty
    return application
