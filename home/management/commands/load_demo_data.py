import random
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from content.factories import create_collateral, create_document_for
from content.models import CollateralDocument, CollateralEvent, CollateralPage
from home import demo_content as demo
from home.bulk import bulk_writes
from personas.factories import create_note, create_objection, create_persona, days_ago
from personas.models import Helped, Outcome
from search import service as search_service

# Users that can log in; the others only appear as authors and owners.
LOGIN_USERS = {"admin", "marketer", "rep"}
STALE_EVERY = 6  # every sixth asset is past its review date, so the stale mark shows
UNUSED_EVERY = 10  # every tenth asset has had no view in 90 days: "unused" on the dashboard lists a few
USAGE_DAYS = 88  # usage events fall within the last 90 days (the reports' window), with a margin


class Command(BaseCommand):
    help = (
        "Load the Tessellate demo: personas, objections, collateral with real files, objection notes, "
        "and the users admin, marketer and rep. Run again on a site that has collateral, it leaves every "
        "page, objection, persona and note as people left them (--reset puts the demo back as shipped)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins-file",
            default=str(settings.BASE_DIR / "demo-logins.txt"),
            help="Where to keep the demo users' passwords between runs (git ignores it).",
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="The port the site is served on, for the login link."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Put the demo's personas, objections, collateral and notes back as shipped, undoing edits to them.",
        )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled in these settings (it is never loaded in production).")
        # Pages and notes are indexed in one rebuild, not after each save. The rebuild comes before
        # the deferred writes land: on a new site there is no index yet, and a write into a missing
        # index warns "search index missing" and queues a second rebuild.
        # `make run` loads the demo each time it starts the site: what people edited, merged,
        # renamed or deleted since must survive that, so a site with collateral keeps its content.
        if not options["reset"] and CollateralPage.objects.exists():
            with transaction.atomic():
                users = self.create_users()
            passwords = self.set_passwords(users, Path(options["logins_file"]))
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo data already loaded, kept as it is "
                    "(manage.py load_demo_data --reset puts it back as shipped)."
                )
            )
            self.say_logins(passwords, options["port"])
            return
        with bulk_writes():
            with transaction.atomic():
                users = self.create_users()
                objections = {slug: self.create_objection(slug, spec) for slug, spec in demo.OBJECTIONS.items()}
                personas = {spec["slug"]: self.create_persona(spec) for spec in demo.PERSONAS}
                collateral = self.create_collateral(personas, objections, users)
                notes = self.create_notes(personas, objections, collateral, users)
                self.create_requests(personas, objections, collateral, users)
                events = self.create_usage(collateral, users)
            indexed = search_service.rebuild_or_hand_over()
        passwords = self.set_passwords(users, Path(options["logins_file"]))
        where = (
            f"{indexed} items in the search index"
            if indexed is not None
            else "the running site writes the search index, so it takes these pages with its next search"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(personas)} personas, {len(objections)} objections, "
                f"{len(collateral)} collateral items, {notes} notes; {where}; {events} usage events."
            )
        )
        self.say_logins(passwords, options["port"])

    def say_logins(self, passwords, port):
        self.stdout.write(f"Log in at http://127.0.0.1:{port}/login/ with:")
        for username, password in passwords.items():
            self.stdout.write(f"    {username:<9} {password}")

    def create_requests(self, personas, objections, collateral, users):
        """Two content requests: one delivered (the rep has a notification), one waiting."""
        from content.models import ContentRequest

        rep, marketer = users[demo.REPS[0][0]], users[demo.MARKETERS[0][0]]
        for description, persona, objection, delivered in [
            ("A one-page answer to 'we already have a tool for this' for CFOs.", "cfo", "price", True),
            ("Something short on data residency for EU security reviews.", "head-of-security", "data-privacy", False),
        ]:
            if persona not in personas or objection not in objections:
                continue
            request, created = ContentRequest.objects.get_or_create(
                description=description,
                defaults={"persona": personas[persona], "objection": objections[objection], "requested_by": rep},
            )
            if created and delivered and collateral:
                request.status, request.owner = ContentRequest.Status.DELIVERED, marketer
                answering = [page for page in collateral if objections[objection] in page.objections.all()]
                request.delivered_asset = (answering or collateral)[0]
                request.save()

    def create_usage(self, collateral, users):
        """Views, downloads, copied links and "helped" clicks by the demo's reps over the last 90
        days, busier for some assets than others and more recent than old, so the usage columns,
        ranking and "Assets past review or unused" look like a team at work: every tenth asset was
        last opened months ago. Returns the number of events written; an asset that already has
        events from the demo's reps keeps them (a second run writes nothing)."""
        rng = random.Random(90)
        reps = [users[username] for username, *_ in demo.REPS]
        now = timezone.now()
        used = set(
            CollateralEvent.objects.filter(collateral__in=collateral, user__in=reps).values_list(
                "collateral_id", flat=True
            )
        )
        events = []

        def event(page, kind, days_ago):
            when = now - timezone.timedelta(days=days_ago, minutes=rng.randint(0, 600))
            events.append(CollateralEvent(collateral=page, type=kind, user=rng.choice(reps), created=when))

        for number, page in enumerate(collateral):
            if page.pk in used:
                continue
            if number % UNUSED_EVERY == UNUSED_EVERY - 1:
                event(page, CollateralEvent.Type.VIEW, rng.randint(100, 170))  # opened once, long ago
                continue
            for _ in range(rng.randint(2, 24)):
                days = rng.triangular(0, USAGE_DAYS, 5)
                event(page, CollateralEvent.Type.VIEW, days)
                if rng.random() < 0.45:
                    event(page, CollateralEvent.Type.DOWNLOAD, days)
                if rng.random() < 0.08:
                    event(page, CollateralEvent.Type.COPY_LINK, days)
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                kind = rng.choices([CollateralEvent.Type.HELPED, CollateralEvent.Type.NOT_HELPED], weights=[3, 1])[0]
                event(page, kind, rng.triangular(0, USAGE_DAYS, 5))
        CollateralEvent.objects.bulk_create(events)
        return len(events)

    def create_users(self):
        User = get_user_model()
        users = {}
        groups = {
            settings.MARKETING_GROUP: demo.MARKETERS,
            settings.SALES_GROUP: demo.REPS,
        }
        for group_name, people in groups.items():
            group = Group.objects.get(name=group_name)
            for username, first, last in people:
                user, _ = User.objects.update_or_create(
                    username=username,
                    defaults={"first_name": first, "last_name": last, "email": f"{username}@tessellate.example"},
                )
                user.groups.add(group)
                users[username] = user
        admin, _ = User.objects.update_or_create(
            username="admin",
            defaults={"is_staff": True, "is_superuser": True, "email": "admin@tessellate.example"},
        )
        users["admin"] = admin
        return users

    def set_passwords(self, users, logins_file):
        """Keep each login user's password across runs; make a new one if it was changed or lost."""
        known = {}
        if logins_file.exists():
            for line in logins_file.read_text().splitlines():
                username, _, password = line.partition(" ")
                known[username] = password.strip()
        passwords = {}
        for username in sorted(LOGIN_USERS):
            user = users[username]
            password = known.get(username, "")
            if not (password and user.check_password(password)):
                password = secrets.token_urlsafe(9)
                user.set_password(password)
                user.save(update_fields=["password"])
            passwords[username] = password
        for username, user in users.items():
            if username not in LOGIN_USERS and user.has_usable_password():
                user.set_unusable_password()
                user.save(update_fields=["password"])
        logins_file.write_text("".join(f"{name} {password}\n" for name, password in passwords.items()))
        logins_file.chmod(0o600)
        return passwords

    def create_objection(self, slug, spec):
        name, synonyms, description, talk_track, _proof = spec
        return create_objection(
            name=name, slug=slug, synonyms=synonyms, description=description, talk_track=f"<p>{talk_track}</p>"
        )

    def create_persona(self, spec):
        spec = dict(spec)
        spec["quotes"] = [("quote", {"text": text, "source": source}) for text, source in spec["quotes"]]
        return create_persona(**spec)

    def create_collateral(self, personas, objections, users):
        marketers = [users[username] for username, *_ in demo.MARKETERS]
        today = timezone.localdate()
        pages = []
        for number, (title, kind, stage, persona_slugs, objection_slugs, tags, summary) in enumerate(demo.COLLATERAL):
            specs = [demo.OBJECTIONS[slug] for slug in objection_slugs]
            body = (
                "<h3>When to use it</h3>"
                + "".join(f"<p>{description}</p>" for _name, _syn, description, _track, _proof in specs)
                + "<h3>Talking points</h3>"
                + "".join(f"<p>{track}</p>" for _name, _syn, _description, track, _proof in specs)
            )
            # The proof points live only inside the file, so searching inside files matters.
            file_text = [demo.KIND_INTRO[kind], summary] + [proof for *_rest, proof in specs]
            document = CollateralDocument.objects.filter(title=title).first() or create_document_for(
                title, demo.KIND_FILE[kind], file_text
            )
            stale = number % STALE_EVERY == STALE_EVERY - 1
            page = create_collateral(
                title=title,
                summary=summary,
                body=body,
                kind=kind,
                stage=stage,
                personas=[personas[slug] for slug in persona_slugs],
                objections=[objections[slug] for slug in objection_slugs],
                tags=tags,
                documents=[document],
                content_owner=marketers[number % len(marketers)],
                review_by=today - timezone.timedelta(days=30 + number) if stale else today.replace(year=today.year + 1),
            )
            # Spread publication dates so "newest" means something.
            published = days_ago(3 + number * 7)
            CollateralPage.objects.filter(pk=page.pk).update(first_published_at=published, last_published_at=published)
            pages.append(page)
        return pages

    def create_notes(self, personas, objections, collateral, users):
        rng = random.Random(2026)  # same notes on every run
        reps = [users[username] for username, *_ in demo.REPS]
        by_objection = {slug: [] for slug in objections}
        for page in collateral:
            for objection in page.objections.all():
                by_objection[objection.slug].append(page)
        number = 0
        for persona_slug, total in demo.NOTE_TOTALS.items():
            weights = demo.NOTE_WEIGHTS[persona_slug]
            said = set()  # no note repeats another word for word on one persona's page
            for _ in range(total):
                number += 1
                objection_slug = rng.choices(list(weights), weights=list(weights.values()))[0]
                used = by_objection[objection_slug]
                asset = rng.choice(used) if used and rng.random() < 0.65 else None
                create_note(
                    external_id=f"demo-note-{number:03d}",
                    persona=personas[persona_slug],
                    objection=objections[objection_slug],
                    author=rng.choice(reps),
                    text=demo.note_text(rng, objection_slug, said),
                    deal_stage=rng.choice(["discovery", "demo", "proposal", "negotiation", "closing"]),
                    outcome=rng.choices([Outcome.OPEN, Outcome.WON, Outcome.LOST], weights=[5, 3, 3])[0],
                    collateral=asset,
                    helped=rng.choices([Helped.YES, Helped.NO, Helped.UNKNOWN], weights=[6, 2, 2])[0]
                    if asset
                    else Helped.UNKNOWN,
                    created=days_ago(int(rng.triangular(0, 180, 10))) - timezone.timedelta(minutes=number),
                )
        return number
