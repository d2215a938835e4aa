"""The suite's clock: every process it starts shares one moved clock, whenever it starts."""

import os
import subprocess
import sys
import time

import pytest

from tests.support import clock

pytestmark = pytest.mark.clock

READ_CLOCK = "import time; time.sleep({delay}); print(time.time())"


def time_in_a_child(*, delay: float, env=None) -> float:
    output = subprocess.run(
        [sys.executable, "-c", READ_CLOCK.format(delay=delay)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    return float(output)


def test_a_unit_test_starts_at_the_fixed_instant():
    assert abs(time.time() - clock.test_now().timestamp()) < 60


@pytest.mark.services
def test_processes_started_by_the_suite_share_its_clock_even_if_they_read_it_late():
    before = time.time()
    child = time_in_a_child(delay=3)
    after = time.time()
    # The child reads its clock 3 s after it started: the clock must have ticked meanwhile.
    assert before + 2 <= child <= after + 0.5
    real = time_in_a_child(delay=0, env={k: v for k, v in os.environ.items() if k != clock.OFFSET_VARIABLE})
    assert abs(real - child) > 3600, "the child ran on the real clock"
