"""The compiled kernels (``discourse._kernels``) against the Python code they replace.

Each kernel listed in ``discourse.kernels`` runs when the module is built, and the Python
function it replaces (its reference) runs otherwise; the two must give the same floats,
sentences, tokens, flags, ids, words, keys, tagged texts, chosen cues and rows. ``tests/test_sentiment.py`` compares what
``vader_compound`` gives (compiled here) with NLTK itself.
"""

from __future__ import annotations

import random
import shutil
import sysconfig

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discourse import fastpaths, kernels
from discourse.sentiment_label import TOPIC_WORDS, tone_lexicon
from discourse.text import split_sentences

needs_kernel = pytest.mark.skipif(kernels.compiled is None, reason="discourse._kernels is not built")


def _both(text: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """(compiled pair, Python pair) of ``text`` under VADER's lexicon and the tone lexicon."""
    rules = fastpaths._rules()
    compiled = kernels.compiled.compound_pair(text, rules.lexicon, tone_lexicon(), TOPIC_WORDS, rules.packed)
    return compiled, fastpaths.python_compound_pair(text, tone_lexicon(), TOPIC_WORDS)


def _words() -> list[str]:
    """Words that exercise every rule: valenced words, boosters, negations, idioms, "but",
    "least", "kind of", "never so", capitals, emoticons and glued punctuation."""
    rules = fastpaths._rules()
    lexicon = sorted(rules.lexicon)
    idiom_words = sorted({w for key in [*rules.idioms, *rules.boosters] for w in key.split()})
    return (lexicon[::53] + sorted(rules.boosters) + sorted(rules.negations) + idiom_words
            + ["never", "so", "this", "least", "at", "very", "kind", "of", "but", "BUT", "GOOD",
               "Great", "support", "help", "strong", ":)", ":(", "USSR", "I", "a", "x"])


def test_kernel_is_built_where_a_c_compiler_is_found() -> None:
    # Guards the install: the extension is optional, so a broken build would pass silently and
    # every run would fall back to the slower Python rules.
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}) on this machine")
    assert kernels.compiled is not None, "discourse._kernels is not built: reinstall with pip install -e ."


@needs_kernel
@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_words()), st.sampled_from(["", "", "", ".", "!", "?", ",", "'", "...", "?!?"]),
                  st.sampled_from(["", "", "", "(", '"', "-", "!!"]), st.booleans()),
        max_size=16,
    ),
    st.sampled_from(["", ".", "!", "!!", "??", "????", "!!!!!", " :)"]),
)
def test_kernel_equals_python_rules_on_generated_sentences(words: list, end: str) -> None:
    text = " ".join(before + (w.upper() if caps else w) + after for w, after, before, caps in words) + end
    compiled, python = _both(text)
    assert compiled == python
    assert all(type(v) is float for v in compiled)


@needs_kernel
def test_kernel_equals_python_rules_on_authored_and_seed_texts() -> None:
    from conftest import SEED_THREAD

    from discourse.stance.train import load_authored

    texts = load_authored()["text"].drop_nulls().to_list() + [SEED_THREAD.read_text(encoding="utf-8")]
    sentences = sorted({s for text in texts for s in split_sentences(text)})
    assert len(sentences) > 2000
    differ = [s for s in sentences if _both(s)[0] != _both(s)[1]]
    assert differ == []


@needs_kernel
def test_kernel_equals_python_rules_on_long_and_odd_texts() -> None:
    # Guards the buffers of more than 64 words, repeated words (scored where they first occur),
    # white space other than spaces, text that is not ASCII and lexicon words in capitals.
    rng = random.Random(7)
    words = _words()
    texts = [
        " ".join(rng.choice(words) for _ in range(n)) for n in (0, 1, 63, 64, 65, 200, 1000)
    ] + [
        "good good GOOD bad Good", "not\tgood\nat all\u00a0great", "Très bien — GOOD ünd ßad!",
        "kind of good", "the bomb", "at least good", "very least good", "least good", "yeah right!!",
        "It was never so good but it is not bad", "!!!", "", "   ", "I", "ÉCLAT HAPPY sad",
    ]
    for text in texts:
        compiled, python = _both(text)
        assert compiled == python, text[:80]
    assert fastpaths.vader_compound(texts[5]) == fastpaths.python_compound(texts[5], fastpaths._rules().lexicon)


