"""Search benchmark: index build, query latency, API throughput, re-index on publish.

    .venv/bin/python benchmarks/search_benchmark.py [--docs 10000] [--notes 100000] [--osmem]

Runs against a throwaway SQLite database and index in a temporary folder. It generates
`--docs` collateral documents of about 300 words plus about 300 words of file text, straight
into each engine (creating 10,000 Wagtail pages one by one would dominate the run), and
`--notes` objection notes in the database. It prints medians and p95s, and the API's
throughput as a ratio to a trivial view measured in the same run under the same gunicorn.
"""

import argparse
import itertools
import random
import re
import statistics
import time
import urllib.parse
import urllib.request

from common import WORKERS, gunicorn, load, percentile, throwaway_site

VOCABULARY = re.findall(
    r"\w+",
    """invoice payment cash collections dso revenue forecast audit compliance security soc encryption gdpr
    privacy hosting integration salesforce netsuite hubspot api webhook onboarding rollout timeline migration
    contract renewal pricing discount budget approval board executive champion scale uptime reliability
    quote billing ledger close reconciliation dispute reminder dunning workflow approval procurement vendor""",
)
QUERIES = [
    "invoice", "payment", "cash", "pricing", "too pricey", "cfo says too pricey", "soc2", "security audit",
    "integraton w salesforce", "salesforce", "netsuite sync", "hubspot", "onboarding timeline", "rollout",
    "gdpr eu hosting", "encryption", "budget approval", "board approval", "champion", "will it scale",
    "uptime sla", "api webhooks", "migration from orbitpay", "contract renewal", "discount", "dunning",
    "month end close", "reconciliation", "dispute", "reminder", "workflow", "procurement vendor", "ledger",
    "forecast revenue", "compliance", "privacy", "quote billing", "collections automation", "dso",
    "invoce", "payback", "roi calculator", "executive briefing", "reliability", "scale uptime",
    "asset 123", "asset 9999", "salesforse", "term4321", "term17 term99",
]  # fmt: skip


def make_documents(count, rng):
    """Text drawn Zipf-like from the domain words and a long tail of 5,000 rarer ones, as real text is:
    a few words are in nearly every asset, most in few."""
    from search.engines.base import IndexDocument

    tail = [f"term{n}" for n in range(5000)]
    vocabulary = VOCABULARY + tail
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(vocabulary))]

    def words(n):
        return " ".join(rng.choices(vocabulary, weights=weights, k=n))

    for number in range(1, count + 1):
        yield IndexDocument(
            id=number,
            title=f"Asset {number}: {words(4)}",
            url=f"/collateral/asset-{number}/",
            summary=words(25),
            body=words(300),
            files=words(300),
            taxonomy=f"Persona {number % 6} · Objection {number % 12}",
            facets={
                "persona": [f"persona-{number % 6}"],
                "objection": [f"objection-{number % 12}", f"objection-{(number * 7) % 12}"],
                "stage": [["awareness", "consideration", "decision", "onboarding"][number % 4]],
                "kind": [["deck", "case_study", "battlecard", "one_pager", "faq"][number % 5]],
                "tag": [f"tag-{number % 30}"],
            },
            labels={"persona": {f"persona-{number % 6}": f"Persona {number % 6}"}},
            stale=number % 9 == 0,
            helped=number % 7,
            not_helped=number % 3,
            published=f"2026-{1 + number % 12:02d}-01",
        )


def query_times(engine, query, repeats):
    """Milliseconds for `repeats` runs of one query, after one to warm up."""
    from search.engines.base import SearchQuery

    engine.search(SearchQuery(text=query))
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        engine.search(SearchQuery(text=query))
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def time_engine(engine, documents, repeats):
    started = time.perf_counter()
    engine.rebuild(documents)
    build = time.perf_counter() - started
    rows = []
    for query in QUERIES:
        samples = query_times(engine, query, repeats)
        rows.append((query, statistics.median(samples), percentile(samples, 0.95)))
    return build, rows


