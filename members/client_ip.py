"""The client's IP address, read once for the whole portal.

Login rate limits (allauth) and the portal's own access log must agree on who
a request came from. Both read it here: REMOTE_ADDR when the portal is reached
directly, or, behind the proxies named by ALLAUTH_TRUSTED_PROXY_COUNT /
ALLAUTH_TRUSTED_CLIENT_IP_HEADER (see settings), the address the nearest
trusted proxy saw. A client-written X-Forwarded-For is never believed.
"""

import ipaddress

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest

__all__ = ["client_ip"]


def client_ip(request: HttpRequest | None) -> str | None:
    """Return the IP address of the client behind `request`, as allauth's rate limits count it, or None."""
    if request is None:
        return None
    try:
        address = get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        # No address, or fewer X-Forwarded-For entries than trusted proxies:
        # record nothing rather than something the client wrote.
        return None
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None
