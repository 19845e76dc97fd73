# Run by tests/deploy/cluster.py as `manage.py shell -c` on the cluster's database: the people and
# taxonomy the two-node test uses. Prints one JSON line.
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from wagtail.models import APIToken

from content.factories import create_collateral
from content.models import CollateralIndexPage
from personas.factories import create_objection, create_persona

PASSWORD = "two nodes share everything"
users = {}
ROLES = [("marketer", settings.MARKETING_GROUP)] + [(rep, settings.SALES_GROUP) for rep in ("rep", "rep2", "rep3")]
for name, group in ROLES:
    user = get_user_model().objects.create_user(username=name, password=PASSWORD, email=f"{name}@example.com")
    user.groups.add(Group.objects.get(name=group))
    users[name] = user
tokens = {name: APIToken.create_token(user=users[name], name="two-nodes")[1] for name in ("rep", "rep2", "rep3")}
persona = create_persona("CFO", slug="cfo", role="Chief Financial Officer", summary="Owns the budget.")
objection = create_objection("Price is too high", slug="price", synonyms="too pricey")
create_collateral(
    title="Price battlecard", summary="Answering the price question.", personas=[persona], objections=[objection]
)
print(
    json.dumps(
        {
            "tokens": tokens,
            "persona": {"id": persona.pk, "slug": persona.slug, "url": persona.url},
            "objection": {"id": objection.pk, "slug": objection.slug},
            "collateral_index": CollateralIndexPage.objects.get().pk,
        }
    )
)
