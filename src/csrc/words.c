/* The n-gram words of a sentence: discourse.stance.sentence_cues.python_ngram_words (findall
 * of (?<![^ ])\w[^ ]* joined by single spaces) as one pass over the characters.
 *
 * The pattern takes every piece of the text between single spaces whose first character is a
 * word character (alphanumeric or "_", re's \w in a str pattern), whole up to the next space:
 * a match can start only at the text's start or after a space, and [^ ]* then runs to the next
 * space. So the result is the text cut at every space, the pieces that open with a word
 * character kept, joined by one space. */
#include "kernels.h"

/* ngram_words(text) -> str: see discourse.stance.sentence_cues.python_ngram_words. */
PyObject *ngram_words(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 1 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "ngram_words(str)");
        return NULL;
    }
    PyObject *text = args[0];
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (PyUnicode_IS_ASCII(text)) {
        /* The kept pieces, copied in place: the result is never longer than the text. */
        const Py_UCS1 *src = PyUnicode_1BYTE_DATA(text);
        char stack[512];
        char *buffer = n <= (Py_ssize_t)sizeof(stack) ? stack : PyMem_Malloc((size_t)n);
        if (buffer == NULL)
            return PyErr_NoMemory();
        Py_ssize_t length = 0, i = 0;
        while (i <= n) {
            Py_ssize_t j = i;
            while (j < n && src[j] != ' ')
                j++;
            if (j > i && is_word_char(src[i])) {
                if (length)
                    buffer[length++] = ' ';
                memcpy(buffer + length, src + i, (size_t)(j - i));
                length += j - i;
            }
            i = j + 1;
        }
        PyObject *out = PyUnicode_FromStringAndSize(buffer, length);
        if (buffer != stack)
            PyMem_Free(buffer);
        return out;
    }
    /* Other texts: the kept pieces as substrings, joined (the result's width is theirs). */
    PyObject *pieces = PyList_New(0), *out = NULL;
    if (pieces == NULL)
        return NULL;
    Py_ssize_t i = 0;
    while (i <= n) {
        Py_ssize_t j = i;
        while (j < n && PyUnicode_READ(kind, data, j) != ' ')
            j++;
        if (j > i && is_word_char(PyUnicode_READ(kind, data, i))) {
            PyObject *piece = PyUnicode_Substring(text, i, j);
            if (piece == NULL || PyList_Append(pieces, piece) < 0) {
                Py_XDECREF(piece);
                goto done;
            }
            Py_DECREF(piece);
        }
        i = j + 1;
    }
    {
        PyObject *space = PyUnicode_FromString(" ");
        if (space != NULL) {
            out = PyUnicode_Join(space, pieces);
            Py_DECREF(space);
        }
    }
done:
    Py_DECREF(pieces);
    return out;
}

/* A character of the debate lexicon's word runs: [a-z0-9'-]. */
static int is_lexicon_char(Py_UCS4 c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c == '-';
}

/* runs_in(text, vocabulary) -> set: see discourse.sentiment_label.python_cue_words.
 *
 * The maximal runs of [a-z0-9'-] in text (what findall of [a-z0-9'-]+ gives, in any text:
 * the class is ASCII, so any other character ends a run) that are members of vocabulary. */
PyObject *runs_in(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyAnySet_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "runs_in(str, set or frozenset)");
        return NULL;
    }
    PyObject *text = args[0], *vocabulary = args[1];
    PyObject *found = PySet_New(NULL);
    if (found == NULL)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    while (i < n) {
        if (!is_lexicon_char(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < n && is_lexicon_char(PyUnicode_READ(kind, data, j)))
            j++;
        PyObject *run = PyUnicode_Substring(text, i, j);
        if (run == NULL)
            goto fail;
        int member = PySet_Contains(vocabulary, run);
        if (member > 0 && PySet_Add(found, run) < 0)
            member = -1;
        Py_DECREF(run);
        if (member < 0)
            goto fail;
        i = j;
    }
    return found;
fail:
    Py_DECREF(found);
    return NULL;
}
