"""Interpretable, target-aware stance cues computed sentence by sentence.

Each sentence is normalised, its side mentions are replaced by ``_us_`` / ``_ussr_``
placeholders (:func:`discourse.sides.tag_sides`), it is tokenised and negation-marked with
NLTK's ``mark_negation``. Patterns are then matched on the placeholder text, so one pattern
covers "USA", "America", "Washington" and the rest. A cue is a named count per post:

* ``prefers:X`` - comparison or preference favouring side X ("X over Y", "X is a better ally
  than Y", "Y was no match for X", "made sense to side with X", "X any day");
* ``should:X`` / ``should_not:X`` - advice or hindsight toward or away from X ("should have
  gone with X", "should never have supported X");
* ``regret:X`` - the choice of X called a mistake; ``choice:X`` - a plain report that X was
  chosen or backed;
* ``counterfactual_good:X`` / ``counterfactual_bad:X`` / ``counterfactual:X`` - a hypothetical
  ("had we...", "if Pakistan had... would have") about X whose outcome reads good, bad or flat;
* ``praises:X`` / ``criticises:X`` - evaluative words near a mention of X, sign flipped under
  negation; ``sentiment:X`` - mean VADER compound of the sentences naming X (one feature among
  many, never the stance itself);
* ``neutrality`` / ``advises_neutrality`` / ``neutrality_rejected`` / ``both_sides``;
* ``why_not:X``, ``mentions:X``, ``no_side``, ``short``;
* ``lean:X`` - a fixed-weight sum of the directional cues above, so a small training set gets a
  single strong signal per side before it learns the individual weights.

:func:`extract_cues` returns a dict per text; :func:`cue_matrix` returns a dense array in
:data:`CUE_NAMES` order.

A sentence's cues depend on its own words only, so they are computed once per distinct
sentence and memoised (:func:`_sentence_cues`, a bounded LRU cache holding immutable tuples):
forum threads repeat sentences, and in the synthetic benchmark corpora about half of all
sentences are repeats. A post's counts are rebuilt by replaying each sentence's additions in the
order they were made, so the floating-point sums are the same as adding them one at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from discourse.sentiment import load_analyzer, score_sentence
from discourse.sides import PLACEHOLDERS, SIDES, scan_sides
from discourse.text import negation_flags, split_sentences, tokenize

_SIDE_CUES = (
    "mentions",
    "prefers",
    "should",
    "should_not",
    "regret",
    "rejects",
    "choice",
    "counterfactual",
    "counterfactual_good",
    "counterfactual_bad",
    "praises",
    "criticises",
    "sentiment",
    "why_not",
    "lean",
    "lean_final",
)
_GLOBAL_CUES = (
    "neutrality",
    "advises_neutrality",
    "neutrality_rejected",
    "both_sides",
    "verdict",
    "no_verdict",
    "narration",
    "question",
    "opinion",
    "reported",
    "explanation",
    "no_side",
    "short",
)
# Cues that state a verdict; a post naming a side without any of them is probably narration.
_VERDICT_CUES = (
    "prefers", "should", "should_not", "regret", "rejects", "counterfactual_good",
    "counterfactual_bad",
)
#: Every cue name, in the column order of :func:`cue_matrix`.
CUE_NAMES: tuple[str, ...] = tuple(f"{c}:{s}" for c in _SIDE_CUES for s in SIDES) + _GLOBAL_CUES
_COLUMN = {name: i for i, name in enumerate(CUE_NAMES)}
# Two extra slots after the cues hold the running sum of VADER compounds per side.
_SENTIMENT_SUM = {side: len(CUE_NAMES) + k for k, side in enumerate(SIDES)}
_ROW_SIZE = len(CUE_NAMES) + len(SIDES)
_SENTIMENT_COLUMNS = tuple(
    (_COLUMN[f"mentions:{side}"], _COLUMN[f"sentiment:{side}"], _SENTIMENT_SUM[side]) for side in SIDES
)
_VERDICT_COLUMNS = tuple(_COLUMN[f"{c}:{side}"] for c in _VERDICT_CUES for side in SIDES)
_LEAN_US, _LEAN_USSR = _COLUMN["lean:us"], _COLUMN["lean:ussr"]
_LEAN_FINAL_US, _LEAN_FINAL_USSR = _COLUMN["lean_final:us"], _COLUMN["lean_final:ussr"]
_MENTIONS_US, _MENTIONS_USSR = _COLUMN["mentions:us"], _COLUMN["mentions:ussr"]
_VERDICT, _ADVISES_NEUTRALITY = _COLUMN["verdict"], _COLUMN["advises_neutrality"]
_NO_SIDE, _NO_VERDICT, _SHORT = _COLUMN["no_side"], _COLUMN["no_verdict"], _COLUMN["short"]
# Where an addition named by a cue goes; "sentiment|<side>" names a sentiment-sum slot.
_TARGET = _COLUMN | {f"sentiment|{side}": slot for side, slot in _SENTIMENT_SUM.items()}

# Weights of the hand-built ``lean`` score: direct statements of preference count most.
_LEAN_WEIGHTS = {
    "prefers": 2.0,
    "should": 2.0,
    "should_not": -2.0,
    "regret": -2.0,
    "rejects": -1.5,
    "counterfactual_good": 1.0,
    "counterfactual_bad": -1.0,
    "praises": 0.5,
    "criticises": -0.5,
}
_LEAN_COLUMNS = tuple(
    (_COLUMN[f"{name}:us"], _COLUMN[f"{name}:ussr"], weight) for name, weight in _LEAN_WEIGHTS.items()
)
_LEAN_COLUMN_SET = frozenset(c for us, ussr, _ in _LEAN_COLUMNS for c in (us, ussr))
_SHORT_WORDS = 6
_WINDOW = 5  # tokens either side of a mention that its evaluation may come from

# Evaluative words the VADER lexicon lacks or weighs differently in this debate (scale -4..4).
DOMAIN_LEXICON: dict[str, float] = {
    "ally": 1.0, "allies": 0.5, "beneficial": 2.0, "benefit": 1.5, "benefited": 1.5,
    "aid": 1.0, "helped": 1.5, "helping": 1.0, "protection": 1.5, "protected": 1.5,
    "reliable": 2.0, "dependable": 2.0, "trustworthy": 2.0, "friendship": 1.5,
    "democracy": 1.0, "democratic": 1.0, "thriving": 2.0, "prosperity": 2.0, "prosper": 2.0,
    "prospered": 2.0, "powerful": 1.0, "richer": 1.5, "stronger": 1.5, "lifeline": 2.0,
    "sensible": 1.5, "prevented": 1.0, "averted": 1.5, "avoided": 1.0, "stood": 0.5,
    "godless": -2.0, "atheistic": -1.0, "atheist": -1.0, "baggage": -1.5, "headache": -2.0,
    "sanctions": -1.5, "sanctioned": -1.5, "betray": -2.5, "betrayed": -2.5, "betrayal": -2.5,
    "puppet": -2.0, "stooge": -2.5, "imperialism": -2.0, "imperialist": -2.0,
    "imperialists": -2.0, "exploited": -2.0, "dumped": -2.0, "abandoned": -2.0,
    "unreliable": -2.0, "lunatics": -2.5, "oppression": -2.5, "invasion": -2.0,
    "invaded": -2.0, "occupation": -1.5, "failed": -2.0, "collapse": -2.0,
    "collapsed": -2.0, "disintegrating": -1.5, "disintegrated": -1.5, "mess": -2.0,
    "chaos": -2.0, "meddling": -2.0, "toppling": -2.0, "subservience": -2.0, "weaker": -1.0,
    "poorer": -1.0, "backward": -1.5, "treacherous": -2.5, "renegade": -2.0,
    "interference": -1.5, "dictatorship": -2.0, "totalitarian": -2.5, "fickle": -2.0,
    "blowback": -2.0, "shenanigans": -1.5, "problems": -1.5, "helpless": -2.0,
    "satellite": -1.5, "stifled": -2.0, "purging": -2.0, "stagnated": -2.0,
    "humiliating": -2.5, "embargo": -1.5, "afterthought": -1.5, "rented": -1.5,
    "obedience": -1.5, "stranded": -2.0, "vanished": -1.0, "restrained": 0.5,
}


def _split_alternatives(body: str) -> list[str]:
    """Split a regular expression at its top-level ``|`` (outside groups and classes)."""
    parts: list[str] = []
    depth = 0
    in_class = False
    start = 0
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    parts.append(body[start:])
    return parts


class _Phrases:
    r"""A compiled ``\b(?:phrase|phrase|...)\b`` and the words its matches can start with.

    ``first_words`` holds, for each phrase, its leading run of word characters: a match starts
    at a word boundary, so that run is then a whole word of the text. A sentence none of whose
    words is in the set cannot match, which a set test tells faster than the scan (``None``
    when some phrase starts otherwise and no such set can be given).
    """

    __slots__ = ("source", "regex", "first_words")

    def __init__(self, source: str, regex: re.Pattern[str], first_words: frozenset[str] | None) -> None:
        self.source = source  # the pattern as written, which ``regex`` matches exactly like
        self.regex = regex
        self.first_words = first_words

    def search(self, text: str, words: set[str]) -> re.Match[str] | None:
        """Return the first match in ``text``, given the set of its words."""
        if self.first_words is not None and words.isdisjoint(self.first_words):
            return None
        return self.regex.search(text)

    def finditer(self, text: str, words: set[str]) -> Iterator[re.Match[str]]:
        """Return the matches in ``text``, given the set of its words."""
        if self.first_words is not None and words.isdisjoint(self.first_words):
            return iter(())
        return self.regex.finditer(text)


def _compile_words(pattern: str) -> _Phrases:
    r"""Compile ``\b(?:phrase|phrase|...)\b`` so that ``re`` tries it quickly.

    At every word start ``re`` tests the phrases one by one, each on its first character, and
    these lists hold up to a hundred phrases. Consecutive phrases that begin with a plain letter
    or digit are grouped by that character (``n(?:eutral|on-aligned)|b(?:oth blocs)``), so one
    test rules out a whole group. Phrases with different first characters never match at the
    same place, and each group keeps its phrases' order, so ``re`` finds exactly the matches of
    the plain pattern; a phrase starting with anything else stays where it is and ends a run.
    """
    head, tail = r"\b(?:", r")\b"
    if not (pattern.startswith(head) and pattern.endswith(tail)):
        raise ValueError(f"not a word alternation: {pattern[:40]!r}")
    runs: list[list[str]] = [[]]
    plain: list[bool] = []
    first_words: set[str] | None = set()
    for phrase in _split_alternatives(pattern[len(head) : -len(tail)]):
        literal = phrase[:1].isascii() and phrase[:1].isalnum() and phrase[1:2] not in ("?", "*", "+", "{")
        if literal and runs[-1] and plain[-1]:
            runs[-1].append(phrase)
        else:
            runs.append([phrase])
            plain.append(literal)
        word = _LEADING_WORD.match(phrase)
        # The leading word is a whole word of the text only if a literal non-word character
        # (or the pattern's closing boundary) follows it.
        if first_words is not None and word and phrase[word.end() : word.end() + 1] in ("", " ", "'", "-"):
            first_words.add(word.group())
        else:
            first_words = None
    alternatives: list[str] = []
    for run, is_plain in zip(runs[1:], plain, strict=True):
        if not is_plain:
            alternatives.extend(run)
            continue
        groups: dict[str, list[str]] = {}
        for phrase in run:
            groups.setdefault(phrase[0], []).append(phrase[1:])
        alternatives.extend(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())
    regex = re.compile(head + "|".join(alternatives) + tail)
    return _Phrases(pattern, regex, frozenset(first_words) if first_words is not None else None)


_LEADING_WORD = re.compile(r"[A-Za-z0-9_]+")
_WORD_RUN = re.compile(r"\w+")

_S = r"(?P<{name}>_us_|_ussr_)"  # a side placeholder, captured


def _side(name: str) -> str:
    return _S.format(name=name)


_GAP = r"(?:\S+ ){0,%d}?"
_BETTER = (
    r"(?:better|stronger|richer|superior|preferable|wiser|safer|smarter|bigger|greater|"
    r"more (?:reliable|useful|powerful|trustworthy|dependable|generous|valuable|helpful))"
)
_WORSE = (
    r"(?:worse|weaker|poorer|inferior|no match|less (?:reliable|useful|powerful|trustworthy|"
    r"dependable|generous|valuable|helpful)|nothing compared)"
)
_THAN = r"(?:than|to|compared to|compared with|vs|versus|for)"
_ALIGN = (
    r"(?:go|gone|went|going|side|sided|siding|align|aligned|aligning|ally|allied|allying|join|"
    r"joined|joining|choose|chosen|chose|choosing|pick|picked|back|backed|backing|support|"
    r"supported|supporting|stick|stuck|stay|stayed|befriend|befriended|partner|partnered|trust|"
    r"trusted|embrace|embraced|lean|leaned|leant|tilt|tilted|turn|turned|look|looked|cozy|cosy|"
    r"move|moved|bet|depend|depended|rely|relied|follow|followed|deal|dealt|engage|engaged|"
    r"buy|bought|tie|tied|be|been|befriending|court|courted|approach|approached)"
)
_PREFER = (
    r"(?:prefer|prefers|preferred|preferring|favour|favours|favoured|favouring|favor|favors|"
    r"favored|favoring)"
)
_CHOOSE = r"(?:choose|chose|chosen|choosing|pick|picked|back|backed|backing|sided|joined|went)"
_GOOD = (
    "better", "best", "right", "smart", "smarter", "wise", "wiser", "sensible", "correct", "good",
    "great", "natural", "obvious", "logical", "smartest", "wisest", "safest",
)
_GOOD_CHOSEN = (
    "choice", "decision", "bet", "option", "move", "call", "ally", "partner", "friend", "fit", "pick",
    "thing", "road", "route", "path", "place", "one", "side", "camp", "horse", "deal",
)
_BAD = ("wrong", "bad", "worst", "poor", "terrible", "stupid", "foolish", "fatal", "costly", "unreliable",
        "fair-weather")
_BAD_CHOSEN = (
    "choice", "decision", "bet", "option", "move", "call", "ally", "partner", "friend", "pick", "horse",
    "side", "camp", "road", "route", "path", "deal",
)
_GOOD_CHOICE = f"(?:{'|'.join(_GOOD)}) (?:{'|'.join(_GOOD_CHOSEN)})"
_BAD_CHOICE = f"(?:{'|'.join(_BAD)}) (?:{'|'.join(_BAD_CHOSEN)})"


def _words_of(phrases: tuple[str, ...]) -> frozenset[str]:
    """Return the leading word (``\\w+`` run) of each phrase."""
    return frozenset(re.match(r"\w+", phrase).group() for phrase in phrases)


# (pattern, cue, which group is favoured: "a", or "b" for a pattern whose second side wins)
_PAIR_PATTERNS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(_side("a") + " " + (_GAP % 2) + r"over (?:the )?" + _side("b")), "prefers", "a"),
    (re.compile(_side("a") + r" (?:> |> > |>> |beats |trumps |= better than )(?:the )?" + _side("b")),
     "prefers", "a"),
    (re.compile(_side("a") + r" (?:< |< < |<< )(?:the )?" + _side("b")), "prefers", "b"),
    (
        re.compile(
            _side("a") + " " + (_GAP % 4) + _BETTER + " " + (_GAP % 4) + _THAN
            + r" (?:the )?" + _side("b")
        ),
        "prefers",
        "a",
    ),
    (
        re.compile(
            _side("a") + " " + (_GAP % 4) + _WORSE + " " + (_GAP % 3) + _THAN
            + r" (?:the )?" + _side("b")
        ),
        "prefers",
        "b",
    ),
    (
        re.compile(
            _PREFER + " " + (_GAP % 3) + _side("a") + " " + (_GAP % 3)
            + r"(?:over|instead of|rather than|to) (?:the )?" + _side("b")
        ),
        "prefers",
        "a",
    ),
    (
        re.compile(
            _CHOOSE + " " + (_GAP % 3) + _side("a") + " " + (_GAP % 3)
            + r"(?:over|instead of|rather than|and not|not) (?:the )?" + _side("b")
        ),
        "choice",
        "a",
    ),
]
# (pattern, cue, words): when ``words`` is given, every match holds one of them as a whole word of
# the sentence (each sits between spaces, or after a word boundary, in the pattern), so a
# sentence without any of them is not scanned.
_ONE_PATTERNS: list[tuple[re.Pattern[str], str, frozenset[str] | None]] = [
    (re.compile(_PREFER + " " + (_GAP % 1) + _side("a")), "prefers", None),
    (re.compile(r"better off (?:\S+ ){0,2}?(?:with|siding with|aligned with|allied with|"
                r"in bed with) (?:the )?" + _side("a")), "prefers", frozenset({"off"})),
    (re.compile(_side("a") + " " + (_GAP % 3) + r"(?:any day|every time|hands down|all the way"
                r"|every day of the week|no contest)"), "prefers",
     frozenset({"any", "every", "hands", "all", "no"})),
    (re.compile(_side("a") + " " + (_GAP % 4) + _GOOD_CHOICE), "prefers", _words_of(_GOOD)),
    (re.compile(_GOOD_CHOICE + r" (?:\S+ ){0,2}?(?:with|was|is|would be|in|:|-) (?:the )?"
                + _side("a")), "prefers", _words_of(_GOOD_CHOSEN)),
    (re.compile(r"(?:made|makes|make) (?:\S+ )?sense to " + _ALIGN + " " + (_GAP % 2)
                + _side("a")), "prefers", frozenset({"sense"})),
    (re.compile(r"\b(?:glad|happy|thank god|thankfully|luckily|good thing) (?:\S+ ){0,3}?"
                + _ALIGN + " " + (_GAP % 2) + _side("a")), "prefers",
     frozenset({"glad", "happy", "thank", "thankfully", "luckily", "good"})),
    (re.compile(r"better off without (?:the )?" + _side("a")), "rejects", frozenset({"without"})),
    (re.compile(_side("a") + " " + (_GAP % 4) + _BAD_CHOICE), "rejects", _words_of(_BAD)),
    (re.compile(_BAD_CHOICE + r" (?:\S+ ){0,2}?(?:with|was|is|would be|in|:|-) (?:the )?"
                + _side("a")), "rejects", _words_of(_BAD_CHOSEN)),
    (re.compile(r"(?:never|not|don't|dont|do not|can't|cannot) trust (?:the )?" + _side("a")),
     "rejects", frozenset({"trust"})),
    (re.compile(r"(?:stay|stayed|keep|kept) (?:well )?(?:away|clear) from (?:the )?"
                + _side("a")), "rejects", frozenset({"from"})),
    (re.compile(_CHOOSE + " " + (_GAP % 3) + _side("a")), "choice", None),
    (re.compile(r"why (?:didn't|didnt|did not|not|doesn't|don't|dont|wouldn't|couldn't|"
                r"hasn't|haven't) " + (_GAP % 5) + _side("a")), "why_not", None),
]
_SHOULD = re.compile(
    r"(?:should|should've|shouldve|shouldn't|shouldnt|ought|must|must've|need|needed|needs|"
    r"better|could've|couldve|could|would've|wouldve) " + (_GAP % 4) + _ALIGN + " "
    + (_GAP % 3) + _side("a")
)
_REGRET_WORDS = _compile_words(
    r"\b(?:mistake|mistakes|blunder|blunders|wrong|error|regret|regrets|regretted|folly|"
    r"disaster|disastrous|misstep|miscalculation|boggling|baffling|stupid|stupidity|foolish|"
    r"naive|short-sighted|shortsighted|idiotic|dumb|costly|misguided)\b"
)
_COUNTERFACTUAL = re.compile(
    r"\b(?:would|could|might|wouldn't|wouldnt|couldn't|couldnt) (?:have|'ve|of)\b"
    r"|\b(?:would've|could've|might've|wouldve|couldve)\b"
    r"|\b\w+'d (?:have|'ve|be)\b"
    r"|\bhad (?:we|pakistan|india|they|our|it|_us_|_ussr_|jinnah|liaquat|ayub|nehru)\b"
    r"|\bif\b.*\b(?:had|hadn't|hadnt|went|chose|joined|aligned|sided|allied|were|wasn't|"
    r"wasnt|weren't|was)\b"
)
# Where the outcome of a hypothetical begins ("..., it would have ...", "would've ...").
_OUTCOME = re.compile(
    r"\b(?:would|could|might|wouldn't|wouldnt|couldn't|couldnt|would've|could've|might've|"
    r"wouldve|couldve)\b|\b\w+'d (?=have\b|'ve\b|be\b)"
)
# Outcome phrases whose words carry no lexicon valence on their own.
_OUTCOME_PHRASES: dict[str, float] = {
    "gone the way of": -2.0,
    "fallen apart": -2.5,
    "broken up": -2.0,
    "better off": 2.0,
    "worse off": -2.0,
    "been better": 2.0,
    "been worse": -2.0,
    "own set of problems": -2.0,
    "wiped out": -2.5,
    "been crushed": -2.5,
    "been richer": 2.0,
    "been poorer": -2.0,
    "ended up like": -2.0,
    "ended up as": -1.5,
    "end up like": -2.0,
    "eaten us alive": -3.0,
    "eaten alive": -3.0,
    "left us with": -1.0,
    "stranded": -2.0,
    "satellite": -2.0,
    "served us better": 2.0,
    "served pakistan better": 2.0,
    "served better": 2.0,
    "spared": 1.5,
}
_NEUTRAL = _compile_words(
    r"\b(?:neutral|neutrality|non-aligned|nonaligned|non aligned|non-alignment|nonalignment|"
    r"non alignment|nam|both blocs|both blocks|both camps|both superpowers|both powers|"
    r"neither bloc|neither side|neither camp|neither superpower|neither of them|either bloc|"
    r"stay away|stayed away|stay out|stayed out|remain away|keep away|kept away|keep out|"
    r"equidistant|equidistance|balance|balanced|balancing|middle path|middle way|middle ground|"
    r"own interests|own interest|independent foreign policy|fence|fence-sitting|bilateralism|"
    r"friends with both|friendly with both|play both|played both|playing both|third way|"
    r"tightrope|hedge|hedging|multi-alignment|multialignment|strategic autonomy|no side|"
    r"any bloc|any camp|either camp|all sides|neither|nobody's satellite|no one's satellite|"
    r"nobody's camp|no one's camp|depend on nobody|depend on no one|dependent on no one|"
    r"dependent on nobody|friends with everyone|friendly with everyone|sign nothing|"
    r"join anything|join nothing|joined nothing|no camp|no camps|no blocs|between the two|"
    r"own feet|single basket|all our eggs|all at once|equal terms|equal distance|"
    r"equal relations|nobody's client|no one's client)\b"
)
_NEUTRAL_REJECTED = re.compile(
    r"\b(?:had|have|has|needed|need|forced|must|obliged) to (?:pick|choose|take|join) "
    r"(?:a|one) (?:side|superpower|camp|bloc)\b"
    r"|\bluxury (?:\S+ ){0,4}?(?:neutral|neutrality|non-aligned|non-alignment)\b"
    r"|\b(?:neutral|neutrality|non-alignment|nonalignment|non-aligned) (?:was|is|wasn't|isn't)"
    r" (?:never|not|no) (?:an |a )?(?:option|choice|possible|realistic)\b"
    r"|\bno such thing as (?:neutral|neutrality|non-alignment)\b"
)
_ADVICE = _compile_words(r"\b(?:should|must|ought|better|need|needs|needed|best)\b")
_BOTH = re.compile(
    r"\bboth (?:the )?(?:_us_|_ussr_) and (?:the )?(?:_us_|_ussr_)"
    r"|\b(?:_us_|_ussr_) (?:and|or) (?:the )?(?:_us_|_ussr_) alike\b"
)
_TAKE_SIDES = _compile_words(
    r"\b(?:take sides|take a side|pick a side|choose a side|pick sides|choose sides|join either|"
    r"join any(?:thing| bloc| camp| pact| alliance)?|join a (?:bloc|camp|military pact|pact)|"
    r"pick a superpower|choose a superpower|pick a patron|superpower patron|"
    r"join (?:a |any )?military (?:pacts?|blocs?|alliances?)|"
    r"joining (?:a |any )?military (?:pacts?|blocs?|alliances?))\b"
)
_NO_BEFORE = re.compile(r"\b(?:don't|dont|do not|never|not|no need to|shouldn't|stop)\s+(?:\S+\s+){0,2}$")
_YEAR = re.compile(r"\b(?:1[89]\d\d|20[0-3]\d)s?\b|\b(?:19)?[4-9]0s\b|\b(?:fifties|sixties|seventies|eighties)\b")
_PERSONAL = _compile_words(
    r"\b(?:i|i'm|i'd|i've|me|my|we|we'd|we'll|our|us|you|your|should|must|would|could|ought)\b"
)
_OPINION = _compile_words(
    r"\b(?:i think|i believe|i feel|imo|imho|in my opinion|in my view|personally|to me|"
    r"i'd say|i would say|honestly|frankly|no doubt|clearly|obviously|i'm convinced|"
    r"i am convinced|my take|i'd rather|i would rather|i'll take|i'd take|i'd pick|i would pick|"
    r"glad|thank god|thankfully|sadly|unfortunately|tragically|luckily)\b"
)
# Reported speech and explanations of motives: the guide labels these `none` unless the
# author adds a verdict of their own, so they are counted to let the model discount them.
_REPORTED = _compile_words(
    r"\b(?:said|says|stated|argued|argues|claimed|claims|noted|wrote|writes|announced|"
    r"according to|pointed out|insisted|demanded|assured|told|recalled|suggested|stressed|"
    r"reported|declared|complained|warned|remarked|observed|reveal|reveals|revealed|"
    r"highlights|mentioned)\b"
)
_EXPLANATION = _compile_words(
    r"\b(?:because|reason|reasons|due to|in order to|the main reason|motive|motives|"
    r"rationale|was driven by|were driven by|out of fear|needed|sought|wanted|concern|"
    r"concerned|context)\b"
)
_CONCLUSION = re.compile(
    r"^\W*(?:but|still|even so|yet|however|on balance|in the end|all in all|overall|bottom line|"
    r"so|that's why|which is why|long run|ultimately|in short|honestly)\b",
    re.IGNORECASE,
)
_STOP = frozenset({".", ";", "!", "?", "but", "however", "whereas", "while"})
_WORD_CHAR = re.compile(r"\w")
# The alignment whose side a regret word condemns.
_REGRET_CHOICE = re.compile(_ALIGN + " " + (_GAP % 3) + _side("a"))


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    # VADER's valences, then the domain words on top (they win where both define a word).
    lexicon = dict(load_analyzer().lexicon)
    lexicon.update(DOMAIN_LEXICON)
    return lexicon


class _Sentence:
    """A tokenised, side-tagged, negation-marked sentence with regex-friendly text."""

    __slots__ = ("tokens", "negated", "text", "sides", "placeholders", "words")

    def __init__(self, sentence: str) -> None:
        tagged, self.sides = scan_sides(sentence)
        self.tokens = tokenize(tagged)
        # Tokens are lower-case, so flags equal marking with ``_NEG`` and stripping it again.
        self.negated = negation_flags(self.tokens)
        self.text = " ".join(self.tokens)
        # At least the number of side placeholders in ``text``; patterns that pair two sides
        # cannot match below two.
        self.placeholders = self.text.count("_us")
        self.words = set(_WORD_RUN.findall(self.text))  # for the phrase lists' quick test

    def index_at(self, char: int) -> int:
        """Return the index of the token that character ``char`` of ``text`` belongs to.

        Tokens hold no spaces and are joined by one, so that index is the number of spaces
        before ``char`` (a separating space counts with the token before it).
        """
        return self.text.count(" ", 0, char) if self.tokens else -1

    def side_negated(self, match: re.Match[str], group: str) -> bool:
        return self.negated[self.index_at(match.start(group))]


_SIDE_OF = {placeholder: side for side, placeholder in PLACEHOLDERS.items()}


def _side_of(token: str) -> str | None:
    return _SIDE_OF.get(token)


def _evaluate_near_sides(sent: _Sentence, lexicon: dict[str, float]) -> dict[str, float]:
    """Sum the valence of words near each mention, each word credited to its nearest mention."""
    side_of = _SIDE_OF.get
    tokens = sent.tokens
    positions = [(i, s) for i, t in enumerate(tokens) if (s := side_of(t))]
    scores = {side: 0.0 for side in SIDES}
    if not positions:
        return scores
    # stops[k] counts the clause breaks among tokens[:k], so a stretch holds one iff the
    # counts at its two ends differ.
    stops = [0]
    for token in tokens:
        stops.append(stops[-1] + (token in _STOP))
    for i, value in enumerate(map(lexicon.get, tokens)):
        if not value:
            continue
        best: tuple[int, str] | None = None
        for pos, side in positions:
            distance = abs(pos - i)
            if distance <= _WINDOW and (best is None or distance < best[0]):
                lo, hi = (pos, i) if pos < i else (i, pos)
                if stops[hi] == stops[lo]:
                    best = (distance, side)
        if best is not None:
            scores[best[1]] += (-value if sent.negated[i] else value) / 4.0
    return scores


def _sentence_valence(sent: _Sentence, lexicon: dict[str, float]) -> float:
    total = 0.0
    for token, negated in zip(sent.tokens, sent.negated, strict=True):
        value = lexicon.get(token)
        if value:
            total += (-value if negated else value) / 4.0
    return total


def _other(side: str) -> str:
    return SIDES[1] if side == SIDES[0] else SIDES[0]


def _lean(row: list[float]) -> float:
    """Return the signed fixed-weight lean (positive: US side) of a row of cue values."""
    return sum([weight * (row[us] - row[ussr]) for us, ussr, weight in _LEAN_COLUMNS])


class _SentenceCues(NamedTuple):
    """What one sentence adds to its post's cues (immutable, so safe to share from a cache).

    ``columns[k]`` of the post's row (a cue column, or a slot of ``_SENTIMENT_SUM``) receives
    ``+= values[k]``, in order. ``words`` is its white-space word count; ``conclusion`` whether
    it opens like a verdict ("but", "still", "overall", ...); ``ngram_words`` its side-tagged,
    lower-case word tokens joined by spaces (punctuation dropped, as the n-gram features want);
    ``word_end`` whether its last character is a word character (see :func:`cue_matrix_with_words`);
    ``moves_lean`` whether it adds to a cue that ``lean`` weighs.
    """

    columns: tuple[int, ...]
    values: tuple[float, ...]
    words: int
    conclusion: bool
    ngram_words: str
    word_end: bool
    moves_lean: bool


def extract_cues(text: str | None) -> dict[str, float]:
    """Return the cue counts of one post's own text (every name in :data:`CUE_NAMES`)."""
    return dict(zip(CUE_NAMES, _cue_row(text), strict=True))


