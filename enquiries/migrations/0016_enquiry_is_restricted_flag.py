"""Enquiry.is_restricted: whether anyone is named on the restriction, filled from the names there are."""

from django.conf import settings
from django.db import migrations, models


def fill_from_names(apps, schema_editor):
    Enquiry = apps.get_model("enquiries", "Enquiry")
    names = Enquiry.restricted_to.through.objects.filter(enquiry_id=models.OuterRef("pk"))
    Enquiry.objects.filter(models.Exists(names)).update(is_restricted=True)


class Migration(migrations.Migration):

    dependencies = [
        ('enquiries', '0015_draft_cleanup_schedule'),
        ('members', '0004_area_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='enquiry',
            name='is_restricted',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(fill_from_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='enquiry',
            index=models.Index(condition=models.Q(('is_restricted', True)), fields=['id'], name='enq_restricted_idx'),
        ),
    ]
