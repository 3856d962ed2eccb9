"""What one sentence adds to its post's cues: the cue rules, applied to batches of sentences.

Each rule reads a :class:`~discourse.stance.sentences.Sentence` (side-tagged, tokenised,
negation-marked) and appends ``(cue, value)`` pairs; :mod:`discourse.stance.cues` adds them up
per post. A sentence's cues depend on its own words only, so they are computed once per
distinct sentence and memoised (:func:`sentence_cues_many`, a bounded memo of immutable
tuples): forum threads repeat sentences, and in the synthetic benchmark corpora about half of
all sentences are repeats. The sentences a call has not seen before are prepared together
(:func:`discourse.stance.sentences.scan_sentences`: one gazetteer scan for the batch, and the
set of cue patterns each sentence matches from one compiled scan) and then go through the
rules one by one. A rule asks ``re`` only for a match's groups or position, and only of a
pattern in that set (or of every pattern, for a sentence without the set).
"""

from __future__ import annotations

import re
from itertools import accumulate, compress
from typing import NamedTuple

from discourse import kernels
from discourse.memo import LruMemo
from discourse.sentiment import score_sentence
from discourse.sides import SIDES
from discourse.stance.cue_columns import LEAN_COLUMN_SET, TARGET
from discourse.stance.cue_patterns import (
    ADVICE,
    BOTH,
    CONCLUSION,
    COUNTERFACTUAL,
    EXPLANATION,
    NEUTRAL,
    NEUTRAL_REJECTED,
    NO_BEFORE,
    ONE_PATTERNS,
    OPINION,
    OUTCOME,
    OUTCOME_PHRASES,
    PAIR_PATTERNS,
    PERSONAL,
    REGRET_CHOICE,
    REGRET_WORDS,
    REPORTED,
    SHOULD,
    STOP,
    TAKE_SIDES,
    WORD_CHAR,
    YEAR,
    load_lexicon,
)
from discourse.stance.pattern_gate import gate_key
from discourse.stance.sentences import SIDE_OF, Sentence, scan_sentences, side_of
from discourse.text import negation_flags

# A token of ``Sentence.text`` (tokens joined by single spaces) that starts with a word
# character: the n-gram features keep these and drop punctuation and emoticons. ``\w`` is
# ``str.isalnum()`` or the underscore, character for character.
_WORD_TOKEN = re.compile(r"(?<![^ ])\w[^ ]*")
_WINDOW = 5  # tokens either side of a mention that its evaluation may come from
#: Most distinct sentences kept (about 50 MB): at 100,000 posts of the benchmark corpus that
#: keeps nearly every repeat a hit.
MEMO_SIZE = 131072
_memo: LruMemo[str, SentenceCues] = LruMemo(MEMO_SIZE)
# Each rule's pattern with its key in a sentence's ``may`` set (pattern_gate.gate_key).
_PAIR_RULES = tuple((gate_key(pattern), pattern, cue, winner) for pattern, cue, winner in PAIR_PATTERNS)
_ONE_RULES = tuple((gate_key(pattern), pattern, cue, needed) for pattern, cue, needed in ONE_PATTERNS)
_PAIR_SET = frozenset(key for key, *_rule in _PAIR_RULES)
_ONE_SET = frozenset(key for key, *_rule in _ONE_RULES)
(_OPINION, _PERSONAL, _REPORTED, _EXPLANATION, _NEUTRAL, _TAKE_SIDES, _REGRET_WORDS, _YEAR,
 _COUNTERFACTUAL, _NEUTRAL_REJECTED, _BOTH, _SHOULD, _REGRET_CHOICE) = map(gate_key, (
    OPINION.regex, PERSONAL.regex, REPORTED.regex, EXPLANATION.regex, NEUTRAL.regex,
    TAKE_SIDES.regex, REGRET_WORDS.regex, YEAR, COUNTERFACTUAL, NEUTRAL_REJECTED, BOTH, SHOULD,
    REGRET_CHOICE))
# Cue names per side, built once rather than formatted per sentence.
_MENTIONS = {side: f"mentions:{side}" for side in SIDES}
_SENTIMENT_OF = {side: f"sentiment|{side}" for side in SIDES}
_PRAISES = {side: f"praises:{side}" for side in SIDES}
_CRITICISES = {side: f"criticises:{side}" for side in SIDES}


def _side_positions(tokens: list[str]) -> list[tuple[int, str]]:
    """Return ``(index, side)`` of every side placeholder among ``tokens``, in token order."""
    positions: list[tuple[int, str]] = []
    for placeholder, side in SIDE_OF.items():
        # list.count and list.index scan in C; a sentence names a side a few times at most.
        i = -1
        for _ in range(tokens.count(placeholder)):
            i = tokens.index(placeholder, i + 1)
            positions.append((i, side))
    if len(positions) > 1:
        positions.sort()
    return positions


