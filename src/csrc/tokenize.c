/* Word, abbreviation, emoticon and punctuation tokens of a text: discourse.text.python_tokenize
 * (findall of the pattern _TOKEN) as one pass over the characters.
 *
 * The pattern's four alternatives are tried in order at each position, as re tries them, and
 * each of them can match in one way only (python_tokenize's docstring says why), so
 * a forward pass that takes, at each position, the first alternative that matches finds the
 * same tokens. Word characters are those re's \w takes in a str pattern (alphanumeric or "_"),
 * white space what its \s takes. */
#include "kernels.h"

static int is_letter(Py_UCS4 c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static int is_mouth(Py_UCS4 c) { return c == '(' || c == ')' || c == 'D' || c == 'P' || c == 'p'; }

/* The end of the token that starts at i, or i when none does (white space). */
static Py_ssize_t token_end(int kind, const void *data, Py_ssize_t n, Py_ssize_t i)
{
#define AT(k) PyUnicode_READ(kind, data, (k))
    Py_UCS4 c = AT(i);
    /* (?:[A-Za-z]\.){2,}[A-Za-z]? : "U.S.A." */
    Py_ssize_t j = i, pairs = 0;
    while (j + 1 < n && is_letter(AT(j)) && AT(j + 1) == '.') {
        j += 2;
        pairs++;
    }
    if (pairs >= 2)
        return j < n && is_letter(AT(j)) ? j + 1 : j;
    /* \w+(?:['-]\w+)* : "didn't", "anti-Soviet" */
    if (is_word_char(c)) {
        j = i + 1;
        for (;;) {
            while (j < n && is_word_char(AT(j)))
                j++;
            if (j + 1 < n && (AT(j) == '\'' || AT(j) == '-') && is_word_char(AT(j + 1)))
                j += 2;
            else
                return j;
        }
    }
    /* [:;=][-']?[()DPp]+ : ":-)", ":D" */
    if (c == ':' || c == ';' || c == '=') {
        j = i + 1;
        if (j < n && (AT(j) == '-' || AT(j) == '\''))
            j++;
        if (j < n && is_mouth(AT(j))) {
            while (j < n && is_mouth(AT(j)))
                j++;
            return j;
        }
    }
    /* [^\w\s] : any other character but white space */
    return Py_UNICODE_ISSPACE(c) ? i : i + 1;
#undef AT
}

/* tokenize(text, lower) -> list of str: see discourse.text.python_tokenize. */
PyObject *tokenize(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "tokenize(str, bool)");
        return NULL;
    }
    PyObject *text = args[0];
    int lower = PyObject_IsTrue(args[1]);
    if (lower < 0)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0;
    int kind = PyUnicode_KIND(text), ascii = PyUnicode_IS_ASCII(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    while (i < n) {
        Py_ssize_t end = token_end(kind, data, n, i);
        if (end == i) {
            i++;
            continue;
        }
        PyObject *token;
        if (lower && ascii && end - i == 1) {
            /* One character: Python's shared string of it. */
            Py_UCS1 c = PyUnicode_1BYTE_DATA(text)[i];
            if ((token = PyUnicode_FromOrdinal(ascii_lower(c))) == NULL)
                goto fail;
        } else if (lower && ascii) {
            /* Lower-cased while copied: one new string, no second one from str.lower(). */
            token = PyUnicode_New(end - i, 127);
            if (token == NULL)
                goto fail;
            const Py_UCS1 *src = PyUnicode_1BYTE_DATA(text) + i;
            Py_UCS1 *dst = PyUnicode_1BYTE_DATA(token);
            for (Py_ssize_t k = 0; k < end - i; k++)
                dst[k] = ascii_lower(src[k]);
        } else if ((token = PyUnicode_Substring(text, i, end)) == NULL) {
            goto fail;
        } else if (lower) {
            PyObject *low = lower_case(token);
            Py_DECREF(token);
            if (low == NULL)
                goto fail;
            token = low;
        }
        int failed = PyList_Append(out, token);
        Py_DECREF(token);
        if (failed)
            goto fail;
        i = end;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}