def _cue_row(text: str | None, found_cues: list[_SentenceCues] | None = None) -> list[float]:
    """Return one text's cue values in :data:`CUE_NAMES` order (sentences' cues to ``found_cues``)."""
    row = [0.0] * _ROW_SIZE
    words = 0
    sentences = split_sentences(text)
    # The verdict usually comes last or after "but/still/even so": those sentences also feed
    # ``lean_final``, so a post that lists one side's faults and then picks it reads right.
    final_from = max(len(sentences) - 2, 0)
    final_net = 0.0
    for index, raw in enumerate(sentences):
        found = _sentence_cues(raw)
        if found_cues is not None:
            found_cues.append(found)
        # Only a sentence that adds to a directional cue can move the lean (the difference
        # would be exactly 0.0 otherwise).
        final = found.moves_lean and (index >= final_from or found.conclusion)
        before = _lean(row) if final else 0.0
        for column, value in zip(found.columns, found.values, strict=True):
            row[column] += value
        if final:
            final_net += _lean(row) - before
        words += found.words
    for mentions, sentiment, total in _SENTIMENT_COLUMNS:
        n = row[mentions]
        row[sentiment] = row[total] / n if n else 0.0
    net = _lean(row)
    row[_LEAN_US] = max(net, 0.0)
    row[_LEAN_USSR] = max(-net, 0.0)
    row[_LEAN_FINAL_US] = max(final_net, 0.0)
    row[_LEAN_FINAL_USSR] = max(-final_net, 0.0)
    verdict = sum(map(row.__getitem__, _VERDICT_COLUMNS))
    row[_VERDICT] = verdict + row[_ADVISES_NEUTRALITY]
    no_side = row[_MENTIONS_US] == 0 and row[_MENTIONS_USSR] == 0
    row[_NO_SIDE] = float(no_side)
    row[_NO_VERDICT] = float(row[_VERDICT] == 0 and not no_side)
    row[_SHORT] = float(words < _SHORT_WORDS)
    del row[len(CUE_NAMES) :]
    return row


