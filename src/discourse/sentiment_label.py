"""The post-level sentiment label: the strongest sentences, the debate's own words, emoji.

VADER's mean compound over a long post drifts positive whatever its tone, because calm
sentences with a mildly positive word outnumber the few that carry the tone. The label here
follows the guide (docs/annotation.md, section 4) more closely with one number per post, its
**tone**:

    tone = mean tone compound of the two sentences with the largest |tone compound| (the one
           sentence of a one-sentence post)
           + LEXICON_WEIGHT * (debate-positive hits - debate-negative hits) / number of sentences
           + EMOJI_WEIGHT * sum of the emoji's VADER compound

where a sentence's **tone compound** is VADER's compound with the words of :data:`TOPIC_WORDS`
taking no valence (:func:`discourse.sentiment.sentence_scores`, over :func:`tone_lexicon`): in
this debate "support", "peace", "security", "interests", "strong" or "like" name the subject
(alliances, power, aid) far more often than the writer's feeling, and the guide asks for the
tone, not the topic.

and ``positive`` when ``tone >= POSITIVE_FROM``, ``negative`` when ``tone <= NEGATIVE_TO``,
``neutral`` otherwise (also for a post without sentences).

* The debate lexicons (:data:`NEGATIVE_WORDS`, :data:`POSITIVE_WORDS`, :data:`PHRASES`,
  :data:`SMILIES`) hold the words of this debate's scorn and approval that VADER lacks or
  underrates: betrayal, stabbed in the back, puppet, sold out, stooge, the wrong horse,
  sarcasm markers ("yeah right", "oh sure"), and "well said", "good thread", "spot on",
  smilies. The sentence's words are looked up in sets, which costs little per sentence.
* :data:`TOPIC_WORDS` are VADER's positive words of alliances, power and interests. A sentence
  holding none of them keeps its compound; one that holds any is scored once more, from the
  same word split, with them left out of the lexicon
  (:func:`discourse.fastpaths.vader_compound_pair`). Only the label reads the tone compound:
  ``sentiment``, the per-side means and the stance cues keep VADER's own.
* An emoji counts with the compound of its name in the ``emoji_utf8_lexicon.txt`` that ships
  with vaderSentiment (NLTK's VADER ignores emoji).
* The two thresholds are the pair with the best Cohen's kappa on the authored set
  (``src/discourse/data/authored_posts.csv``, :func:`calibrate_thresholds`);
  ``docs/experiments/sentiment_label.py`` prints the calibrated pair beside the shipped one,
  with the figures of docs/stance.md ("Sentiment"). Recalibrate when the authored set changes.

Each sentence's debate cues are memoised with its VADER compound and the sides it names
(``discourse.sentiment``), so a post costs one pass over its sentences and each distinct
sentence is read once per process.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from discourse import kernels

#: Weight of one debate-lexicon hit per sentence, and of one emoji's compound.
LEXICON_WEIGHT = 1.0
EMOJI_WEIGHT = 0.3
#: Thresholds on the tone, calibrated on the authored set (:func:`calibrate_thresholds`).
POSITIVE_FROM = 0.15
NEGATIVE_TO = -0.6
#: The grid :func:`calibrate_thresholds` searches (steps of 0.025).
POSITIVE_GRID = tuple(round(0.025 * i, 3) for i in range(40))  # 0 .. 0.975
NEGATIVE_GRID = tuple(round(-0.975 + 0.025 * i, 3) for i in range(51))  # -0.975 .. 0.275

# The debate's words of scorn, complaint and sarcasm (-1) and of approval, thanks and amusement
# (+1), in every form that counts, lower case, hyphenated spellings listed apart. Matched
# against the sentence's runs of letters, digits, apostrophes and hyphens.
NEGATIVE_WORDS = frozenset("""
    betray betrays betrayed betraying betrayal betrayals betrayer betrayers traitor traitors
    backstab backstabs backstabbed backstabbing backstabber backstabbers back-stab back-stabbed
    back-stabbing back-stabber back-stabbers sell-out sell-outs
    puppet puppets puppetry sellout sellouts stooge stooges lackey lackeys slave slaves slavish
    servile vassal vassals humiliate humiliated humiliates humiliating humiliation
    shame shamed shameful shamefully shameless disgrace disgraced disgraceful pathetic
    idiot idiots idiotic idiocy stupid stupidity fool fools foolish foolishness moron morons
    moronic hypocrite hypocrites hypocrisy hypocritical blunder blunders blundered
    dumped abandon abandoned abandoning abandons mercenary mercenaries begging beggar beggars
    nonsense rubbish garbage delusion delusions delusional pity pitiful sad sadly saddening
    bloody damn damned damning crap wtf smh ffs facepalm ridiculous absurd laughable clueless
    liar liars lies lied
