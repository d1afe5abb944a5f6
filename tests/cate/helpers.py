"""Assertions shared by the CATE tests."""


def assert_history(obj, user, reason=None):
    """The latest history row of `obj` names the acting user (and the reason)."""
    latest = type(obj).history.filter(id=obj.pk).order_by("-history_date", "-history_id").first()
    assert latest is not None, "no history"
    assert latest.history_user == user
    if reason is not None:
        assert latest.history_change_reason == reason, latest.history_change_reason
    return latest
