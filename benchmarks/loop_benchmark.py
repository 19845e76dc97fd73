"""Loop benchmark: persona page and marketing dashboard render times, and notes accepted per second.

    .venv/bin/python benchmarks/loop_benchmark.py [--notes 100000] [--hot-persona 10000] [--seconds 10]

Runs against a throwaway SQLite database in a temporary folder: 12 personas, 24 objections,
300 collateral pages, `--notes` objection notes over the last 400 days (`--hot-persona` of them
on one persona), 20,000 feedback and usage events and 5,000 logged searches. Prints p50/p95
of the persona page (the one with the most notes) warm (insights cached) and cold (cache
emptied before each request), of the dashboard, and notes per second through POST /api/notes
under gunicorn (2 workers, 4 clients on loopback).
"""

import argparse
import json
import random
import time
import urllib.request

from common import WORKERS, gunicorn, load, throwaway_site, timed


def build(args, rng):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from content.factories import create_collateral
    from content.models import CollateralEvent
    from personas.factories import create_objection, create_persona
    from personas.models import ObjectionNote
    from search.models import QueryLog
    from search.signal_handlers import deferred_indexing

    users = [get_user_model().objects.create_user(f"rep{n}", first_name=f"Rep {n}") for n in range(50)]
    with deferred_indexing():
        personas = [create_persona(f"Persona {n}", slug=f"persona-{n}") for n in range(12)]
        objections = [create_objection(f"Objection {n}", slug=f"objection-{n}") for n in range(24)]
        assets = [
            create_collateral(
                title=f"Asset {n}",
                personas=[personas[n % 12]],
                objections=[objections[n % 24], objections[(n * 7) % 24]],
            )
            for n in range(300)
        ]
    started = time.perf_counter()
    hot, others = personas[0], personas[1:]
    notes = []
    for n in range(args.notes):
        persona = hot if n < args.hot_persona else others[n % len(others)]
        used = assets[rng.randrange(len(assets))] if n % 3 == 0 else None
        notes.append(
            ObjectionNote(
                persona=persona,
                objection=objections[int(rng.paretovariate(1.2)) % 24],
                text=f"Note {n}: they said the price is too high compared with what they pay now.",
                outcome=rng.choice(["open", "won", "lost"]),
                collateral=used,
                helped=rng.choice(["yes", "no", "unknown"]) if used else "unknown",
                author=users[n % len(users)],
            )
        )
    ObjectionNote.objects.bulk_create(notes, batch_size=5000)
    with connection.cursor() as cursor:  # spread them over the last 400 days
        cursor.execute("UPDATE personas_objectionnote SET created = datetime('now', '-' || (id * 7 % 400) || ' days')")
    CollateralEvent.objects.bulk_create(
        [
            CollateralEvent(
                collateral=assets[rng.randrange(len(assets))],
                type=rng.choice(["view", "view", "download", "helped", "not_helped"]),
                user=users[n % len(users)],
            )
            for n in range(20_000)
        ],
        batch_size=5000,
    )
    QueryLog.objects.bulk_create(
        [
            QueryLog(query=f"search {n % 700}", result_count=n % 3, user=users[n % 50], engine="embedded", took_ms=5)
            for n in range(5_000)
        ],
        batch_size=5000,
    )
    print(f"data written in {time.perf_counter() - started:.1f} s ({timezone.now():%H:%M})")
    return hot


def note_request(url, token, persona, number):
    body = json.dumps({"persona": persona, "objection": "objection-1", "text": f"Benchmark note {number}"})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return urllib.request.Request(url, data=body.encode(), headers=headers)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--hot-persona", type=int, default=10_000, help="notes on the busiest persona")
    parser.add_argument("--runs", type=int, default=30, help="timed renders of each page")
    parser.add_argument("--seconds", type=float, default=10, help="length of the notes API load run")
    args = parser.parse_args()

    env = throwaway_site("cg-loop-bench-", NOTES_API_PER_MINUTE="100000")
    from django.contrib.auth.models import Group
    from django.core.cache import cache
    from django.test import Client

    from wagtail.models import APIToken

    print(
        f"data: {args.notes:,} notes ({args.hot_persona:,} on one persona), 300 assets, 20,000 events, 5,000 searches"
    )
    hot = build(args, random.Random(3))
    from django.contrib.auth import get_user_model

    marketer = get_user_model().objects.create_user("marketer")
    marketer.groups.add(Group.objects.get(name="Marketing"))
    rep = get_user_model().objects.create_user("rep")
    rep.groups.add(Group.objects.get(name="Sales"))
    rep_client, marketer_client = Client(), Client()
    rep_client.force_login(rep)
    marketer_client.force_login(marketer)

    def persona_page():
        assert rep_client.get(hot.url).status_code == 200

    def dashboard():
        assert marketer_client.get("/admin/reports/loop/").status_code == 200

    persona_page()
    cold = timed(persona_page, args.runs, before=cache.clear)
    warm = timed(persona_page, args.runs)
    board = timed(dashboard, max(5, args.runs // 3))
    print(f"persona page ({args.hot_persona:,} notes), cold: p50 {cold[0]:.0f} ms, p95 {cold[1]:.0f} ms")
    print(f"persona page ({args.hot_persona:,} notes), warm: p50 {warm[0]:.0f} ms, p95 {warm[1]:.0f} ms")
    print(f"dashboard: p50 {board[0]:.0f} ms, p95 {board[1]:.0f} ms")

    sales = Group.objects.get(name="Sales")
    tokens = []
    for n in range(4):
        user = get_user_model().objects.create_user(f"crm{n}")
        user.groups.add(sales)
        tokens.append(APIToken.create_token(user=user, name="benchmark")[1])
    with gunicorn(env, 19000 + random.randrange(1000)) as base:
        rate = load(lambda client, n: note_request(f"{base}/api/notes", tokens[client], hot.slug, n), args.seconds)
    print(
        f"POST /api/notes (gunicorn, {WORKERS} workers, 4 clients, {args.seconds:.0f} s): {rate:.0f} notes/s accepted"
    )


if __name__ == "__main__":
    main()
