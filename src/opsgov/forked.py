"""Run one function in a forked child process: a second core, and a crash that stays there.

Reading and harmonising a large workbook is the one long step of `opsgov validate` and
`opsgov score`. Run in a child process forked from this one, it needs no re-import and no
copy of its inputs, and it gains two things: the reader's parse overlaps this process's
work, and an abort inside the reader (python-calamine aborts the whole process when an
allocation fails) ends the child with a clear finding instead of ending opsgov. The child
runs under an address-space limit (what it inherits plus a budget), so a hostile sheet cannot
take the machine's memory.

Forking is used where it is dependable (Linux); elsewhere callers run the function here.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def available() -> bool:
    """Whether functions can be run in a forked child here."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What came back from the child.

    Attributes:
        value: The function's return value (when `failure` is None).
        failure: None, or `error` (the function raised), `crash` (the child died) or
            `timeout`.
        detail: The exception, exit status or time limit, for the message.
    """

    value: T | None = None
    failure: str | None = None
    detail: str = ""


def run_forked(fn: Callable[..., T], *args: Any, memory_bytes: int, timeout: float) -> Outcome[T]:
    """Call `fn(*args)` in a forked child and return its result (pickled back).

    Args:
        fn: The function; its result must be picklable.
        *args: Its arguments (inherited by the child, not pickled).
        memory_bytes: How much address space the child may map beyond what it inherits.
        timeout: Seconds to wait for the result before the child is killed.

    Returns:
        The result, or why there is none.
    """
    for stream in (sys.stdout, sys.stderr):  # the child must not write a copy of buffered text
        stream.flush()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(sender, fn, args, memory_bytes), name="opsgov-read", daemon=True
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            child.kill()
            return Outcome(failure="timeout", detail=f"no result within {timeout:g} s")
        try:
            kind, payload = receiver.recv()
        except (EOFError, OSError):
            child.join(5)
            return Outcome(failure="crash", detail=f"exit status {child.exitcode}")
    finally:
        receiver.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    if kind == "ok":
        return Outcome(value=payload)
    return Outcome(failure="error", detail=str(payload))


def _child(sender: Connection, fn: Callable[..., Any], args: tuple[Any, ...], limit: int) -> None:
    try:  # what the child may map beyond the address space it inherits
        import resource

        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (inherited + limit, inherited + limit))
    except (ImportError, ValueError, OSError):
        pass
    # A reader that aborts writes its own report (a Rust backtrace) to standard error; the
    # parent says what happened in the user's words instead.
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
    faulthandler.disable()
    try:
        result: tuple[str, object] = ("ok", fn(*args))
    except BaseException as exc:  # reported to the parent, which decides
        result = ("error", f"{type(exc).__name__}: {exc}")
    try:
        sender.send(result)
    except BaseException as exc:  # an unpicklable or oversized result
        sender.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()