@needs_kernel
def test_kernel_rejects_arguments_of_the_wrong_kind() -> None:
    rules = fastpaths._rules()
    with pytest.raises(TypeError, match=r"compound_pair\(str, dict"):
        kernels.compiled.compound_pair(b"bytes", rules.lexicon, None, TOPIC_WORDS, rules.packed)
    with pytest.raises(TypeError, match="8-tuple"):
        kernels.compiled.compound_pair("good", rules.lexicon, None, TOPIC_WORDS, rules.packed[:5])
    with pytest.raises(TypeError, match=r"compound_pair\(str, dict"):
        kernels.compiled.compound_pair("good", list(rules.lexicon), None, TOPIC_WORDS, rules.packed)
    with pytest.raises(TypeError, match=r"tokenize\(str, bool\)"):
        kernels.compiled.tokenize(None, True)
    with pytest.raises(TypeError, match=r"split_line\(str, set\)"):
        kernels.compiled.split_line("A. B", ["a"])
    with pytest.raises(TypeError, match="tokens must be str"):
        kernels.compiled.negation_flags(["not", 3], frozenset({"not"}), frozenset("."))
    with pytest.raises(TypeError, match=r"ngram_words\(str\)"):
        kernels.compiled.ngram_words(["_us_", "is"])
    with pytest.raises(TypeError, match=r"runs_in\(str, set or frozenset\)"):
        kernels.compiled.runs_in("sold out", ["sold"])
    with pytest.raises(TypeError, match=r"tag_batch\(list, list, 2-tuple, 4-tuple\)"):
        kernels.compiled.tag_batch(["USA"], [(0, 3, False)], (" _us_ ",), ())
    from discourse.sides import _SIDE_SETS, _TAG_PAIR

    with pytest.raises(ValueError, match="out of order or across texts"):
        kernels.compiled.tag_batch(["USA and USSR"], [(8, 12, True), (0, 3, False)], _TAG_PAIR, _SIDE_SETS)
    with pytest.raises(ValueError, match="beyond the texts"):
        kernels.compiled.tag_batch(["USA"], [(0, 3, False), (9, 12, True)], _TAG_PAIR, _SIDE_SETS)
    with pytest.raises(TypeError, match="mentions must be"):
        kernels.compiled.tag_batch(["USA"], [(0, 3)], _TAG_PAIR, _SIDE_SETS)
    with pytest.raises(TypeError, match=r"top_per_row\(bytes, bytes, int >= 0\)"):
        kernels.compiled.top_per_row(b"", b"", -1)
    with pytest.raises(ValueError, match="does not span push"):
        kernels.compiled.top_per_row(np.array([0, 3], dtype=np.int64).tobytes(), np.ones(2).tobytes(), 5)
    with pytest.raises(ValueError, match="indptr decreases"):
        kernels.compiled.top_per_row(np.array([0, 2, 1, 2], dtype=np.int64).tobytes(), np.ones(2).tobytes(), 5)
    with pytest.raises(TypeError, match=r"sentence_keys\(str\)"):
        kernels.compiled.sentence_keys(b"A. B.")
    with pytest.raises(TypeError, match=r"match_key\(str\)"):
        kernels.compiled.match_key(None)


def test_public_scores_do_not_depend_on_the_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    # Guards the fallback: without the compiled module (a machine with no C compiler) the
    # pipeline's scores are the same floats.
    sentences = ["The pact was a GOOD deal, but not great!", "Never so bad.", "kind of sad??", ""]
    lexicon = tone_lexicon()
    with_kernel = [fastpaths.vader_compound_pair(s, lexicon, TOPIC_WORDS) for s in sentences]
    singles = [fastpaths.vader_compound(s) for s in sentences]
    monkeypatch.setattr(kernels, "compiled", None)
    assert [fastpaths.vader_compound_pair(s, lexicon, TOPIC_WORDS) for s in sentences] == with_kernel
    assert [fastpaths.vader_compound(s) for s in sentences] == singles


