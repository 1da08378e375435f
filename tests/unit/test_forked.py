"""`run_forked`: a result, an exception, a crash, a hang and a memory limit, each told apart."""

from __future__ import annotations

import os
import time

import pytest

from opsgov import forked

pytestmark = pytest.mark.skipif(not forked.available(), reason="forking is used on Linux only")

GIB = 1 << 30


def _double(x: int) -> dict[str, int]:
    return {"value": 2 * x, "pid": os.getpid()}


def _raise() -> None:
    raise ValueError("bad input")


def _abort() -> None:
    os.abort()


def _sleep() -> None:
    time.sleep(30)


def _allocate() -> int:
    return len(bytearray(3 * GIB))


def test_the_result_comes_back_from_another_process() -> None:
    outcome = forked.run_forked(_double, 21, memory_bytes=4 * GIB, timeout=30)
    assert outcome.failure is None
    assert outcome.value is not None
    assert outcome.value["value"] == 42
    assert outcome.value["pid"] != os.getpid()


def test_an_exception_is_reported_not_raised() -> None:
    outcome = forked.run_forked(_raise, memory_bytes=4 * GIB, timeout=30)
    assert (outcome.failure, outcome.detail) == ("error", "ValueError: bad input")


def test_a_crash_ends_only_the_child() -> None:
    outcome = forked.run_forked(_abort, memory_bytes=4 * GIB, timeout=30)
    assert outcome.failure == "crash"
    assert "exit status" in outcome.detail


def test_a_hang_is_stopped_at_the_timeout() -> None:
    started = time.monotonic()
    outcome = forked.run_forked(_sleep, memory_bytes=4 * GIB, timeout=0.5)
    assert outcome.failure == "timeout"
    assert time.monotonic() - started < 10


def test_the_memory_limit_holds_in_the_child() -> None:
    outcome = forked.run_forked(_allocate, memory_bytes=2 * GIB, timeout=30)
    assert (outcome.failure, outcome.detail) == ("error", "MemoryError: ")