""".split())
POSITIVE_WORDS = frozenset("""
    thanks thank proud pride kudos bravo salute brilliant excellent informative insightful
    cheers lol haha hahaha
""".split())
# Phrases, looked for only when their key word (the rarest word of the phrase) is present.
PHRASES = {
    "stabbed": (("stabbed in the back", -1), ("stabbed us in the back", -1)),
    "sold": (("sold out", -1), ("sold us out", -1), ("sold ourselves", -1)),
    "horse": (("wrong horse", -1),),
    "joke": (("a joke", -1),),
    "used": (("used us", -1),),
    "tissue": (("tissue paper", -1),),
    "client": (("client state", -1),),
    "sick": (("sick of", -1),),
    "fed": (("fed up", -1),),
    "dare": (("how dare", -1),),
    "yeah": (("yeah right", -1),),
    "sure": (("oh sure", -1),),
    "said": (("well said", 1),),
    "thread": (("good thread", 1), ("great thread", 1)),
    "post": (("great post", 1), ("good post", 1), ("nice post", 1)),
    "god": (("thank god", 1),),
    "spot": (("spot on", 1),),
    "hats": (("hats off", 1),),
    "read": (("great read", 1), ("good read", 1)),
}
#: Smilies, looked for in the lower-cased sentence as they are.
SMILIES = ((":)", 1), (":-)", 1), (":d", 1), (";)", 1), ("=)", 1), ("^_^", 1), (":(", -1), (":-(", -1))

_WORD_VALUE = {word: -1 for word in NEGATIVE_WORDS} | {word: 1 for word in POSITIVE_WORDS}
_CUE_WORDS = frozenset(_WORD_VALUE) | frozenset(PHRASES)
_WORD = re.compile(r"[a-z0-9'-]+")
# The Unicode blocks that hold the pictographic emoji and the older dingbat symbols.
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")

# VADER's positive words that, in this debate, name alliances, power, aid and interests rather
# than the writer's feeling ("US support", "security pact", "national interest", "countries like
# India"); the tone compound scores every sentence as if VADER's lexicon lacked them.
TOPIC_WORDS = frozenset("""
    support supported supports supporting help helps helping friend friends friendly friendship
    peace peaceful security secure protect protected freedom free interest interests benefit
    benefits trust trusted strong stronger strength powerful win won agreement favor favour like
    promise promised important
""".split())
LABELS = ("negative", "neutral", "positive")


def emoji_lexicon_path() -> str:
    """Return the path of ``emoji_utf8_lexicon.txt`` inside the installed vaderSentiment package."""
    import vaderSentiment

    return os.path.join(os.path.dirname(vaderSentiment.__file__), "emoji_utf8_lexicon.txt")


@lru_cache(maxsize=1)
def load_emoji_names() -> dict[str, str]:
    """Return ``{emoji: name}`` from vaderSentiment's emoji lexicon (one ``emoji<TAB>name`` a line)."""
    names = {}
    with open(emoji_lexicon_path(), encoding="utf-8") as lines:
        for line in lines:
            emoji, _, name = line.rstrip("\n").partition("\t")
            if name:
                names[emoji] = name
    return names


@lru_cache(maxsize=4096)
def score_emoji(emoji: str) -> float:
    """Return VADER's compound of the emoji's name (0.0 for a symbol the lexicon lacks)."""
    from discourse.sentiment import score_sentence  # lazy: sentiment imports this module

    name = load_emoji_names().get(emoji)
    return score_sentence(name) if name else 0.0


@lru_cache(maxsize=1)
def tone_lexicon() -> dict[str, float]:
    """Return VADER's lexicon without :data:`TOPIC_WORDS`."""
    from discourse.vader_data import vader_lexicon

    return {word: value for word, value in vader_lexicon().items() if word not in TOPIC_WORDS}


def count_cues(sentence: str) -> int:
    """Return the debate-positive minus debate-negative cues of one sentence.

    A word counts once per sentence however often it repeats; a phrase counts besides its
    words ("sold us out" and, inside it, no single word of the lexicon).
    """
    low = sentence.lower()
    found = cue_words(low)
    balance = 0
    if found:
        spaced = " " + " ".join(_WORD.findall(low)) + " "
        for word in found:
            balance += _WORD_VALUE.get(word, 0)
            for phrase, value in PHRASES.get(word, ()):
                if f" {phrase} " in spaced:
                    balance += value
    if ")" in low or "(" in low or ":d" in low or "^_^" in low:  # every smiley holds one of these
        balance += sum(value for smiley, value in SMILIES if smiley in low)
    return balance


