"""Library internals rewritten for speed, each giving exactly what the library gives.

Three hot paths of the pipeline call into libraries whose general code costs far more than the
work these inputs need. Each is re-implemented here, in one place, and compared with the
library it mirrors by an equivalence test:

* **VADER** (:func:`vader_compound`): NLTK's ``SentimentIntensityAnalyzer.polarity_scores``
  ``["compound"]``, from NLTK's own lexicon and word lists (:mod:`discourse.vader_data`). NLTK
  pairs every word of a sentence with every punctuation mark in two dictionaries, strips
  punctuation with a time-limited ``regex`` pattern and calls a method per word; the same rules
  applied to plain lists, scoring only the words of the lexicon, are about ten times faster
  (``tests/test_sentiment.py``). The same rules again in C (``src/csrc/vader.c``, built
  at install where a C compiler is found) are three to four times faster still; without the
  compiled module the Python rules here score (``tests/test_kernels.py`` compares the two).
* **Negation marking** (:func:`negation_flags`): NLTK's ``mark_negation(tokens,
  double_neg_flip=True)`` as one flag per token, its two patterns run by ``re`` over the
  tokens joined by newlines (``tests/test_text.py``); compiled, from the word lists read out of
  those patterns, where the C module is built (``tests/test_kernels.py``).
* **TF-IDF transform** (:func:`tfidf_rows`): scikit-learn's ``TfidfVectorizer.transform`` for
  the white-space word n-gram vectorizer the stance model fits, from its vocabulary and idf
  alone, counted for all documents at once (``tests/test_stance_model.py``,
  ``tests/test_stance_linear.py``); each token's id comes from the compiled ``token_ids`` where
  it is built.
"""

from __future__ import annotations

import math
import re
import string
from functools import lru_cache

import numpy as np

from discourse import kernels


# --- VADER ------------------------------------------------------------------------------------
# VADER strips exactly the ASCII punctuation of ``string.punctuation`` (its
# ``REGEX_REMOVE_PUNCTUATION`` is a character class of those characters).
_PUNCTUATION = string.punctuation
_DROP_PUNCTUATION = str.maketrans("", "", _PUNCTUATION)


def vader_words(text: str, punctuation_marks: frozenset[str]) -> list[str]:
    """Return the words VADER scores in ``text`` (NLTK's ``SentiText.words_and_emoticons``).

    White-space tokens of one character are dropped. A token made of one of VADER's
    punctuation marks (``punctuation_marks``) glued before or after a word loses the mark when
    that word, stripped of ASCII punctuation, also occurs in the text with more than one
    character. Because such a word holds no ASCII punctuation, the mark can only be the whole
    run of punctuation at the token's start (or end), which is what is looked up here. And the
    word always occurs so: NLTK's set is every token with its ASCII punctuation removed, and
    the token the word came from is the mark (all punctuation) plus the word (none), so the
    word is in that set exactly when it is longer than one character and holds no punctuation.
    """
    tokens = text.split()
    words = []
    for token in tokens:
        if len(token) < 2:
            continue
        if token[0] in _PUNCTUATION:
            word = token.lstrip(_PUNCTUATION)
            mark = token[: len(token) - len(word)]
        elif token[-1] in _PUNCTUATION:
            word = token.rstrip(_PUNCTUATION)
            mark = token[len(word) :]
        else:  # most tokens: no punctuation at either end
            words.append(token)
            continue
        bare = len(word) > 1 and word.translate(_DROP_PUNCTUATION) == word
        words.append(word if bare and mark in punctuation_marks else token)
    return words


class _VaderRules:
    """NLTK VADER's lexicon and word lists, bound once for :func:`vader_compound`."""

    def __init__(self) -> None:
        from discourse.vader_data import vader_constants, vader_lexicon

        constants = vader_constants()
        self.lexicon: dict[str, float] = vader_lexicon()
        self.boosters: dict[str, float] = constants.BOOSTER_DICT
        self.idioms: dict[str, float] = constants.SPECIAL_CASE_IDIOMS
        self.negations: frozenset[str] = frozenset(constants.NEGATE)
        self.marks: frozenset[str] = frozenset(constants.PUNC_LIST)
        self.caps_boost: float = constants.C_INCR
        self.dampen: float = constants.B_DECR
        self.negation_scale: float = constants.N_SCALAR
        # The first word of every idiom and of every booster of several words: no run of words
        # starting otherwise can be one, so the compiled rules join words only after one of these.
        starts = [key.split()[0] for key in [*self.idioms, *self.boosters] if " " in key]
        self.packed = (self.boosters, self.idioms, self.negations, self.marks, frozenset(starts),
                       float(self.caps_boost), float(self.dampen), float(self.negation_scale))


