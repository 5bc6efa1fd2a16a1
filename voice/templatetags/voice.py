"""Hooks other apps' templates use to show member voice, without importing voice in their Python.

- `{% voice_dashboard_card %}`: the open consultations card on the member dashboard.
- `{% voice_support_satisfaction %}`: the satisfaction chart on the support overview.
"""

from django import template
from django.utils import timezone

from .. import selectors

register = template.Library()


@register.inclusion_tag("voice/_dashboard_card.html", takes_context=True)
def voice_dashboard_card(context):
    user = context["request"].user
    now = timezone.now()
    return {"open_surveys": selectors.survey_list_for_member(user=user, now=now, open_only=True)}


@register.inclusion_tag("admin/voice/_support_satisfaction.html")
def voice_support_satisfaction():
    figures = selectors.satisfaction_overview()
    chart = {
        "satisfaction-chart": {
            "labels": [row["label"] for row in figures["per_month"]],
            "counts": [row["average"] for row in figures["per_month"]],
            "label": "Average satisfaction (1–5)",
            "horizontal": False,
            "max": 5,
        }
    }
    return {
        "satisfaction": figures,
        "satisfaction_chart": chart,
        "satisfaction_tables": [
            ("Per month", figures["per_month"]),
            ("Per service", figures["per_service"]),
            ("Per topic", figures["per_topic"]),
        ],
    }
