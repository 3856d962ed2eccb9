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
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from discourse.sentiment import load_analyzer, score_sentence
from discourse.sides import PLACEHOLDERS, SIDES, find_sides, tag_sides
from discourse.text import is_negated, mark_negated, split_sentences, strip_negation, tokenize

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
_GOOD_CHOICE = (
    r"(?:better|best|right|smart|smarter|wise|wiser|sensible|correct|good|great|natural|obvious|"
    r"logical|smartest|wisest|safest) (?:choice|decision|bet|option|move|call|ally|partner|"
    r"friend|fit|pick|thing|road|route|path|place|one|side|camp|horse|deal)"
)
_BAD_CHOICE = (
    r"(?:wrong|bad|worst|poor|terrible|stupid|foolish|fatal|costly|unreliable|fair-weather) "
    r"(?:choice|decision|bet|option|move|call|ally|partner|friend|pick|horse|side|camp|road|"
    r"route|path|deal)"
)

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
_ONE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(_PREFER + " " + (_GAP % 1) + _side("a")), "prefers"),
    (re.compile(r"better off (?:\S+ ){0,2}?(?:with|siding with|aligned with|allied with|"
                r"in bed with) (?:the )?" + _side("a")), "prefers"),
    (re.compile(_side("a") + " " + (_GAP % 3) + r"(?:any day|every time|hands down|all the way"
                r"|every day of the week|no contest)"), "prefers"),
    (re.compile(_side("a") + " " + (_GAP % 4) + _GOOD_CHOICE), "prefers"),
    (re.compile(_GOOD_CHOICE + r" (?:\S+ ){0,2}?(?:with|was|is|would be|in|:|-) (?:the )?"
                + _side("a")), "prefers"),
    (re.compile(r"(?:made|makes|make) (?:\S+ )?sense to " + _ALIGN + " " + (_GAP % 2)
                + _side("a")), "prefers"),
    (re.compile(r"\b(?:glad|happy|thank god|thankfully|luckily|good thing) (?:\S+ ){0,3}?"
                + _ALIGN + " " + (_GAP % 2) + _side("a")), "prefers"),
    (re.compile(r"better off without (?:the )?" + _side("a")), "rejects"),
    (re.compile(_side("a") + " " + (_GAP % 4) + _BAD_CHOICE), "rejects"),
    (re.compile(_BAD_CHOICE + r" (?:\S+ ){0,2}?(?:with|was|is|would be|in|:|-) (?:the )?"
                + _side("a")), "rejects"),
    (re.compile(r"(?:never|not|don't|dont|do not|can't|cannot) trust (?:the )?" + _side("a")),
     "rejects"),
    (re.compile(r"(?:stay|stayed|keep|kept) (?:well )?(?:away|clear) from (?:the )?"
                + _side("a")), "rejects"),
    (re.compile(_CHOOSE + " " + (_GAP % 3) + _side("a")), "choice"),
    (re.compile(r"why (?:didn't|didnt|did not|not|doesn't|don't|dont|wouldn't|couldn't|"
                r"hasn't|haven't) " + (_GAP % 5) + _side("a")), "why_not"),
]
_SHOULD = re.compile(
    r"(?:should|should've|shouldve|shouldn't|shouldnt|ought|must|must've|need|needed|needs|"
    r"better|could've|couldve|could|would've|wouldve) " + (_GAP % 4) + _ALIGN + " "
    + (_GAP % 3) + _side("a")
)
_REGRET_WORDS = re.compile(
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
_NEUTRAL = re.compile(
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
_ADVICE = re.compile(r"\b(?:should|must|ought|better|need|needs|needed|best)\b")
_BOTH = re.compile(
    r"\bboth (?:the )?(?:_us_|_ussr_) and (?:the )?(?:_us_|_ussr_)"
    r"|\b(?:_us_|_ussr_) (?:and|or) (?:the )?(?:_us_|_ussr_) alike\b"
)
_TAKE_SIDES = re.compile(
    r"\b(?:take sides|take a side|pick a side|choose a side|pick sides|choose sides|join either|"
    r"join any(?:thing| bloc| camp| pact| alliance)?|join a (?:bloc|camp|military pact|pact)|"
    r"pick a superpower|choose a superpower|pick a patron|superpower patron|"
    r"(?:join|joining) (?:a |any )?military (?:pacts?|blocs?|alliances?))\b"
)
_NO_BEFORE = re.compile(r"\b(?:don't|dont|do not|never|not|no need to|shouldn't|stop)\s+(?:\S+\s+){0,2}$")
_YEAR = re.compile(r"\b(?:1[89]\d\d|20[0-3]\d)s?\b|\b(?:19)?[4-9]0s\b|\b(?:fifties|sixties|seventies|eighties)\b")
_PERSONAL = re.compile(
    r"\b(?:i|i'm|i'd|i've|me|my|we|we'd|we'll|our|us|you|your|should|must|would|could|ought)\b"
)
_OPINION = re.compile(
    r"\b(?:i think|i believe|i feel|imo|imho|in my opinion|in my view|personally|to me|"
    r"i'd say|i would say|honestly|frankly|no doubt|clearly|obviously|i'm convinced|"
    r"i am convinced|my take|i'd rather|i would rather|i'll take|i'd take|i'd pick|i would pick|"
    r"glad|thank god|thankfully|sadly|unfortunately|tragically|luckily)\b"
)
# Reported speech and explanations of motives: the guide labels these `none` unless the
# author adds a verdict of their own, so they are counted to let the model discount them.
_REPORTED = re.compile(
    r"\b(?:said|says|stated|argued|argues|claimed|claims|noted|wrote|writes|announced|"
    r"according to|pointed out|insisted|demanded|assured|told|recalled|suggested|stressed|"
    r"reported|declared|complained|warned|remarked|observed|reveal|reveals|revealed|"
    r"highlights|mentioned)\b"
)
_EXPLANATION = re.compile(
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


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    # VADER's valences, then the domain words on top (they win where both define a word).
    lexicon = dict(load_analyzer().lexicon)
    lexicon.update(DOMAIN_LEXICON)
    return lexicon


class _Sentence:
    """A tokenised, side-tagged, negation-marked sentence with regex-friendly text."""

    __slots__ = ("tokens", "negated", "text", "starts")

    def __init__(self, sentence: str) -> None:
        marked = mark_negated(tokenize(tag_sides(sentence)))
        self.tokens = [strip_negation(t) for t in marked]
        self.negated = [is_negated(t) for t in marked]
        self.starts: list[int] = []
        pos = 0
        for token in self.tokens:
            self.starts.append(pos)
            pos += len(token) + 1
        self.text = " ".join(self.tokens)

    def index_at(self, char: int) -> int:
        return bisect_right(self.starts, char) - 1

    def side_negated(self, match: re.Match[str], group: str) -> bool:
        return self.negated[self.index_at(match.start(group))]


def _side_of(token: str) -> str | None:
    for side, placeholder in PLACEHOLDERS.items():
        if token == placeholder:
            return side
    return None


def _evaluate_near_sides(sent: _Sentence, lexicon: dict[str, float]) -> dict[str, float]:
    """Sum the valence of words near each mention, each word credited to its nearest mention."""
    positions = [(i, s) for i, t in enumerate(sent.tokens) if (s := _side_of(t))]
    scores = {side: 0.0 for side in SIDES}
    if not positions:
        return scores
    for i, token in enumerate(sent.tokens):
        value = lexicon.get(token)
        if not value:
            continue
        best: tuple[int, str] | None = None
        for pos, side in positions:
            distance = abs(pos - i)
            if distance <= _WINDOW and (best is None or distance < best[0]):
                lo, hi = sorted((pos, i))
                if not any(t in _STOP for t in sent.tokens[lo:hi]):
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


def _lean(cues: dict[str, float]) -> float:
    """Return the signed fixed-weight lean (positive: US side) of a cue dict."""
    return sum(
        weight * (cues[f"{name}:us"] - cues[f"{name}:ussr"]) for name, weight in _LEAN_WEIGHTS.items()
    )


def extract_cues(text: str | None) -> dict[str, float]:
    """Return the cue counts of one post's own text (every name in :data:`CUE_NAMES`)."""
    lexicon = _lexicon()
    cues = dict.fromkeys(CUE_NAMES, 0.0)
    sentiment_sum = {side: 0.0 for side in SIDES}
    words = 0
    sentences = split_sentences(text)
    # The verdict usually comes last or after "but/still/even so": those sentences also feed
    # ``lean_final``, so a post that lists one side's faults and then picks it reads right.
    final_from = max(len(sentences) - 2, 0)
    final_net = 0.0
    for index, raw in enumerate(sentences):
        before = _lean(cues)
        _add_sentence_cues(raw, cues, sentiment_sum, lexicon)
        if index >= final_from or _CONCLUSION.match(raw):
            final_net += _lean(cues) - before
        words += len(raw.split())
    for side in SIDES:
        n = cues[f"mentions:{side}"]
        cues[f"sentiment:{side}"] = sentiment_sum[side] / n if n else 0.0
    net = _lean(cues)
    cues["lean:us"] = max(net, 0.0)
    cues["lean:ussr"] = max(-net, 0.0)
    cues["lean_final:us"] = max(final_net, 0.0)
    cues["lean_final:ussr"] = max(-final_net, 0.0)
    cues["verdict"] = sum(cues[f"{c}:{side}"] for c in _VERDICT_CUES for side in SIDES) + cues[
        "advises_neutrality"
    ]
    cues["no_side"] = float(cues["mentions:us"] == 0 and cues["mentions:ussr"] == 0)
    cues["no_verdict"] = float(cues["verdict"] == 0 and not cues["no_side"])
    cues["short"] = float(words < _SHORT_WORDS)
    return cues


def _add_sentence_cues(
    raw: str, cues: dict[str, float], sentiment_sum: dict[str, float], lexicon: dict[str, float]
) -> None:
    """Add one sentence's cues to ``cues`` (and its VADER score to ``sentiment_sum``)."""
    sent = _Sentence(raw)
    if raw.rstrip().endswith("?"):
        cues["question"] += 1
    if _OPINION.search(sent.text):
        cues["opinion"] += 1
    if _YEAR.search(sent.text) and not _PERSONAL.search(sent.text):
        cues["narration"] += 1
    if _REPORTED.search(sent.text):
        cues["reported"] += 1
    if _EXPLANATION.search(sent.text):
        cues["explanation"] += 1
    sides_here = find_sides(raw)
    if sides_here:
        compound = score_sentence(raw)
        for side in sides_here:
            cues[f"mentions:{side}"] += 1
            sentiment_sum[side] += compound
    _add_pattern_cues(sent, cues)
    _add_neutrality_cues(sent, cues)
    if not sides_here:
        return
    for side, score in _evaluate_near_sides(sent, lexicon).items():
        if score > 0:
            cues[f"praises:{side}"] += score
        elif score < 0:
            cues[f"criticises:{side}"] -= score
    if _COUNTERFACTUAL.search(sent.text):
        _add_counterfactual_cues(sent, lexicon, cues)
    if _REGRET_WORDS.search(sent.text):
        _add_regret_cues(sent, cues)


def _add_pattern_cues(sent: _Sentence, cues: dict[str, float]) -> None:
    text = sent.text
    if "_us" not in text:
        return
    for pattern, cue, winner in _PAIR_PATTERNS:
        for m in pattern.finditer(text):
            a, b = _side_of(m.group("a")), _side_of(m.group("b"))
            if a is None or b is None or a == b:
                continue
            side = a if winner == "a" else b
            if sent.side_negated(m, "a"):  # "not US over USSR" flips the preference
                side = _other(side)
            cues[f"{cue}:{side}"] += 1
    for pattern, cue in _ONE_PATTERNS:
        for m in pattern.finditer(text):
            side = _side_of(m.group("a"))
            if side is None:
                continue
            if sent.side_negated(m, "a") and cue in ("prefers", "choice"):
                # "did not prefer X" / "never backed X" say nothing good about X
                cue = "rejects" if cue == "prefers" else cue
                if cue == "choice":
                    continue
            cues[f"{cue}:{side}"] += 1
    for m in _SHOULD.finditer(text):
        side = _side_of(m.group("a"))
        if side is None:
            continue
        negated = sent.side_negated(m, "a") or m.group(0).startswith(("shouldn", "shouldnt"))
        cues[f"{'should_not' if negated else 'should'}:{side}"] += 1


def _add_neutrality_cues(sent: _Sentence, cues: dict[str, float]) -> None:
    text = sent.text
    if _NEUTRAL_REJECTED.search(text):
        cues["neutrality_rejected"] += 1
        return
    for m in _TAKE_SIDES.finditer(text):
        # "don't take sides" / "never join a bloc" is neutrality; "we must pick a side" is not.
        negated = sent.negated[sent.index_at(m.start())] or _NO_BEFORE.search(text[: m.start()])
        if negated:
            cues["neutrality"] += 1
            cues["advises_neutrality"] += 1
        else:
            cues["neutrality_rejected"] += 1
    for m in _NEUTRAL.finditer(text):
        if sent.negated[sent.index_at(m.start())]:
            cues["neutrality_rejected"] += 1
        else:
            cues["neutrality"] += 1
            if _ADVICE.search(text[: m.start()]):
                cues["advises_neutrality"] += 1
    if _BOTH.search(text):
        cues["both_sides"] += 1


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
    marked = mark_negated(outcome)
    total = 0.0
    for token in marked:
        word = strip_negation(token)
        value = lexicon.get(word)
        if value:
            total += (-value if is_negated(token) else value) / 4.0
    phrase_text = " ".join(outcome)
    for phrase, value in _OUTCOME_PHRASES.items():
        if phrase in phrase_text:
            total += value / 4.0
    return total, start


def _add_counterfactual_cues(sent: _Sentence, lexicon: dict[str, float], cues: dict) -> None:
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
            cues[f"counterfactual_good:{side}"] += 1
        elif value < -0.1:
            cues[f"counterfactual_bad:{side}"] += 1
        else:
            cues[f"counterfactual:{side}"] += 1


def _add_regret_cues(sent: _Sentence, cues: dict[str, float]) -> None:
    # The choice called a mistake is the first side after an alignment verb, else the only one.
    match = re.search(_ALIGN + " " + (_GAP % 3) + _side("a"), sent.text)
    if match and not sent.side_negated(match, "a"):
        side = _side_of(match.group("a"))
        if side:
            cues[f"regret:{side}"] += 1


def cue_matrix(texts: Iterable[str | None]) -> np.ndarray:
    """Return an (n_texts, len(CUE_NAMES)) float array of :func:`extract_cues` values."""
    rows = [list(extract_cues(t).values()) for t in texts]
    if not rows:
        return np.zeros((0, len(CUE_NAMES)))
    return np.asarray(rows, dtype=float)


def scale_cues(matrix: np.ndarray) -> np.ndarray:
    """Compress counts with a signed log1p so long posts do not dominate short ones."""
    return np.sign(matrix) * np.log1p(np.abs(matrix))

