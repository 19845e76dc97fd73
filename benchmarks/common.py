"""What the benchmarks share: timings and percentiles, a gunicorn to measure against, and loopback clients."""

import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2


def percentile(values, share):
    """The value `share` (0..1) of the way up the sorted values: percentile(samples, 0.95) is the p95."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def samples_ms(function, runs, before=None):
    """Milliseconds each of `runs` calls of function() took; before(), when given, runs untimed ahead of each."""
    samples = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def timed(function, runs, before=None):
    """(median, p95) in milliseconds of `runs` calls of function() (see samples_ms)."""
    samples = samples_ms(function, runs, before)
    return statistics.median(samples), percentile(samples, 0.95)


@contextmanager
def gunicorn(env, port, workers=WORKERS, app="home.wsgi"):
    """The site under gunicorn (`workers` sync workers) on loopback; yields its base URL once it
    answers. `app`: the WSGI module gunicorn serves (benchmarks.search_ablation for parts switched off)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "-w", str(workers), "-b", f"127.0.0.1:{port}"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        # Web workers only read the search index: the task worker is its one writer.
        env={**env, "DJANGO_SETTINGS_MODULE": "home.settings.dev", "TASK_BACKEND": "database"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def load(make_request, seconds, clients=4):
    """Requests per second from `clients` threads for `seconds`. make_request(client, n) gives the
    n-th request (a URL or a urllib Request); an error status raises and stops the run."""
    done = []
    deadline = time.perf_counter() + seconds
    numbers = itertools.count()

    def client(number):
        count = 0
        while time.perf_counter() < deadline:
            with urllib.request.urlopen(make_request(number, next(numbers)), timeout=10) as response:
                response.read()
            count += 1
        done.append(count)

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def throwaway_site(prefix, **extra_env):
    """Django set up on a new SQLite database, search index, cache and media folder in a temporary
    folder, migrated. Returns the environment, for the gunicorn it will measure."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "home.settings.dev",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "SEARCH_INDEX_PATH": str(folder / "search-index"),
        "CACHE_LOCATION": str(folder / "cache"),
        "MEDIA_ROOT": str(folder / "media"),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        **extra_env,
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env
