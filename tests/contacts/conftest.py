from contextlib import ExitStack

import pytest

from core import contract


@pytest.fixture
def screener(personas):
    return personas["screener"]


@pytest.fixture
def advisor(personas):
    return personas["advisor"]


@pytest.fixture
def involvement_provider():
    """Declare a provider of open cases for the test only (cate/ declares the real one)."""
    providers = []
    with ExitStack() as overrides:
        overrides.enter_context(contract.override("child_involvement_providers", providers))

        def register(fn):
            providers.append(fn)
            overrides.enter_context(contract.override("child_involvement_providers", providers))
            return fn

        yield register