# --- sentence splitting ----------------------------------------------------------------------

_LINE_PARTS = ["U.S.", "Gen.", "A.", "a.", "etc.", "e.g.", "Mr.", "no.", "No.", "St.", "u.s.s.r.", "x.",
               "word", "Word", "1971", "!", "?", "...", ".", "?!", '"', "'", ")", "]", "(", "[", " ", "  ",
               "\u00a0", "\u2003", "\t", "\u0130.", "\u00c9.", "\u00df.", "_.", "OK.", "z", "\u0661."]


@needs_kernel
@settings(max_examples=1500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_LINE_PARTS), st.sampled_from(["", " ", ""])), max_size=16))
def test_split_line_equals_python_rule_on_generated_lines(parts: list[tuple[str, str]]) -> None:
    # Guards the one-pass boundary search: runs of end marks, closers, white space of any kind,
    # openers before a capital, abbreviations and initials (also outside ASCII).
    from discourse.text import ABBREVIATIONS, python_split_line

    line = "".join(a + b for a, b in parts)
    assert kernels.compiled.split_line(line, ABBREVIATIONS) == python_split_line(line)


@needs_kernel
def test_split_line_equals_python_rule_on_authored_and_seed_lines() -> None:
    from conftest import SEED_THREAD

    from discourse.stance.train import load_authored
    from discourse.text import ABBREVIATIONS, normalise_text, python_split_line

    texts = load_authored()["text"].drop_nulls().to_list() + [SEED_THREAD.read_text(encoding="utf-8")]
    lines = sorted({line for text in texts for line in normalise_text(text).split("\n") if line})
    assert len(lines) > 1400
    assert [kernels.compiled.split_line(line, ABBREVIATIONS) for line in lines] == [
        python_split_line(line) for line in lines]


def test_split_sentences_do_not_depend_on_the_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    # Guards the fallback of discourse.text when the module is not built.
    from discourse import text

    line = 'He said "Go." Then the U.S. Army left! (Gen. Ayub agreed.) 1971 came... and A. Khan'
    compiled = text._split_line(line)
    monkeypatch.setattr(kernels, "compiled", None)
    assert text._split_line(line) == compiled == text.python_split_line(line)
    assert len(compiled) == 4


# --- negation scope --------------------------------------------------------------------------

_NEGATION_TOKENS = ["not", "never", "no", "nothing", "don't", "can't", "cant", "isn't", "wont", "want", "none",
                    "n't", ".", ":", ";", "!", "?", "?!", "we", "trust", "_us_", "", "not\n", ".\n", "no\nx",
                    "NOT", "Never", "n'", "nt", "aint", "noone", "x\n", "\n"]


@needs_kernel
@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_NEGATION_TOKENS), max_size=24))
def test_negation_flags_equal_python_rule(tokens: list[str]) -> None:
    assert fastpaths._negation_sets() is not None  # NLTK's patterns have the shape the kernel reads
    assert fastpaths.negation_flags(tokens) == fastpaths.python_negation_flags(tokens)


