"""A bounded memo of the most recently used results, filled a batch at a time.

The per-sentence work of a run (side scan, stance cues) repeats across posts: quoted passages,
stock phrases, a forum's catchphrases. :class:`LruMemo` remembers the results of the most
recently used keys and, for a batch of keys, hands only the keys it has not seen to one call
of the computing function, so that function can work on all of them at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LruMemo(Generic[K, V]):
    """The results of the ``size`` most recently used keys (an LRU cache).

    Least recently used first: an OrderedDict drops its oldest entry in constant time, where a
    plain dict would walk over every slot already deleted at its front.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def clear(self) -> None:
        self._items.clear()

    def get(self, key: K) -> V | None:
        """The remembered result (now the most recently used), or None."""
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        """Remember ``value``, forgetting the least recently used result when full."""
        if len(self._items) >= self.size:
            self._items.popitem(last=False)
        self._items[key] = value

    def get_many(self, keys: Iterable[K], compute: Callable[[list[K]], Iterable[V]]) -> list[V]:
        """One result per key, in order; the keys not remembered go to one ``compute`` call
        (each distinct key once, in first-seen order), whatever the memo evicts meanwhile."""
        keys = list(keys)
        known: dict[K, V] = {}
        missing: dict[K, None] = {}
        get, move_to_end = self._items.get, self._items.move_to_end  # self.get, inlined
        for key in keys:
            if key in known or key in missing:
                continue
            value = get(key)
            if value is None:
                missing[key] = None
            else:
                move_to_end(key)
                known[key] = value
        if missing:
            for key, value in zip(missing, compute(list(missing)), strict=True):
                known[key] = value
                self.put(key, value)
        return [known[key] for key in keys]
