/* NLTK's negation scope per token: discourse.fastpaths.python_negation_flags, from the word
 * lists that discourse.fastpaths reads out of NLTK's two patterns. */
#include "kernels.h"

static PyObject *str_nt;

int negation_init(void)
{
    return (str_nt = PyUnicode_InternFromString("n't")) ? 0 : -1;
}

/* Whether token, or token without one final line break, is in the set (a pattern ^(?:a|b)$
 * also matches before a final line break): 1, 0, or -1 on error. */
static int is_listed(PyObject *token, PyObject *set)
{
    int found = PySet_Contains(set, token);
    Py_ssize_t n = PyUnicode_GET_LENGTH(token);
    if (found != 0 || n == 0 || PyUnicode_READ_CHAR(token, n - 1) != '\n')
        return found;
    PyObject *bare = PyUnicode_Substring(token, 0, n - 1);
    if (bare == NULL)
        return -1;
    found = PySet_Contains(set, bare);
    Py_DECREF(bare);
    return found;
}

/* negation_flags(tokens, negations, closers) -> list of bool: see discourse.fastpaths.
 *
 * A token opens (or, a second time, closes) a scope when it is one of negations or holds
 * "n't"; a token in closers ends the scope; every other token inside a scope is flagged. */
PyObject *negation_flags(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 3 || !PyList_Check(args[0]) || !PyAnySet_Check(args[1]) || !PyAnySet_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "negation_flags(list of str, set, set)");
        return NULL;
    }
    PyObject *tokens = args[0], *negations = args[1], *closers = args[2];
    Py_ssize_t n = PyList_GET_SIZE(tokens);
    PyObject *flags = PyList_New(n);
    if (flags == NULL)
        return NULL;
    int in_scope = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        if (!PyUnicode_Check(token)) {
            PyErr_SetString(PyExc_TypeError, "negation_flags: tokens must be str");
            goto fail;
        }
        int flag = 0, opens = is_listed(token, negations);
        if (opens == 0) {
            Py_ssize_t at = PyUnicode_Find(token, str_nt, 0, PY_SSIZE_T_MAX, 1);
            opens = at == -2 ? -1 : at >= 0;
        }
        if (opens < 0)
            goto fail;
        if (opens)
            in_scope = !in_scope; /* with double_neg_flip every negation word toggles */
        else if (in_scope) {
            int closes = is_listed(token, closers);
            if (closes < 0)
                goto fail;
            if (closes)
                in_scope = 0;
            else
                flag = 1;
        }
        PyList_SET_ITEM(flags, i, Py_NewRef(flag ? Py_True : Py_False));
    }
    return flags;
fail:
    Py_DECREF(flags);
    return NULL;
}
