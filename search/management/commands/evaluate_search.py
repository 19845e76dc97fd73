import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content.models import CollateralPage
from search.engines.embedded import EmbeddedEngine, PlainBM25Engine
from search.quality import CUTOFF, JUDGEMENTS, evaluate
from search.service import all_documents, mentioned_objections


class Command(BaseCommand):
    help = (
        "Print nDCG@10 and MRR of each search engine on the judged query set (search/quality.py), "
        "next to plain BM25 on the same data. Needs the demo data (manage.py load_demo_data)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--osmem", action="store_true", help="Also measure the Elasticsearch engine on a local osmem-server."
        )
        parser.add_argument("--per-query", action="store_true", help="Print each query's nDCG too.")

    def handle(self, *args, osmem=False, per_query=False, **options):
        titles = set(CollateralPage.objects.live().values_list("title", flat=True))
        missing = {title for grades in JUDGEMENTS.values() for title in grades} - titles
        if missing:
            raise CommandError(f"Load the demo data first; missing assets: {', '.join(sorted(missing)[:3])}…")
        documents = list(all_documents())
        with tempfile.TemporaryDirectory() as folder:
            engines = [
                PlainBM25Engine(Path(folder) / "baseline.sqlite3"),
                EmbeddedEngine(Path(folder) / "embedded.sqlite3"),
            ]
            server = None
            if osmem:
                from osmem_server import OsmemServer

                from search.engines.elastic import ElasticEngine

                server = OsmemServer.start()
                engines.append(ElasticEngine(server.url, alias="evaluation", plain_json=True))
            try:
                results = {}
                for engine in engines:
                    engine.rebuild(documents)
                    baseline = isinstance(engine, PlainBM25Engine)
                    results[engine.name] = evaluate(
                        engine, synonyms=(lambda text: ()) if baseline else mentioned_objections, ranked=not baseline
                    )
            finally:
                if server:
                    server.close()
        baseline = results[engines[0].name]
        self.stdout.write(f"{len(JUDGEMENTS)} judged queries, {len(documents)} assets, cutoff {CUTOFF}")
        self.stdout.write(f"{'engine':<15} {'nDCG@10':>8} {'MRR':>6}  vs plain BM25")
        for name, result in results.items():
            ratio = f"{result['ndcg'] / baseline['ndcg']:.2f}x nDCG" if baseline["ndcg"] else "-"
            self.stdout.write(f"{name:<15} {result['ndcg']:8.3f} {result['mrr']:6.3f}  {ratio}")
        if per_query:
            for query in JUDGEMENTS:
                row = "  ".join(f"{results[name]['per_query'][query]:.2f}" for name in results)
                self.stdout.write(f"  {query:<35} {row}")
