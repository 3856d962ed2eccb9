/* The vocabulary id of every white-space token of many documents:
 * discourse.fastpaths.NgramIndex.python_token_ids (str.split() and a dictionary lookup per
 * token, in a Python loop) as one pass over the characters of each document. */
#include "kernels.h"

/* A growable array of int64 values. */
typedef struct {
    long long *items;
    Py_ssize_t size, capacity;
} Values;

static int push(Values *values, long long item)
{
    if (values->size == values->capacity) {
        Py_ssize_t capacity = values->capacity ? 2 * values->capacity : 1024;
        long long *items = PyMem_Realloc(values->items, (size_t)capacity * sizeof(long long));
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        values->items = items;
        values->capacity = capacity;
    }
    values->items[values->size++] = item;
    return 0;
}

/* token_ids(docs, ids) -> (bytes, bytes)
 *
 * docs is a list of str, ids a dict of token -> int. The first bytes hold, as native int64,
 * the id of every token of every document in order (-1 for a token not in ids), the second
 * the number of tokens of each document. A token is a maximal run of characters that are not
 * white space, as str.split() cuts them. */
PyObject *token_ids(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2 || !PyList_Check(args[0]) || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "token_ids(list of str, dict)");
        return NULL;
    }
    PyObject *docs = args[0], *ids = args[1], *result = NULL;
    Py_ssize_t n_docs = PyList_GET_SIZE(docs);
    Values tokens = {NULL, 0, 0}, lengths = {NULL, 0, 0};
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        PyObject *doc = PyList_GET_ITEM(docs, d);
        if (!PyUnicode_Check(doc)) {
            PyErr_SetString(PyExc_TypeError, "token_ids: documents must be str");
            goto done;
        }
        Py_ssize_t n = PyUnicode_GET_LENGTH(doc), i = 0, count = 0;
        int kind = PyUnicode_KIND(doc);
        const void *data = PyUnicode_DATA(doc);
        while (i < n) {
            while (i < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
                i++;
            if (i == n)
                break;
            Py_ssize_t j = i;
            while (j < n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j)))
                j++;
            PyObject *token = PyUnicode_Substring(doc, i, j);
            if (token == NULL)
                goto done;
            PyObject *id = PyDict_GetItemWithError(ids, token);
            Py_DECREF(token);
            long long value = -1;
            if (id != NULL) {
                value = PyLong_AsLongLong(id);
                if (value == -1 && PyErr_Occurred())
                    goto done;
            }
            else if (PyErr_Occurred())
                goto done;
            if (push(&tokens, value) < 0)
                goto done;
            count++;
            i = j;
        }
        if (push(&lengths, count) < 0)
            goto done;
    }
    PyObject *raw_tokens = PyBytes_FromStringAndSize((const char *)tokens.items,
                                                     tokens.size * (Py_ssize_t)sizeof(long long));
    PyObject *raw_lengths = PyBytes_FromStringAndSize((const char *)lengths.items,
                                                      lengths.size * (Py_ssize_t)sizeof(long long));
    if (raw_tokens != NULL && raw_lengths != NULL)
        result = PyTuple_Pack(2, raw_tokens, raw_lengths);
    Py_XDECREF(raw_tokens);
    Py_XDECREF(raw_lengths);
done:
    PyMem_Free(tokens.items);
    PyMem_Free(lengths.items);
    return result;
}
