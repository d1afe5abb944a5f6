import pytest

from contacts import hooks


@pytest.fixture
def screener(personas):
    return personas["screener"]


@pytest.fixture
def advisor(personas):
    return personas["advisor"]


@pytest.fixture
def involvement_provider(monkeypatch):
    """Register a provider of open cases for the test only (cate/ registers the real one)."""
    monkeypatch.setattr(hooks, "_providers", [])

    def register(fn):
        hooks.child_involvement_provider(fn)
        return fn

    return register
