"""Form data for Wagtail admin POSTs, as the editor's browser would send it."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def collateral_form_data(title, persona, objection, document, action="action-publish"):
    data = nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "summary": "A short summary.",
            "body": rich_text("<p>Body text.</p>"),
            "kind": "battlecard",
            "stage": "decision",
            "tags": "pricing",
            "review_by": "2030-01-01",
            "files": inline_formset([{"document": document.pk}]),
            action: "1",
        }
    )
    data["personas"] = [persona.pk]
    data["objections"] = [objection.pk]
    return data


def persona_form_data(persona, **changes):
    values = {
        "title": persona.title,
        "slug": persona.slug,
        "role": persona.role,
        "summary": persona.summary,
        "goals": rich_text(persona.goals or "<p></p>"),
        "pains": rich_text(persona.pains or "<p></p>"),
        "decision_criteria": rich_text(persona.decision_criteria or "<p></p>"),
        "quotes": streamfield([]),
        "action-publish": "1",
    }
    values.update(changes)
    return nested_form_data(values)


def objection_form_data(name, slug):
    return nested_form_data(
        {"name": name, "slug": slug, "description": "", "synonyms": "", "talk_track": rich_text("<p></p>")}
    )