@lru_cache(maxsize=131072)
def _sentence_cues(raw: str) -> _SentenceCues:
    """Return what one sentence adds to its post's cues.

    Memoised per distinct sentence (at most 131,072 of them, about 50 MB): at 100,000 posts of
    the benchmark corpus that keeps nearly every repeat a cache hit.
    """
    added: list[tuple[str, float]] = []
    sent = _Sentence(raw)
    _add_sentence_cues(raw, sent, added, _lexicon())
    columns = tuple(_TARGET[name] for name, _ in added)
    return _SentenceCues(
        columns,
        tuple(value for _, value in added),
        len(raw.split()),
        _CONCLUSION.match(raw) is not None,
        " ".join([t for t in sent.tokens if t[0].isalnum() or t[0] == "_"]),  # tokens are never empty
        _WORD_CHAR.match(raw, len(raw) - 1) is not None,
        not _LEAN_COLUMN_SET.isdisjoint(columns),
    )


def _add_sentence_cues(
    raw: str, sent: _Sentence, added: list[tuple[str, float]], lexicon: dict[str, float]
) -> None:
    """Append one sentence's cue additions (and its VADER score per side named) to ``added``."""
    if raw.rstrip().endswith("?"):
        added.append(("question", 1.0))
    if _OPINION.search(sent.text, sent.words):
        added.append(("opinion", 1.0))
    # Every year pattern holds a digit or "ties" ("sixties"); most sentences have neither.
    if (
        ("ties" in sent.text or any(d in sent.text for d in "0123456789"))
        and _YEAR.search(sent.text)
        and not _PERSONAL.search(sent.text, sent.words)
    ):
        added.append(("narration", 1.0))
    if _REPORTED.search(sent.text, sent.words):
        added.append(("reported", 1.0))
    if _EXPLANATION.search(sent.text, sent.words):
        added.append(("explanation", 1.0))
    sides_here = sent.sides
    if sides_here:
        compound = score_sentence(raw)
        for side in sides_here:
            added.append((f"mentions:{side}", 1.0))
            added.append((f"sentiment|{side}", compound))
    _add_pattern_cues(sent, added)
    _add_neutrality_cues(sent, added)
    if not sides_here:
        return
    for side, score in _evaluate_near_sides(sent, lexicon).items():
        if score > 0:
            added.append((f"praises:{side}", score))
        elif score < 0:
            # criticism is counted as a magnitude (adding -score is subtracting score, exactly)
            added.append((f"criticises:{side}", -score))
    if _COUNTERFACTUAL.search(sent.text):
        _add_counterfactual_cues(sent, lexicon, added)
    if _REGRET_WORDS.search(sent.text, sent.words):
        _add_regret_cues(sent, added)