_NOTHING_CHANGED: frozenset[str] = frozenset()  # no word scores differently under a second lexicon


@lru_cache(maxsize=1)
def _rules() -> _VaderRules:
    return _VaderRules()


def vader_compound(text: str, lexicon: dict[str, float] | None = None) -> float:
    """Return NLTK VADER's compound score of ``text`` (``polarity_scores(text)["compound"]``).

    ``lexicon`` replaces VADER's word valences (the same rules over other valences, as NLTK's
    analyzer built with that lexicon would score); ``None`` is VADER's own.

    The rules are those of ``nltk.sentiment.vader.SentimentIntensityAnalyzer`` (3.10), applied
    to lists built once per sentence instead of through NLTK's per-word method calls and
    ``SentiText``; values are combined in the same order, so the result is the same float.
    ``tests/test_sentiment.py`` compares the two on the seed documents and generated sentences.
    The compiled rules score when they are built and ``lexicon`` is a ``dict``; else
    :func:`python_compound`.
    """
    rules = _rules()
    valences = rules.lexicon if lexicon is None else lexicon
    compiled = kernels.compiled
    if compiled is not None and type(valences) is dict:
        return compiled.compound_pair(text, valences, None, _NOTHING_CHANGED, rules.packed)[0]
    return python_compound(text, valences)


def vader_compound_pair(text: str, lexicon: dict[str, float], changed: frozenset[str]) -> tuple[float, float]:
    """Return ``(vader_compound(text), vader_compound(text, lexicon))`` from one word split.

    ``changed`` holds every word whose valence (or presence) differs between VADER's lexicon
    and ``lexicon``. A text holding none of them scores the same under both, so its second
    score is the first; only the others are scored twice. The compiled rules score when they
    are built, ``lexicon`` is a ``dict`` and ``changed`` a set; else :func:`python_compound_pair`.
    """
    compiled = kernels.compiled
    if compiled is not None and type(lexicon) is dict and isinstance(changed, (set, frozenset)):
        rules = _rules()
        return compiled.compound_pair(text, rules.lexicon, lexicon, changed, rules.packed)
    return python_compound_pair(text, lexicon, changed)


def python_compound(text: str, lexicon: dict[str, float]) -> float:
    """:func:`vader_compound` of ``text`` under ``lexicon`` by the Python rules: the reference the
    compiled rules are tested against, and what scores where they are not built."""
    rules = _rules()
    words = vader_words(text, rules.marks)
    if not words:
        return 0.0
    return _compound(rules, text, words, [w.lower() for w in words], lexicon)


def python_compound_pair(text: str, lexicon: dict[str, float], changed: frozenset[str]) -> tuple[float, float]:
    """:func:`vader_compound_pair` by the Python rules (see :func:`python_compound`)."""
    rules = _rules()
    words = vader_words(text, rules.marks)
    if not words:
        return 0.0, 0.0
    lower = [w.lower() for w in words]
    own = _compound(rules, text, words, lower, rules.lexicon)
    if changed.isdisjoint(lower):
        return own, own
    return own, _compound(rules, text, words, lower, lexicon)


