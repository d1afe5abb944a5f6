from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["PermissionDenied", "StaleRecord", "TransitionNotAllowed", "ValidationError"]


class TransitionNotAllowed(ValidationError):
    """A state change the workflow does not allow from the record's current state."""


class StaleRecord(ValidationError):
    """Someone else saved the record after this form was opened: nothing was overwritten."""

    def __init__(self, record, changes: list[str] | None = None):
        self.record = record
        self.changes = changes or []
        message = (
            "Someone else changed this record while you were editing it. Your changes have not been "
            "saved. Check the current details below, then make your changes again."
        )
        super().__init__(message, code="stale")