def _add_pattern_cues(sent: _Sentence, added: list[tuple[str, float]]) -> None:
    text = sent.text
    if not sent.placeholders:
        return
    for pattern, cue, winner in _PAIR_PATTERNS if sent.placeholders > 1 else ():
        for m in pattern.finditer(text):
            a, b = _side_of(m.group("a")), _side_of(m.group("b"))
            if a is None or b is None or a == b:
                continue
            side = a if winner == "a" else b
            if sent.side_negated(m, "a"):  # "not US over USSR" flips the preference
                side = _other(side)
            added.append((f"{cue}:{side}", 1.0))
    for pattern, cue, needed in _ONE_PATTERNS:
        if needed is not None and sent.words.isdisjoint(needed):
            continue
        for m in pattern.finditer(text):
            side = _side_of(m.group("a"))
            if side is None:
                continue
            if sent.side_negated(m, "a") and cue in ("prefers", "choice"):
                # "did not prefer X" / "never backed X" say nothing good about X
                cue = "rejects" if cue == "prefers" else cue
                if cue == "choice":
                    continue
            added.append((f"{cue}:{side}", 1.0))
    for m in _SHOULD.finditer(text):
        side = _side_of(m.group("a"))
        if side is None:
            continue
        negated = sent.side_negated(m, "a") or m.group(0).startswith(("shouldn", "shouldnt"))
        added.append((f"{'should_not' if negated else 'should'}:{side}", 1.0))