def _compound(rules: _VaderRules, text: str, words: list[str], lower: list[str], lexicon: dict[str, float]) -> float:
    """VADER's compound of ``text`` whose words are ``words`` (``lower``: lower-cased)."""
    boosters = rules.boosters
    n = len(words)
    # Only words of the lexicon can score; every other word adds exactly 0 to the sum below,
    # so positions of the others are skipped (x + 0 is x: the sum is the same float).
    scored = [k for k, low in enumerate(lower) if low in lexicon]
    if not scored:
        return 0.0
    upper = sum(map(str.isupper, words))
    caps_differ = 0 < n - upper < n  # some, but not all, words in capitals
    # NLTK scores a repeated word at the position of its first occurrence (filled from the
    # end, so the first occurrence is written last).
    first = dict(zip(reversed(words), range(n - 1, -1, -1)))
    at = lower.index("but") if "but" in lower else -1
    sentiments: list[float] = []
    for k in scored:
        word = words[k]
        i = first[word]
        low = lower[i]
        if low in boosters or (low == "kind" and i < n - 1 and lower[i + 1] == "of"):
            continue  # boosters and "kind of" add zero
        valence = lexicon[low]
        if caps_differ and word.isupper():
            valence = valence + rules.caps_boost if valence > 0 else valence - rules.caps_boost
        for back in (1, 2, 3):  # up to three preceding words may boost, damp or negate
            if i < back or lower[i - back] in lexicon:
                continue
            before = words[i - back]
            valence = valence + _booster_scalar(rules, before, lower[i - back], valence, caps_differ, back)
            valence = _negation_rule(rules, words, lower, i, back, valence)
            if back == 3:
                valence = _idiom_rule(rules, words, i, valence)
        if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
            if lower[i - 2] != "at" and lower[i - 2] != "very":
                valence = valence * rules.negation_scale
        elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
            valence = valence * rules.negation_scale
        if at >= 0:  # words before "but" count half, words after it one and a half
            if k < at:
                valence = valence * 0.5
            elif k > at:
                valence = valence * 1.5
        sentiments.append(valence)
    total = float(sum(sentiments))
    emphasis = min(text.count("!"), 4) * 0.292
    questions = text.count("?")
    if questions > 1:
        emphasis += questions * 0.18 if questions <= 3 else 0.96
    if total > 0:
        total += emphasis
    elif total < 0:
        total -= emphasis
    return float(round(total / math.sqrt(total * total + 15), 4))


def _booster_scalar(
    rules: _VaderRules, word: str, low: str, valence: float, caps_differ: bool, back: int
) -> float:
    """Return what booster ``word``, ``back`` places before a scored word, adds to its valence."""
    scalar = 0.0
    if low in rules.boosters:
        scalar = rules.boosters[low]
        if valence < 0:
            scalar *= -1
        if word.isupper() and caps_differ:
            scalar = scalar + rules.caps_boost if valence > 0 else scalar - rules.caps_boost
    if back == 2 and scalar != 0:
        scalar = scalar * 0.95
    elif back == 3 and scalar != 0:
        scalar = scalar * 0.9
    return scalar


def _negates(rules: _VaderRules, low: str) -> bool:
    return low in rules.negations or "n't" in low


def _negation_rule(
    rules: _VaderRules, words: list[str], lower: list[str], i: int, back: int, valence: float
) -> float:
    """Apply VADER's negation ("not good") and "never so/this" rules for the word ``back`` before."""
    if back == 1:
        if _negates(rules, lower[i - 1]):
            valence = valence * rules.negation_scale
    elif back == 2:
        if words[i - 2] == "never" and (words[i - 1] == "so" or words[i - 1] == "this"):
            valence = valence * 1.5
        elif _negates(rules, lower[i - 2]):
            valence = valence * rules.negation_scale
    elif (words[i - 3] == "never" and (words[i - 2] == "so" or words[i - 2] == "this")) or (
        words[i - 1] == "so" or words[i - 1] == "this"
    ):
        valence = valence * 1.25
    elif _negates(rules, lower[i - 3]):
        valence = valence * rules.negation_scale
    return valence


def _idiom_rule(rules: _VaderRules, words: list[str], i: int, valence: float) -> float:
    """Apply VADER's idiom ("the bomb", "kiss of death") and two-word damper rules."""
    idioms = rules.idioms
    one_zero = f"{words[i - 1]} {words[i]}"
    two_one_zero = f"{words[i - 2]} {words[i - 1]} {words[i]}"
    two_one = f"{words[i - 2]} {words[i - 1]}"
    three_two_one = f"{words[i - 3]} {words[i - 2]} {words[i - 1]}"
    three_two = f"{words[i - 3]} {words[i - 2]}"
    for sequence in (one_zero, two_one_zero, two_one, three_two_one, three_two):
        if sequence in idioms:
            valence = idioms[sequence]
            break
    if len(words) - 1 > i:
        zero_one = f"{words[i]} {words[i + 1]}"
        if zero_one in idioms:
            valence = idioms[zero_one]
    if len(words) - 1 > i + 1:
        zero_one_two = f"{words[i]} {words[i + 1]} {words[i + 2]}"
        if zero_one_two in idioms:
            valence = idioms[zero_one_two]
    if three_two in rules.boosters or two_one in rules.boosters:
        valence = valence + rules.dampen
    return valence


