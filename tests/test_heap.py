"""Tests of discourse.heap.settled_heap (the collector settling a batch loop uses)."""

from __future__ import annotations

import gc
import weakref

import pytest

from discourse.heap import settled_heap


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_settle_frees_young_cycles_and_freezes_survivors() -> None:
    assert gc.get_freeze_count() == 0
    kept = [_Node() for _ in range(10)]
    with settled_heap() as settle:
        dead = _cycle()
        settle()
        assert dead() is None  # the cycle made before settle() was collected, not frozen
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0  # unfrozen on exit
    assert len(kept) == 10


def test_frozen_objects_are_still_freed_by_reference_counting() -> None:
    with settled_heap() as settle:
        holder = [_Node()]
        ref = weakref.ref(holder[0])
        settle()
        holder.clear()
        assert ref() is None


def test_an_existing_freeze_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # Guards the contract, not the count: objects frozen before the block can be freed by
    # reference counting while it runs (another thread dropping them), so the frozen count may
    # fall; what the block must not do is freeze or unfreeze.
    calls: list[str] = []
    unfreeze = gc.unfreeze
    gc.freeze()
    try:
        monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
        monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
        with settled_heap() as settle:
            settle()
        monkeypatch.undo()
        assert calls == []
        assert gc.get_freeze_count() > 0
    finally:
        monkeypatch.undo()
        unfreeze()
    assert gc.get_freeze_count() == 0


def test_unfreezes_when_the_loop_raises() -> None:
    try:
        with settled_heap() as settle:
            settle()
            raise RuntimeError("a thread failed")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0