@pytest.mark.parametrize("patterns", [
    (r"^(?:not|nev.r)$|n't", r"^[.:;!?]$"),          # a word that is a pattern ("nev.r" matches "never")
    (r"^(?:not|never)$|n't|\bno\b", r"^[.:;!?]$"),  # a third alternative
    (r"^(?:not|never)$|n't", r"^[.-;]$"),            # a range of characters
    (r"^(?:not||never)$|n't", r"^[.:;!?]$"),         # an empty alternative
])
def test_negation_sets_refuse_a_pattern_of_another_shape(
    monkeypatch: pytest.MonkeyPatch, patterns: tuple[str, str]
) -> None:
    # Guards the reading of NLTK's patterns: a pattern the word sets cannot express keeps re.
    from discourse import vader_data

    monkeypatch.setattr(vader_data, "negation_patterns", lambda: patterns)
    fastpaths._negation_sets.cache_clear()
    try:
        assert fastpaths._negation_sets() is None
        monkeypatch.setattr(fastpaths, "python_negation_flags", lambda tokens: ["re"] * len(tokens))
        assert fastpaths.negation_flags(["never", "good"]) == ["re", "re"]
    finally:
        monkeypatch.undo()
        fastpaths._negation_sets.cache_clear()


# --- evaluation near a side's name -----------------------------------------------------------

def _near_words() -> list[str]:
    from discourse.stance.cue_patterns import STOP, load_lexicon
    from discourse.stance.sentences import SIDE_OF

    valued = sorted(load_lexicon())[::157]
    return valued + sorted(SIDE_OF) * 3 + sorted(STOP) + ["the", "not", "we", "a", "zero-valued"]


@needs_kernel
@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_near_words()), st.booleans()), max_size=40))
def test_near_sides_equal_python_rule(pairs: list[tuple[str, bool]]) -> None:
    # Guards the kernel's window, clause breaks, ties (the earlier side wins), negation and the
    # order of the sides in the result.
    from discourse.stance.cue_patterns import load_lexicon
    from discourse.stance.sentence_cues import _evaluate_near_sides, python_evaluate_near_sides
    from discourse.stance.sentences import Sentence

    lexicon = dict(load_lexicon(), **{"zero-valued": 0.0})
    sent = Sentence.from_parts([t for t, _ in pairs], [n for _, n in pairs], frozenset())
    compiled, python = _evaluate_near_sides(sent, lexicon), python_evaluate_near_sides(sent, lexicon)
    assert compiled == python
    assert list(compiled) == list(python)


@needs_kernel
def test_near_sides_take_long_sentences_and_refuse_mismatched_flags() -> None:
    from discourse.stance.cue_patterns import STOP, load_lexicon
    from discourse.stance.sentence_cues import _WINDOW, _evaluate_near_sides, python_evaluate_near_sides
    from discourse.stance.sentences import SIDE_OF, Sentence
    from discourse.sides import SIDES

    rng = random.Random(11)
    words = _near_words()
    for n in (127, 128, 129, 600):
        tokens = [rng.choice(words) for _ in range(n)]
        sent = Sentence.from_parts(tokens, [rng.random() < 0.2 for _ in tokens], frozenset())
        assert _evaluate_near_sides(sent, load_lexicon()) == python_evaluate_near_sides(sent, load_lexicon())
    with pytest.raises(ValueError, match="one negation flag per token"):
        kernels.compiled.near_sides(["_us_", "good"], [False], load_lexicon(), STOP, SIDE_OF, SIDES, _WINDOW)


# --- whole features ---------------------------------------------------------------------------

def _clear_memos() -> None:
    from discourse import sentiment, text
    from discourse.stance.sentence_cues import clear_sentence_memo

    clear_sentence_memo()
    sentiment.sentence_scores.cache_clear()
    text._split_cached.cache_clear()


@needs_kernel
def test_cues_and_sentiment_of_real_shaped_posts_do_not_depend_on_the_kernels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Guards every kernel at once, in the order the pipeline calls them: the cue matrix, the
    # n-gram words and the sentiment facts of each post are the same with and without the
    # compiled module (the memos are emptied so the second pass computes everything again).
    from conftest import SEED_THREAD

    from discourse.sentiment import score_post
    from discourse.stance.cues import cue_matrix_with_words
    from discourse.stance.train import load_authored

    texts = load_authored()["text"].drop_nulls().to_list()[::3] + SEED_THREAD.read_text(encoding="utf-8").split("\n\n")

    def features() -> tuple:
        _clear_memos()
        cues, words = cue_matrix_with_words(texts)
        return cues, words, [score_post(t) for t in texts]

    try:
        compiled = features()
        monkeypatch.setattr(kernels, "compiled", None)
        python = features()
    finally:
        monkeypatch.undo()
        _clear_memos()
    assert np.array_equal(compiled[0], python[0])
    assert compiled[1] == python[1]
    assert compiled[2] == python[2]
    assert compiled[0].any()