def ngram_words(text: str) -> str:
    """Return the tokens of ``text`` (tokens joined by single spaces) that open with a word
    character, joined by single spaces: the words the n-gram features read.

    By the compiled kernel when it is built, else :func:`python_ngram_words`.
    """
    compiled = kernels.compiled
    if compiled is not None:
        return compiled.ngram_words(text)
    return python_ngram_words(text)


def python_ngram_words(text: str) -> str:
    """:func:`ngram_words` by ``re``: the reference the compiled ``ngram_words`` of
    :mod:`discourse._kernels` is tested against, and what runs where it is not built."""
    return " ".join(_WORD_TOKEN.findall(text))


def _evaluate_near_sides(sent: Sentence, lexicon: dict[str, float]) -> dict[str, float]:
    """Sum the valence of words near each mention, each word credited to its nearest mention.

    By the compiled kernel when it is built, else :func:`python_evaluate_near_sides`.
    """
    compiled = kernels.compiled
    if compiled is not None and type(sent.tokens) is list and type(sent.negated) is list:
        return compiled.near_sides(sent.tokens, sent.negated, lexicon, STOP, SIDE_OF, SIDES, _WINDOW)
    return python_evaluate_near_sides(sent, lexicon)


def python_evaluate_near_sides(sent: Sentence, lexicon: dict[str, float]) -> dict[str, float]:
    """:func:`_evaluate_near_sides` in Python: the reference the compiled ``near_sides`` of
    :mod:`discourse._kernels` is tested against, and what runs where it is not built.

    Each valued word (a value that is neither None nor 0.0) is credited, a quarter of its value
    and negated under negation, to the nearest side placeholder within ``_WINDOW`` tokens with
    no clause break (``STOP``) between the two; of two equally near, the earlier one.
    """
    tokens = sent.tokens
    positions = _side_positions(tokens)
    scores = {side: 0.0 for side in SIDES}
    if not positions:
        return scores
    values = list(map(lexicon.get, tokens))
    # The positions of valued words, found in C (a value of None or 0.0 counts as none).
    valued = list(compress(range(len(values)), values))
    if not valued:
        return scores
    # stops[k] counts the clause breaks among tokens[:k], so a stretch holds one iff the
    # counts at its two ends differ.
    stops = list(accumulate(map(STOP.__contains__, tokens), initial=0))
    for i in valued:
        best: tuple[int, str] | None = None
        for pos, side in positions:
            distance = abs(pos - i)
            if distance <= _WINDOW and (best is None or distance < best[0]):
                lo, hi = (pos, i) if pos < i else (i, pos)
                if stops[hi] == stops[lo]:
                    best = (distance, side)
        if best is not None:
            value = values[i]
            scores[best[1]] += (-value if sent.negated[i] else value) / 4.0
    return scores


def _sentence_valence(sent: Sentence, lexicon: dict[str, float]) -> float:
    total = 0.0
    for token, negated in zip(sent.tokens, sent.negated, strict=True):
        value = lexicon.get(token)
        if value:
            total += (-value if negated else value) / 4.0
    return total


def _other(side: str) -> str:
    return SIDES[1] if side == SIDES[0] else SIDES[0]


class SentenceCues(NamedTuple):
    """What one sentence adds to its post's cues (immutable, so safe to share from a cache).

    ``columns[k]`` of the post's row (a cue column, or a slot holding a side's sum of VADER
    compounds; see :data:`~discourse.stance.cue_columns.TARGET`) receives ``+= values[k]``, in
    order. ``words`` is its white-space word count; ``conclusion`` whether
    it opens like a verdict ("but", "still", "overall", ...); ``ngram_words`` its side-tagged,
    lower-case word tokens joined by spaces (punctuation dropped, as the n-gram features want);
    ``word_end`` whether its last character is a word character (see
    :func:`discourse.stance.cues.cue_matrix_with_words`); ``moves_lean`` whether it adds to a cue that ``lean`` weighs.
    """

    columns: tuple[int, ...]
    values: tuple[float, ...]
    words: int
    conclusion: bool
    ngram_words: str
    word_end: bool
    moves_lean: bool


def sentence_cues(raw: str) -> SentenceCues:
    """Return what one sentence adds to its post's cues (memoised, see :func:`sentence_cues_many`)."""
    return sentence_cues_many([raw])[0]


