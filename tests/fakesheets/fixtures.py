"""pytest fixtures for the fake (import them into a conftest or test module).

``fake_google`` yields a strict FakeGoogle and, after the test, fails it if
any request carried a body or query the real API would reject - even when
the code under test caught the 400 it got for it. ``gspread_client`` is a
real ``gspread.Client`` talking to it.
"""

from __future__ import annotations

from collections.abc import Iterator

import gspread
import pytest

from .fake import FakeGoogle


@pytest.fixture
def fake_google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle()
    yield fake
    fake.assert_clean()


@pytest.fixture
def gspread_client(fake_google: FakeGoogle) -> gspread.Client:
    client = gspread.Client(None, fake_google.session())
    client.set_timeout(10)
    return client
