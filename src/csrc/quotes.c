/* The quote finder's sentence keys: discourse.quotes.python_sentence_keys (finditer of
 * _SENTENCE_RE, normalise_key of each sentence) and discourse.quotes.normalise_key, for ASCII
 * text, as passes over the characters.
 *
 * On ASCII text normalise_key is " ".join(text.lower().split()).strip(_KEY_EDGES): runs of
 * white space (str.split()'s: space, \t \n \v \f \r and \x1c-\x1f) become one space, capitals
 * become small letters, and the edge characters are trimmed from both ends.
 *
 * _SENTENCE_RE is  [^\s](?:[^\n.!?]+|[.!?]+(?=[^\s.!?'"’”)\]]))*(?:[.!?]+['"’”)\]]*)?
 * Its repetition never gives back what it took: a run of [^\n.!?] is followed by \n, one of
 * .!? or the end, which the run cannot take; a run of .!? that fails its look-ahead fails it at
 * every shorter length too, since what follows a shorter run is one of .!?. And the optional
 * tail is the end of the pattern, so the first way through is the greedy one. A forward pass
 * that takes each step greedily therefore finds re's matches; finditer starts the next search
 * at the end of the last match, and no match is empty. */
#include "kernels.h"

/* str.split()'s white space (Python's tables, which on ASCII hold \t-\r, \x1c-\x1f and space). */
static int is_space(Py_UCS1 c) { return Py_UNICODE_ISSPACE(c); }
static int is_stop(Py_UCS1 c) { return c == '.' || c == '!' || c == '?'; }
static int is_closer(Py_UCS1 c) { return c == '\'' || c == '"' || c == ')' || c == ']'; }
/* _KEY_EDGES on ASCII: " \t\n-*>" and the two ASCII quotation marks. */
static int is_edge(Py_UCS1 c) { return c == ' ' || c == '\t' || c == '\n' || c == '-' || c == '*' || c == '>' || c == '"' || c == '\''; }

/* The key of src[0:n] (ASCII) as a new str. */
static PyObject *key_of(const Py_UCS1 *src, Py_ssize_t n)
{
    char stack[512];
    char *buffer = n <= (Py_ssize_t)sizeof(stack) ? stack : PyMem_Malloc((size_t)n);
    if (buffer == NULL)
        return PyErr_NoMemory();
    Py_ssize_t length = 0, i = 0;
    while (i < n) {
        while (i < n && is_space(src[i]))
            i++;
        if (i == n)
            break;
        if (length)
            buffer[length++] = ' ';
        while (i < n && !is_space(src[i])) {
            Py_UCS1 c = src[i++];
            buffer[length++] = (char)ascii_lower(c);
        }
    }
    Py_ssize_t start = 0;
    while (start < length && is_edge((Py_UCS1)buffer[start]))
        start++;
    while (length > start && is_edge((Py_UCS1)buffer[length - 1]))
        length--;
    PyObject *out = PyUnicode_FromStringAndSize(buffer + start, length - start);
    if (buffer != stack)
        PyMem_Free(buffer);
    return out;
}

/* match_key(text) -> str or None: normalise_key(text) for ASCII text, None for any other. */
PyObject *match_key(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 1 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "match_key(str)");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(args[0]))
        Py_RETURN_NONE;
    return key_of(PyUnicode_1BYTE_DATA(args[0]), PyUnicode_GET_LENGTH(args[0]));
}

/* sentence_keys(text) -> list of (start, end, key) or None: see
 * discourse.quotes.python_sentence_keys; None for text that is not ASCII. */
PyObject *sentence_keys(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 1 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "sentence_keys(str)");
        return NULL;
    }
    PyObject *text = args[0];
    if (!PyUnicode_IS_ASCII(text))
        Py_RETURN_NONE;
    const Py_UCS1 *c = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), pos = 0;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (;;) {
        while (pos < n && is_space(c[pos]))
            pos++;
        if (pos == n)
            break;
        Py_ssize_t start = pos, j = pos + 1;
        for (;;) {
            if (j < n && c[j] != '\n' && !is_stop(c[j])) { /* [^\n.!?]+ */
                while (j < n && c[j] != '\n' && !is_stop(c[j]))
                    j++;
                continue;
            }
            if (j < n && is_stop(c[j])) { /* [.!?]+(?=[^\s.!?'")\]]) */
                Py_ssize_t k = j;
                while (k < n && is_stop(c[k]))
                    k++;
                if (k < n && !is_space(c[k]) && !is_stop(c[k]) && !is_closer(c[k])) {
                    j = k;
                    continue;
                }
            }
            break;
        }
        if (j < n && is_stop(c[j])) { /* (?:[.!?]+['")\]]*)? */
            while (j < n && is_stop(c[j]))
                j++;
            while (j < n && is_closer(c[j]))
                j++;
        }
        PyObject *key = key_of(c + start, j - start);
        PyObject *item = key == NULL ? NULL : Py_BuildValue("(nnN)", start, j, key);
        if (item == NULL || PyList_Append(out, item) < 0) {
            Py_XDECREF(item);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(item);
        pos = j;
    }
    return out;
}
