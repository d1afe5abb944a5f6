"""Logging filters: a refused request is one line, and a 500 keeps its traceback.

Django logs every response of 400 or more on `django.request` (and a suspicious request on
`django.security.*`), passing the exception along, so a 403 or a 404 would print a traceback. The
refusals are expected, not faults: `RefusalsOnOneLine` drops the traceback of any record about a
response under 500. Under `runserver` the access line (`django.server`) of a refused or failed
request repeats what `django.request` has said already, so `RefusalsOnOneLine` drops it too.
"""

from __future__ import annotations

import logging


class RefusalsOnOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int):
            return True
        if record.name == "django.server" and status >= 400:
            return False
        if status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
