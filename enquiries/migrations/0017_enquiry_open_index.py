"""A partial index on open enquiries, for the support overview's counts of open enquiries."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enquiries', '0016_enquiry_is_restricted_flag'),
        ('members', '0004_area_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='enquiry',
            index=models.Index(condition=models.Q(('status', 'closed'), _negated=True), fields=['assigned_to'], name='enq_open_idx'),
        ),
    ]
