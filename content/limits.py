"""Run risky file work (reading text, rendering a page) in a child process with limits.

Uploaded files come from anyone with an upload form and are read by PDFium, lxml and Pillow. A
file built to be slow (20,000 pages) or to need memory (a zip bomb) must not hold a web worker
or grow it: the work runs in a child process from a "forkserver" (multiprocessing), which
forks a fresh child per job from a small server that has already imported the readers, so a job
starts in milliseconds and never inherits the parent's threads, database connections or memory.

In the child, ``resource.setrlimit(RLIMIT_AS)`` caps its address space: an allocation past it
fails with MemoryError (or the child dies), never the parent. The parent waits at most
``time_limit`` seconds, then kills the child. The child streams messages back through a pipe as
it works, so what it sent before a stop is kept.

This module imports nothing from Django: the forkserver imports it (and the readers) once.
"""

import contextlib
import multiprocessing
import resource
import time
from dataclasses import dataclass, field

# The readers the forkserver imports once, so each child starts with them loaded.
PRELOAD = ["content.limits", "content.jobs"]

_context = None

# How a child that ran out of memory dies when no MemoryError reached Python: C++ code (PDFium,
# LibreOffice's libraries) aborts on a failed allocation (SIGABRT), the kernel's OOM killer sends
# SIGKILL. Exit codes of multiprocessing are minus the signal number.
OUT_OF_MEMORY = {-6, -9}


def _get_context():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


@dataclass
class Outcome:
    """How a limited job ended.

    ``ended``: "done" (the job said it finished), "time" (killed after the time limit),
    "memory" (ran out of its memory limit) or "crashed" (died without saying why).
    ``messages``: every message the job sent before it ended, in order (tuples).
    ``seconds``: how long it ran.
    """

    ended: str
    messages: list = field(default_factory=list)
    seconds: float = 0.0
    exitcode: int | None = None


def _child(conn, memory_limit_mb, job, args):
    if memory_limit_mb:
        limit = memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        job(conn.send, *args)
        conn.send(("done",))
    except MemoryError:
        with contextlib.suppress(Exception):  # nothing left to tell with: the parent sees the exit
            conn.send(("memory",))
    except BaseException as error:  # the parent reports it; the child must still end cleanly
        with contextlib.suppress(Exception):
            conn.send(("failed", f"{type(error).__name__}: {error}"[:500]))
    finally:
        conn.close()


def run_limited(job, args, time_limit, memory_limit_mb, on_message=None):
    """Run ``job(send, *args)`` in a child process and return an Outcome.

    ``job`` must be a module-level function (it is named, not copied, to the child); it calls
    ``send(tuple)`` to report as it goes. ``time_limit``: seconds (int or float) before the child
    is killed. ``memory_limit_mb``: the child's address-space limit in MB (0: none).
    ``on_message(message)``, if given, is called in the parent for each message as it arrives
    (to keep what was read without holding every message). Never raises for what the job does.
    """
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, memory_limit_mb, job, args), daemon=True)
    process.start()  # the first start also starts the forkserver: not counted against the limit
    started = time.monotonic()
    sender.close()
    messages, ended = [], None
    deadline = started + time_limit
    try:
        while ended is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                ended = "time"
                break
            if not receiver.poll(min(remaining, 1.0)):
                continue
            try:
                message = receiver.recv()
            except (EOFError, OSError):
                process.join(5)
                ended = "memory" if memory_limit_mb and process.exitcode in OUT_OF_MEMORY else "crashed"
                break
            if message[0] in ("done", "memory"):
                ended = message[0]
            elif message[0] == "failed":
                messages.append(message)
                ended = "crashed"
            elif on_message is not None:
                on_message(message)
            else:
                messages.append(message)
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    return Outcome(ended=ended, messages=messages, seconds=time.monotonic() - started, exitcode=process.exitcode)
