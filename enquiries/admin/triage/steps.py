"""The triage journey's steps: what each asks, who may take it, and applying it.

Each step is a small form and one service call in `enquiries.services.triage`.
`step_apply` applies a step to some enquiries and says what happened; the
ModelAdmin builds the page or the redirect from that.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from members.models import User

from ...models import Enquiry
from ...services import support as support_services
from ...services import triage as services
from .forms import (
    AllowanceForm,
    AssignForm,
    ConfirmForm,
    FirstContactForm,
    MediationForm,
    OutcomeForm,
    PlanForm,
    SessionForm,
    SignpostForm,
    StepForm,
)

__all__ = ["Step", "StepOutcome", "STEPS", "step_apply", "step_action"]


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    permission: str
    form_class: type[StepForm]
    apply: Callable[[Enquiry, dict, User], Enquiry]
    done: str
    intro: str = ""
    # Offered only on requests to a service for a person (pastoral support).
    for_person_only: bool = False


@dataclass
class StepOutcome:
    """What applying a step did: the references it was applied to, and the services' refusals."""

    done: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


STEPS = {
    step.name: step
    for step in [
        Step(
            "take",
            "Assign to me",
            "enquiries.take_enquiry",
            ConfirmForm,
            lambda enquiry, data, by: services.enquiry_assign(enquiry=enquiry, officer=by, by=by),
            "assigned to you",
            "You will be the officer responsible for arranging the first conversation.",
        ),
        Step(
            "assign",
            "Assign to an officer",
            "enquiries.assign_enquiry",
            AssignForm,
            lambda enquiry, data, by: services.enquiry_assign(enquiry=enquiry, officer=data["officer"], by=by),
            "assigned",
        ),
        Step(
            "record_first_contact",
            "Record first contact",
            "enquiries.record_contact_enquiry",
            FirstContactForm,
            lambda enquiry, data, by: services.enquiry_record_first_contact(
                enquiry=enquiry, at=data["at"], method=data["method"], by=by
            ),
            "first contact recorded",
            "Record when the LMC first spoke to the practice. This decides whether the SLA was met.",
        ),
        Step(
            "agree_plan",
            "Agree plan",
            "enquiries.record_contact_enquiry",
            PlanForm,
            lambda enquiry, data, by: services.enquiry_agree_plan(enquiry=enquiry, plan=data["plan"], by=by),
            "plan recorded",
        ),
        Step(
            "start_facilitation",
            "Move to facilitation",
            "enquiries.record_contact_enquiry",
            ConfirmForm,
            lambda enquiry, data, by: services.enquiry_start_facilitation(enquiry=enquiry, by=by),
            "moved to facilitation",
            "The LMC will facilitate the conversations agreed in the plan.",
        ),
        Step(
            "escalate",
            "Escalate to mediation",
            "enquiries.escalate_enquiry",
            MediationForm,
            lambda enquiry, data, by: services.enquiry_escalate_to_mediation(enquiry=enquiry, by=by, note=data["note"]),
            "escalated to mediation",
            "Mediation is the last step before legal action. Say why in the box below: it is kept as a staff note.",
        ),
        Step(
            "close",
            "Close with outcome",
            "enquiries.close_enquiry",
            OutcomeForm,
            lambda enquiry, data, by: services.enquiry_close(enquiry=enquiry, outcome=data["outcome"], by=by),
            "closed",
        ),
        Step(
            "book_session",
            "Record a support session",
            "enquiries.add_supportsession",
            SessionForm,
            lambda enquiry, data, by: support_services.support_session_book(
                enquiry=enquiry, held_on=data["held_on"], by=by
            ),
            "support session recorded",
            "Each session counts against the enquiry's allowance. The member sees the dates, never your notes.",
            for_person_only=True,
        ),
        Step(
            "signpost",
            "Record signposting",
            "enquiries.add_enquirysignpost",
            SignpostForm,
            lambda enquiry, data, by: support_services.enquiry_signpost_record(
                enquiry=enquiry, signpost=data["signpost"], by=by
            ),
            "signposting recorded",
            "Record an organisation you pointed the member to. It goes into the history and onto the member's page.",
        ),
        Step(
            "raise_allowance",
            "Raise the session allowance",
            "enquiries.raise_session_allowance",
            AllowanceForm,
            lambda enquiry, data, by: support_services.enquiry_session_allowance_raise(
                enquiry=enquiry, to=data["session_allowance"], reason=data["reason"], by=by
            ),
            "session allowance raised",
            "Only the triage lead can give an enquiry more support sessions than its service allows.",
            for_person_only=True,
        ),
    ]
}


def step_apply(step: Step, *, enquiries: Iterable[Enquiry], data: dict, by: User) -> StepOutcome:
    """Apply `step` with the form's cleaned `data` to each enquiry in turn, collecting refusals."""
    outcome = StepOutcome()
    for enquiry in enquiries:
        try:
            step.apply(enquiry, data, by)
            outcome.done.append(enquiry.reference)
        except ValidationError as error:
            outcome.refused.extend(error.messages)
    return outcome


def step_action(step: Step):
    """Return a changelist action running `step` on the chosen enquiries."""

    def action(modeladmin, request, queryset):
        return modeladmin.run_step(request, step, queryset, from_changelist=True)

    action.__name__ = step.name
    action.short_description = step.label
    return action
