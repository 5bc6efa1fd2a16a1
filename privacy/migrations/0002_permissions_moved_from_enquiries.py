# Follow PersonalDataExport from enquiries: its content type is relabelled (so
# admin history and grants stay attached) and the "export personal data"
# permission moves from enquiries.EnquiryAccess to it. Groups keep what they had.

from django.db import migrations

from members.permissions import permission_move


def move(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label="enquiries", model="personaldataexport").first()
    if old is not None and not ContentType.objects.filter(app_label="privacy", model="personaldataexport").exists():
        old.app_label = "privacy"
        old.save(update_fields=["app_label"])
    permission_move(
        apps,
        model="personaldataexport",
        to_app="privacy",
        codenames={
            "view_personaldataexport": "enquiries.personaldataexport",
            "export_personal_data": "enquiries.enquiryaccess",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("enquiries", "0011_personal_data_export_moved_to_privacy"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
