"""Hyperscan databases shared by the cue patterns and the gazetteer: cache names, scratch spaces."""

from __future__ import annotations

import threading

import pytest

from discourse import compiled_scan, sides
from discourse.stance import pattern_gate

pytest.importorskip("hyperscan")


def test_each_database_keeps_its_scratch_when_scans_alternate() -> None:
    # A thread that scans sentences for cue patterns and side terms in turn must not allocate a
    # new scratch space at every switch (one slot per thread would).
    cues, terms = pattern_gate._scanner(), sides._term_scanner()
    assert cues is not None and terms is not None and cues is not terms
    first = compiled_scan.scratch_for(cues), compiled_scan.scratch_for(terms)
    assert (compiled_scan.scratch_for(cues), compiled_scan.scratch_for(terms)) == first
    elsewhere: list[object] = []
    worker = threading.Thread(target=lambda: elsewhere.append(compiled_scan.scratch_for(cues)))
    worker.start()
    worker.join()
    assert elsewhere[0] is not first[0]  # another thread scans with its own


def test_the_cache_name_changes_with_expressions_and_flags() -> None:
    base = compiled_scan.cache_prefix("x", [b"a"], [("CASELESS",)], "1")
    assert base.startswith("x-") and base.endswith("-")
    assert compiled_scan.cache_prefix("x", [b"a"], [("CASELESS",)], "1") == base
    assert compiled_scan.cache_prefix("x", [b"b"], [("CASELESS",)], "1") != base
    assert compiled_scan.cache_prefix("x", [b"a"], [()], "1") != base
    assert compiled_scan.cache_prefix("x", [b"a"], [("CASELESS",)], "2") != base


def test_an_expression_hyperscan_refuses_gives_no_database(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DISCOURSE_CACHE_DIR", str(tmp_path))
    assert compiled_scan.load_database("bad", [b"a(?=b)"], [()]) is None
    assert compiled_scan.load_database("good", [b"ab"], [("SOM_LEFTMOST",)]) is not None
    assert [p.name.split("-")[0] for p in tmp_path.iterdir()] == ["good"]