def compare_early_stop(engine, repeats):
    """The same queries with the ranking's early stop turned off (every match scored), same index, same run."""
    from search.engines import embedded

    queries = [*QUERIES, "invoice payment cash", "invoice payment cash dso revenue"]
    medians, original = {}, embedded.DIRECT_SCORING
    for label, direct in (("stops early", original), ("scores every match", 10**9)):
        embedded.DIRECT_SCORING = direct
        medians[label] = {query: statistics.median(query_times(engine, query, repeats)) for query in queries}
    embedded.DIRECT_SCORING = original
    early, every = medians["stops early"], medians["scores every match"]
    print(f"[embedded] ranking that stops early vs scoring every match ({len(queries)} queries, medians):")
    print(f"    median {statistics.median(early.values()):.1f} ms vs {statistics.median(every.values()):.1f} ms; "
          f"worst {max(early.values()):.1f} ms vs {max(every.values()):.1f} ms")  # fmt: skip
    for query in queries[-2:]:
        print(f"    {query!r:36} {early[query]:6.1f} ms vs {every[query]:6.1f} ms = {early[query] / every[query]:.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=15, help="timed runs per query")
    parser.add_argument("--seconds", type=float, default=6, help="length of each HTTP load run")
    parser.add_argument("--rounds", type=int, default=3, help="HTTP rounds, each measuring every run")
    parser.add_argument("--osmem", action="store_true", help="also measure the Elasticsearch engine on osmem-server")
    args = parser.parse_args()

    env = throwaway_site("cg-bench-")
    from content.factories import create_collateral
    from personas.factories import create_objection, create_persona
    from personas.models import ObjectionNote
    from search import service
    from search.engines.embedded import EmbeddedEngine

    rng = random.Random(7)
    print(f"data: {args.docs:,} collateral documents (~300 words + ~300 words of file text), {args.notes:,} notes")

    # The personas and objections the generated documents are tagged with, and notes about them.
    personas = [create_persona(f"Persona {n}", slug=f"persona-{n}") for n in range(6)]
    objections = [create_objection(f"Objection {n}", slug=f"objection-{n}") for n in range(12)]
    create_objection("Objection 0", slug="objection-0", synonyms="too pricey, too expensive")
    started = time.perf_counter()
    ObjectionNote.objects.bulk_create(
        [
            ObjectionNote(
                persona=personas[n % 6],
                objection=objections[n % 12],
                text=f"note {n} " + " ".join(rng.sample(VOCABULARY, 12)),
            )
            for n in range(args.notes)
        ],
        batch_size=5000,
    )
    print(f"notes written: {time.perf_counter() - started:.1f} s")

    # Every timed query is computed afresh: no result cache here.
    engines = [EmbeddedEngine(env["SEARCH_INDEX_PATH"], result_cache_size=0)]
    server = None
    if args.osmem:
        from osmem_server import OsmemServer

        from search.engines.elastic import ElasticEngine

        server = OsmemServer.start()
        engines.append(ElasticEngine(server.url, alias="bench", plain_json=True))
    try:
        for engine in engines:
            build, rows = time_engine(engine, make_documents(args.docs, random.Random(1)), args.repeats)
            medians = [median for _q, median, _p95 in rows]
            p95s = [p95 for _q, _median, p95 in rows]
            print(f"\n[{engine.name}] index build: {build:.1f} s for {args.docs:,} documents")
            print(
                f"[{engine.name}] {len(QUERIES)} queries x {args.repeats}: "
                f"median of medians {statistics.median(medians):.1f} ms, "
                f"worst median {max(medians):.1f} ms, worst p95 {max(p95s):.1f} ms"
            )
            for query, median, p95 in sorted(rows, key=lambda row: -row[2])[:8]:
                print(f"    slowest: {query!r:32} p50 {median:6.1f} ms  p95 {p95:6.1f} ms")
            if isinstance(engine, EmbeddedEngine):
                compare_early_stop(engine, args.repeats)
    finally:
        if server:
            server.close()

    # Re-index one asset on publish, against the full embedded index.
    page = create_collateral(title="Benchmark asset", summary="Pricing for the benchmark.")
    samples = []
    for _ in range(200):
        started = time.perf_counter()
        service.index_collateral([page.pk])
        samples.append((time.perf_counter() - started) * 1000)
    print(f"\nre-index one asset on publish (embedded, {args.docs:,} in the index, 200 times): "
          f"p50 {statistics.median(samples):.1f} ms, p95 {percentile(samples, 0.95):.1f} ms, "
          f"p99 {percentile(samples, 0.99):.1f} ms, max {max(samples):.1f} ms")  # fmt: skip

    # HTTP: /api/search against the trivial /healthz, same gunicorn, same run.
    from django.contrib.auth import get_user_model

    from wagtail.models import APIToken

    user = get_user_model().objects.create_user("bench")
    _token, plaintext = APIToken.create_token(user=user, name="benchmark")
    headers = {"Authorization": f"Bearer {plaintext}"}
    fresh = itertools.count()  # never the same unique word twice, across rounds
    with gunicorn(env, 18000 + rng.randrange(1000)) as base:

        def new_search(n):
            words = f"{QUERIES[n % len(QUERIES)]} unique{n}"
            return f"{base}/api/search?" + urllib.parse.urlencode({"q": words, "persona": f"persona-{n % 6}"})

        # The same search again and again (answered from the result cache after the first), then a
        # new search every time: one of the 50 queries with a word no other request used.
        filtered = "q=pricing+security&persona=persona-1"
        runs = {
            "same search each time, q=pricing security, persona-1": lambda: f"{base}/api/search?{filtered}",
            "same search each time, q=pricing security": lambda: f"{base}/api/search?q=pricing+security",
            "a new search each time (50 queries x a unique word)": lambda: new_search(next(fresh)),
        }
        # Rounds alternate the trivial view and each search, so a drift in the machine's speed
        # falls on both sides of each ratio; the median ratio and the range are printed.
        ratios, trivials = {label: [] for label in runs}, []
        for _round in range(args.rounds):
            trivial = load(lambda _client, _n: f"{base}/healthz", args.seconds)
            trivials.append(trivial)
            for label, url in runs.items():
                api = load(lambda _client, _n, url=url: urllib.request.Request(url(), headers=headers), args.seconds)
                ratios[label].append(api / trivial)
        print(f"\nHTTP (gunicorn, {WORKERS} workers, 4 clients, {args.rounds} rounds of {args.seconds:.0f} s each): "
              f"trivial view {statistics.median(trivials):.0f} req/s (median)")  # fmt: skip
        for label, values in ratios.items():
            print(f"    {label:56} {statistics.median(values):6.1%} of the trivial view "
                  f"(rounds: {', '.join(f'{value:.1%}' for value in values)})")  # fmt: skip


if __name__ == "__main__":
    main()