# --- token ids of the n-gram features -----------------------------------------------------------

@needs_kernel
@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab_ \t\n\u00a0\u2003\x1f\u0661é")), max_size=30), max_size=12))
def test_token_ids_equal_python_split_and_lookup(docs: list[str]) -> None:
    # Guards the kernel's white space (every character str.split() cuts at) and empty documents.

    from discourse.fastpaths import NgramIndex

    index = NgramIndex({"a": 0, "b": 1, "a b": 2, "é": 3, "ab_": 4, "\u0661": 5}, (1, 2))
    compiled, python = index.token_ids_of(docs), index.python_token_ids_of(docs)
    assert np.array_equal(compiled[0], python[0]) and np.array_equal(compiled[1], python[1])
    assert compiled[0].dtype == compiled[1].dtype == np.int64


# --- cue rows ------------------------------------------------------------------------------------

def _sentence_cues_strategy():
    from discourse.stance.cue_columns import TARGET
    from discourse.stance.sentence_cues import SentenceCues

    slots = sorted(set(TARGET.values()))
    addition = st.tuples(st.sampled_from(slots), st.sampled_from([1.0, 0.5, -0.25, 0.1, 0.3, -0.7, 2.0]))
    return st.builds(
        lambda adds, words, conclusion, ngram, end, moves: SentenceCues(
            tuple(a for a, _ in adds), tuple(v for _, v in adds), words, conclusion, ngram, end, moves),
        st.lists(addition, max_size=8), st.integers(0, 9), st.booleans(),
        st.sampled_from(["", "we _us_", "the pact"]), st.booleans(), st.booleans(),
    )


@needs_kernel
@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(_sentence_cues_strategy(), max_size=6), max_size=5))
def test_assemble_rows_equal_python_rows(posts: list) -> None:
    # Guards the compiled rows: every addition in order, lean_final only for late or concluding
    # sentences that move the lean, the derived cues (signs of zero included) and the n-gram words.

    from discourse.stance.cue_columns import CUE_NAMES, ROW_LAYOUT, assemble_row

    matrix, words = kernels.compiled.assemble_rows(posts, ROW_LAYOUT)
    rows = np.frombuffer(matrix, dtype=np.float64).reshape(len(posts), len(CUE_NAMES))
    expected = np.asarray([assemble_row(found) for found in posts], dtype=float).reshape(len(posts), len(CUE_NAMES))
    assert np.array_equal(rows, expected) and np.array_equal(np.signbit(rows), np.signbit(expected))
    assert words == [None if any(f.word_end for f in found[:-1]) else " ".join(f.ngram_words for f in found if f.ngram_words)
                     for found in posts]


@needs_kernel
def test_assemble_rows_refuse_another_layout_and_foreign_cues() -> None:
    from discourse.stance.cue_columns import ROW_LAYOUT
    from discourse.stance.sentence_cues import SentenceCues

    good = [[SentenceCues((0,), (1.0,), 3, False, "", False, False)]]
    with pytest.raises(ValueError, match="layout"):
        kernels.compiled.assemble_rows(good, ROW_LAYOUT[:-1])
    with pytest.raises(ValueError, match="layout"):
        kernels.compiled.assemble_rows(good, (2, *ROW_LAYOUT[1:]))
    with pytest.raises(IndexError, match="outside the row"):
        kernels.compiled.assemble_rows([[SentenceCues((10_000,), (1.0,), 3, False, "", False, False)]], ROW_LAYOUT)
    with pytest.raises(TypeError, match="SentenceCues"):
        kernels.compiled.assemble_rows([[("not", "cues")]], ROW_LAYOUT)


