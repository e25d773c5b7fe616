"""Python's cyclic garbage collector, held off while one organisation is loaded and checked.

Loading an organisation makes hundreds of thousands of objects (a model, a figure and a
position per value), all of them alive until its report is written and none of them in a
cycle that only the collector could free.  Each collection the allocations trigger walks
all of them again: for a file of 10,000 records that was a third of `validate`'s time.
While paused, objects are still freed as soon as the last reference to them goes; only
cycles wait, and they are collected as usual once the organisation is done.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No collection inside; the collector's state before it is restored after it (nesting is harmless)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