def _add_neutrality_cues(sent: _Sentence, added: list[tuple[str, float]]) -> None:
    text = sent.text
    if _NEUTRAL_REJECTED.search(text):
        added.append(("neutrality_rejected", 1.0))
        return
    for m in _TAKE_SIDES.finditer(text, sent.words):
        # "don't take sides" / "never join a bloc" is neutrality; "we must pick a side" is not.
        negated = sent.negated[sent.index_at(m.start())] or _NO_BEFORE.search(text[: m.start()])
        if negated:
            added.append(("neutrality", 1.0))
            added.append(("advises_neutrality", 1.0))
        else:
            added.append(("neutrality_rejected", 1.0))
    for m in _NEUTRAL.finditer(text, sent.words):
        if sent.negated[sent.index_at(m.start())]:
            added.append(("neutrality_rejected", 1.0))
        else:
            added.append(("neutrality", 1.0))
            if _ADVICE.regex.search(text[: m.start()]):
                added.append(("advises_neutrality", 1.0))
    if sent.placeholders > 1 and _BOTH.search(text):
        added.append(("both_sides", 1.0))


def _consequence_valence(sent: _Sentence, lexicon: dict[str, float]) -> tuple[float, int]:
    """Return the valence of the outcome clause of a hypothetical and where that clause starts.

    Negation is re-marked inside the outcome alone: NLTK's scope would otherwise carry the "not"
    of "if we weren't tied to X" over the whole outcome and flip it a second time.
    """
    match = _OUTCOME.search(sent.text)
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
    for phrase, value in _OUTCOME_PHRASES.items():
        if phrase in phrase_text:
            total += value / 4.0
    return total, start


