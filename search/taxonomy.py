"""The filter values and objection synonyms every search checks, kept in each worker's memory.

Reading them from the database cost two queries per search. Any change to personas, objections
or tags moves a shared version on (home/versions.py), and every worker reloads.
"""

import threading
from dataclasses import dataclass

from content.models import BuyerStage, CollateralKind, tags_on_open_pages
from home import versions
from personas.models import Objection, PersonaPage
from search.understanding import WORD


@dataclass(frozen=True)
class Taxonomy:
    values: dict  # facet -> every value a filter may name
    synonyms: tuple  # (objection name, its synonyms as normalised phrases)


_loaded = (None, None)  # (version, Taxonomy)
_lock = threading.Lock()


def normalised(text):
    return " " + " ".join(WORD.findall(text.lower())) + " "


def taxonomy():
    global _loaded
    version = versions.current(versions.TAXONOMY)
    loaded_version, loaded = _loaded
    if loaded_version == version:
        return loaded
    with _lock:
        objections = list(Objection.objects.only("slug", "name", "synonyms"))
        loaded = Taxonomy(
            values={
                "persona": frozenset(PersonaPage.objects.live().values_list("slug", flat=True)),
                "objection": frozenset(objection.slug for objection in objections),
                "tag": frozenset(slug for slug, _name in tags_on_open_pages()),
                "stage": frozenset(BuyerStage.values),
                "kind": frozenset(CollateralKind.objects.values_list("slug", flat=True)),
            },
            synonyms=tuple(
                (objection.name, tuple(normalised(synonym) for synonym in objection.synonym_list))
                for objection in objections
            ),
        )
        _loaded = (version, loaded)
    return loaded


def known_values(facet, values, hidden_ids=frozenset()):
    """The filter values that name something real, each once (anything else is dropped).

    `hidden_ids`: page ids the person searching may not view (``home.visibility``); a persona
    among them is unknown to them, so filtering by its slug neither works nor confirms it exists.
    """
    known = taxonomy().values[facet]
    values = [value for value in dict.fromkeys(values) if value in known]
    if facet == "persona" and hidden_ids and values:
        from personas.models import PersonaPage

        hidden = set(PersonaPage.objects.filter(pk__in=hidden_ids, slug__in=values).values_list("slug", flat=True))
        values = [value for value in values if value not in hidden]
    return values


def mentioned_objections(text):
    """Names of the objections whose synonyms the text uses: "too pricey" names "Price is too high",
    and the engines then also find the assets tagged with it (as an exact tag, not as loose words)."""
    words = normalised(text)
    return tuple(name for name, synonyms in taxonomy().synonyms if any(synonym in words for synonym in synonyms))
