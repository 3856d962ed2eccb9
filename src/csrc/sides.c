/* The side tagging of a batch of texts: discourse.sides.python_tag_batch (cut the texts joined
 * by NULs at their mentions, put each mention's placeholder in its place, and note the sides
 * each text names) as one pass over the mentions. */
#include "kernels.h"

/* tag_batch(texts, mentions, tags, side_sets) -> list of (tagged text, sides)
 *
 * texts is a list of str joined by single NULs in the scan; mentions a list of (start, end,
 * side) in that joined text, side 0 or 1, in order and each inside one text; tags the two
 * placeholders (with their spaces) by side; side_sets four frozensets by the mask of the sides
 * a text names (bit 0 side 0, bit 1 side 1). A text without mentions is returned itself. */
PyObject *tag_batch(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 4 || !PyList_Check(args[0]) || !PyList_Check(args[1]) || !PyTuple_Check(args[2])
        || PyTuple_GET_SIZE(args[2]) != 2 || !PyTuple_Check(args[3]) || PyTuple_GET_SIZE(args[3]) != 4) {
        PyErr_SetString(PyExc_TypeError, "tag_batch(list, list, 2-tuple, 4-tuple)");
        return NULL;
    }
    PyObject *texts = args[0], *mentions = args[1], *tags = args[2], *side_sets = args[3];
    Py_ssize_t n_texts = PyList_GET_SIZE(texts), n_mentions = PyList_GET_SIZE(mentions), m = 0;
    PyObject *out = PyList_New(n_texts), *empty = PyUnicode_New(0, 0);
    if (out == NULL || empty == NULL)
        goto fail;
    Py_ssize_t offset = 0; /* where the current text starts in the joined text */
    for (Py_ssize_t t = 0; t < n_texts; t++) {
        PyObject *text = PyList_GET_ITEM(texts, t);
        if (!PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "tag_batch: texts must be str");
            goto fail;
        }
        Py_ssize_t length = PyUnicode_GET_LENGTH(text), end = offset + length, cursor = 0;
        int mask = 0;
        PyObject *pieces = NULL, *tagged = text;
        while (m < n_mentions) {
            PyObject *mention = PyList_GET_ITEM(mentions, m);
            if (!PyTuple_Check(mention) || PyTuple_GET_SIZE(mention) != 3) {
                PyErr_SetString(PyExc_TypeError, "tag_batch: mentions must be (int, int, bool)");
                Py_XDECREF(pieces);
                goto fail;
            }
            Py_ssize_t start = PyLong_AsSsize_t(PyTuple_GET_ITEM(mention, 0));
            Py_ssize_t stop = PyLong_AsSsize_t(PyTuple_GET_ITEM(mention, 1));
            int side = PyObject_IsTrue(PyTuple_GET_ITEM(mention, 2));
            if ((start == -1 || stop == -1 || side < 0) && PyErr_Occurred()) {
                Py_XDECREF(pieces);
                goto fail;
            }
            if (start >= end)
                break;
            if (start < offset + cursor || stop > end) {
                PyErr_SetString(PyExc_ValueError, "tag_batch: mentions out of order or across texts");
                Py_XDECREF(pieces);
                goto fail;
            }
            if (pieces == NULL && (pieces = PyList_New(0)) == NULL)
                goto fail;
            PyObject *before = PyUnicode_Substring(text, cursor, start - offset);
            if (before == NULL || PyList_Append(pieces, before) < 0
                || PyList_Append(pieces, PyTuple_GET_ITEM(tags, side)) < 0) {
                Py_XDECREF(before);
                Py_DECREF(pieces);
                goto fail;
            }
            Py_DECREF(before);
            mask |= side ? 2 : 1;
            cursor = stop - offset;
            m++;
        }
        if (pieces != NULL) {
            PyObject *rest = PyUnicode_Substring(text, cursor, length);
            if (rest == NULL || PyList_Append(pieces, rest) < 0) {
                Py_XDECREF(rest);
                Py_DECREF(pieces);
                goto fail;
            }
            Py_DECREF(rest);
            tagged = PyUnicode_Join(empty, pieces);
            Py_DECREF(pieces);
            if (tagged == NULL)
                goto fail;
        } else {
            Py_INCREF(tagged);
        }
        PyObject *item = PyTuple_Pack(2, tagged, PyTuple_GET_ITEM(side_sets, mask));
        Py_DECREF(tagged);
        if (item == NULL)
            goto fail;
        PyList_SET_ITEM(out, t, item);
        offset = end + 1;
    }
    if (m != n_mentions) {
        PyErr_SetString(PyExc_ValueError, "tag_batch: a mention lies beyond the texts");
        goto fail;
    }
    Py_DECREF(empty);
    return out;
fail:
    Py_XDECREF(out);
    Py_XDECREF(empty);
    return NULL;
}