def _add_counterfactual_cues(
    sent: _Sentence, lexicon: dict[str, float], added: list[tuple[str, float]]
) -> None:
    valence, outcome_start = _consequence_valence(sent, lexicon)
    for i, token in enumerate(sent.tokens):
        side = _side_of(token)
        if side is None:
            continue
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


def _add_regret_cues(sent: _Sentence, added: list[tuple[str, float]]) -> None:
    # The choice called a mistake is the first side after an alignment verb, else the only one.
    match = _REGRET_CHOICE.search(sent.text)
    if match and not sent.side_negated(match, "a"):
        side = _side_of(match.group("a"))
        if side:
            added.append((f"regret:{side}", 1.0))


def cue_matrix(texts: Iterable[str | None]) -> np.ndarray:
    """Return an (n_texts, len(CUE_NAMES)) float array of :func:`extract_cues` values."""
    rows = [_cue_row(t) for t in texts]
    if not rows:
        return np.zeros((0, len(CUE_NAMES)))
    return np.asarray(rows, dtype=float)


def cue_matrix_with_words(texts: Iterable[str | None]) -> tuple[np.ndarray, list[str | None]]:
    """Return :func:`cue_matrix` of ``texts`` and, where it can be reused, each text's n-gram words.

    The words of a text are its sentences' side-tagged, lower-case word tokens joined by
    spaces: ``model.ngram_text(text)``, which would otherwise tag and tokenise the whole text a
    second time. They are ``None`` (compute them from the text) unless every sentence but the
    last ends in a non-word character. Why that suffices: the sentences are the normalised text
    cut at white space, and tokens never span white space, so the two can differ only through a
    side mention whose match looks across a cut: a term with inner white space ("the States"
    over a line break), a look-behind ending in white space ("went" / "west", "Chinese" /
    "communists" on two lines) or a look-ahead starting with it ("the West" / "Bengal"). Each
    of these needs a word character right before the cut. Inside a line, a cut always follows
    ``.!?`` (and closing quotes or brackets); the check matters at line breaks.
    """
    rows: list[list[float]] = []
    words: list[str | None] = []
    for text in texts:
        found: list[_SentenceCues] = []
        rows.append(_cue_row(text, found))
        if any(f.word_end for f in found[:-1]):
            words.append(None)
        else:
            words.append(" ".join(f.ngram_words for f in found if f.ngram_words))
    if not rows:
        return np.zeros((0, len(CUE_NAMES))), words
    return np.asarray(rows, dtype=float), words


def scale_cues(matrix: np.ndarray) -> np.ndarray:
    """Compress counts with a signed log1p so long posts do not dominate short ones."""
    return np.sign(matrix) * np.log1p(np.abs(matrix))

