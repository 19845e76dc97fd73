"""Bring a team's existing library in (and take it out) as JSON, or CSV for collateral rows.

Re-importing the same ids updates, never duplicates. A bad row is reported with its id and
reason and the rest goes on. Each row is saved in its own transaction, and the search index
follows each commit, so it is current when the import returns.
"""

import csv
import datetime
import hashlib
import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import strip_tags
from django.utils.text import slugify

from content.factories import create_collateral, create_document
from content.models import BuyerStage, CollateralDocument, CollateralPage, Kind
from personas.factories import create_note, create_objection, create_persona
from personas.models import NOTE_TEXT_MAX_LENGTH, DealStage, Helped, Objection, ObjectionNote, Outcome, PersonaPage
from search.signal_handlers import deferred_indexing

CSV_LIST_SEPARATOR = ";"
HELPED = {True: Helped.YES, False: Helped.NO, None: Helped.UNKNOWN}


class RowError(Exception):
    pass


@dataclass
class Report:
    created: dict = field(default_factory=lambda: {"personas": 0, "objections": 0, "collateral": 0, "notes": 0})
    updated: dict = field(default_factory=lambda: {"personas": 0, "objections": 0, "collateral": 0, "notes": 0})
    errors: list = field(default_factory=list)  # (section, id, reason)

    def count(self, section, created):
        (self.created if created else self.updated)[section] += 1


def paragraphs(text):
    """Plain text from an import as safe rich text."""
    return "".join(f"<p>{html.escape(part.strip())}</p>" for part in (text or "").split("\n\n") if part.strip())


def plain_text(rich_text):
    """Rich text as the plain paragraphs the import format holds."""
    return html.unescape(strip_tags((rich_text or "").replace("</p>", "</p>\n\n").replace("</li>", "</li>\n"))).strip()


def required(row, name):
    value = row.get(name)
    if value in (None, "", []):
        raise RowError(f"{name} is missing")
    return value


def as_list(value):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(CSV_LIST_SEPARATOR) if item.strip()]
    return list(value)


def choice(value, choices, name):
    if value not in choices.values:
        raise RowError(f"{name} {value!r} is not one of {', '.join(choices.values)}")
    return value


def a_date(value, name):
    if value in (None, ""):
        return None
    parsed = parse_date(str(value)[:10])
    if parsed is None:
        raise RowError(f"{name} {value!r} is not a date (YYYY-MM-DD)")
    return parsed


