"""Running one function in several threads at once and seeing what went wrong in them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence


def run_in_threads(target: Callable[..., object], calls: Sequence[tuple[object, ...]],
                   timeout: float = 60.0) -> list[BaseException]:
    """Call `target(*args)` for each of `calls`, each in its own thread, all started together;
    the exceptions they raised. Fails if a thread is still running after `timeout` seconds."""
    errors: list[BaseException] = []

    def run(args: tuple[object, ...]) -> None:
        try:
            target(*args)
        except BaseException as error:  # a thread cannot fail the test itself: handed back
            errors.append(error)

    threads = [threading.Thread(target=run, args=(args,)) for args in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), f"threads still running after {timeout}s"
    return errors
