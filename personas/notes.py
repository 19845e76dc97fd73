"""One path for an objection note, wherever it comes from (issue 16).

The site's form (personas/forms.py) is the one set of rules. A record-shaped note, from the API
(personas/api.py) or an import (content/importing.py), is turned into that form's data here and
validated by the same form; saving goes through `save_note`, which the API and the importer share.

A record is a dict: {"persona": slug, "objection": slug (a merged one finds the survivor),
"text": str, "stage": note stage slug, "outcome": "open"|"won"|"lost", "collateral": page id or
None, "helped": true|false|null}.
"""

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Case, When

from personas.forms import ObjectionNoteForm
from personas.models import Helped, NoteStage, ObjectionNote, Outcome

HELPED_FROM_JSON = {True: Helped.YES, False: Helped.NO, None: Helped.UNKNOWN}
HELPED_TO_JSON = {Helped.YES: True, Helped.NO: False}
FIELDS = ("persona", "objection", "text", "deal_stage", "outcome", "collateral", "helped")


def record_form_data(record, default_stage=None):
    """The note form's data (strings) from a record; see the module docstring for its shape.

    `default_stage`: the stage slug when the record names none (default: the first note stage).
    A helped value that is not true, false or null becomes "invalid", which the form refuses.
    """
    helped = record.get("helped")
    stage = record.get("stage")
    if not stage:
        stage = default_stage if default_stage is not None else NoteStage.default_slug()
    return {
        "persona": str(record.get("persona") or ""),
        "objection": str(record.get("objection") or ""),
        "text": str(record.get("text") or ""),
        "deal_stage": str(stage or ""),
        "outcome": str(record.get("outcome") or Outcome.OPEN),
        "collateral": str(record.get("collateral") or ""),
        "helped": HELPED_FROM_JSON.get(helped, "invalid") if isinstance(helped, bool | None) else "invalid",
    }


def record_form(record, hidden_page_ids=frozenset(), default_stage=None, known=None):
    """The site's note form, bound to a record (persona and objection by slug).

    `known`: see ObjectionNoteForm (the importer's look-ups, reused)."""
    data = record_form_data(record, default_stage)
    return ObjectionNoteForm(
        data=data,
        hidden_page_ids=hidden_page_ids,
        by_slug=True,
        known=known,
        instance=ObjectionNote(deal_stage_id=data["deal_stage"] or None),  # no default to look up
    )


RECORD_NAMES = {"deal_stage": "stage"}  # the form's field -> the record's key, where they differ
HELPED_RULE = "helped is true, false or null."


def form_errors(form):
    """{field: [message]} of an invalid form, as the API answers them and the importer reports them,
    each under the record's own key ("stage", not the form's "deal_stage"); a helped value that is
    not true, false or null is said so, not as a choice named "invalid"."""
    errors = {}
    for name, messages in form.errors.items():
        messages = [str(message) for message in messages]
        if name == "helped" and form.data.get("helped") == "invalid":
            messages = [HELPED_RULE]
        errors[RECORD_NAMES.get(name, name)] = messages
    return errors


def earlier_note(author, external_id):
    """The note this author already filed with this external_id, else None.

    Ids are idempotency keys per author (the constraint ``unique_external_id_per_author``): another
    user's note with the same id is theirs, and is never answered here.
    """
    return (
        ObjectionNote.objects.filter(author=author, external_id=external_id)
        .select_related("persona", "objection")
        .first()
    )


LOOK_UP = object()


def save_note(form, author, external_id=None, update=False, created=None, existing=LOOK_UP):
    """Save a valid note form as `author`'s note. Returns (note, "created" | "updated" | "unchanged").

    With `external_id`, the author's note with that id is found first: returned as it is
    ("unchanged"; the API's retries) or, with `update`, changed to the form's values ("updated";
    an import), writing nothing when every value is the same. `created` (an aware datetime) backdates
    a note (imports keep when it was filed). A concurrent save of the same id is answered with the
    note it saved (a savepoint keeps the connection usable).
    """
    if existing is LOOK_UP:
        existing = earlier_note(author, external_id) if external_id else None
    if existing is not None:
        if not update:
            return existing, "unchanged"
        changed = [name for name in FIELDS if _value(existing, name) != _value(form.cleaned_data, name)]
        if created is not None and existing.created != created:
            changed.append("created")
        if not changed:
            return existing, "unchanged"
        for name in changed:
            setattr(existing, name, created if name == "created" else form.cleaned_data[name])
        existing.save()
        if "created" in changed:  # auto_now_add: set by an update
            ObjectionNote.objects.filter(pk=existing.pk).update(created=created)
        return existing, "updated"
    note = form.save(commit=False)
    note.author, note.external_id = author, external_id
    try:
        with transaction.atomic():
            note.save()
    except IntegrityError:
        again = earlier_note(author, external_id) if external_id else None
        if again is None:
            raise
        return again, "unchanged"  # a concurrent retry saved it first
    if created is not None:
        ObjectionNote.objects.filter(pk=note.pk).update(created=created)
        note.created = created
    return note, "created"


def _value(source, name):
    """A field's comparable value (the key a relation stores) from a note or from cleaned form data,
    without loading related rows."""
    field = ObjectionNote._meta.get_field(name)
    if isinstance(source, ObjectionNote):
        return getattr(source, field.attname)
    value = source.get(name)
    if field.is_relation and value is not None:
        return getattr(value, field.target_field.attname)
    return value


def new_note(form, author, external_id=None, created=None):
    """The note `save_note` would create from a valid form, not saved yet: for `create_notes`,
    which saves many at once. `created` (an aware datetime or None) backdates it."""
    note = form.save(commit=False)
    note.author, note.external_id = author, external_id
    note.created = created
    return note


def create_notes(notes):
    """Save new notes from `new_note` in one insert (an import's hundreds), each as `save_note`
    would. Returns [(position in `notes`, note, error)] for those not saved as given: error is None
    for a note another save had already filed under the same author and id (the note is that one).

    When the one insert is refused (an objection merged away meanwhile, an id filed concurrently),
    each note is saved on its own in a savepoint, as `save_note` does, so only the ones at fault
    fail. Persona insights are retired once. Sends no per-note post_save (nothing else listens)."""
    if not notes:
        return []
    failed = []
    dated = {id(note): note.created for note in notes}
    try:
        with transaction.atomic():
            ObjectionNote.objects.bulk_create(notes)
    except DatabaseError:
        for position, note in enumerate(notes):
            note.pk, note._state.adding = None, True
            try:
                with transaction.atomic():
                    note.save()  # follows a merged objection to its survivor
            except IntegrityError as error:
                again = earlier_note(note.author, note.external_id) if note.external_id else None
                failed.append((position, again or note, None if again else error))
            except DatabaseError as error:
                note.pk = None
                failed.append((position, note, error))
    saved = [note for note in notes if note.pk is not None and dated[id(note)] is not None]
    for start in range(0, len(saved), 100):  # auto_now_add set "now": back to when each was filed
        batch = saved[start : start + 100]
        ObjectionNote.objects.filter(pk__in=[note.pk for note in batch]).update(
            created=Case(*[When(pk=note.pk, then=dated[id(note)]) for note in batch])
        )
    for note in saved:
        note.created = dated[id(note)]
    return failed  # the bulk writes moved home.versions.FIELD_RECORDS on (VersionedQuerySet)
