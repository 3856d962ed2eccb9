/* A post's cue row from its sentences' cues: discourse.stance.cue_columns.python_assemble_row
 * for every post of a call, and the n-gram words of discourse.stance.cues. */
#include "kernels.h"

/* Where the derived cues go and how they are computed (cue_columns.ROW_LAYOUT). */
typedef struct {
    Py_ssize_t row_size, n_cues;
    Py_ssize_t n_lean, lean_us[16], lean_ussr[16];
    double lean_weight[16];
    Py_ssize_t n_sentiment, mentions[4], sentiment[4], total[4];
    Py_ssize_t n_verdict, verdict_columns[32];
    Py_ssize_t lean_us_col, lean_ussr_col, final_us_col, final_ussr_col, mentions_us, mentions_ussr,
        verdict, advises, no_side, no_verdict, short_col;
    long short_words;
} Layout;

static int read_index(PyObject *tuple, Py_ssize_t at, Py_ssize_t *out)
{
    *out = PyLong_AsSsize_t(PyTuple_GET_ITEM(tuple, at));
    return *out == -1 && PyErr_Occurred() ? -1 : 0;
}

/* Read the layout tuple; -1 with an exception when it has another shape. */
static int read_layout(PyObject *packed, Layout *layout)
{
    if (!PyTuple_Check(packed) || PyTuple_GET_SIZE(packed) != 17)
        goto shape;
    PyObject *lean = PyTuple_GET_ITEM(packed, 2), *sentiment = PyTuple_GET_ITEM(packed, 3),
             *verdict = PyTuple_GET_ITEM(packed, 4);
    if (!PyTuple_Check(lean) || PyTuple_GET_SIZE(lean) > 16 || !PyTuple_Check(sentiment)
        || PyTuple_GET_SIZE(sentiment) > 4 || !PyTuple_Check(verdict) || PyTuple_GET_SIZE(verdict) > 32)
        goto shape;
    if (read_index(packed, 0, &layout->row_size) < 0 || read_index(packed, 1, &layout->n_cues) < 0)
        return -1;
    layout->n_lean = PyTuple_GET_SIZE(lean);
    for (Py_ssize_t k = 0; k < layout->n_lean; k++) {
        PyObject *item = PyTuple_GET_ITEM(lean, k);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3)
            goto shape;
        if (read_index(item, 0, &layout->lean_us[k]) < 0 || read_index(item, 1, &layout->lean_ussr[k]) < 0)
            return -1;
        layout->lean_weight[k] = PyFloat_AsDouble(PyTuple_GET_ITEM(item, 2));
        if (layout->lean_weight[k] == -1.0 && PyErr_Occurred())
            return -1;
    }
    layout->n_sentiment = PyTuple_GET_SIZE(sentiment);
    for (Py_ssize_t k = 0; k < layout->n_sentiment; k++) {
        PyObject *item = PyTuple_GET_ITEM(sentiment, k);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3)
            goto shape;
        if (read_index(item, 0, &layout->mentions[k]) < 0 || read_index(item, 1, &layout->sentiment[k]) < 0
            || read_index(item, 2, &layout->total[k]) < 0)
            return -1;
    }
    layout->n_verdict = PyTuple_GET_SIZE(verdict);
    for (Py_ssize_t k = 0; k < layout->n_verdict; k++)
        if (read_index(verdict, k, &layout->verdict_columns[k]) < 0)
            return -1;
    Py_ssize_t *slots[] = {&layout->lean_us_col, &layout->lean_ussr_col, &layout->final_us_col,
                           &layout->final_ussr_col, &layout->mentions_us, &layout->mentions_ussr,
                           &layout->verdict, &layout->advises, &layout->no_side, &layout->no_verdict,
                           &layout->short_col};
    for (int k = 0; k < 11; k++)
        if (read_index(packed, 5 + k, slots[k]) < 0)
            return -1;
    layout->short_words = PyLong_AsLong(PyTuple_GET_ITEM(packed, 16));
    if (layout->short_words == -1 && PyErr_Occurred())
        return -1;
    /* Every slot must lie inside the row. */
    Py_ssize_t size = layout->row_size;
    int inside = layout->n_cues <= size;
    for (Py_ssize_t k = 0; k < layout->n_lean; k++)
        inside &= layout->lean_us[k] >= 0 && layout->lean_us[k] < size && layout->lean_ussr[k] >= 0
                  && layout->lean_ussr[k] < size;
    for (Py_ssize_t k = 0; k < layout->n_sentiment; k++)
        inside &= layout->mentions[k] >= 0 && layout->mentions[k] < size && layout->sentiment[k] >= 0
                  && layout->sentiment[k] < size && layout->total[k] >= 0 && layout->total[k] < size;
    for (Py_ssize_t k = 0; k < layout->n_verdict; k++)
        inside &= layout->verdict_columns[k] >= 0 && layout->verdict_columns[k] < size;
    for (int k = 0; k < 11; k++)
        inside &= *slots[k] >= 0 && *slots[k] < size;
    if (inside)
        return 0;