class Importer:
    def __init__(self, base_dir):
        self.base_dir = Path(base_dir)
        self.report = Report()

    def run(self, data):
        with deferred_indexing():  # one indexing pass at the end; current when the import returns
            self._run(data)
        return self.report

    def _run(self, data):
        for section, handler in (
            ("personas", self.persona),
            ("objections", self.objection),
            ("collateral", self.collateral),
            ("notes", self.note),
        ):
            for row in data.get(section) or []:
                row_id = row.get("id") or row.get("slug") or "?"
                try:
                    with transaction.atomic():
                        self.report.count(section, handler(row))
                except RowError as error:
                    self.report.errors.append((section, str(row_id), str(error)))

    def persona(self, row):
        slug = slugify(required(row, "slug"))
        created = not PersonaPage.objects.filter(slug=slug).exists()
        create_persona(
            title=required(row, "name"),
            slug=slug,
            role=row.get("role") or "",
            summary=row.get("summary") or "",
            goals=paragraphs(row.get("goals")),
            pains=paragraphs(row.get("pains")),
        )
        return created

    def objection(self, row):
        slug = slugify(required(row, "slug"))
        created = not Objection.objects.filter(slug=slug).exists()
        name = required(row, "name")
        if Objection.objects.filter(name=name).exclude(slug=slug).exists():
            raise RowError(f"another objection is already called {name!r}")
        create_objection(
            name=name,
            slug=slug,
            description=row.get("description") or "",
            synonyms=", ".join(as_list(row.get("synonyms"))),
        )
        return created

    def collateral(self, row):
        external_id = str(required(row, "id"))
        personas = self.lookup(PersonaPage.objects.live(), as_list(row.get("personas")), "persona")
        objections = self.lookup(Objection.objects.all(), as_list(row.get("objections")), "objection")
        existing = CollateralPage.objects.filter(external_id=external_id).first()
        title = required(row, "title")
        page = create_collateral(
            title=title,
            slug=existing.slug if existing else self.free_slug(title),
            summary=required(row, "summary"),
            body=paragraphs(row.get("body")),
            kind=choice(required(row, "kind"), Kind, "kind"),
            stage=choice(required(row, "stage"), BuyerStage, "stage"),
            personas=personas,
            objections=objections,
            tags=as_list(row.get("tags")),
            documents=[self.document(external_id, path) for path in as_list(row.get("files"))],
            review_by=a_date(row.get("review_by"), "review_by"),
            external_id=external_id,
        )
        published = a_date(row.get("published"), "published")
        if published:
            moment = timezone.make_aware(datetime.datetime.combine(published, datetime.time(9)))
            CollateralPage.objects.filter(pk=page.pk).update(first_published_at=moment)
        return existing is None

    def lookup(self, queryset, slugs, name):
        found = {item.slug: item for item in queryset.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise RowError(f"unknown {name} {', '.join(missing)}")
        return [found[slug] for slug in slugs]

    def free_slug(self, title):
        base = slugify(title)[:200] or "collateral"
        slug, number = base, 1
        while CollateralPage.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug

    def document(self, external_id, relative_path):
        path = (self.base_dir / relative_path).resolve()
        if self.base_dir.resolve() not in path.parents:
            raise RowError(f"file {relative_path} is outside the import folder")
        if not path.is_file():
            raise RowError(f"file {relative_path} does not exist")
        extension = path.suffix.lower().lstrip(".")
        if extension not in settings.WAGTAILDOCS_EXTENSIONS:
            raise RowError(f"file {relative_path}: .{extension} files are not allowed")
        if path.stat().st_size > settings.WAGTAILDOCS_MAX_UPLOAD_SIZE:
            raise RowError(f"file {relative_path} is larger than {settings.WAGTAILDOCS_MAX_UPLOAD_SIZE:,} bytes")
        data = path.read_bytes()
        title = f"{path.stem} ({external_id})"
        existing = CollateralDocument.objects.filter(title=title).first()
        if existing and existing.file_hash == hashlib.sha1(data).hexdigest():
            return existing  # unchanged: keep the file and its extracted text
        return create_document(title, path.name, data)

    def note(self, row):
        external_id = str(required(row, "id"))
        text = str(required(row, "text")).strip()
        if len(text) > NOTE_TEXT_MAX_LENGTH:
            raise RowError(f"text is longer than {NOTE_TEXT_MAX_LENGTH:,} characters")
        (persona,) = self.lookup(PersonaPage.objects.live(), [required(row, "persona")], "persona")
        (objection,) = self.lookup(Objection.objects.all(), [required(row, "objection")], "objection")
        collateral = None
        if row.get("collateral") not in (None, ""):
            collateral = CollateralPage.objects.filter(external_id=str(row["collateral"])).first()
            if collateral is None:
                raise RowError(f"unknown collateral {row['collateral']}")
        if row.get("helped") not in HELPED:
            raise RowError(f"helped must be true, false or null, not {row.get('helped')!r}")
        created_at = parse_datetime(str(row["created"])) if row.get("created") else None
        if row.get("created") and created_at is None:
            raise RowError(f"created {row['created']!r} is not a date and time")
        if created_at and timezone.is_naive(created_at):
            created_at = timezone.make_aware(created_at)
        existed = ObjectionNote.objects.filter(external_id=external_id).exists()
        create_note(
            external_id=external_id,
            persona=persona,
            objection=objection,
            author=self.author(row.get("author")),
            text=text,
            deal_stage=choice(row.get("stage") or DealStage.DISCOVERY, DealStage, "stage"),
            outcome=choice(row.get("outcome") or Outcome.OPEN, Outcome, "outcome"),
            collateral=collateral,
            helped=HELPED[row.get("helped")],
            created=created_at,
        )
        return not existed

    def author(self, username):
        if not username:
            return None
        user, created = get_user_model().objects.get_or_create(username=str(username)[:150])
        if created:  # someone from the old system: known by name, cannot log in until given a password
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user


def without_nul(value):
    """NUL characters cannot be stored (PostgreSQL refuses them); drop them wherever they are."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    return value


def read(path):
    """JSON with every section, or CSV with collateral rows (lists separated by ';')."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return {"collateral": without_nul(list(csv.DictReader(handle)))}
    return without_nul(json.loads(path.read_text(encoding="utf-8")))


def export_id(page):
    """The id a page was imported with, or one made from its primary key."""
    return page.external_id or f"page-{page.pk}"


def export(path):
    """Write everything in the import format, with the files copied beside it."""
    path = Path(path)
    files_dir = path.parent / f"{path.stem}-files"
    files_dir.mkdir(parents=True, exist_ok=True)
    collateral = []
    for page in CollateralPage.objects.live().prefetch_related("personas", "objections", "tags", "files__document"):
        page_id = export_id(page)
        files = []
        for item in page.files.all():
            target = files_dir / page_id.replace("/", "_") / Path(item.document.file.name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            with item.document.open_file() as source:
                target.write_bytes(source.read())
            files.append(str(target.relative_to(path.parent)))
        collateral.append(
            {
                "id": page_id,
                "title": page.title,
                "kind": page.kind,
                "stage": page.stage,
                "summary": page.summary,
                "body": plain_text(page.body),
                "personas": [p.slug for p in page.personas.all()],
                "objections": [o.slug for o in page.objections.all()],
                "tags": [t.name for t in page.tags.all()],
                "files": files,
                "published": page.first_published_at.date().isoformat() if page.first_published_at else None,
                "review_by": page.review_by.isoformat() if page.review_by else None,
            }
        )
    data = {
        "personas": [
            {
                "slug": p.slug,
                "name": p.title,
                "role": p.role,
                "summary": p.summary,
                "goals": plain_text(p.goals),
                "pains": plain_text(p.pains),
            }
            for p in PersonaPage.objects.live().order_by("title")
        ],
        "objections": [
            {"slug": o.slug, "name": o.name, "description": o.description, "synonyms": o.synonym_list}
            for o in Objection.objects.order_by("name")
        ],
        "collateral": collateral,
        "notes": [
            {
                "id": note.external_id or f"note-{note.pk}",
                "persona": note.persona.slug,
                "objection": note.objection.slug,
                "text": note.text,
                "stage": note.deal_stage,
                "outcome": note.outcome,
                "collateral": export_id(note.collateral) if note.collateral else None,
                "helped": {Helped.YES: True, Helped.NO: False}.get(note.helped),
                "author": note.author.get_username() if note.author else None,
                "created": note.created.isoformat(),
            }
            for note in ObjectionNote.objects.select_related("persona", "objection", "collateral", "author")
        ],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return {section: len(rows) for section, rows in data.items()}
