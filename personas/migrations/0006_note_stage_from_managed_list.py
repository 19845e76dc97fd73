"""A note's stage points at a term of the managed list by its slug (the value it already held)."""

import django.db.models.deletion

import personas.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("personas", "0005_note_stage_vocabulary")]

    operations = [
        migrations.AlterField(
            model_name="objectionnote",
            name="deal_stage",
            field=models.ForeignKey(
                blank=True,
                null=True,
                default=personas.models.default_note_stage,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notes",
                to="personas.notestage",
                to_field="slug",
                verbose_name="stage",
            ),
        ),
    ]
