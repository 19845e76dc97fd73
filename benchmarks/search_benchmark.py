"""Search benchmark: the embedded engine on tantivy, side by side with the engine it replaced.

    .venv/bin/python benchmarks/search_benchmark.py [--docs 10000] [--notes 100000] [--old-engine 110922c]
                                                    [--file-words 300] [--osmem] [--publishes 200] [--skip-http]
                                                    [--concurrency-only] [--http-only] [--port 8101]
                                                    [--without PARTS ...]

Runs against a throwaway SQLite database and index folder in a temporary folder. It generates
`--docs` collateral documents of about 300 words plus about 300 words of file text, straight
into each engine (creating 10,000 Wagtail pages one by one would dominate the run), and
`--notes` objection notes in the database. Printed, for each engine in the same run: index build
time and size, p50/p95 of a full query (top 10, total, five facet counts, highlights, typos) for
each of the 50 queries, and re-indexing one asset. Then, for tantivy: a write's visibility in
another (reading) process, `/api/search` throughput with a new search every request as a share of
a trivial view under the same gunicorn, and a concurrency run: 3 gunicorn workers reading while
the task worker (`db_worker`, the index's one writer) indexes `--publishes` publishes and notes
arrive; it counts lost writes, segments and files left beside the index.

`--http-only` builds the tantivy index and measures only the `/api/search` throughput share (each
round measures the trivial view and the search in the same gunicorn, one after the other).
`--port` is the first of the two loopback ports the gunicorns listen on. Each `--without
highlights,facets,query-log` (or `engine`) measures the share again with those parts of a search
switched off (benchmarks/search_ablation.py): what each part costs of it.

The old engine (our own SQLite FTS5 postings code) is loaded from git at `--old-engine` (the last
commit that had it); `--old-engine none` skips it.
"""

import argparse
import importlib.util
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import search_ablation
from common import ROOT, gunicorn, load, percentile, samples_ms, throwaway_site, timed

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
TARGETS = {"build_s": 20, "size_mb": 80, "query_p95_ms": 20, "reindex_p95_ms": 50, "visible_p95_ms": 100}
SLICES = 6  # each HTTP round alternates the trivial view and the search this many times
OLD_ENGINE = "110922c"  # the last commit with the SQLite FTS5 engine


def make_documents(count, rng, file_words=300):
    """Text drawn Zipf-like from the domain words and a long tail of 5,000 rarer ones, as real text is:
    a few words are in nearly every asset, most in few. `file_words`: words of text read from each
    asset's files (a long report or deck holds tens of thousands)."""
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
            files=words(file_words),
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


