"""Collecting answers where the learner's code lives, without the answer key.

:func:`collect_answers` runs in the learner's kernel (the notebook's own, or the
grader's sandboxed one). It is given only *what to collect*: each part's answer
name, whether it is a value or a function, and for a function the calls to make
(plain arguments). It reads the learner's names, calls the learner's functions,
and turns every result into plain JSON data with :func:`clv_course.plain.to_plain`;
whatever goes wrong becomes a status, never an exception.

It imports nothing of :mod:`clv_course.exercises` on purpose: the grading sandbox
does not contain the answer key, and this module must work there.
"""

from __future__ import annotations

import signal
import threading
import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clv_course.plain import AnswerTypeError, describe, to_plain

#: how much of a learner's error message is kept
MAX_MESSAGE = 300
#: seconds one call of a learner's function may take in a check (a loop that never ends)
CALL_SECONDS = 10
_PACKAGE_DIR = str(Path(__file__).resolve().parent)


@dataclass(frozen=True)
class Call:
    """One call of a learner's function: positional and keyword arguments (plain or pandas)."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def call(self, function: Any) -> Any:
        """Call ``function`` on copies, so a function that edits its input spoils nothing."""
        return function(*(_copy(a) for a in self.args),
                        **{k: _copy(v) for k, v in self.kwargs.items()})


@dataclass(frozen=True)
class PartRequest:
    """What to collect for one part: ``answer``'s value, or its results on ``calls``."""

    answer: str
    calls: Sequence[Call] | None = None  # None for a value part

    @property
    def is_function(self) -> bool:
        return self.calls is not None


def _copy(value: Any) -> Any:
    copy = getattr(type(value), "copy", None)
    module = type(value).__module__ or ""
    return value.copy() if copy and module.startswith("pandas") else value


def collect_answers(requests: Sequence[PartRequest], namespace: dict[str, Any]) -> dict[str, dict]:
    """answer name -> plain outcome, for each requested part, read from ``namespace``."""
    return {request.answer: collect_part(request, namespace) for request in requests}


def collect_part(request: PartRequest, namespace: dict[str, Any]) -> dict:
    """The plain outcome of one part: a status and, when all went well, plain values."""
    try:
        if request.answer not in namespace:
            return {"status": "missing"}
        value = namespace[request.answer]
        if value is Ellipsis:
            return {"status": "placeholder"}
        if not request.is_function:
            return plain_outcome(value)
        if type(value) is not types.FunctionType:
            return {"status": "not_function", "kind": describe(value)}
        if _is_stub(value):
            return {"status": "placeholder"}
        if is_course_function(value):
            return {"status": "course_function",
                    "name": f"{value.__module__}.{value.__qualname__}"[:MAX_MESSAGE]}
        return {"status": "called", "results": [_call(value, call) for call in request.calls]}
    except BaseException as error:  # noqa: BLE001 - a learner's object may raise anything
        if isinstance(error, KeyboardInterrupt):
            raise
        return {"status": "error", "message": error_text(error)}


def is_course_function(function: types.FunctionType) -> bool:
    """True for a function defined in this package: the exercise asks for the learner's own."""
    module = getattr(function, "__module__", None)
    filename = getattr(function.__code__, "co_filename", "")
    return (type(module) is str and (module == "clv_course" or module.startswith("clv_course."))) \
        or (type(filename) is str and filename.startswith(_PACKAGE_DIR))


def _stub() -> None:
    ...


def _is_stub(function: types.FunctionType) -> bool:
    """True for a function whose body is still the placeholder ``...`` (it only returns None)."""
    return function.__code__.co_code == _stub.__code__.co_code


class CallTookTooLong(Exception):
    """A learner's function did not return within :data:`CALL_SECONDS`."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the block after ``seconds`` (on Unix, in the main thread; elsewhere no limit)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise CallTookTooLong

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call(function: Any, call: Call) -> dict:
    try:
        with _time_limit(CALL_SECONDS):
            result = call.call(function)
    except CallTookTooLong:
        return {"status": "slow", "seconds": CALL_SECONDS}
    except Exception as error:  # the learner's function failed: say how, go on
        return {"status": "raised", "message": error_text(error)}
    return plain_outcome(result)


def plain_outcome(value: Any) -> dict:
    """``{"status": "ok", "value": plain}``, or why the value cannot be read."""
    if value is Ellipsis:
        return {"status": "placeholder"}
    try:
        return {"status": "ok", "value": to_plain(value)}
    except AnswerTypeError as error:
        return {"status": "type", "message": str(error)}


def error_text(error: BaseException) -> str:
    """``TypeError: ...``, cut to :data:`MAX_MESSAGE` characters; never raises."""
    try:
        text = f"{type(error).__name__}: {error}"
    except Exception:  # an exception whose __str__ raises
        text = type(error).__name__
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "..."
