"""Sentences as the cue patterns read them: side-tagged, tokenised, negation-marked.

A :class:`Sentence` holds one sentence's lower-case tokens (side mentions replaced by ``_us_`` /
``_ussr_``, :func:`discourse.sides.scan_sides`), a negation flag per token (NLTK's
``mark_negation`` scope, :func:`discourse.fastpaths.negation_flags`) and the tokens joined by
single spaces, which is the text every pattern of :mod:`discourse.stance.cue_patterns` runs
on. :func:`scan_sentences` prepares a whole batch: one gazetteer scan for all of its
sentences (the costliest pattern, :func:`discourse.sides.scan_sides_many`), then the tokens
and negation flags of each. Those two stay one call per sentence: each is a single scan by
``re`` already, and a batched version (one scan over all sentences joined, then cut apart)
measured slower, because cutting the result apart costs more than the calls it saves. Last,
each sentence gets the set of cue patterns that match it, all of them found in one compiled
scan (:mod:`discourse.stance.pattern_gate`).
"""

from __future__ import annotations

import re

from discourse.fastpaths import negation_flags
from discourse.sides import PLACEHOLDERS, scan_sides, scan_sides_many
from discourse.stance.pattern_gate import matching_patterns
from discourse.text import tokenize

_WORD_RUN = re.compile(r"\w+")
_NO_WORDS: frozenset[str] = frozenset()
#: The side each placeholder token stands for.
SIDE_OF = {placeholder: side for side, placeholder in PLACEHOLDERS.items()}


def side_of(token: str) -> str | None:
    """Return the side a placeholder token stands for (``None`` for any other token)."""
    return SIDE_OF.get(token)


class Sentence:
    """A tokenised, side-tagged, negation-marked sentence with regex-friendly text.

    ``Sentence(raw)`` prepares one sentence; :func:`scan_sentences` prepares many at once.
    """

    __slots__ = ("tokens", "negated", "text", "sides", "placeholders", "words", "may")

    def __init__(self, sentence: str) -> None:
        tagged, sides = scan_sides(sentence)
        tokens = tokenize(tagged)
        # Tokens are lower-case, so flags equal marking with ``_NEG`` and stripping it again.
        self._fill(tokens, negation_flags(tokens), sides)

    @classmethod
    def from_parts(
        cls, tokens: list[str], negated: list[bool], sides: frozenset[str],
        text: str | None = None, may: frozenset[int] | None = None,
    ) -> Sentence:
        """Return the sentence of these tokens, negation flags and sides named.

        ``text`` is the tokens joined by single spaces when the caller has it; ``may`` the keys
        of the cue patterns that match it, when known
        (:func:`discourse.stance.pattern_gate.matching_patterns`).
        """
        sent = cls.__new__(cls)
        sent._fill(tokens, negated, sides, text, may)
        return sent

    def _fill(
        self, tokens: list[str], negated: list[bool], sides: frozenset[str],
        text: str | None = None, may: frozenset[int] | None = None,
    ) -> None:
        self.tokens = tokens
        self.negated = negated
        self.sides = sides
        self.text = " ".join(tokens) if text is None else text
        # At least the number of side placeholders in ``text``; patterns that pair two sides
        # cannot match below two.
        self.placeholders = self.text.count("_us")
        # The keys of the cue patterns that match ``text``, from one compiled scan; None: ask ``re``
        # (:func:`discourse.stance.pattern_gate.matching_patterns`).
        self.may = may
        # The words, for the phrase lists' quick test before ``re`` runs; a sentence whose
        # matching patterns are known never runs ``re`` without a match, so it needs none.
        self.words = set(_WORD_RUN.findall(self.text)) if may is None else _NO_WORDS

    def index_at(self, char: int) -> int:
        """Return the index of the token that character ``char`` of ``text`` belongs to.

        Tokens hold no spaces and are joined by one, so that index is the number of spaces
        before ``char`` (a separating space counts with the token before it).
        """
        return self.text.count(" ", 0, char) if self.tokens else -1

    def side_negated(self, match: re.Match[str], group: str) -> bool:
        """Return whether the side captured by ``group`` of ``match`` is under a negation."""
        return self.negated[self.index_at(match.start(group))]


def scan_sentences(raws: list[str]) -> list[Sentence]:
    """Return ``[Sentence(raw) for raw in raws]``, the side mentions of all found in one scan.

    Each sentence also gets ``may``, the keys of the cue patterns that match it
    (:func:`discourse.stance.pattern_gate.matching_patterns`).
    """
    scanned = scan_sides_many(raws)
    tokens = [tokenize(tagged) for tagged, _sides in scanned]
    texts = [" ".join(t) for t in tokens]
    return [
        Sentence.from_parts(t, negation_flags(t), sides, text, may)
        for t, (_tagged, sides), text, may in zip(tokens, scanned, texts, matching_patterns(texts), strict=True)
    ]
