/* The strongest cues of each row: the selection in discourse.stance.linear.LinearStance.top_cues
 * (python_top_per_row: drop pushes that are not positive, one stable sort by row then by
 * falling push, the first top_k of each row) as one pass over each row's values.
 *
 * Per row, the kept values are held in falling order of push in a small array; a value enters
 * only when it is larger than the last one kept (or fewer than top_k are kept), and goes
 * after every kept value that is not smaller, so of equal pushes the one stored first comes
 * first, as the stable sort orders them. */
#include "kernels.h"

/* top_per_row(indptr, push, top_k) -> (bytes, bytes)
 *
 * indptr holds n_rows + 1 native int64 row offsets, push one native float64 per stored value.
 * The first bytes hold, as native int64, the positions of the chosen values, row after row,
 * each row's in the order above; the second the number chosen in each row. */
PyObject *top_per_row(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    Py_ssize_t top_k = nargs == 3 ? PyLong_AsSsize_t(args[2]) : -1;
    if (nargs != 3 || !PyBytes_Check(args[0]) || !PyBytes_Check(args[1]) || top_k < 0) {
        if (!PyErr_Occurred() || PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError, "top_per_row(bytes, bytes, int >= 0)");
        }
        return NULL;
    }
    Py_ssize_t n_offsets = PyBytes_GET_SIZE(args[0]) / (Py_ssize_t)sizeof(long long);
    Py_ssize_t n_values = PyBytes_GET_SIZE(args[1]) / (Py_ssize_t)sizeof(double);
    if (n_offsets < 1 || PyBytes_GET_SIZE(args[0]) % sizeof(long long) || PyBytes_GET_SIZE(args[1]) % sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "top_per_row: indptr needs at least one int64, push whole float64s");
        return NULL;
    }
    const long long *indptr = (const long long *)PyBytes_AS_STRING(args[0]);
    const double *push = (const double *)PyBytes_AS_STRING(args[1]);
    Py_ssize_t n_rows = n_offsets - 1;
    if (indptr[0] != 0 || indptr[n_rows] != n_values) {
        PyErr_SetString(PyExc_ValueError, "top_per_row: indptr does not span push");
        return NULL;
    }
    for (Py_ssize_t r = 0; r < n_rows; r++)
        if (indptr[r + 1] < indptr[r]) {
            PyErr_SetString(PyExc_ValueError, "top_per_row: indptr decreases");
            return NULL;
        }
    /* At most top_k a row, and never more than there are values. */
    Py_ssize_t most = top_k && n_rows > n_values / top_k ? n_values : n_rows * top_k;
    PyObject *counts = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)sizeof(long long) * n_rows);
    long long *out = PyMem_Malloc(sizeof(long long) * (size_t)(most ? most : 1));
    long long *kept_at = PyMem_Malloc(sizeof(long long) * (size_t)(top_k ? top_k : 1));
    double *kept = PyMem_Malloc(sizeof(double) * (size_t)(top_k ? top_k : 1));
    if (counts == NULL || out == NULL || kept_at == NULL || kept == NULL) {
        Py_XDECREF(counts);
        PyMem_Free(out);
        PyMem_Free(kept_at);
        PyMem_Free(kept);
        return PyErr_NoMemory();
    }
    long long *per_row = (long long *)PyBytes_AS_STRING(counts);
    Py_ssize_t total = 0;
    for (Py_ssize_t r = 0; r < n_rows; r++) {
        Py_ssize_t count = 0;
        for (long long p = indptr[r]; p < indptr[r + 1] && top_k; p++) {
            double value = push[p];
            if (!(value > 0.0) || (count == top_k && !(value > kept[count - 1])))
                continue;
            Py_ssize_t i = count < top_k ? count++ : top_k - 1;
            while (i > 0 && kept[i - 1] < value) {
                kept[i] = kept[i - 1];
                kept_at[i] = kept_at[i - 1];
                i--;
            }
            kept[i] = value;
            kept_at[i] = p;
        }
        for (Py_ssize_t i = 0; i < count; i++)
            out[total++] = kept_at[i];
        per_row[r] = count;
    }
    PyMem_Free(kept_at);
    PyMem_Free(kept);
    PyObject *chosen = PyBytes_FromStringAndSize((const char *)out, (Py_ssize_t)sizeof(long long) * total);
    PyMem_Free(out);
    PyObject *result = chosen == NULL ? NULL : PyTuple_Pack(2, chosen, counts);
    Py_XDECREF(chosen);
    Py_DECREF(counts);
    return result;
}
