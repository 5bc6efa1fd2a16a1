"""How members reach the LMC: one home for the contact details every page and email shows."""

from django.conf import settings


def lmc_contact() -> dict[str, str]:
    """Return the LMC's name, phone, email, address and office hours from the settings."""
    return {
        "name": settings.LMC_NAME,
        "phone": settings.LMC_PHONE,
        "email": settings.LMC_EMAIL,
        "address": settings.LMC_ADDRESS,
        "office_hours": settings.LMC_OFFICE_HOURS,
    }


def lmc_contact_text() -> str:
    """Return the contact details as plain text lines, for the foot of an email."""
    contact = lmc_contact()
    lines = [f"Contact {contact['name']}:"]
    if contact["phone"]:
        lines.append(f"Phone: {contact['phone']}" + (f" ({contact['office_hours']})" if contact["office_hours"] else ""))
    if contact["email"]:
        lines.append(f"Email: {contact['email']}")
    if contact["address"]:
        lines.append(f"Post: {contact['address']}")
    return "\n".join(lines)
