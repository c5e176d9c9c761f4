"""Shared fixtures: the built-in catalog's interceptor types."""

import pytest

from iads.scenario.load import builtin_catalog


@pytest.fixture(scope="session")
def interceptors():
    return builtin_catalog().interceptors