# --- negation marking (NLTK mark_negation) -----------------------------------------------------


@lru_cache(maxsize=1)
def _negation_tests():
    """Return (opens a scope, closes a scope) as ``search`` methods of NLTK's own patterns.

    NLTK routes these patterns through ``nltk.redos`` (the ``regex`` engine under a time
    limit), which costs tens of microseconds per token; the same two plain patterns compiled
    by ``re`` match the same tokens (``tests/test_text.py`` compares the two).
    """
    from discourse.vader_data import negation_patterns

    NEGATION, CLAUSE_PUNCT = negation_patterns()  # noqa: N806 - NLTK's names
    return re.compile(NEGATION, re.VERBOSE).search, re.compile(CLAUSE_PUNCT).search


@lru_cache(maxsize=1)
def _negation_lines():
    """Return (opens a scope, closes a scope) as NLTK's patterns over tokens joined by newlines.

    With ``MULTILINE``, ``^`` and ``$`` match at every line boundary, so while no token holds a
    newline the matches fall exactly on the lines whose token the per-token test accepts. One
    scan of the joined tokens then replaces two tests per token; most sentences hold no
    negation at all and need nothing more.
    """
    from discourse.vader_data import negation_patterns

    NEGATION, CLAUSE_PUNCT = negation_patterns()  # noqa: N806 - NLTK's names
    return re.compile(NEGATION, re.VERBOSE | re.MULTILINE), re.compile(CLAUSE_PUNCT, re.MULTILINE)



@lru_cache(maxsize=1)
def _negation_sets() -> tuple[frozenset[str], frozenset[str]] | None:
    """Return (the words that open a scope, the marks that close one), read out of NLTK's two
    patterns, or None when a pattern is not of the plain shape this reading relies on.

    The shape is ``^(?:w1|w2|...)$ | n't`` (verbose: white space is no part of it) with plain
    lower-case words, and ``^[...]$`` with literal characters: a token then opens a scope
    exactly when it is one of the words (or one of them and a final line break, which ``$``
    admits) or holds ``n't``, and closes one exactly when it is one of the characters. The
    compiled rule reads these sets; any other shape keeps the patterns (``python_negation_flags``).
    """
    from discourse.vader_data import negation_patterns

    negation, clause = negation_patterns()
    words = re.fullmatch(r"\(\?:\^\(\?:([a-z|]+)\)\$\)\|n't", re.sub(r"\s+", "", negation))
    marks = re.fullmatch(r"\^\[([^\]\\^-]+)\]\$", clause)
    if words is None or marks is None or "" in words.group(1).split("|"):
        return None
    return frozenset(words.group(1).split("|")), frozenset(marks.group(1))


def negation_flags(tokens: list[str]) -> list[bool]:
    """Return, per token, whether it lies in the scope of a negation (see :func:`mark_negated`).

    ``negation_flags(tokens)[i]`` equals ``is_negated(mark_negated(tokens)[i])`` for tokens that
    do not already end in ``_NEG`` (lower-cased tokens never do), without building new strings.
    The compiled rule runs when it is built and NLTK's patterns have the shape it reads
    (:func:`_negation_sets`); else :func:`python_negation_flags`.
    """
    compiled = kernels.compiled
    sets = _negation_sets() if compiled is not None else None
    if sets is not None and type(tokens) is list:
        return compiled.negation_flags(tokens, *sets)
    return python_negation_flags(tokens)


