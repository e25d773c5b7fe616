"""The collector is held off inside `paused()` and left as it was found after it, even on an error."""

from __future__ import annotations

import gc

import pytest

from fulian_report.collector import paused


def test_paused_holds_the_collector_off_and_restores_it():
    was = gc.isenabled()
    gc.enable()
    try:
        with paused():
            assert not gc.isenabled()
            with paused():  # nested: the inner one leaves it off
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()
        with pytest.raises(ValueError):
            with paused():
                raise ValueError
        assert gc.isenabled()
        gc.disable()
        with paused():
            pass
        assert not gc.isenabled()  # off before: still off
    finally:
        gc.enable() if was else gc.disable()
