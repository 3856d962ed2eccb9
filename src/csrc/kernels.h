/* The compiled kernels of discourse: one entry point per kernel, gathered by module.c into the
 * extension module discourse._kernels. Each kernel lives in its own file with its own
 * interned strings, made by its init function when the module is imported. */
#ifndef DISCOURSE_KERNELS_H
#define DISCOURSE_KERNELS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* module.c: sum(values) as Python's sum() of a list of those floats computes it; -1 on error. */
int python_sum(const double *values, Py_ssize_t count, double *out);

/* A word character as re's \w takes it in a str pattern: alphanumeric (str.isalnum()) or "_".
 * ASCII is decided here; Py_UNICODE_ISALNUM asks up to four tables per character. */
static inline int is_word_char(Py_UCS4 c)
{
    if (c < 128)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    return Py_UNICODE_ISALNUM(c);
}

/* An ASCII character lower-cased (A-Z only; str.lower() of an ASCII character). */
static inline Py_UCS1 ascii_lower(Py_UCS1 c) { return c >= 'A' && c <= 'Z' ? (Py_UCS1)(c + ('a' - 'A')) : c; }

/* module.c: word.lower() as a new reference (the word itself when it has nothing to lower). */
PyObject *lower_case(PyObject *word);

/* vader.c: VADER's compound score (discourse.fastpaths). */
int vader_init(void);
PyObject *compound_pair(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* split.c: the sentence splitter's rule for one line (discourse.text). */
PyObject *split_line(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* negation.c: NLTK's negation scope (discourse.fastpaths). */
int negation_init(void);
PyObject *negation_flags(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* near_sides.c: the valence of the words near each side's name (discourse.stance.sentence_cues). */
PyObject *near_sides(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* tokens.c: the vocabulary id of every white-space token of many documents (discourse.fastpaths). */
PyObject *token_ids(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* tokenize.c: word, abbreviation, emoticon and punctuation tokens of a text (discourse.text). */
PyObject *tokenize(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* words.c: a sentence's n-gram words (discourse.stance.sentence_cues) and the debate lexicon's
 * words in a sentence (discourse.sentiment_label). */
PyObject *ngram_words(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *runs_in(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* quotes.c: the quote finder's match keys and sentence keys (discourse.quotes). */
PyObject *match_key(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *sentence_keys(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* sides.c: the side tagging of a batch of texts (discourse.sides). */
PyObject *tag_batch(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* top.c: the strongest cues of each row (discourse.stance.linear). */
PyObject *top_per_row(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* rows.c: each post's cue row and n-gram words from its sentences' cues (discourse.stance.cues). */
PyObject *assemble_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

#endif
