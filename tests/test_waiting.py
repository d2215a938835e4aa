"""The one polling helper: it returns what the condition gave, or fails saying what never happened."""

import itertools

import pytest

from tests.support.waiting import wait_until


def test_it_returns_the_first_true_value():
    counter = itertools.count()
    value = wait_until(lambda: next(counter) >= 3 and "ready", timeout=5, interval=0.01, what="the count")
    assert value == "ready"


def test_it_fails_naming_what_never_happened_and_the_last_value_seen():
    with pytest.raises(TimeoutError) as raised:
        wait_until(lambda: [], timeout=0.05, interval=0.01, what=lambda: "the job done")
    assert str(raised.value) == "the job done (waited 0.05s; last seen: [])"