def old_engine_class(revision):
    """The replaced engine's class, loaded from git (None, with the reason printed, if it cannot be)."""
    try:
        source = subprocess.run(
            ["git", "show", f"{revision}:search/engines/embedded.py"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        path = Path(tempfile.mkdtemp(prefix="cg-old-engine-")) / "old_embedded.py"
        path.write_bytes(source)
        spec = importlib.util.spec_from_file_location("old_embedded", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.EmbeddedEngine
    except Exception as error:  # a benchmark, not the site: say why and go on
        print(f"old engine at {revision} not measured: {error}")
        return None


def folder_bytes(path):
    path = Path(path)
    if path.is_file():
        return sum(item.stat().st_size for item in path.parent.glob(path.name + "*"))
    return sum(item.stat().st_size for item in path.iterdir() if item.is_file())


def query_times(engine, query, repeats):
    """Milliseconds for `repeats` runs of one full query as the site runs it, after a warm-up: the
    words read against the site's vocabulary (search.service.build_query), then search.service.run
    (a second engine call when no result is strong, or too few are), top 10 with highlights, total,
    facet counts."""
    from search import service

    def search():
        built, _mentions = service.build_query(query, page_size=10, exclude_ids=frozenset())
        return service.run(engine.search, built)

    search()
    return samples_ms(search, repeats)


def measure_engine(engine, path, args):
    """Build, size, the 50 queries and re-indexing one document, for one engine."""
    started = time.perf_counter()
    engine.rebuild(make_documents(args.docs, random.Random(1), args.file_words))
    figures = {"build_s": time.perf_counter() - started, "size_mb": folder_bytes(path) / 1e6}
    rows = []
    for query in QUERIES:
        samples = query_times(engine, query, args.repeats)
        rows.append((query, statistics.median(samples), percentile(samples, 0.95)))
    figures["rows"] = rows
    figures["query_p50_ms"] = statistics.median(median for _q, median, _p95 in rows)
    figures["query_p95_ms"] = max(p95 for _q, _median, p95 in rows)
    figures["over_20ms"] = [query for query, _median, p95 in rows if p95 > TARGETS["query_p95_ms"]]
    document = next(make_documents(1, random.Random(5), args.file_words))
    samples = []
    for n in range(200):
        changed = type(document)(**{**document.__dict__, "id": args.docs + 1, "summary": f"changed {n}"})
        started = time.perf_counter()
        engine.index([changed])
        samples.append((time.perf_counter() - started) * 1000)
    figures["reindex_p50_ms"], figures["reindex_p95_ms"] = statistics.median(samples), percentile(samples, 0.95)
    return figures


READER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from search.engines.base import SearchQuery
from search.engines.embedded import EmbeddedEngine
engine = EmbeddedEngine(sys.argv[2])
print("ready", flush=True)
for line in sys.stdin:
    query = SearchQuery(text=line.strip(), page_size=1)
    while not engine.search(query).total:
        time.sleep(0.0005)
    print(time.time(), flush=True)
"""


def visibility(engine, path, count=30):
    """Milliseconds from the start of a write in this process to a reading process finding it: each
    search there calls reload() first, as web workers do."""
    from search.engines.base import IndexDocument

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(ROOT), str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert reader.stdout.readline().strip() == "ready"
    samples = []
    for n in range(count):
        marker = f"vz{n}"  # short: not taken for a typo, so the reader's polling stays cheap
        reader.stdin.write(marker + "\n")
        reader.stdin.flush()
        time.sleep(0.05)
        started = time.time()
        engine.index([IndexDocument(id=900_000 + n, title=f"Visible {marker}", url="/v/", published="2026-01-01")])
        samples.append((float(reader.stdout.readline()) - started) * 1000)
    reader.stdin.close()
    reader.wait(timeout=10)
    return statistics.median(samples), percentile(samples, 0.95)


def http_ratio(env, headers, args, without=""):
    """/api/search with a new search every request as a share of the trivial /healthz, same gunicorn.
    `without`: parts of the search switched off (benchmarks/search_ablation.py), "" for none."""
    ratios, trivials = [], []
    fresh = iter(range(10**9))
    app = search_ablation.APP if without else "home.wsgi"
    with gunicorn({**env, "CG_BENCH_WITHOUT": without}, args.port, app=app) as base:

        def new_search():
            n = next(fresh)
            words = f"{QUERIES[n % len(QUERIES)]} unique{n}"
            query = urllib.parse.urlencode({"q": words, "persona": f"persona-{n % 6}"})
            return urllib.request.Request(f"{base}/api/search?{query}", headers=headers)

        for _round in range(args.rounds):
            # Both in short alternating slices: load from elsewhere on a shared machine hits both alike.
            trivial = searched = 0.0
            for _slice in range(SLICES):
                trivial += load(lambda _client, _n: f"{base}/healthz", args.seconds / SLICES)
                searched += load(lambda _client, _n: new_search(), args.seconds / SLICES)
            trivials.append(trivial / SLICES)
            ratios.append(searched / trivial)
    return statistics.median(trivials), ratios


def fsync_ms(count=20):
    """Median milliseconds to write and fsync a new small file in a temporary folder on this disk."""
    folder = Path(tempfile.mkdtemp(prefix="cg-fsync-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None))
    samples = []
    for n in range(count):
        started = time.perf_counter()
        with open(folder / f"f{n}", "wb") as file:
            file.write(b"x" * 4096)
            file.flush()
            os.fsync(file.fileno())
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def orphan_files(path):
    """Files in the index folder that no segment of the current commit uses, and their bytes."""
    meta = json.loads((Path(path) / "meta.json").read_text())
    live = {segment["segment_id"].replace("-", "") for segment in meta["segments"]}
    orphans = [
        item
        for item in Path(path).iterdir()
        if item.is_file() and not item.name.startswith(("meta.json", ".")) and item.name.split(".")[0] not in live
    ]
    return len(orphans), sum(item.stat().st_size for item in orphans)


def concurrency_run(env, headers, publishes, path, port):
    """3 gunicorn workers reading, the task worker writing `publishes` publishes, notes arriving."""
    from django_tasks.backends.database.models import DBTaskResult

    from content.factories import create_collateral
    from personas.models import Objection, ObjectionNote, PersonaPage
    from search import service
    from search.engines.base import SearchQuery
    from search.engines.embedded import EmbeddedEngine
    from search.models import PendingIndexing

    service.embedded_engine().close()  # the task worker is the one writer from here on
    size_before = folder_bytes(path)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1", "--no-reload"],
        cwd=ROOT,
        env={**env, "TASK_BACKEND": "database"},
        stdout=subprocess.DEVNULL,
        stderr=open(Path(path).parent / "db_worker.log", "w"),  # noqa: SIM115  (read after the run if it failed)
    )
    persona, objection = PersonaPage.objects.first(), Objection.objects.first()
    stop, served, errors = threading.Event(), [0], []
    with gunicorn(env, port, workers=3) as base:

        def read(client):
            n = client
            while not stop.is_set():
                query = urllib.parse.urlencode({"q": f"{QUERIES[n % len(QUERIES)]} pricing"})
                try:
                    with urllib.request.urlopen(
                        urllib.request.Request(f"{base}/api/search?{query}", headers=headers), timeout=10
                    ) as response:
                        response.read()
                    served[0] += 1
                except OSError as error:
                    errors.append(str(error))
                n += 4

        readers = [threading.Thread(target=read, args=(client,)) for client in range(4)]
        for thread in readers:
            thread.start()
        started = time.perf_counter()
        pages = []
        for n in range(publishes):
            pages.append(
                create_collateral(title=f"Concurrent asset cq{n}", summary=f"Published during the run, cq{n}.")
            )
            if n % 4 == 0 and pages:
                ObjectionNote.objects.create(
                    persona=persona,
                    objection=objection,
                    text=f"note {n}",
                    collateral=random.choice(pages),
                    helped="yes",
                )
        published_s = time.perf_counter() - started
        # Wagtail's own deferred tasks (reference index, its admin search) are not the search index's.
        waiting = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"], task_path__startswith="search.")
        deadline = time.monotonic() + 600
        while waiting.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        drained_s = time.perf_counter() - started
        stop.set()
        for thread in readers:
            thread.join()
    worker.terminate()  # it stops after the task in hand
    try:
        worker.wait(timeout=120)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    reader = EmbeddedEngine(path)
    lost = [page.title for page in pages if not reader.search(SearchQuery(text=page.title.split()[-1])).total]
    stats = reader.stats()
    orphans, orphan_bytes = orphan_files(path)
    failed = DBTaskResult.objects.filter(status="FAILED").count()
    return {
        "published_s": published_s,
        "drained_s": drained_s,
        "reads": served[0],
        "read_errors": len(errors),
        "lost": len(lost),
        "pending": PendingIndexing.objects.count(),
        "failed_tasks": failed,
        "segments": stats["segments"],
        "size_before_mb": size_before / 1e6,
        "size_after_mb": stats["bytes"] / 1e6,
        "orphans": orphans,
        "orphan_mb": orphan_bytes / 1e6,
    }


def switched_off(text):
    """--without's value, checked: the parts named, comma-separated."""
    try:
        return ",".join(search_ablation.parts(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=15, help="timed runs per query")
    parser.add_argument("--seconds", type=float, default=6, help="length of each HTTP round, per view measured")
    parser.add_argument("--rounds", type=int, default=3, help="HTTP rounds, each measuring both runs")
    parser.add_argument(
        "--file-words", type=int, default=300, help="words of file text per asset (try 80000 with --docs 200)"
    )
    parser.add_argument("--publishes", type=int, default=200, help="publishes in the concurrency run")
    parser.add_argument("--old-engine", default=OLD_ENGINE, help="git revision of the replaced engine, or 'none'")
    parser.add_argument("--skip-http", action="store_true", help="in-process figures only")
    parser.add_argument(
        "--concurrency-only", action="store_true", help="build the tantivy index, then only the concurrency run"
    )
    parser.add_argument(
        "--http-only", action="store_true", help="build the tantivy index, then only the /api/search throughput share"
    )
    parser.add_argument("--port", type=int, default=8101, help="loopback port of the first gunicorn (the next one too)")
    parser.add_argument("--osmem", action="store_true", help="also measure the Elasticsearch engine on osmem-server")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        type=switched_off,
        metavar="PARTS",
        help="also measure the /api/search share with these parts switched off, comma-separated: "
        "highlights, facets, query-log, engine (benchmarks/search_ablation.py); repeatable",
    )
    args = parser.parse_args()

    env = throwaway_site("cg-bench-", TASK_BACKEND="database")
    folder = Path(env["SEARCH_INDEX_PATH"]).parent
    from personas.factories import create_objection, create_persona
    from personas.models import ObjectionNote
    from search import service

    rng = random.Random(7)
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start "
        "(shared: every timing scales with it)"
    )
    print(
        f"data: {args.docs:,} collateral documents (~300 words + ~{args.file_words:,} words of file text), "
        f"{args.notes:,} notes"
    )
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

    if args.concurrency_only:
        started = time.perf_counter()
        service.embedded_engine().rebuild(make_documents(args.docs, random.Random(1), args.file_words))
        print(f"tantivy index built in {time.perf_counter() - started:.1f} s")
        report_concurrency(env, args, service.embedded_engine().path)
        return
    if args.http_only:
        started = time.perf_counter()
        service.embedded_engine().rebuild(make_documents(args.docs, random.Random(1), args.file_words))
        print(f"tantivy index built in {time.perf_counter() - started:.1f} s")
        report_http(env, args)
        return
    engines = []
    old = None if args.old_engine == "none" else old_engine_class(args.old_engine)
    if old is not None:
        engines.append(
            (
                "old: SQLite FTS5 + our postings",
                old(folder / "old-index.sqlite3", result_cache_size=0),
                folder / "old-index.sqlite3",
            )
        )
    tantivy_engine = service.embedded_engine()
    engines.append(("new: tantivy", tantivy_engine, tantivy_engine.path))
    if args.osmem:
        from osmem_server import OsmemServer

        from search.engines.elastic import ElasticEngine

        server = OsmemServer.start()
        engines.append(("elasticsearch (osmem)", ElasticEngine(server.url, alias="bench", plain_json=True), None))
    results = {}
    for label, engine, path in engines:
        print(f"\n[{label}] building and querying…", flush=True)
        if path is None:
            started = time.perf_counter()
            engine.rebuild(make_documents(args.docs, random.Random(1), args.file_words))
            print(f"[{label}] index build: {time.perf_counter() - started:.1f} s")
            continue
        results[label] = figures = measure_engine(engine, path, args)
        print(f"[{label}] slowest queries by p95:")
        for query, median, p95 in sorted(figures["rows"], key=lambda row: -row[2])[:5]:
            print(f"    {query!r:32} p50 {median:6.1f} ms  p95 {p95:6.1f} ms")

    new = results["new: tantivy"]
    print(
        f"\nthis disk: creating and fsyncing a small file takes p50 {fsync_ms():.1f} ms; a tantivy commit "
        "syncs about ten files (segment parts, meta.json, the folder), so it bounds re-indexing from below"
    )
    new["visible_p50_ms"], new["visible_p95_ms"] = visibility(tantivy_engine, tantivy_engine.path)
    # Through the service, as the task worker does it: read the page from the database, write, commit.
    from content.factories import create_collateral

    page = create_collateral(title="Benchmark asset", summary="Pricing for the benchmark.")
    _p50, new["service_reindex_p95_ms"] = timed(lambda: service.index_collateral([page.pk]), 200)

    rows = [
        ("index build, s", "build_s", TARGETS["build_s"]),
        ("index size, MB", "size_mb", TARGETS["size_mb"]),
        ("full query, median of the 50 medians, ms", "query_p50_ms", None),
        ("full query, worst p95 of the 50, ms", "query_p95_ms", TARGETS["query_p95_ms"]),
        ("re-index one asset, p50 ms", "reindex_p50_ms", None),
        ("re-index one asset, p95 ms", "reindex_p95_ms", TARGETS["reindex_p95_ms"]),
        (
            "  the same through the service (database read + write), p95 ms",
            "service_reindex_p95_ms",
            TARGETS["reindex_p95_ms"],
        ),
        ("visible in a reading process, p50 ms", "visible_p50_ms", None),
        ("visible in a reading process, p95 ms", "visible_p95_ms", TARGETS["visible_p95_ms"]),
    ]
    labels = list(results)
    print(
        f"\n{args.docs:,} documents, {args.notes:,} notes, same run, same corpus, "
        "same 50 queries (top 10 + total + facets + highlights):"
    )
    print(f"{'measure':64} " + " ".join(f"{label[:24]:>24}" for label in labels) + "   target")
    for title, key, target in rows:
        values = " ".join(f"{results[label][key]:24.1f}" if key in results[label] else f"{'-':>24}" for label in labels)
        bound = "" if target is None else ("<= " if key == "query_p95_ms" else "< ") + str(target)
        print(f"{title:64} {values}   {bound}")
    for label in labels:
        over = results[label]["over_20ms"]
        listed = ": " + ", ".join(over) if over else ""
        print(f"[{label}] queries with p95 over 20 ms: {len(over)} of {len(QUERIES)}{listed}")

    if args.skip_http:
        return

    report_http(env, args)
    report_concurrency(env, args, tantivy_engine.path)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


def report_http(env, args):
    from search import service

    headers = api_headers()
    service.embedded_engine().close()  # web workers read; nothing in them writes
    trivial, ratios = http_ratio(env, headers, args)
    print(
        f"\n/api/search, a new search every request (one of the 50 with a unique word, a persona filter), "
        f"gunicorn 2 workers, 4 clients: {statistics.median(ratios):.1%} of the trivial view "
        f"({trivial:.0f} req/s; rounds {', '.join(f'{ratio:.1%}' for ratio in ratios)}); target >= 20%"
    )
    for without in args.without:
        trivial, ratios = http_ratio(env, headers, args, without)
        print(
            f"    the same without {without}: {statistics.median(ratios):.1%} "
            f"({trivial:.0f} req/s; rounds {', '.join(f'{ratio:.1%}' for ratio in ratios)})"
        )


def api_headers():
    """A bearer token header for a user who may see everything."""
    from django.contrib.auth import get_user_model

    from wagtail.models import APIToken

    user, _created = get_user_model().objects.get_or_create(username="bench", defaults={"is_superuser": True})
    _token, plaintext = APIToken.create_token(user=user, name="benchmark")
    return {"Authorization": f"Bearer {plaintext}"}


def report_concurrency(env, args, path):
    run = concurrency_run(env, api_headers(), args.publishes, path, args.port + 1)
    print(
        f"\nconcurrency: 3 gunicorn workers reading (4 clients), db_worker writing {args.publishes} publishes "
        f"and {args.publishes // 4} notes: published in {run['published_s']:.1f} s, "
        f"all indexed after {run['drained_s']:.1f} s"
    )
    print(
        f"    searches served {run['reads']} ({run['read_errors']} errors); lost writes {run['lost']} "
        f"(pending {run['pending']}, failed tasks {run['failed_tasks']}); segments {run['segments']}"
    )
    print(
        f"    index folder {run['size_before_mb']:.1f} MB before, {run['size_after_mb']:.1f} MB after; "
        f"files no segment uses: {run['orphans']} ({run['orphan_mb']:.1f} MB)"
    )

    print(f"load average now: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
