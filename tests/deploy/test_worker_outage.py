"""The task worker waits out a PostgreSQL outage, loses no queued task, and prunes old task rows.

The worker reaches PostgreSQL through a TCP relay this test can cut, as a network or a restart
would: every connection drops and new ones are refused. Work queued during the outage (by the
web side, which still reaches the database) is done once the relay is back, by the same process.
Runs on PostgreSQL on both of CI's passes (the database queue's locking is PostgreSQL's).
"""

import contextlib
import socket
import subprocess
import sys
import threading
import time

import pytest

from tests.deploy.cluster import BASE_DIR, Cluster

ENQUEUE = """
import datetime
import uuid
from django.utils import timezone
from django_tasks.backends.database.models import DBTaskResult
from content.factories import create_collateral
create_collateral(title={title!r}, summary="Queued while the worker may be cut off.")
if {old_row}:
    row = DBTaskResult.objects.latest("enqueued_at")
    old = DBTaskResult.objects.get(pk=row.pk)
    old.pk = uuid.uuid4()
    old._state.adding = True
    old.status = "SUCCEEDED"
    old.finished_at = timezone.now() - datetime.timedelta(days=30)
    old.save()
"""


class Relay:
    """A TCP relay from a local port to PostgreSQL that can be cut (every connection closed) and restored."""

    def __init__(self, upstream=("127.0.0.1", 5432)):
        self.upstream = upstream
        self.sockets = set()
        self.listener = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    def restore(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()

    def accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.sockets |= {client, server}
            for source, target in [(client, server), (server, client)]:
                threading.Thread(target=self.pump, args=(source, target), daemon=True).start()

    def pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                end.close()

    def cut(self):
        self.listener.close()
        for end in list(self.sockets):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
        self.sockets.clear()


def wait_for(probe, timeout, what):
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")
        time.sleep(0.3)


@pytest.fixture
def cluster():
    running = Cluster(purpose="worker_outage")
    running.create_database()
    yield running
    running.stop()


def all_done(cluster, at_least):
    """Every task row finished well, at least `at_least` of them: tasks may queue more (an index
    write that found the index missing queues a rebuild and a retry)."""
    found = statuses(cluster)
    return set(found) == {"SUCCEEDED"} and found["SUCCEEDED"] >= at_least


def statuses(cluster):
    rows = cluster.query("SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status")
    return dict(rows)


def test_the_worker_survives_an_outage_and_does_the_work_queued_meanwhile(cluster):
    cluster.manage("shell", "-c", ENQUEUE.format(title="Before the outage", old_row=True))
    queued = statuses(cluster)["READY"]  # the page's indexing, and what the migrations queued
    assert queued >= 1 and statuses(cluster)["SUCCEEDED"] == 1  # one finished 30 days ago

    relay = Relay()
    relay.restore()
    env = cluster.env("worker")
    env["DATABASE_URL"] = env["DATABASE_URL"].replace(":5432/", f":{relay.port}/")
    env["LOG_FORMAT"] = "text"
    log = open(cluster.folder / "worker.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    cluster.processes["worker"] = (worker, log)

    # The old finished row is pruned at start; the queued task is done.
    wait_for(
        lambda: all_done(cluster, queued),
        90,
        lambda: f"the queued tasks and the pruning: {statuses(cluster)}\n{cluster.log('worker')[-3000:]}",
    )
    assert "Deleted 1 finished task rows older than 7 days" in cluster.log("worker")

    relay.cut()
    wait_for(lambda: "Database unavailable" in cluster.log("worker"), 20, "the worker to notice the outage")
    cluster.manage("shell", "-c", ENQUEUE.format(title="During the outage", old_row=False))
    during = statuses(cluster)["READY"]  # its indexing among them
    done_before = statuses(cluster)["SUCCEEDED"]
    assert during >= 1 and done_before >= queued
    time.sleep(2)
    assert worker.poll() is None, cluster.log("worker")  # still running, waiting
    relay.restore()

    wait_for(
        lambda: all_done(cluster, done_before + during),
        60,
        lambda: f"the tasks queued during the outage: {statuses(cluster)}\n{cluster.log('worker')[-3000:]}",
    )
    assert worker.poll() is None
    output = cluster.log("worker")
    assert "Traceback" not in output
    warnings = [line for line in output.splitlines() if "Database unavailable" in line]
    assert warnings and all(" WARNING commonground.worker " in line for line in warnings)
    assert [line for line in output.splitlines() if "commonground.task" in line and "succeeded" in line]
