"""Effectiveness benchmark: what reading the helped figure at query time costs a search.

    .venv/bin/python benchmarks/effectiveness_benchmark.py [--assets 2000] [--notes 100000] [--runs 50]

Runs against a throwaway SQLite database and the folder cache in a temporary folder (as
`make run` does): `--assets` collateral pages, `--notes` objection notes (a third naming an asset
with a yes/no/unknown answer) and 20,000 feedback and usage events. Prints p50/p95 of
content.effectiveness.for_pages over 200 assets (the candidates a search re-ranks) with the cache
emptied first and warm, and of the same searches through the engine alone and through
search.service (candidates, re-rank, the page's highlights).
"""

import argparse
import random

from common import throwaway_site, timed

QUERIES = ["pricing", "security review", "integration salesforce", "roi", "onboarding plan", "deck", "asset 12"]


def figures(function, runs, before=None):
    p50, p95 = timed(function, runs, before)
    return f"p50 {p50:6.2f} ms  p95 {p95:6.2f} ms"


def build(args, rng):
    from django.contrib.auth import get_user_model

    from content.factories import create_collateral
    from content.models import CollateralEvent
    from personas.factories import create_objection, create_persona
    from personas.models import ObjectionNote
    from search.signal_handlers import deferred_indexing

    users = [get_user_model().objects.create_user(f"rep{n}") for n in range(20)]
    words = ["pricing", "security", "review", "integration", "salesforce", "roi", "onboarding", "plan", "deck"]
    with deferred_indexing():
        personas = [create_persona(f"Persona {n}", slug=f"persona-{n}") for n in range(6)]
        objections = [create_objection(f"Objection {n}", slug=f"objection-{n}") for n in range(12)]
        assets = [
            create_collateral(
                title=f"Asset {n} {' '.join(rng.sample(words, 2))}",
                summary=" ".join(rng.choices(words, k=12)),
                personas=[personas[n % 6]],
                objections=[objections[n % 12]],
            )
            for n in range(args.assets)
        ]
    notes = []
    for n in range(args.notes):
        used = assets[rng.randrange(len(assets))] if n % 3 == 0 else None
        notes.append(
            ObjectionNote(
                persona=personas[n % 6],
                objection=objections[n % 12],
                text=f"Note {n}",
                collateral=used,
                helped=rng.choice(["yes", "no", "unknown"]) if used else "unknown",
                author=users[n % len(users)],
            )
        )
    ObjectionNote.objects.bulk_create(notes, batch_size=5000)
    CollateralEvent.objects.bulk_create(
        [
            CollateralEvent(
                collateral=assets[rng.randrange(len(assets))],
                type=rng.choice(["view", "download", "copy_link", "helped", "not_helped"]),
                user=users[n % len(users)],
            )
            for n in range(20_000)
        ],
        batch_size=5000,
    )
    return assets


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    throwaway_site("cg-effect-bench-", SEARCH_RESULT_CACHE_SIZE="0")  # every search computed
    from django.core.cache import cache

    from content import effectiveness
    from search import service
    from search.engines.base import SearchQuery

    assets = build(args, random.Random(5))
    print(f"data: {len(assets):,} assets, {args.notes:,} notes, 20,000 events; folder cache")
    ids = [page.pk for page in assets[:200]]
    print(f"the three queries, uncached     {figures(lambda: effectiveness.read_records(ids), args.runs)}")
    print(f"for_pages(200), cache emptied   {figures(lambda: effectiveness.for_pages(ids), args.runs, cache.clear)}")
    print(f"for_pages(200), warm            {figures(lambda: effectiveness.for_pages(ids), args.runs)}")
    engine = service.embedded_engine()
    queries = iter(range(10**9))

    def engine_only():
        engine.search(SearchQuery(text=QUERIES[next(queries) % len(QUERIES)]))

    def through_service():
        service.search(QUERIES[next(queries) % len(QUERIES)], exclude_ids=frozenset())

    print(f"search, engine alone            {figures(engine_only, args.runs)}")

    def candidates():
        engine.search(SearchQuery(text=QUERIES[next(queries) % len(QUERIES)], page_size=200, highlight=False))

    print(f"engine, 200 candidates, no marks {figures(candidates, args.runs)}")
    print(f"search, service with re-ranking {figures(through_service, args.runs)}")


if __name__ == "__main__":
    main()
