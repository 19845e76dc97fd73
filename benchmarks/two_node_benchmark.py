"""Two nodes, one worker, shared PostgreSQL/Redis/osmem-server/S3: notes per second across both nodes
and search latency on node B.

    .venv/bin/python benchmarks/two_node_benchmark.py [--assets 60] [--seconds 15] [--threads 4]

Starts the same cluster as tests/deploy/test_two_nodes.py (gunicorn with gunicorn.conf.py and the
production settings, 2 workers per node), with the notes rate limit lifted, adds ``--assets``
collateral pages (indexed by the worker into osmem-server), then prints:

- notes/s: ``--threads`` clients posting ``POST /api/notes`` for ``--seconds``, alternating nodes;
  with the median and p95 time per note;
- search on node B: 100 ``GET /api/search`` queries one after another, median and p95 (ms).
"""

import argparse
import itertools
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import percentile  # noqa: E402

from tests.deploy.cluster import Browser, Cluster  # noqa: E402

ASSETS = """
from content.factories import create_collateral
from personas.models import Objection, PersonaPage
persona, objection = PersonaPage.objects.get(slug="cfo"), Objection.objects.get(slug="price")
words = ["invoice", "cash", "forecast", "renewal", "security", "integration", "pricing", "onboarding"]
for number in range({count}):
    topic = words[number % len(words)]
    create_collateral(
        title=f"{{topic.title()}} guide {{number}}",
        summary=f"How {{topic}} works for finance teams, case {{number}}.",
        body=f"<p>{{' '.join(words[(number + i) % len(words)] for i in range(40))}}</p>",
        personas=[persona], objections=[objection],
    )
"""
QUERIES = ["invoice", "cash forecast", "too pricey", "security review", "renewal", "integration guide", "pricng"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--threads", type=int, default=4)
    options = parser.parse_args()

    cluster = Cluster(NOTES_API_PER_MINUTE="1000000")
    try:
        started = time.perf_counter()
        cluster.start()
        print(f"cluster up in {time.perf_counter() - started:.1f} s", flush=True)
        cluster.manage("shell", "-c", ASSETS.format(count=options.assets))
        token = cluster.seeded["tokens"]["rep"]
        node_b = Browser(cluster.b)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            total = node_b.get("/api/search", params={"q": "guide"}, token=token).json()["total"]
            if total >= options.assets:
                break
            time.sleep(1)
        print(f"{options.assets} assets indexed by the worker", flush=True)

        timings, lock = [], threading.Lock()
        nodes = itertools.cycle([cluster.a, cluster.b])
        stop_at = time.monotonic() + options.seconds

        def post_notes(base_url):
            client = Browser(base_url)
            note = {"persona": "cfo", "objection": "price", "text": "Too pricey this quarter"}
            while time.monotonic() < stop_at:
                began = time.perf_counter()
                status = client.post("/api/notes", json=note, token=token).status_code
                assert status == 201, status
                with lock:
                    timings.append(time.perf_counter() - began)

        threads = [threading.Thread(target=post_notes, args=(next(nodes),)) for _ in range(options.threads)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        print(
            f"notes across two nodes: {len(timings) / elapsed:.1f} notes/s ({len(timings)} in {elapsed:.1f} s, "
            f"{options.threads} clients); per note median {statistics.median(timings) * 1000:.0f} ms, "
            f"p95 {percentile(timings, 0.95) * 1000:.0f} ms"
        )

        latencies = []
        for query in itertools.islice(itertools.cycle(QUERIES), 100):
            began = time.perf_counter()
            response = node_b.get("/api/search", params={"q": query}, token=token)
            latencies.append(time.perf_counter() - began)
            assert response.status_code == 200 and response.json()["engine"] == "elasticsearch"
        print(
            f"search on node B (osmem-server), 100 queries: median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
        )
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