def sentence_cues_many(raws: list[str]) -> list[SentenceCues]:
    """Return :func:`compute_sentence_cues` of every sentence, each distinct one computed once.

    Sentences met before come from the memo (the :data:`MEMO_SIZE` most recently used,
    :class:`discourse.memo.LruMemo`); the rest are prepared as one batch.
    """
    return _memo.get_many(raws, _compute_batch)


def _compute_batch(raws: list[str]) -> list[SentenceCues]:
    valences = load_lexicon()
    return [compute_sentence_cues(raw, sent, valences)
            for raw, sent in zip(raws, scan_sentences(raws), strict=True)]


def clear_sentence_memo() -> None:
    """Forget every memoised sentence."""
    _memo.clear()


def compute_sentence_cues(
    raw: str, sent: Sentence | None = None, valences: dict[str, float] | None = None
) -> SentenceCues:
    """Return what sentence ``raw`` adds to its post's cues, without the memo.

    ``sent`` is ``Sentence(raw)`` when the caller has it already; ``valences`` the
    :func:`~discourse.stance.cue_patterns.load_lexicon`.
    """
    added: list[tuple[str, float]] = []
    sent = Sentence(raw) if sent is None else sent
    _add_sentence_cues(raw, sent, added, load_lexicon() if valences is None else valences)
    columns = tuple([TARGET[name] for name, _ in added])
    return SentenceCues(
        columns,
        tuple([value for _, value in added]),
        len(raw.split()),
        CONCLUSION.match(raw) is not None,
        ngram_words(sent.text),
        WORD_CHAR.match(raw, len(raw) - 1) is not None,
        not LEAN_COLUMN_SET.isdisjoint(columns),
    )


def _add_sentence_cues(
    raw: str, sent: Sentence, added: list[tuple[str, float]], lexicon: dict[str, float]
) -> None:
    """Append one sentence's cue additions (and its VADER score per side named) to ``added``."""
    if raw.rstrip().endswith("?"):
        added.append(("question", 1.0))
    # The patterns that match (None: ask re). A rule that needs no groups reads the set; one
    # that does runs re only on a pattern in it.
    may = sent.may
    if OPINION.search(sent.text, sent.words) if may is None else _OPINION in may:
        added.append(("opinion", 1.0))
    if may is not None:
        narration = _YEAR in may and _PERSONAL not in may
    else:
        # Every year pattern holds a digit or "ties" ("sixties"); most sentences have neither.
        narration = (
            ("ties" in sent.text or any(d in sent.text for d in "0123456789"))
            and YEAR.search(sent.text) is not None
            and PERSONAL.search(sent.text, sent.words) is None
        )
    if narration:
        added.append(("narration", 1.0))
    if REPORTED.search(sent.text, sent.words) if may is None else _REPORTED in may:
        added.append(("reported", 1.0))
    if EXPLANATION.search(sent.text, sent.words) if may is None else _EXPLANATION in may:
        added.append(("explanation", 1.0))
    sides_here = sent.sides
    if sides_here:
        compound = score_sentence(raw)
        for side in sides_here:
            added.append((_MENTIONS[side], 1.0))
            added.append((_SENTIMENT_OF[side], compound))
    _add_pattern_cues(sent, added)
    _add_neutrality_cues(sent, added)
    if not sides_here:
        return
    for side, score in _evaluate_near_sides(sent, lexicon).items():
        if score > 0:
            added.append((_PRAISES[side], score))
        elif score < 0:
            # criticism is counted as a magnitude (adding -score is subtracting score, exactly)
            added.append((_CRITICISES[side], -score))
    if COUNTERFACTUAL.search(sent.text) if may is None else _COUNTERFACTUAL in may:
        _add_counterfactual_cues(sent, lexicon, added)
    if REGRET_WORDS.search(sent.text, sent.words) if may is None else _REGRET_WORDS in may:
        _add_regret_cues(sent, added)


