"""Two web nodes and a task worker sharing PostgreSQL, Redis, osmem-server and an S3 server.

Used by ``tests/deploy/test_two_nodes.py`` and ``benchmarks/two_node_benchmark.py``. Each node is
gunicorn with the repository's ``gunicorn.conf.py`` and the production settings, as the README
deploys it, with a folder of its own (``MEDIA_ROOT``, the embedded index), as on two machines.
What they share:

- PostgreSQL: a database of this checkout's own (``two_nodes_<folder>``), copied from a migrated
  template kept between runs (named after a hash of every migration), so a run migrates only
  when a migration changed;
- Redis: database 8 (``TWO_NODE_REDIS_URL``), emptied at start;
- osmem-server (an in-memory OpenSearch-compatible server from PyPI) as ``SEARCH_ENGINE=elasticsearch``;
- moto's S3 server (``ThreadedMotoServer``, in this process) as ``STORAGE_URL``.

Ports come from the first free one in fixed ranges (gunicorn 8201-8220, moto 5001-5005, osmem
9221-9230). Nothing here talks to a real S3, Elasticsearch or OpenSearch.
"""

import contextlib
import hashlib
import http.cookies
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
import psycopg
import redis
import requests
from moto.server import ThreadedMotoServer
from osmem_server import OsmemServer

BASE_DIR = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("TWO_NODE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TWO_NODE_REDIS_URL", "redis://127.0.0.1:6379/8")
BUCKET = "commonground-two-nodes"
PASSWORD = "two nodes share everything"
SEED = BASE_DIR / "tests" / "deploy" / "seed.py"


def first_free_port(ports, taken=()):
    """The first port in ``ports`` nobody listens on (127.0.0.1) and not in ``taken``; RuntimeError when none is."""
    for port in ports:
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {ports[0]}-{ports[-1]}")


def migrations_digest():
    """A hash of every migration of the project's apps and of the pinned requirements."""
    digest = hashlib.sha1()
    for path in sorted(BASE_DIR.glob("*/migrations/*.py")) + [BASE_DIR / "requirements.txt"]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def admin_sql(statement):
    """Run one statement on the server's ``postgres`` database (outside a transaction); returns its rows."""
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


