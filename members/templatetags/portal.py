from django import forms as django_forms
from django import template

register = template.Library()

_MULTI_INPUT_WIDGETS = (django_forms.RadioSelect, django_forms.CheckboxSelectMultiple)


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms):
    """Render an error summary at the top of a page, each message linked to its field."""
    items = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for name, errors in form.errors.items():
            anchor, label = "", ""
            if name != "__all__":
                field = form[name]
                label = field.label
                anchor = field.auto_id or ""
                # Radios and checkbox lists have no element with the bare id.
                if anchor and isinstance(field.field.widget, _MULTI_INPUT_WIDGETS):
                    anchor = f"{anchor}_0"
            for error in errors:
                items.append({"anchor": anchor, "label": label, "message": error})
    return {"items": items}


@register.simple_tag
def lmc_contact_text():
    """The LMC's contact details as plain-text lines, for the foot of every email to a member."""
    from members.contact import lmc_contact_text as text

    return text()


@register.inclusion_tag("includes/lmc_contact.html")
def lmc_contact_block(heading="Contact the LMC", heading_level=2):
    """The LMC's phone, email, address and office hours, for a page."""
    from members.contact import lmc_contact

    return {"contact": lmc_contact(), "heading": heading, "heading_tag": f"h{heading_level}"}