def cue_words(low: str) -> set[str]:
    """Return the words of the debate lexicons (and the phrases' key words) in ``low``, a
    lower-cased sentence, as runs of letters, digits, apostrophes and hyphens.

    By the compiled kernel when it is built, else :func:`python_cue_words`.
    """
    compiled = kernels.compiled
    if compiled is not None:
        return compiled.runs_in(low, _CUE_WORDS)
    return python_cue_words(low)


def python_cue_words(low: str) -> set[str]:
    """:func:`cue_words` by ``re``: the reference the compiled ``runs_in`` of
    :mod:`discourse._kernels` is tested against, and what runs where it is not built."""
    return set(_CUE_WORDS.intersection(_WORD.findall(low)))


def sentence_cues(sentence: str) -> tuple[int, float]:
    """Return (:func:`count_cues`, summed emoji compound) of one sentence.

    Not memoised here: :func:`discourse.sentiment.score_post` memoises it with the sentence's
    compound and sides in one cache.
    """
    emoji = 0.0 if sentence.isascii() else sum(map(score_emoji, _EMOJI.findall(sentence)))
    return count_cues(sentence), emoji


def post_tone(compounds: Sequence[float], balance: float, emoji: float) -> float:
    """Return a post's tone from its sentences' tone compounds and summed :func:`sentence_cues`.

    ``balance`` and ``emoji`` are the sums over the post's sentences; see the module docstring.
    """
    n = len(compounds)
    if n == 0:
        return 0.0
    if n == 1:
        strongest = compounds[0]
    else:
        first = second = 0.0
        for value in compounds:  # the two largest |compound|, the earlier one on ties
            if abs(value) > abs(first):
                first, second = value, first
            elif abs(value) > abs(second):
                second = value
        strongest = (first + second) / 2
    return strongest + LEXICON_WEIGHT * balance / n + EMOJI_WEIGHT * emoji


def label_tone(tone: float, positive_from: float = POSITIVE_FROM, negative_to: float = NEGATIVE_TO) -> str:
    """Map a tone to ``positive`` / ``neutral`` / ``negative`` with the calibrated thresholds."""
    if tone >= positive_from:
        return "positive"
    if tone <= negative_to:
        return "negative"
    return "neutral"


def label_tones(tones: np.ndarray, positive_from: float, negative_to: float) -> np.ndarray:
    """Vectorised :func:`label_tone` over an array of tones."""
    return np.where(tones >= positive_from, "positive", np.where(tones <= negative_to, "negative", "neutral"))


def cohen_kappa(gold: np.ndarray, predicted: np.ndarray) -> float:
    """Return Cohen's kappa of two label arrays over :data:`LABELS` (0.0 when chance is 1)."""
    observed = float(np.mean(gold == predicted))
    chance = sum(float(np.mean(gold == label)) * float(np.mean(predicted == label)) for label in LABELS)
    return 0.0 if chance >= 1.0 else (observed - chance) / (1.0 - chance)


def calibrate_thresholds(tones: Sequence[float], labels: Sequence[str]) -> tuple[float, float]:
    """Return the (positive_from, negative_to) of the grid with the best Cohen's kappa.

    Kappa, not accuracy: on the authored set (about half ``neutral``) the most accurate pair
    pushes both thresholds to the grid's ends and calls nearly every post neutral. Ties go to
    the pair closest to zero (smallest ``|positive_from| + |negative_to|``), then to the first
    in grid order, so the result is deterministic.

    Raises
    ------
    ValueError
        When ``tones`` and ``labels`` differ in length or are empty.
    """
    values = np.asarray(tones, dtype=float)
    gold = np.asarray(labels, dtype=str)
    if values.size == 0 or values.size != gold.size:
        raise ValueError(f"need as many labels as tones, at least one: got {values.size} and {gold.size}")
    best: tuple[float, float, float, float] | None = None
    for positive_from in POSITIVE_GRID:
        for negative_to in NEGATIVE_GRID:
            if negative_to >= positive_from:
                continue
            kappa = cohen_kappa(gold, label_tones(values, positive_from, negative_to))
            key = (kappa, -(abs(positive_from) + abs(negative_to)))
            if best is None or key > best[:2]:
                best = (*key, positive_from, negative_to)
    assert best is not None  # the grid always has pairs
    return best[2], best[3]
