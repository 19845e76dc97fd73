import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content.models import CollateralPage
from personas.models import Synonym
from search import quality_keelson, service
from search.quality import CUTOFF, PlainBM25, evaluate_judged, judged_sets, understood_search, words_only_search
from search.understanding import vocabulary

EVALUATION_TIMEOUT = 60  # seconds per server call: a busy machine must not fail the measurement


class Command(BaseCommand):
    help = (
        "Print nDCG@10, MRR@10 and no-answer accuracy on both judged sets: the Tessellate demo "
        "(search/quality.py, the set the ranking is tuned on; needs manage.py load_demo_data) and the "
        "held-out Keelson library (search/quality_keelson.py, built in memory), for each engine next "
        "to plain BM25. The Elasticsearch engine runs on a local osmem-server when it is installed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--per-query", action="store_true", help="Print each query's nDCG@10 too.")
        parser.add_argument("--no-osmem", action="store_true", help="Skip the Elasticsearch engine.")
        parser.add_argument(
            "--words-only",
            action="store_true",
            help="Also measure each engine without query understanding (the typed words and objection synonyms).",
        )

    def handle(self, *args, per_query=False, no_osmem=False, words_only=False, **options):
        sets = judged_sets()
        tessellate_name, keelson_name = list(sets)
        titles = set(CollateralPage.objects.live().values_list("title", flat=True))
        missing = {title for grades in sets[tessellate_name].values() for title in grades} - titles
        if missing:
            raise CommandError(f"Load the demo data first; missing assets: {', '.join(sorted(missing)[:3])}…")
        libraries = {
            tessellate_name: (list(service.all_documents()), vocabulary()),
            keelson_name: (
                quality_keelson.documents(),
                quality_keelson.vocabulary(Synonym.objects.values_list("term", "meaning")),
            ),
        }
        server = None
        if not no_osmem:
            try:
                from osmem_server import OsmemServer
            except ImportError:
                self.stdout.write("osmem-server is not installed (requirements-dev.txt): Elasticsearch skipped.")
            else:
                server = OsmemServer.start()
        try:
            with tempfile.TemporaryDirectory() as folder:
                for number, (name, (documents, vocab)) in enumerate(libraries.items()):
                    engines = {"embedded": service.embedded_engine_at(str(Path(folder) / f"embedded-{number}"))}
                    if server:
                        from search.engines.elastic import ElasticEngine

                        engines["elasticsearch"] = ElasticEngine(
                            server.url, alias=f"evaluation-{number}", plain_json=True
                        )
                    results = {"plain BM25": evaluate_judged(PlainBM25(documents).titles_for, sets[name])}
                    for engine_name, engine in engines.items():
                        engine.rebuild(documents)
                        results[engine_name] = evaluate_judged(understood_search(engine, vocab), sets[name])
                        if words_only:
                            search = words_only_search(engine)
                            results[f"{engine_name} (words)"] = evaluate_judged(search, sets[name])
                    self.report(name, sets[name], documents, results, per_query)
                    service.embedded_engine_at(str(Path(folder) / f"embedded-{number}")).close()
        finally:
            if server:
                server.close()

    def report(self, name, judgements, documents, results, per_query):
        answerable = sum(1 for grades in judgements.values() if grades)
        self.stdout.write(
            f"\n{name}: {answerable} judged queries + {len(judgements) - answerable} with no answer, "
            f"{len(documents)} assets, cutoff {CUTOFF}"
        )
        self.stdout.write(f"{'engine':<22} {'nDCG@10':>8} {'MRR@10':>7}  {'no-answer flagged':>18}  answerable flagged")
        baseline = results["plain BM25"]
        for engine_name, result in results.items():
            if engine_name == "plain BM25":
                flagged = f"{'(never says)':>18}  -"
            else:
                no_answer = "{} of {}".format(*result["no_answer"])
                flagged = f"{no_answer:>18}  " + "{} of {}".format(*result["answerable_weak"])
            gain = "" if engine_name == "plain BM25" else f"  ({result['ndcg'] - baseline['ndcg']:+.3f} nDCG vs BM25)"
            self.stdout.write(f"{engine_name:<22} {result['ndcg']:8.3f} {result['mrr']:7.3f}  {flagged}{gain}")
        if per_query:
            self.stdout.write("  " + " ".join(f"{engine_name[:13]:>13}" for engine_name in results))
            for query in judgements:
                if query in baseline["per_query"]:
                    row = " ".join(f"{results[engine_name]['per_query'][query]:13.2f}" for engine_name in results)
                    self.stdout.write(f"  {row}  {query}")
