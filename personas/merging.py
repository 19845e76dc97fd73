"""Merging two objections ("too expensive" into "price"): one transaction, nothing lost."""

from django.db import transaction

from content.signals import collateral_changed
from home.text import split_synonyms
from personas.models import MergedObjection, Objection, ObjectionNote


class MergeError(ValueError):
    pass


def merge_objections(source, target, user=None):
    """Move every note, tag, request and synonym of `source` to `target`, then remove `source`.

    The rows are locked for the whole transaction: a note filed meanwhile either lands before
    (and is moved) or after, when it finds `source` gone and is filed under `target` instead
    (see MergedObjection.survivor). Returns the number of notes moved.
    """
    from content.models import CollateralPage, ContentRequest

    if source.pk == target.pk:
        raise MergeError("An objection cannot be merged into itself; pick a different one to keep.")
    with transaction.atomic():
        locked = {o.pk: o for o in Objection.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
        if len(locked) != 2:
            raise MergeError("One of the two objections no longer exists; reload and try again.")
        source, target = locked[source.pk], locked[target.pk]
        moved = ObjectionNote.objects.filter(objection=source).update(objection=target)
        ContentRequest.objects.filter(objection=source).update(objection=target)
        tags = CollateralPage.objections.through
        tagged = set(tags.objects.filter(objection=source).values_list("collateralpage_id", flat=True))
        already = set(tags.objects.filter(objection=target).values_list("collateralpage_id", flat=True))
        tags.objects.bulk_create([tags(collateralpage_id=pk, objection=target) for pk in tagged - already])
        tags.objects.filter(objection=source).delete()
        target.synonyms = merged_synonyms(target, source)
        if not target.talk_track.strip() and source.talk_track.strip():
            target.talk_track = source.talk_track
        target.save()
        MergedObjection.objects.filter(merged_into=source).update(merged_into=target)  # merges of merges
        MergedObjection.objects.create(
            former_id=source.pk,
            former_slug=source.slug,
            former_name=source.name,
            merged_into=target,
            merged_by=user,
            notes_moved=moved,
        )
        source.delete()
    # The assets now carry the survivor's name and synonyms; search indexes them again.
    collateral_changed.send(sender=Objection, page_ids=tagged)
    return moved


def merge_preview(source, target):
    """What merging `source` into `target` would move, for the confirmation marketing sees first.

    Returns {"notes": int, "assets": int (assets tagged with `source`, whether or not they also
    carry `target`), "requests": int, "synonyms": int (words `target` gains: the source's name and
    synonyms it does not hold yet)}. Reads only; the merge itself may differ by what is filed in
    between, and says what it moved.
    """
    from content.models import CollateralPage, ContentRequest

    before = len(split_synonyms(target.synonyms))
    return {
        "notes": ObjectionNote.objects.filter(objection=source).count(),
        "assets": CollateralPage.objections.through.objects.filter(objection=source).count(),
        "requests": ContentRequest.objects.filter(objection=source).count(),
        "synonyms": len(split_synonyms(merged_synonyms(target, source))) - before,
    }


def merged_synonyms(target, source):
    """The survivor's synonyms plus the merged objection's name and synonyms, each once."""
    words = split_synonyms(target.synonyms) + [source.name] + split_synonyms(source.synonyms)
    seen, kept = {target.name.lower()}, []
    for word in words:
        if word.lower() not in seen:
            seen.add(word.lower())
            kept.append(word)
    return ", ".join(kept)
