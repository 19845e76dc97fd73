"""A page's kind points at a term of the managed list by its slug (the value it already held)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("content", "0005_collateral_kind_vocabulary")]

    operations = [
        migrations.AlterField(
            model_name="collateralpage",
            name="kind",
            field=models.ForeignKey(
                blank=True,
                help_text="What sort of asset this is (the list is under Snippets → Kinds of collateral).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="collateral",
                to="content.collateralkind",
                to_field="slug",
            ),
        ),
    ]