shape:
    PyErr_SetString(PyExc_ValueError, "assemble_rows: the layout is not cue_columns.ROW_LAYOUT's");
    return -1;
}

/* cue_columns._lean: the fixed-weight lean of a row, summed as Python's sum() does; -1 on error. */
static int lean(const Layout *layout, const double *row, double *out)
{
    double terms[16];
    for (Py_ssize_t k = 0; k < layout->n_lean; k++)
        terms[k] = layout->lean_weight[k] * (row[layout->lean_us[k]] - row[layout->lean_ussr[k]]);
    return python_sum(terms, layout->n_lean, out);
}

/* max(value, 0.0) as Python's max() picks it: value unless 0.0 is greater. */
static double at_least_zero(double value)
{
    return 0.0 > value ? 0.0 : value;
}

/* One post's row from its sentences' cues (a list of SentenceCues), into row (row_size zeros). */
static int assemble(const Layout *layout, PyObject *found, double *row)
{
    Py_ssize_t n = PyList_GET_SIZE(found), final_from = n - 2 > 0 ? n - 2 : 0;
    double final_net = 0.0;
    long long words = 0;
    for (Py_ssize_t index = 0; index < n; index++) {
        PyObject *cues = PyList_GET_ITEM(found, index);
        if (!PyTuple_Check(cues) || PyTuple_GET_SIZE(cues) != 7) {
            PyErr_SetString(PyExc_TypeError, "assemble_rows: sentence cues must be SentenceCues");
            return -1;
        }
        PyObject *columns = PyTuple_GET_ITEM(cues, 0), *values = PyTuple_GET_ITEM(cues, 1);
        if (!PyTuple_Check(columns) || !PyTuple_Check(values) || PyTuple_GET_SIZE(columns) != PyTuple_GET_SIZE(values)) {
            PyErr_SetString(PyExc_TypeError, "assemble_rows: columns and values must be tuples of one length");
            return -1;
        }
        int moves = PyObject_IsTrue(PyTuple_GET_ITEM(cues, 6)), conclusion = 0;
        if (moves < 0 || (moves && index < final_from && (conclusion = PyObject_IsTrue(PyTuple_GET_ITEM(cues, 3))) < 0))
            return -1;
        /* Only a sentence that adds to a directional cue can move the lean. */
        int final = moves && (index >= final_from || conclusion);
        double before = 0.0, after;
        if (final && lean(layout, row, &before) < 0)
            return -1;
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(columns); k++) {
            Py_ssize_t column = PyLong_AsSsize_t(PyTuple_GET_ITEM(columns, k));
            double value = PyFloat_AsDouble(PyTuple_GET_ITEM(values, k));
            if (PyErr_Occurred())
                return -1;
            if (column < 0 || column >= layout->row_size) {
                PyErr_SetString(PyExc_IndexError, "assemble_rows: a cue column outside the row");
                return -1;
            }
            row[column] += value;
        }
        if (final) {
            if (lean(layout, row, &after) < 0)
                return -1;
            final_net += after - before;
        }
        long count = PyLong_AsLong(PyTuple_GET_ITEM(cues, 2));
        if (count == -1 && PyErr_Occurred())
            return -1;
        words += count;
    }
    for (Py_ssize_t k = 0; k < layout->n_sentiment; k++) {
        double mentions = row[layout->mentions[k]];
        row[layout->sentiment[k]] = mentions != 0.0 ? row[layout->total[k]] / mentions : 0.0;
    }
    double net, verdict, picked[32];
    if (lean(layout, row, &net) < 0)
        return -1;
    row[layout->lean_us_col] = at_least_zero(net);
    row[layout->lean_ussr_col] = at_least_zero(-net);
    row[layout->final_us_col] = at_least_zero(final_net);
    row[layout->final_ussr_col] = at_least_zero(-final_net);
    for (Py_ssize_t k = 0; k < layout->n_verdict; k++)
        picked[k] = row[layout->verdict_columns[k]];
    if (python_sum(picked, layout->n_verdict, &verdict) < 0)
        return -1;
    row[layout->verdict] = verdict + row[layout->advises];
    int no_side = row[layout->mentions_us] == 0 && row[layout->mentions_ussr] == 0;
    row[layout->no_side] = (double)no_side;
    row[layout->no_verdict] = (double)(row[layout->verdict] == 0 && !no_side);
    row[layout->short_col] = (double)(words < layout->short_words);
    return 0;
}