class Browser:
    """A person at one node: cookies kept by hand (the production cookies are Secure, and the node is
    reached over plain HTTP as behind a TLS proxy, so every request says ``X-Forwarded-Proto: https``)."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.host = base_url.split("://", 1)[1]
        self.cookies = {}

    def request(self, method, path, token=None, **kwargs):
        headers = {"X-Forwarded-Proto": "https", "Referer": f"https://{self.host}/", **kwargs.pop("headers", {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            if method != "GET" and "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        response = requests.request(
            method, self.base_url + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def log_in(self, username):
        self.get("/login/")
        response = self.post(
            "/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.cookies["csrftoken"]},
        )
        assert response.status_code == 302, f"login as {username} failed: {response.status_code}"
        return self


class Cluster:
    """Start with ``start()``, stop with ``stop()``; ``a`` and ``b`` are the nodes' base URLs."""

    def __init__(self, purpose="two_nodes", **env_overrides):
        self.env_overrides = env_overrides
        self.folder = Path(tempfile.mkdtemp(prefix="commonground-two-nodes-"))
        self.database = re.sub(r"\W", "_", f"{purpose}_{BASE_DIR.name}").lower()
        self.processes = {}
        self.ports = set()
        self.osmem = self.moto = None
        self.seeded = {}

    # Shared services

    def start_services(self):
        moto_port = first_free_port(range(5001, 5006))
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
        self.moto.start()
        self.s3_endpoint = f"http://127.0.0.1:{moto_port}"
        self.s3 = boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self.s3.create_bucket(Bucket=BUCKET)
        self.osmem = OsmemServer.start(addr=f"127.0.0.1:{first_free_port(range(9221, 9231))}")
        redis.Redis.from_url(REDIS_URL).flushdb()

    def create_database(self):
        """This run's database, copied from the migrated template (made first when migrations changed)."""
        template = f"two_nodes_template_{migrations_digest()}"
        found = admin_sql("SELECT datname FROM pg_database WHERE datname LIKE 'two_nodes_template_%'")
        names = {row[0] for row in found}
        admin_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        if template not in names:
            admin_sql(f'CREATE DATABASE "{self.database}"')
            self.manage("migrate", "--noinput")
            for stale in names:
                admin_sql(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
            admin_sql(f'CREATE DATABASE "{template}" TEMPLATE "{self.database}"')
        else:
            admin_sql(f'CREATE DATABASE "{self.database}" TEMPLATE "{template}"')

    # Nodes

    def env(self, name):
        """The environment of one process (node ``a``, ``b``, the ``worker`` or a ``command``)."""
        home = self.folder / name
        home.mkdir(exist_ok=True)
        # Not the test process's own switches: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE
        # (Playwright's loop), which production's deploy checks rightly refuse.
        inherited = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "home.settings.production",
            "SECRET_KEY": "two-node-test-key",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"{POSTGRES}/{self.database}",
            "CACHE_URL": REDIS_URL,
            "SEARCH_ENGINE": "embedded",
            "SEARCH_INDEX_PATH": str(home / "search-index"),
            "MEDIA_ROOT": str(home / "media"),
            "STATIC_ROOT": str(home / "static"),
            "TASK_BACKEND": "database",
            "NOTES_API_PER_MINUTE": "10",
            "LOG_FORMAT": "json",
            "WEB_CONCURRENCY": "2",
            "PYTHONUNBUFFERED": "1",
        }
        if self.osmem:
            env.update(
                SEARCH_ENGINE="elasticsearch",
                ELASTICSEARCH_URL=self.osmem.url,
                ELASTICSEARCH_PLAIN_JSON="1",
                ELASTICSEARCH_INDEX="two-nodes",
            )
        if self.moto:
            env.update(
                STORAGE_URL=f"s3://{BUCKET}?endpoint_url={self.s3_endpoint}&region=us-east-1",
                AWS_ACCESS_KEY_ID="testing",
                AWS_SECRET_ACCESS_KEY="testing",
            )
        env.update(self.env_overrides)
        return env

    def manage(self, *args, name="command"):
        """Run ``manage.py <args>`` with the cluster's settings; returns its standard output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env(name), capture_output=True, text=True
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def spawn(self, name, command, env):
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 (closed in stop)
        self.processes[name] = (
            subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT),
            log,
        )

    def start_node(self, name):
        port = first_free_port(range(8201, 8221), taken=self.ports)
        self.ports.add(port)
        env = {**self.env(name), "GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.spawn(name, [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "home.wsgi"], env)
        setattr(self, name, f"http://127.0.0.1:{port}")

    def wait_until_up(self, name, timeout=90):
        url = getattr(self, name) + "/healthz"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[name][0]
            if process.poll() is not None:
                raise RuntimeError(f"node {name} exited:\n{self.log(name)}")
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"node {name} did not answer within {timeout} s:\n{self.log(name)}")

    def start(self):
        """Services, database, both nodes and the worker; seeds users, a persona, an objection, an asset."""
        self.start_services()
        self.start_node("a")  # gunicorn boots while the database is made; nothing is read before a request
        self.start_node("b")
        self.create_database()
        self.spawn(
            "worker",
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            self.env("worker"),
        )
        output = self.manage("shell", "-c", SEED.read_text())
        self.seeded = json.loads(output.strip().splitlines()[-1])
        self.wait_until_up("a")
        self.wait_until_up("b")
        return self

    def log(self, name):
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self):
        for name, (process, _log) in self.processes.items():
            # gunicorn: SIGINT is its quick shutdown (no requests are running by now); the worker
            # gets SIGTERM, its graceful stop.
            process.send_signal(signal.SIGTERM if name == "worker" else signal.SIGINT)
        for process, log in self.processes.values():
            try:
                process.wait(timeout=5)  # gunicorn can take 10 s more on a loaded machine; nothing is lost
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
        if self.osmem:
            self.osmem.close()
        if self.moto:
            self.moto.stop()
        with contextlib.suppress(psycopg.Error):
            admin_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        redis.Redis.from_url(REDIS_URL).flushdb()
        shutil.rmtree(self.folder, ignore_errors=True)

    def query(self, sql, params=()):
        """Rows of one read on the cluster's database (to learn ids the admin does not print)."""
        with psycopg.connect(f"{POSTGRES}/{self.database}") as connection:
            return connection.execute(sql, params).fetchall()

    def bucket_keys(self):
        return [item["Key"] for item in self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]

    def local_files(self, name):
        media = self.folder / name / "media"
        return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []
