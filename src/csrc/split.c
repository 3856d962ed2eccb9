/* The sentence splitter's rule for one line: discourse.text.python_split_line (a regular
 * expression and a loop) as one pass over the characters. */
#include "kernels.h"


static int is_end(Py_UCS4 c) { return c == '.' || c == '!' || c == '?'; }
static int is_closer(Py_UCS4 c) { return c == '"' || c == '\'' || c == ')' || c == ']'; }
static int is_opener(Py_UCS4 c) { return c == '"' || c == '\'' || c == '(' || c == '['; }
static int is_start(Py_UCS4 c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/* Append line[lo:hi] stripped of white space to out, unless nothing is left; -1 on error. */
static int append_piece(PyObject *out, PyObject *line, int kind, const void *data, Py_ssize_t lo, Py_ssize_t hi)
{
    while (lo < hi && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, lo)))
        lo++;
    while (hi > lo && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, hi - 1)))
        hi--;
    if (lo == hi)
        return 0;
    PyObject *piece = PyUnicode_Substring(line, lo, hi);
    if (piece == NULL)
        return -1;
    int failed = PyList_Append(out, piece);
    Py_DECREF(piece);
    return failed;
}

/* Whether the full stop at line[end] follows an abbreviation or an initial: the run of word
 * characters and dots that ends there (not reaching before start), lower-cased, without its
 * final dots, is in abbreviations or is one letter. 1, 0, or -1 on error. */
static int after_abbreviation(PyObject *line, int kind, const void *data, Py_ssize_t start, Py_ssize_t end,
                              PyObject *abbreviations)
{
    Py_ssize_t i = end;
    while (i > start) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i - 1);
        if (!(c == '.' || is_word_char(c)))
            break;
        i--;
    }
    PyObject *word = PyUnicode_Substring(line, i, end);
    if (word == NULL)
        return -1;
    PyObject *low = lower_case(word);
    Py_DECREF(word);
    if (low == NULL)
        return -1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(low);
    int low_kind = PyUnicode_KIND(low);
    const void *low_data = PyUnicode_DATA(low);
    while (n > 0 && PyUnicode_READ(low_kind, low_data, n - 1) == '.')
        n--;
    PyObject *bare = PyUnicode_Substring(low, 0, n);
    int found = bare == NULL ? -1 : PySet_Contains(abbreviations, bare);
    Py_XDECREF(bare);
    if (found == 0 && n == 1)
        found = Py_UNICODE_ISALPHA(PyUnicode_READ(low_kind, low_data, 0)) != 0;
    Py_DECREF(low);
    return found;
}

/* split_line(line, abbreviations) -> list of str: see discourse.text.python_split_line.
 *
 * A boundary is a run of .!? (the whole run), then closing quotes or brackets, then white space,
 * before an optional opening quote or bracket and a capital or digit. The regular expression
 * there can only match such a run from its first character and with every character of each
 * part, so one forward pass finds the same boundaries in the same order. A lone full stop
 * after an abbreviation or an initial is no boundary. */
PyObject *split_line(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyAnySet_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "split_line(str, set)");
        return NULL;
    }
    PyObject *line = args[0], *abbreviations = args[1];
    Py_ssize_t n = PyUnicode_GET_LENGTH(line), pos = 0, start = 0;
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    while (pos < n) {
        while (pos < n && !is_end(PyUnicode_READ(kind, data, pos)))
            pos++;
        if (pos == n)
            break;
        Py_ssize_t run = pos, closers, spaces, next;
        for (closers = run; closers < n && is_end(PyUnicode_READ(kind, data, closers)); closers++)
            ;
        for (spaces = closers; spaces < n && is_closer(PyUnicode_READ(kind, data, spaces)); spaces++)
            ;
        for (next = spaces; next < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, next)); next++)
            ;
        Py_ssize_t head = next < n && is_opener(PyUnicode_READ(kind, data, next)) ? next + 1 : next;
        if (next == spaces || head >= n || !is_start(PyUnicode_READ(kind, data, head))) {
            pos = closers; /* no boundary at this run */
            continue;
        }
        pos = next; /* the search goes on after the boundary, as finditer's does */
        if (closers - run == 1 && PyUnicode_READ(kind, data, run) == '.') {
            int skip = after_abbreviation(line, kind, data, start, run, abbreviations);
            if (skip < 0)
                goto fail;
            if (skip)
                continue; /* "U.S. Army", "Gen. Ayub", an initial like "A. Khan" */
        }
        if (append_piece(out, line, kind, data, start, spaces) < 0)
            goto fail;
        start = next;
    }
    if (append_piece(out, line, kind, data, start, n) < 0)
        goto fail;
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}
