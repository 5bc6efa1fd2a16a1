"""The support overview's monthly figures (OverviewMonth, OverviewMonthCount), a covering open-enquiry index and a due-time index."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enquiries', '0024_breach_reminded_flag_and_index'),
        ('members', '0005_constraint_messages_for_people'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OverviewMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='The first day of the month.', unique=True)),
                ('summarised_until', models.DateTimeField()),
                ('summarised_at', models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name='OverviewMonthCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('topic', models.CharField(choices=[('business_viability', 'Business viability and sustainability'), ('partnership', 'Partnership performance and dispute'), ('succession', 'Succession planning'), ('workforce', 'Workforce'), ('premises', 'Premises'), ('stakeholders', 'Stakeholder relationships'), ('regulatory', 'Regulatory and compliance'), ('contract', 'Contract dispute or hand back'), ('pcn', 'PCN issues'), ('merger', 'Merger or acquisition'), ('resilience', 'Local Health Resilience Event'), ('other', 'Other'), ('wellbeing', 'Health and wellbeing'), ('gmc', 'GMC enquiry or investigation'), ('performers_list', 'NHS England performers-list concern'), ('return_to_work', 'Returning to work'), ('remediation', 'Remediation'), ('complaint', 'Complaint or significant event'), ('media', 'Press or media enquiry'), ('individual_contract', 'Contractual matter for an individual')], max_length=30)),
                ('urgent', models.BooleanField()),
                ('submitted', models.PositiveIntegerField(default=0)),
                ('first_contact_due', models.PositiveIntegerField(default=0)),
                ('first_contact_met', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.RemoveIndex(
            model_name='enquiry',
            name='enq_open_idx',
        ),
        migrations.AddIndex(
            model_name='enquiry',
            index=models.Index(condition=models.Q(('status', 'closed'), _negated=True), fields=['service', 'assigned_to'], include=('status', 'urgent', 'first_contact_due_at', 'first_contact_at'), name='enq_open_idx'),
        ),
        migrations.AddIndex(
            model_name='enquiry',
            index=models.Index(fields=['first_contact_due_at'], name='enq_due_idx'),
        ),
        migrations.AddConstraint(
            model_name='overviewmonth',
            constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='overview_month_is_first_day', violation_error_message='A summarised month is written as its first day.'),
        ),
        migrations.AddField(
            model_name='overviewmonthcount',
            name='service',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='enquiries.supportservice'),
        ),
        migrations.AddField(
            model_name='overviewmonthcount',
            name='summary',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='counts', to='enquiries.overviewmonth'),
        ),
        migrations.AddConstraint(
            model_name='overviewmonthcount',
            constraint=models.UniqueConstraint(fields=('summary', 'service', 'topic', 'urgent'), name='overview_count_one_per_key', violation_error_message='This month already has figures for that service, topic and urgency.'),
        ),
        migrations.AddConstraint(
            model_name='overviewmonthcount',
            constraint=models.CheckConstraint(condition=models.Q(('first_contact_met__lte', models.F('first_contact_due'))), name='overview_count_met_within_due', violation_error_message='More first contacts were on time than were due.'),
        ),
    ]
