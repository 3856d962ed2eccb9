"""The stance cue tables: the patterns matched on side-tagged sentences and the valence lexicon.

Every pattern runs on a sentence's lower-case tokens joined by single spaces, with side
mentions replaced by ``_us_`` / ``_ussr_`` (:class:`discourse.stance.sentences.Sentence`), so one
pattern covers every spelling of a side. A named group ``a`` (and ``b``) captures the side a
pattern is about. :mod:`discourse.stance.sentence_cues` says what each match adds to a post.
"""

from __future__ import annotations

import re
from functools import lru_cache

from discourse.vader_data import vader_lexicon
from discourse.stance.phrases import compile_words

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
PAIR_PATTERNS: list[tuple[re.Pattern[str], str, str]] = [
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
ONE_PATTERNS: list[tuple[re.Pattern[str], str, frozenset[str] | None]] = [
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
SHOULD = re.compile(
    r"(?:should|should've|shouldve|shouldn't|shouldnt|ought|must|must've|need|needed|needs|"
    r"better|could've|couldve|could|would've|wouldve) " + (_GAP % 4) + _ALIGN + " "
    + (_GAP % 3) + _side("a")
)
REGRET_WORDS = compile_words(
    r"\b(?:mistake|mistakes|blunder|blunders|wrong|error|regret|regrets|regretted|folly|"
    r"disaster|disastrous|misstep|miscalculation|boggling|baffling|stupid|stupidity|foolish|"
    r"naive|short-sighted|shortsighted|idiotic|dumb|costly|misguided)\b"
)
COUNTERFACTUAL = re.compile(
    r"\b(?:would|could|might|wouldn't|wouldnt|couldn't|couldnt) (?:have|'ve|of)\b"
    r"|\b(?:would've|could've|might've|wouldve|couldve)\b"
    r"|\b\w+'d (?:have|'ve|be)\b"
    r"|\bhad (?:we|pakistan|india|they|our|it|_us_|_ussr_|jinnah|liaquat|ayub|nehru)\b"
    r"|\bif\b.*\b(?:had|hadn't|hadnt|went|chose|joined|aligned|sided|allied|were|wasn't|"
    r"wasnt|weren't|was)\b"
)
# Where the outcome of a hypothetical begins ("..., it would have ...", "would've ...").
OUTCOME = re.compile(
    r"\b(?:would|could|might|wouldn't|wouldnt|couldn't|couldnt|would've|could've|might've|"
    r"wouldve|couldve)\b|\b\w+'d (?=have\b|'ve\b|be\b)"
)
# Outcome phrases whose words carry no lexicon valence on their own.
OUTCOME_PHRASES: dict[str, float] = {
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
NEUTRAL = compile_words(
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
NEUTRAL_REJECTED = re.compile(
    r"\b(?:had|have|has|needed|need|forced|must|obliged) to (?:pick|choose|take|join) "
    r"(?:a|one) (?:side|superpower|camp|bloc)\b"
    r"|\bluxury (?:\S+ ){0,4}?(?:neutral|neutrality|non-aligned|non-alignment)\b"
    r"|\b(?:neutral|neutrality|non-alignment|nonalignment|non-aligned) (?:was|is|wasn't|isn't)"
    r" (?:never|not|no) (?:an |a )?(?:option|choice|possible|realistic)\b"
    r"|\bno such thing as (?:neutral|neutrality|non-alignment)\b"
)
ADVICE = compile_words(r"\b(?:should|must|ought|better|need|needs|needed|best)\b")
BOTH = re.compile(
    r"\bboth (?:the )?(?:_us_|_ussr_) and (?:the )?(?:_us_|_ussr_)"
    r"|\b(?:_us_|_ussr_) (?:and|or) (?:the )?(?:_us_|_ussr_) alike\b"
)
TAKE_SIDES = compile_words(
    r"\b(?:take sides|take a side|pick a side|choose a side|pick sides|choose sides|join either|"
    r"join any(?:thing| bloc| camp| pact| alliance)?|join a (?:bloc|camp|military pact|pact)|"
    r"pick a superpower|choose a superpower|pick a patron|superpower patron|"
    r"join (?:a |any )?military (?:pacts?|blocs?|alliances?)|"
    r"joining (?:a |any )?military (?:pacts?|blocs?|alliances?))\b"
)
NO_BEFORE = re.compile(r"\b(?:don't|dont|do not|never|not|no need to|shouldn't|stop)\s+(?:\S+\s+){0,2}$")
YEAR = re.compile(r"\b(?:1[89]\d\d|20[0-3]\d)s?\b|\b(?:19)?[4-9]0s\b|\b(?:fifties|sixties|seventies|eighties)\b")
PERSONAL = compile_words(
    r"\b(?:i|i'm|i'd|i've|me|my|we|we'd|we'll|our|us|you|your|should|must|would|could|ought)\b"
)
OPINION = compile_words(
    r"\b(?:i think|i believe|i feel|imo|imho|in my opinion|in my view|personally|to me|"
    r"i'd say|i would say|honestly|frankly|no doubt|clearly|obviously|i'm convinced|"
    r"i am convinced|my take|i'd rather|i would rather|i'll take|i'd take|i'd pick|i would pick|"
    r"glad|thank god|thankfully|sadly|unfortunately|tragically|luckily)\b"
)
# Reported speech and explanations of motives: the guide labels these `none` unless the
# author adds a verdict of their own, so they are counted to let the model discount them.
REPORTED = compile_words(
    r"\b(?:said|says|stated|argued|argues|claimed|claims|noted|wrote|writes|announced|"
    r"according to|pointed out|insisted|demanded|assured|told|recalled|suggested|stressed|"
    r"reported|declared|complained|warned|remarked|observed|reveal|reveals|revealed|"
    r"highlights|mentioned)\b"
)
EXPLANATION = compile_words(
    r"\b(?:because|reason|reasons|due to|in order to|the main reason|motive|motives|"
    r"rationale|was driven by|were driven by|out of fear|needed|sought|wanted|concern|"
    r"concerned|context)\b"
)
CONCLUSION = re.compile(
    r"^\W*(?:but|still|even so|yet|however|on balance|in the end|all in all|overall|bottom line|"
    r"so|that's why|which is why|long run|ultimately|in short|honestly)\b",
    re.IGNORECASE,
)
STOP = frozenset({".", ";", "!", "?", "but", "however", "whereas", "while"})
WORD_CHAR = re.compile(r"\w")
# The alignment whose side a regret word condemns.
REGRET_CHOICE = re.compile(_ALIGN + " " + (_GAP % 3) + _side("a"))


@lru_cache(maxsize=1)
def load_lexicon() -> dict[str, float]:
    """Return VADER's valences with :data:`DOMAIN_LEXICON` on top (the domain words win)."""
    valences = dict(vader_lexicon())
    valences.update(DOMAIN_LEXICON)
    return valences