# --- tokens ----------------------------------------------------------------------------------------

_TOKEN_PARTS = ["U.S.", "U.S.A", "a.b.", "e.g", "don't", "anti-Soviet", "x'", "-y", ":-)", ":D", ";'p", "=P", "=(",
                ":-", ":'x", "_us_", "İ", "ß", "É", "١٢", "a", "B", "!", "?", ".", ",", "'", "-", " ", "  ",
                "\u00a0", "\u2003", "\n", "\t", "(", ")", "D", "p"]


@needs_kernel
@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_TOKEN_PARTS), max_size=14), st.booleans())
def test_tokenize_equals_python_findall(parts: list[str], lower: bool) -> None:
    # Guards the one-pass tokenizer: abbreviations with and without a final letter, inner
    # apostrophes and hyphens, emoticons with a nose but no mouth, word characters outside
    # ASCII, every kind of white space and lower-casing (":D" keeps its capital mouth apart).
    from discourse.text import python_tokenize

    text = "".join(parts)
    assert kernels.compiled.tokenize(text, lower) == python_tokenize(text, lower=lower)


# --- n-gram words ----------------------------------------------------------------------------------

_WORD_PARTS = ["_us_", "we", "don't", "1971", "É", "ß", "١٢", "中", "\U0001f600", ",", ".", "'", "-", ":-)", " ",
               "  ", "\u00a0", "\t", "\n", "_"]


@needs_kernel
@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_WORD_PARTS), max_size=16), st.integers(0, 600))
def test_ngram_words_equal_python_findall(parts: list[str], padding: int) -> None:
    # Guards the one-pass n-gram words: pieces opening with a word character (ASCII or not, the
    # underscore) kept whole, others dropped, runs of spaces and other white space (which does
    # not cut a piece), ASCII texts longer than the kernel's stack buffer.
    from discourse.stance.sentence_cues import python_ngram_words

    for text in ("".join(parts), "".join(parts) + " word" * padding):
        assert kernels.compiled.ngram_words(text) == python_ngram_words(text)


_LEXICON_PARTS = ["betrayed", "stooge", "sold", "thanks", "lol", "back-stab", "o'brien", "us", "the", "é", "ẞ",
                  "1971", "-", "'", " ", ",", ".", "!", ":)", "\u00a0", "\n", "_"]


@needs_kernel
@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_LEXICON_PARTS), max_size=16))
def test_debate_words_equal_python_findall(parts: list[str]) -> None:
    # Guards the one-pass lexicon scan: runs of [a-z0-9'-] cut by any other character (also
    # non-ASCII letters and "_"), hyphenated and apostrophised words kept whole, repeats once.
    from discourse.sentiment_label import _CUE_WORDS, python_cue_words

    text = "".join(parts)
    assert kernels.compiled.runs_in(text, _CUE_WORDS) == python_cue_words(text)


# --- quote keys ------------------------------------------------------------------------------------

_QUOTE_PARTS = ["We", "SEATO", "was", "a", "Mistake", "1971", "U.S.", ".", "...", "!", "?", "?!", "'", '"', ")", "]",
                "(", "-", "*", ">", ",", " ", "  ", "\t", "\n", "\n\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x00",
                "~"]


@needs_kernel
@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_QUOTE_PARTS), max_size=20), st.integers(0, 300))
def test_quote_keys_equal_python_rules_on_ascii_text(parts: list[str], padding: int) -> None:
    # Guards the one-pass sentence split and match key: runs of stops followed by a word, a
    # space, a closer or another stop; closers after the last stop; line breaks; every ASCII
    # white space str.split() cuts at; edge characters trimmed from both ends; keys longer
    # than the kernel's stack buffer.
    from discourse.quotes import python_normalise_key, python_sentence_keys

    for text in ("".join(parts), "".join(parts) + " Word" * padding):
        assert kernels.compiled.sentence_keys(text) == python_sentence_keys(text)
        assert kernels.compiled.match_key(text) == python_normalise_key(text)


