"""The compiled scan of the cue patterns says exactly what ``re`` says, or nothing."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discourse import compiled_scan, machine_cache
from discourse.stance import pattern_gate
from discourse.stance.cues import cue_matrix
from discourse.stance.pattern_gate import gate_key, gated_patterns, hyperscan_expression, matching_patterns
from discourse.stance.sentence_cues import clear_sentence_memo
from discourse.stance.sentences import scan_sentences
from discourse.stance.train import load_authored
from discourse.text import split_sentences

hyperscan = pytest.importorskip("hyperscan")


def _expected(text: str) -> frozenset[int]:
    return frozenset(gate_key(p) for p in gated_patterns() if p.search(text) is not None)


@pytest.fixture(scope="module")
def authored_sentences() -> list:
    texts = load_authored()["text"].to_list()
    return scan_sentences(list(dict.fromkeys(s for t in texts for s in split_sentences(t))))


def test_sets_equal_re_on_every_authored_sentence(authored_sentences) -> None:
    with_sets = [s for s in authored_sentences if s.may is not None]
    assert len(with_sets) > 0.95 * len(authored_sentences)
    wrong = [s.text for s in with_sets if s.may != _expected(s.text)]
    assert wrong == []
    # The authored sentences exercise most patterns: a set that was always empty would pass above.
    assert len(set().union(*(s.may for s in with_sets))) >= 0.8 * len(gated_patterns())


_WORDS = ["_us_", "_ussr_", "should", "have", "gone", "with", "over", "the", "better", "than", "not", "never",
          "prefer", "1971", "sixties", "if", "we", "had", "would", "neutral", "neither", "side", "take", "sides",
          "mistake", "i", "think", "said", "because", "both", "and", "alike", ">", "any", "day", "right", "choice",
          "trust", "don't", "why", "didn't", "off", "without", "stay", "away", "from", "luxury", "to", "pick", "a",
          "no", "such", "thing", "as", "glad", "went", ".", ",", "'", "-", "x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=16), st.sampled_from([" ", "  ", "\t"]))
def test_sets_equal_re_on_generated_sentences(words: list[str], gap: str) -> None:
    text = gap.join(words)
    (found,) = matching_patterns([text])
    if text.isprintable():  # a tab is not: that text is left to re
        assert found == _expected(text)
    else:
        assert found is None


def test_sets_hold_each_pattern_by_its_key_not_the_pattern(authored_sentences) -> None:
    # Guards the cost of a rule's question: hashing a compiled pattern hashes its whole program
    # (about 1.8 us for the longest phrase list), hashing a small integer does not.
    patterns = gated_patterns()
    assert [gate_key(p) for p in patterns] == list(range(len(patterns)))
    with pytest.raises(KeyError):
        gate_key(re.compile("not a cue pattern"))
    keys = set().union(*(s.may for s in authored_sentences if s.may is not None))
    assert keys and all(type(key) is int for key in keys)


def test_text_that_is_not_printable_ascii_is_left_to_re() -> None:
    assert matching_patterns(["we should have gone with the _us_ \u2014 surely", "a\x1cb", "plain"]) == [
        None, None, frozenset()]


def test_expressions_refuse_what_the_engines_read_differently() -> None:
    assert hyperscan_expression(re.compile(r"(?P<a>_us_) over")) == b"(?:_us_) over"
    for pattern in (re.compile(r"a(?=b)"), re.compile(r"(?<!x)a"), re.compile(r"(a)\1"),
                    re.compile("a", re.IGNORECASE), re.compile("caf\u00e9")):
        with pytest.raises(ValueError):
            hyperscan_expression(pattern)
    for pattern in gated_patterns():  # every cue pattern is one the two engines agree on
        hyperscan_expression(pattern)


def test_cues_are_the_same_without_hyperscan(monkeypatch) -> None:
    # Guards the fallback: a platform without Hyperscan gets every cue from re alone.
    texts = load_authored()["text"].to_list()[:400]
    clear_sentence_memo()
    with_scan = cue_matrix(texts)
    monkeypatch.setattr(pattern_gate, "_scanner", lambda: None)
    clear_sentence_memo()
    try:
        without = cue_matrix(texts)
        assert matching_patterns(["we should have gone with the _us_"]) == [None]
    finally:
        clear_sentence_memo()
    np.testing.assert_array_equal(with_scan, without)


def test_database_is_compiled_once_per_machine_and_a_damaged_copy_rebuilt(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(machine_cache.CACHE_ENV, str(tmp_path / "cache"))
    compiled = []
    real = compiled_scan.compile_database
    monkeypatch.setattr(compiled_scan, "compile_database", lambda *a: compiled.append(1) or real(*a))

    def fresh_scan() -> frozenset:
        pattern_gate._scanner.cache_clear()
        return matching_patterns(["had we gone with the _ussr_ we would have prospered"])[0]

    try:
        first = fresh_scan()
        files = list((tmp_path / "cache").glob(f"{pattern_gate.CACHE_NAME}-*{compiled_scan.CACHE_SUFFIX}"))
        assert len(compiled) == 1 and len(files) == 1
        assert fresh_scan() == first and len(compiled) == 1  # a later process loads the copy
        files[0].write_bytes(files[0].read_bytes()[:1000])  # truncated: its digest no longer fits
        assert fresh_scan() == first and len(compiled) == 2
        monkeypatch.setenv(machine_cache.CACHE_ENV, "")  # no cache: compiled in each process
        assert fresh_scan() == first and len(compiled) == 3
    finally:
        pattern_gate._scanner.cache_clear()
    assert first == _expected("had we gone with the _ussr_ we would have prospered") != frozenset()


def test_threads_scan_at_the_same_time(authored_sentences) -> None:
    # Regression: one scratch space shared by the threads of a flow run made a concurrent scan
    # fail with ScratchInUseError; each thread has its own.
    from concurrent.futures import ThreadPoolExecutor

    texts = [s.text for s in authored_sentences if s.may is not None][:3000]
    expected = [s.may for s in authored_sentences if s.may is not None][:3000]
    chunks = [texts[i::8] for i in range(8)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(matching_patterns, chunks * 4))
    for k, found in enumerate(results):
        assert found == expected[k % 8 :: 8]
