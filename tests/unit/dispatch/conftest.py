"""Shared fixtures for the dispatch domain tests: the real directory and policies, loaded once."""
from __future__ import annotations

import pytest

from services.dispatch.deadlines import DeadlinePolicy, load_deadline_policy
from services.dispatch.directory import Directory, load_directory
from services.dispatch.routing import RoutingPolicy, load_routing_policy


@pytest.fixture(scope="session")
def directory() -> Directory:
    return load_directory()


@pytest.fixture(scope="session")
def routing_policy() -> RoutingPolicy:
    return load_routing_policy()


@pytest.fixture(scope="session")
def deadline_policy() -> DeadlinePolicy:
    return load_deadline_policy()
