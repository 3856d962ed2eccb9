"""The compiled kernels: hot loops of the stance and sentiment features and of the quote finder
in C (``src/csrc``).

``compiled`` is the extension module ``discourse._kernels``, or None where it was not built
(the install compiles it where it finds a C compiler). Each caller reads ``kernels.compiled`` when it runs and keeps the
Python function it replaces as its reference and fallback, so the results do not depend on
whether the module is built (``tests/test_kernels.py``):

* ``compound_pair`` - VADER's compound score (:func:`discourse.fastpaths.vader_compound_pair`);
* ``split_line`` - the sentence splitter's rule for one line (:func:`discourse.text.python_split_line`);
* ``tokenize`` - the tokens of a text (:func:`discourse.text.python_tokenize`);
* ``negation_flags`` - NLTK's negation scope (:func:`discourse.fastpaths.python_negation_flags`);
* ``near_sides`` - the valence of the words near each side's name
  (:func:`discourse.stance.sentence_cues.python_evaluate_near_sides`);
* ``token_ids`` - the vocabulary id of every token of the n-gram features
  (:meth:`discourse.fastpaths.NgramIndex.python_token_ids_of`);
* ``ngram_words`` - a sentence's words as the n-gram features read them
  (:func:`discourse.stance.sentence_cues.python_ngram_words`);
* ``runs_in`` - the debate lexicon's words in a sentence
  (:func:`discourse.sentiment_label.python_cue_words`);
* ``top_per_row`` - the strongest cues of each feature row
  (:func:`discourse.stance.linear.python_top_per_row`);
* ``tag_batch`` - the side tagging of a batch of texts (:func:`discourse.sides.python_tag_batch`);
* ``match_key``, ``sentence_keys`` - the quote finder's match key of a passage and the
  sentences of a paragraph with theirs (:func:`discourse.quotes.python_normalise_key`,
  :func:`discourse.quotes.python_sentence_keys`), for ASCII text;
* ``assemble_rows`` - each post's cue row and n-gram words from its sentences' cues
  (:func:`discourse.stance.cue_columns.assemble_row`).
"""

from __future__ import annotations

from types import ModuleType

compiled: ModuleType | None
try:
    from discourse import _kernels as compiled
except ImportError:  # pragma: no cover - an install without a C compiler
    compiled = None