/* The n-gram words of a post (cues.cue_matrix_with_words): None when a sentence but the last
 * ends in a word character, else the sentences' non-empty words joined by spaces. */
static PyObject *post_words(PyObject *found)
{
    static PyObject *space = NULL;
    if (space == NULL && (space = PyUnicode_InternFromString(" ")) == NULL)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(found);
    for (Py_ssize_t index = 0; index + 1 < n; index++) {
        int ends = PyObject_IsTrue(PyTuple_GET_ITEM(PyList_GET_ITEM(found, index), 5));
        if (ends < 0)
            return NULL;
        if (ends)
            Py_RETURN_NONE;
    }
    PyObject *parts = PyList_New(0);
    if (parts == NULL)
        return NULL;
    for (Py_ssize_t index = 0; index < n; index++) {
        PyObject *words = PyTuple_GET_ITEM(PyList_GET_ITEM(found, index), 4);
        if (!PyUnicode_Check(words)) {
            Py_DECREF(parts);
            PyErr_SetString(PyExc_TypeError, "assemble_rows: n-gram words must be str");
            return NULL;
        }
        if (PyUnicode_GET_LENGTH(words) > 0 && PyList_Append(parts, words) < 0) {
            Py_DECREF(parts);
            return NULL;
        }
    }
    PyObject *joined = PyUnicode_Join(space, parts);
    Py_DECREF(parts);
    return joined;
}

/* assemble_rows(found_per_text, layout) -> (bytearray, list)
 *
 * found_per_text holds, per post, the list of its sentences' SentenceCues. The bytearray holds
 * the posts' cue rows (n_cues float64 values each, row after row), the list each post's n-gram
 * words or None (see post_words). */
PyObject *assemble_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    Layout layout;
    if (nargs != 2 || !PyList_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "assemble_rows(list of lists of SentenceCues, layout)");
        return NULL;
    }
    if (read_layout(args[1], &layout) < 0)
        return NULL;
    PyObject *posts = args[0];
    Py_ssize_t n_posts = PyList_GET_SIZE(posts);
    PyObject *matrix = PyByteArray_FromStringAndSize(NULL, n_posts * layout.n_cues * (Py_ssize_t)sizeof(double));
    PyObject *words = PyList_New(n_posts);
    double *row = PyMem_New(double, layout.row_size);
    if (matrix == NULL || words == NULL || row == NULL) {
        if (row == NULL)
            PyErr_NoMemory();
        goto fail;
    }
    double *out = (double *)PyByteArray_AS_STRING(matrix);
    for (Py_ssize_t p = 0; p < n_posts; p++) {
        PyObject *found = PyList_GET_ITEM(posts, p);
        if (!PyList_Check(found)) {
            PyErr_SetString(PyExc_TypeError, "assemble_rows: each post's cues must be a list");
            goto fail;
        }
        for (Py_ssize_t k = 0; k < layout.row_size; k++)
            row[k] = 0.0;
        if (assemble(&layout, found, row) < 0)
            goto fail;
        memcpy(out + p * layout.n_cues, row, (size_t)layout.n_cues * sizeof(double));
        PyObject *joined = post_words(found);
        if (joined == NULL)
            goto fail;
        PyList_SET_ITEM(words, p, joined);
    }
    PyMem_Free(row);
    PyObject *result = PyTuple_Pack(2, matrix, words);
    Py_DECREF(matrix);
    Py_DECREF(words);
    return result;
fail:
    PyMem_Free(row);
    Py_XDECREF(matrix);
    Py_XDECREF(words);
    return NULL;
}
