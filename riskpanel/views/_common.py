"""What the risk panel's pages share."""

from __future__ import annotations

from operator import attrgetter

from django.contrib import messages
from django.core.exceptions import ValidationError

# `allow` of the chair's pages: the user may see the panel, and chairs panels.
chairs = attrgetter("can_chair")


def act(request, service, *, success: str, **kwargs) -> None:
    """A button that changes a record (no form): run the service as the user, then say what
    happened, or why it was refused."""
    try:
        service(actor=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
