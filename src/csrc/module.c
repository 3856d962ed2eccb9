/* The extension module discourse._kernels: hot loops of discourse in C, each giving exactly
 * what the Python code it replaces gives.
 *
 *   compound_pair   VADER's compound score (vader.c; discourse.fastpaths)
 *   split_line      the sentence splitter's rule for one line (split.c; discourse.text)
 *   negation_flags  NLTK's negation scope per token (negation.c; discourse.fastpaths)
 *   near_sides      the valence of the words near each side's name (near_sides.c;
 *                   discourse.stance.sentence_cues)
 *   token_ids       the vocabulary id of every white-space token of many documents (tokens.c;
 *                   discourse.fastpaths, the n-gram features)
 *   assemble_rows   each post's cue row and n-gram words from its sentences' cues (rows.c;
 *                   discourse.stance.cues)
 *   tokenize        the tokens of a text (tokenize.c; discourse.text)
 *   ngram_words     a sentence's words as the n-gram features read them (words.c;
 *                   discourse.stance.sentence_cues)
 *   runs_in         the debate lexicon's words in a sentence (words.c;
 *                   discourse.sentiment_label)
 *   top_per_row     the strongest pushes of each feature row (top.c; discourse.stance.linear)
 *   tag_batch       the side tagging of a batch of texts (sides.c; discourse.sides)
 *   match_key       the quote finder's match key of an ASCII passage (quotes.c; discourse.quotes)
 *   sentence_keys   the sentences of an ASCII paragraph with their match keys (quotes.c;
 *                   discourse.quotes)
 *
 * tests/test_kernels.py compares each with its Python reference. The module is optional: when
 * it is not built, the Python code runs. */
#include "kernels.h"

static PyObject *fn_sum;    /* the builtin sum() */
static PyObject *str_lower; /* "lower" */

/* word.lower() as a new reference: the word itself when it is ASCII without capitals, as most
 * words and tokens are (str.lower() would copy it). */
PyObject *lower_case(PyObject *word)
{
    if (PyUnicode_IS_ASCII(word)) {
        const Py_UCS1 *data = PyUnicode_1BYTE_DATA(word);
        Py_ssize_t n = PyUnicode_GET_LENGTH(word), i = 0;
        while (i < n && !(data[i] >= 'A' && data[i] <= 'Z'))
            i++;
        if (i == n)
            return Py_NewRef(word);
    }
    return PyObject_CallMethodNoArgs(word, str_lower);
}

/* sum(values) as Python's sum() of a list of those floats computes it; -1 on error. */
int python_sum(const double *values, Py_ssize_t count, double *out)
{
#if PY_VERSION_HEX < 0x030C0000
    /* Python 3.11 adds floats one after the other, from 0.0. */
    double total = 0.0;
    for (Py_ssize_t k = 0; k < count; k++)
        total += values[k];
    *out = total;
    return 0;
#else
    /* Later versions compensate the rounding: leave it to sum() itself. */
    PyObject *list = PyList_New(count);
    if (list == NULL)
        return -1;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *item = PyFloat_FromDouble(values[k]);
        if (item == NULL) {
            Py_DECREF(list);
            return -1;
        }
        PyList_SET_ITEM(list, k, item);
    }
    PyObject *summed = PyObject_CallOneArg(fn_sum, list);
    Py_DECREF(list);
    if (summed == NULL)
        return -1;
    *out = PyFloat_AsDouble(summed);
    Py_DECREF(summed);
    return *out == -1.0 && PyErr_Occurred() ? -1 : 0;
#endif
}

static PyMethodDef methods[] = {
    {"compound_pair", (PyCFunction)(void (*)(void))compound_pair, METH_FASTCALL,
     "(compound under lexicon, compound under second) of a text: see discourse.fastpaths."},
    {"split_line", (PyCFunction)(void (*)(void))split_line, METH_FASTCALL,
     "The sentences of one normalised line: see discourse.text."},
    {"negation_flags", (PyCFunction)(void (*)(void))negation_flags, METH_FASTCALL,
     "Per token, whether it lies in a negation's scope: see discourse.fastpaths."},
    {"near_sides", (PyCFunction)(void (*)(void))near_sides, METH_FASTCALL,
     "Valence of the words near each side's name: see discourse.stance.sentence_cues."},
    {"token_ids", (PyCFunction)(void (*)(void))token_ids, METH_FASTCALL,
     "Vocabulary ids of the white-space tokens of documents: see discourse.fastpaths."},
    {"assemble_rows", (PyCFunction)(void (*)(void))assemble_rows, METH_FASTCALL,
     "Each post's cue row and n-gram words: see discourse.stance.cues."},
    {"tokenize", (PyCFunction)(void (*)(void))tokenize, METH_FASTCALL,
     "The tokens of a text: see discourse.text."},
    {"ngram_words", (PyCFunction)(void (*)(void))ngram_words, METH_FASTCALL,
     "A sentence's n-gram words: see discourse.stance.sentence_cues."},
    {"top_per_row", (PyCFunction)(void (*)(void))top_per_row, METH_FASTCALL,
     "The top_k positive pushes of each row, strongest first: see discourse.stance.linear."},
    {"tag_batch", (PyCFunction)(void (*)(void))tag_batch, METH_FASTCALL,
     "Each text of a scanned batch tagged at its mentions, with its sides: see discourse.sides."},
    {"match_key", (PyCFunction)(void (*)(void))match_key, METH_FASTCALL,
     "normalise_key of an ASCII text, None for another: see discourse.quotes."},
    {"sentence_keys", (PyCFunction)(void (*)(void))sentence_keys, METH_FASTCALL,
     "(start, end, key) of each sentence of an ASCII text, None for another: see discourse.quotes."},
    {"runs_in", (PyCFunction)(void (*)(void))runs_in, METH_FASTCALL,
     "The runs of [a-z0-9'-] of a text that a set holds: see discourse.sentiment_label."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "discourse._kernels",
                                    "Per-sentence loops of discourse in C (see discourse.kernels).", -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__kernels(void)
{
    PyObject *builtins = PyEval_GetBuiltins(); /* borrowed */
    if (builtins == NULL || (fn_sum = PyDict_GetItemString(builtins, "sum")) == NULL)
        return NULL;
    Py_INCREF(fn_sum);
    if ((str_lower = PyUnicode_InternFromString("lower")) == NULL || vader_init() < 0 || negation_init() < 0)
        return NULL;
    return PyModule_Create(&module);
}