def python_negation_flags(tokens: list[str]) -> list[bool]:
    """:func:`negation_flags` by NLTK's patterns in ``re``: the reference the compiled rule is
    tested against, and what runs where it is not built."""
    flags = [False] * len(tokens)
    opens_line, closes_line = _negation_lines()
    joined = "\n".join(tokens)
    first = opens_line.search(joined)
    if first is None:  # no token opens a scope (a match on a line would, see _negation_lines)
        return flags
    if joined.count("\n") == len(tokens) - 1:  # one line per token
        openers = {joined.count("\n", 0, m.start()) for m in opens_line.finditer(joined, first.start())}
        closers = {joined.count("\n", 0, m.start()) for m in closes_line.finditer(joined)}
        opens, closes = openers.__contains__, closers.__contains__
        indexed = True
    else:
        opens, closes = _negation_tests()
        indexed = False
    in_scope = False
    for i, token in enumerate(tokens):
        if opens(i if indexed else token):
            in_scope = not in_scope  # with double_neg_flip every negation word toggles
        elif in_scope:
            if closes(i if indexed else token):
                in_scope = False
            else:
                flags[i] = True
    return flags


# --- TF-IDF transform (scikit-learn TfidfVectorizer) -------------------------------------------


def tfidf_rows(vocabulary: dict[str, int], idf: np.ndarray, ngram_range: tuple[int, int], docs: list[str]):
    """Return the TF-IDF matrix (CSR) that a fitted ``TfidfVectorizer(analyzer="word",
    token_pattern=r"\\S+", lowercase=False, sublinear_tf=True)`` with this vocabulary, idf and
    n-gram range gives for ``docs``, without scikit-learn.

    scikit-learn splits on white space and counts word n-grams with a regular expression and a
    Python loop per n-gram, a sixth of the prediction time. Here each token is looked up once
    (:class:`NgramIndex`), the n-grams of all documents are found among the vocabulary's with
    array operations, counted for all documents at once by building the sparse matrix (which
    sums duplicates and sorts each row's columns), and the steps of
    ``TfidfTransformer.transform`` are applied in the same order: sublinear tf, idf, then the
    l2 norm of each row as ``sklearn.preprocessing.normalize`` computes it (squares summed in
    column order, rows of norm 0 left as they are). The matrix is
    the same, value for value (``tests/test_stance_model.py`` compares them).
    """
    from scipy import sparse

    rows, columns = ngram_index(vocabulary, ngram_range).find(docs)
    # A 1 per occurrence; building the CSR matrix sums the duplicates of each (document,
    # column) and sorts each row's columns, row by row (twice as fast as one global sort).
    matrix = sparse.csr_matrix((np.ones(rows.size), (rows, columns)), shape=(len(docs), len(vocabulary)))
    matrix.sum_duplicates()  # a no-op after SciPy's conversion, which sums them; the counts rely on it
    np.log(matrix.data, matrix.data)
    matrix.data += 1.0
    matrix.data *= idf[matrix.indices]
    _normalize_rows_l2(matrix)
    return matrix