def _add_pattern_cues(sent: Sentence, added: list[tuple[str, float]]) -> None:
    text = sent.text
    if not sent.placeholders:
        return
    may = sent.may
    pairs = _PAIR_RULES if sent.placeholders > 1 else ()
    ones = _ONE_RULES
    if may is not None:
        # Most sentences match none of these patterns: one set intersection rules them out.
        if may.isdisjoint(_PAIR_SET):
            pairs = ()
        if may.isdisjoint(_ONE_SET):
            ones = ()
    for key, pattern, cue, winner in pairs:
        if may is not None and key not in may:
            continue
        for m in pattern.finditer(text):
            a, b = side_of(m.group("a")), side_of(m.group("b"))
            if a is None or b is None or a == b:
                continue
            side = a if winner == "a" else b
            if sent.side_negated(m, "a"):  # "not US over USSR" flips the preference
                side = _other(side)
            added.append((f"{cue}:{side}", 1.0))
    for key, pattern, cue, needed in ones:
        if (key not in may) if may is not None else (needed is not None and sent.words.isdisjoint(needed)):
            continue
        for m in pattern.finditer(text):
            side = side_of(m.group("a"))
            if side is None:
                continue
            if sent.side_negated(m, "a") and cue in ("prefers", "choice"):
                # "did not prefer X" / "never backed X" say nothing good about X
                cue = "rejects" if cue == "prefers" else cue
                if cue == "choice":
                    continue
            added.append((f"{cue}:{side}", 1.0))
    for m in SHOULD.finditer(text) if may is None or _SHOULD in may else ():
        side = side_of(m.group("a"))
        if side is None:
            continue
        negated = sent.side_negated(m, "a") or m.group(0).startswith(("shouldn", "shouldnt"))
        added.append((f"{'should_not' if negated else 'should'}:{side}", 1.0))


def _add_neutrality_cues(sent: Sentence, added: list[tuple[str, float]]) -> None:
    text = sent.text
    may = sent.may
    if NEUTRAL_REJECTED.search(text) if may is None else _NEUTRAL_REJECTED in may:
        added.append(("neutrality_rejected", 1.0))
        return
    takes = TAKE_SIDES.finditer(text, sent.words) if may is None else (
        TAKE_SIDES.regex.finditer(text) if _TAKE_SIDES in may else ())
    for m in takes:
        # "don't take sides" / "never join a bloc" is neutrality; "we must pick a side" is not.
        negated = sent.negated[sent.index_at(m.start())] or NO_BEFORE.search(text[: m.start()])
        if negated:
            added.append(("neutrality", 1.0))
            added.append(("advises_neutrality", 1.0))
        else:
            added.append(("neutrality_rejected", 1.0))
    neutrals = NEUTRAL.finditer(text, sent.words) if may is None else (
        NEUTRAL.regex.finditer(text) if _NEUTRAL in may else ())
    for m in neutrals:
        if sent.negated[sent.index_at(m.start())]:
            added.append(("neutrality_rejected", 1.0))
        else:
            added.append(("neutrality", 1.0))
            if ADVICE.regex.search(text[: m.start()]):
                added.append(("advises_neutrality", 1.0))
    if sent.placeholders > 1 and (BOTH.search(text) if may is None else _BOTH in may):
        added.append(("both_sides", 1.0))


def _consequence_valence(sent: Sentence, lexicon: dict[str, float]) -> tuple[float, int]:
    """Return the valence of the outcome clause of a hypothetical and where that clause starts.

    Negation is re-marked inside the outcome alone: NLTK's scope would otherwise carry the "not"
    of "if we weren't tied to X" over the whole outcome and flip it a second time.
    """
    match = OUTCOME.search(sent.text)
    if match is None:
        return _sentence_valence(sent, lexicon), len(sent.tokens)
    start = sent.index_at(match.start())
    outcome = sent.tokens[start:]
    total = 0.0
    for word, negated in zip(outcome, negation_flags(outcome), strict=True):
        value = lexicon.get(word)
        if value:
            total += (-value if negated else value) / 4.0
    phrase_text = " ".join(outcome)
    for phrase, value in OUTCOME_PHRASES.items():
        if phrase in phrase_text:
            total += value / 4.0
    return total, start


def _add_counterfactual_cues(
    sent: Sentence, lexicon: dict[str, float], added: list[tuple[str, float]]
) -> None:
    valence, outcome_start = _consequence_valence(sent, lexicon)
    for i, side in _side_positions(sent.tokens):
        # "if we weren't tied to X, <bad outcome>" is good for X: a negated side in the
        # condition flips the outcome; a side inside the outcome clause keeps its own sign.
        negated = sent.negated[i] and i < outcome_start
        value = -valence if negated else valence
        if value > 0.1:
            added.append((f"counterfactual_good:{side}", 1.0))
        elif value < -0.1:
            added.append((f"counterfactual_bad:{side}", 1.0))
        else:
            added.append((f"counterfactual:{side}", 1.0))


def _add_regret_cues(sent: Sentence, added: list[tuple[str, float]]) -> None:
    # The choice called a mistake is the first side after an alignment verb, else the only one.
    match = REGRET_CHOICE.search(sent.text) if sent.may is None or _REGRET_CHOICE in sent.may else None
    if match and not sent.side_negated(match, "a"):
        side = side_of(match.group("a"))
        if side:
            added.append((f"regret:{side}", 1.0))