@needs_kernel
def test_quote_keys_leave_other_text_to_python() -> None:
    from discourse.quotes import normalise_key, python_normalise_key, python_sentence_keys, sentence_keys

    text = "\u201cWe\u201d \u2014 stayed out. Non-aligned\u2019s way!"
    assert kernels.compiled.sentence_keys(text) is None and kernels.compiled.match_key(text) is None
    assert sentence_keys(text) == python_sentence_keys(text)
    assert normalise_key(text) == python_normalise_key(text) == "we\" - stayed out. non-aligned's way!"


# --- strongest cues per row -------------------------------------------------------------------------

@needs_kernel
@settings(max_examples=800, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, -0.0, -1.0, 0.5, 1.0, 1.0, 2.0, 3.5, float("nan"), 1e-300]), max_size=12),
                max_size=8), st.integers(0, 7))
def test_top_per_row_equals_the_stable_sort(rows: list[list[float]], top_k: int) -> None:
    # Guards the one-pass selection: equal pushes in stored order, zeros, negatives and NaN
    # never chosen, rows with fewer positive values than top_k, empty rows, top_k of 0.
    from discourse.stance.linear import python_top_per_row

    indptr = np.cumsum([0, *map(len, rows)]).astype(np.int64)
    push = np.array([v for row in rows for v in row], dtype=np.float64)
    chosen, counts = kernels.compiled.top_per_row(indptr.tobytes(), push.tobytes(), top_k)
    expected_chosen, expected_counts = python_top_per_row(indptr, push, top_k)
    assert np.frombuffer(chosen, dtype=np.int64).tolist() == expected_chosen.tolist()
    assert np.frombuffer(counts, dtype=np.int64).tolist() == expected_counts.tolist()


# --- side tagging ----------------------------------------------------------------------------------

_SIDE_PARTS = ["USA", "USSR's", "the West", "West Bengal", "Moscow", "went", "west", "Chinese", "communists", "NATO",
               "U.S.", "Kremlin", "Ünited", "中", "\U0001f600", "and", ",", ".", " ", "\n"]


@needs_kernel
@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_SIDE_PARTS), max_size=8), max_size=8))
def test_tag_batch_equals_python_and_each_text_alone(batch: list[list[str]]) -> None:
    # Guards the batch tagging: texts without mentions returned as they are, several mentions in
    # one text, mentions at a text's start and end, empty texts, non-ASCII widths, one and two sides.
    from discourse import sides

    texts = [" ".join(parts) for parts in batch]
    joined = "\0".join(texts)
    mentions = [(m.start(), m.end(), m.lastgroup == sides.USSR) for m in sides._finditer(joined)]
    compiled = kernels.compiled.tag_batch(texts, mentions, sides._TAG_PAIR, sides._SIDE_SETS)
    assert compiled == sides.python_tag_batch(texts, mentions) == [sides._scan(t) for t in texts]
    # and what re alone gives, text by text
    by_re = [(sides._PATTERN.sub(lambda m: sides._TAGS[m.lastgroup or sides.US], t),
              frozenset(m.lastgroup or sides.US for m in sides._PATTERN.finditer(t))) for t in texts]
    assert compiled == by_re


def test_near_sides_of_a_sentence_built_from_tuples_use_the_python_rule() -> None:
    # Guards the kernel's input check: a Sentence whose tokens or flags are not lists is
    # evaluated by the Python rule instead of raising.
    from discourse.stance.cue_patterns import load_lexicon
    from discourse.stance.sentence_cues import _evaluate_near_sides, python_evaluate_near_sides
    from discourse.stance.sentences import Sentence

    tokens, negated = ("we", "trust", "_us_", "."), (False, False, False, False)
    sent = Sentence.from_parts(tokens, negated, frozenset({"us"}))
    assert _evaluate_near_sides(sent, load_lexicon()) == python_evaluate_near_sides(sent, load_lexicon())
