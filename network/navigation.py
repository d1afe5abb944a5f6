"""Whether the navigation shows "Network" to a partner or a panel member (core.navigation's
`also_for`): police partners always, panel members while invited to an open panel. What was found
is kept in the session and checked again every few minutes, so that pages cost no query for it."""

from __future__ import annotations

import time

from .permissions import can_read_network

NAVIGATION_SESSION_KEY = "network.reads_network"
NAVIGATION_RECHECK_SECONDS = 300


def network_in_navigation(request) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return can_read_network(request.user)
    kept = session.get(NAVIGATION_SESSION_KEY)
    if isinstance(kept, list) and len(kept) == 2 and time.time() - kept[1] < NAVIGATION_RECHECK_SECONDS:
        return bool(kept[0])
    reads = can_read_network(request.user)
    session[NAVIGATION_SESSION_KEY] = [reads, time.time()]
    return reads
