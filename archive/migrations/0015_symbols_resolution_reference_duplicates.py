"""Resolution references stored twice (the same citing resolution, text and offset: a resolution
file read twice in one load) removed, the first kept; then one reference per place in a citing
text. Several mentions of one resolution at different offsets are distinct rows and stay."""

from django.db import migrations, models


def remove_duplicates(apps, schema_editor):
    ResolutionReference = apps.get_model("archive", "ResolutionReference")
    seen: set[tuple[int, int]] = set()
    duplicates = []
    for pk, citing_id, start in ResolutionReference.objects.order_by("pk").values_list("pk", "citing_id", "start"):
        if (citing_id, start) in seen:
            duplicates.append(pk)
        else:
            seen.add((citing_id, start))
    for i in range(0, len(duplicates), 500):
        ResolutionReference.objects.filter(pk__in=duplicates[i : i + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [("archive", "0014_identity_speakers")]

    operations = [
        migrations.RunPython(remove_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="resolutionreference",
            constraint=models.UniqueConstraint(fields=("citing", "start"), name="resolutionreference_one_per_offset"),
        ),
    ]
