from django.db import migrations, models
import django.db.models.deletion

import enquiries.models


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0017_support_services_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="enquiry",
            name="service",
            field=models.ForeignKey(
                default=enquiries.models.leadership_service_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enquiries",
                to="enquiries.supportservice",
            ),
        ),
        migrations.AlterField(
            model_name="historicalenquiry",
            name="service",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default=enquiries.models.leadership_service_id,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="enquiries.supportservice",
            ),
        ),
        migrations.DeleteModel(name="ReferenceCounter"),
    ]