class NgramIndex:
    """A fitted vocabulary of word n-grams as arrays: each token an id, each n-gram a number.

    An n-gram of tokens ``t1 … tn`` is the number ``id(t1)·V^(n-1) + … + id(tn)`` (``V`` tokens
    in all), so the n-grams of a batch are found with one ``searchsorted`` per ``n`` instead of
    a string join and a dictionary lookup each. A token outside the vocabulary's n-grams has no
    id, and no n-gram holding it can be in the vocabulary.
    """

    def __init__(self, vocabulary: dict[str, int], ngram_range: tuple[int, int]):
        self.min_n, self.max_n = ngram_range
        self.token_ids: dict[str, int] = {}
        grams = [(term.split(" "), column) for term, column in vocabulary.items()]
        for tokens, _ in grams:
            for token in tokens:
                self.token_ids.setdefault(token, len(self.token_ids))
        self.base = max(1, len(self.token_ids))
        if self.base ** self.max_n >= 2**62:
            raise ValueError(f"{self.base} tokens in n-grams of up to {self.max_n} words do not fit the index")
        by_n: dict[int, tuple[list[int], list[int]]] = {}
        for tokens, column in grams:
            number = 0
            for token in tokens:
                number = number * self.base + self.token_ids[token]
            keys, columns = by_n.setdefault(len(tokens), ([], []))
            keys.append(number)
            columns.append(column)
        self.tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for n, (keys, columns) in by_n.items():
            order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
            self.tables[n] = (np.asarray(keys, dtype=np.int64)[order], np.asarray(columns, dtype=np.int64)[order])

    def token_ids_of(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(the id of every token of ``docs`` in order, -1 for one the index does not know; the
        number of tokens of each document), both int64, tokens as ``str.split()`` cuts them.

        By the compiled kernel when it is built, else :meth:`python_token_ids_of`.
        """
        compiled = kernels.compiled
        if compiled is None or type(docs) is not list:
            return self.python_token_ids_of(docs)
        ids, lengths = compiled.token_ids(docs, self.token_ids)
        return np.frombuffer(ids, dtype=np.int64), np.frombuffer(lengths, dtype=np.int64)

    def python_token_ids_of(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`token_ids_of` in Python: the reference of the compiled ``token_ids``."""
        lookup = self.token_ids.get
        ids: list[int] = []
        lengths: list[int] = []
        for doc in docs:
            tokens = doc.split()
            ids += [lookup(t, -1) for t in tokens]
            lengths.append(len(tokens))
        return np.asarray(ids, dtype=np.int64), np.asarray(lengths, dtype=np.int64)

    def find(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(document, column) of every vocabulary n-gram occurrence in ``docs`` (white-space
        tokens, as ``str.split()`` cuts them), in no particular order."""
        token, length = self.token_ids_of(docs)
        doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), length)
        # How many tokens of its document follow each token (0 for the last one).
        after = np.repeat(np.cumsum(length), length) - np.arange(token.size, dtype=np.int64) - 1
        rows: list[np.ndarray] = []
        columns: list[np.ndarray] = []
        number = np.zeros(token.size, dtype=np.int64)
        known = np.ones(token.size, dtype=bool)
        for n in range(1, self.max_n + 1):
            # number[i] is the n-gram starting at token i; it must lie within one document and
            # hold only tokens the index knows.
            span = token.size - n + 1
            if span <= 0:
                break
            shifted = token[n - 1 : n - 1 + span]
            number = number[:span] * self.base + np.maximum(shifted, 0)
            known = known[:span] & (shifted >= 0)
            if n < self.min_n or n not in self.tables:
                continue
            at = np.flatnonzero(known & (after[:span] >= n - 1))
            keys, cols = self.tables[n]
            where = np.searchsorted(keys, number[at])
            where[where == keys.size] = 0
            hit = keys[where] == number[at]
            rows.append(doc_of[at[hit]])
            columns.append(cols[where[hit]])
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(rows), np.concatenate(columns)


_INDEXES: dict[int, tuple[dict[str, int], tuple[int, int], NgramIndex]] = {}


def ngram_index(vocabulary: dict[str, int], ngram_range: tuple[int, int]) -> NgramIndex:
    """The :class:`NgramIndex` of a vocabulary, built once per vocabulary object (a few kept)."""
    cached = _INDEXES.get(id(vocabulary))
    if cached is not None and cached[0] is vocabulary and cached[1] == tuple(ngram_range):
        return cached[2]
    index = NgramIndex(vocabulary, tuple(ngram_range))
    if len(_INDEXES) >= 8:
        _INDEXES.pop(next(iter(_INDEXES)))
    _INDEXES[id(vocabulary)] = (vocabulary, tuple(ngram_range), index)
    return index


def _normalize_rows_l2(matrix) -> None:
    """Divide each row of a CSR matrix by its l2 norm, in place, as scikit-learn's
    ``inplace_csr_row_normalize_l2`` does: the squares of a row are summed one after another in
    stored order (a sparse product with a vector of ones sums in that order, and ``x * x * 1.0``
    is ``x * x`` exactly), the square root taken, each value divided by it."""
    from scipy import sparse

    squares = sparse.csr_matrix((matrix.data * matrix.data, matrix.indices, matrix.indptr), shape=matrix.shape)
    sums = squares @ np.ones(matrix.shape[1])
    norms = np.sqrt(sums)
    per_value = np.repeat(norms, np.diff(matrix.indptr))
    np.divide(matrix.data, per_value, out=matrix.data, where=per_value != 0.0)
