"""Bootstrap 5 form fields through Django's own field-group rendering, for the hottest forms.

crispy-forms draws most of the portal's forms. On the page members use most
(the request-support form) its per-field template was three quarters of the
page's rendering CPU, measured by `bench.profile_submit`. The form's fields
render instead with Django's `BoundField.as_field_group()` and one small
template, `forms/bootstrap_field.html`, giving the same markup crispy gives
(Bootstrap classes, labels, legends, help text and errors linked with
aria-describedby), so the page, its script and its styles do not change.

Use: set `bound_field_class = BootstrapBoundField` on the form, and write
`{{ form.name.as_field_group }}` in the template.
"""

from django import forms
from django.forms.boundfield import BoundField

# The class crispy-bootstrap5 gives each kind of widget (its "widget_type"
# name first, then Bootstrap's own class).
_WIDGET_CLASSES = {
    forms.CheckboxInput: "checkboxinput form-check-input",
    forms.RadioSelect: "form-check-input",
    forms.CheckboxSelectMultiple: "form-check-input",
    forms.Select: "select form-select",
    forms.Textarea: "textarea form-control",
    forms.TextInput: "textinput form-control",
}


def _widget_class(widget: forms.Widget) -> str:
    for kind in type(widget).__mro__:
        if kind in _WIDGET_CLASSES:
            return _WIDGET_CLASSES[kind]
    return "form-control"


class BootstrapBoundField(BoundField):
    """A field that renders as a Bootstrap 5 field group, marked invalid when it has errors."""

    @property
    def template_name(self) -> str:
        return self.field.template_name or "forms/bootstrap_field.html"

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not widget.is_hidden:
            classes = [attrs.get("class") or widget.attrs.get("class", ""), _widget_class(widget)]
            if self.errors:
                classes.append("is-invalid")
            attrs["class"] = " ".join(c for c in classes if c)
        return attrs

    def get_context(self):
        return {
            "field": self,
            "required": self.field.required,
            "errors": self.errors,
            "is_checkbox": isinstance(self.field.widget, forms.CheckboxInput),
        }
