"""Build personas, objections and notes. Used by the demo data command and by the tests."""

from django.utils import timezone
from django.utils.text import slugify

from personas.models import Objection, ObjectionNote, PersonaIndexPage, PersonaPage


def create_objection(name="Price is too high", slug=None, **fields):
    """Create or update the objection with this slug."""
    objection, _ = Objection.objects.update_or_create(slug=slug or slugify(name), defaults={"name": name, **fields})
    return objection


def create_persona(title="CFO", slug=None, role="Chief Financial Officer", summary="Owns the budget.", **fields):
    """Create or update (and publish) the persona page with this slug."""
    slug = slug or slugify(title)
    index = PersonaIndexPage.objects.get()
    persona = PersonaPage.objects.child_of(index).filter(slug=slug).first()
    values = {"title": title, "role": role, "summary": summary, **fields}
    if persona is None:
        persona = index.add_child(instance=PersonaPage(slug=slug, **values))
    else:
        for name, value in values.items():
            setattr(persona, name, value)
    persona.save_revision().publish()
    persona.refresh_from_db()
    return persona


def create_note(persona, objection, author, text="They said it costs too much.", created=None, **fields):
    """Create a note; with external_id, create or update that author's one note with that id."""
    external_id = fields.pop("external_id", None)
    if isinstance(fields.get("deal_stage"), str):  # a stage's slug
        fields["deal_stage_id"] = fields.pop("deal_stage")
    values = {"persona": persona, "objection": objection, "text": text, **fields}
    if external_id:
        note, _ = ObjectionNote.objects.update_or_create(author=author, external_id=external_id, defaults=values)
    else:
        note = ObjectionNote.objects.create(author=author, **values)
    if created:
        # `created` is auto_now_add; backdate it for history.
        ObjectionNote.objects.filter(pk=note.pk).update(created=created)
        note.created = created
    return note


def days_ago(days):
    return timezone.now() - timezone.timedelta(days=days)
