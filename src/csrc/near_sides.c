/* The valence of the words near each side's name in a sentence:
 * discourse.stance.sentence_cues.python_evaluate_near_sides. */
#include "kernels.h"

/* near_sides(tokens, negated, lexicon, stops, side_of, sides, window) -> dict side -> float:
 * see discourse.stance.sentence_cues.python_evaluate_near_sides.
 *
 * Each token with a non-zero value in lexicon is credited, a quarter of its value (negated
 * under negation), to the nearest side placeholder within window tokens with no token of stops
 * between the two; of two equally near, the earlier. The dict holds every side of sides, in
 * that order, 0.0 for a side without credit. */
PyObject *near_sides(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 7 || !PyList_Check(args[0]) || !PyList_Check(args[1]) || !PyDict_Check(args[2])
        || !PyAnySet_Check(args[3]) || !PyDict_Check(args[4]) || !PyTuple_Check(args[5])) {
        PyErr_SetString(PyExc_TypeError, "near_sides(list, list, dict, set, dict, tuple, int)");
        return NULL;
    }
    PyObject *tokens = args[0], *negated = args[1], *lexicon = args[2], *stops = args[3],
             *side_of = args[4], *sides = args[5];
    Py_ssize_t window = PyLong_AsSsize_t(args[6]);
    if (window == -1 && PyErr_Occurred())
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(tokens), n_sides = PyTuple_GET_SIZE(sides);
    if (PyList_GET_SIZE(negated) != n) {
        PyErr_SetString(PyExc_ValueError, "near_sides: one negation flag per token");
        return NULL;
    }
    /* Sentences are short: their arrays live on the stack unless a sentence is long. */
    enum { SMALL = 128 };
    Py_ssize_t position_small[SMALL], side_small[SMALL], stops_small[SMALL + 1];
    double score_small[8];
    Py_ssize_t *position = position_small, *side_at = side_small, *stops_before = stops_small;
    double *score = score_small;
    PyObject *result = NULL;
    Py_ssize_t count = 0;
    if (n > SMALL) {
        position = PyMem_New(Py_ssize_t, n);
        side_at = PyMem_New(Py_ssize_t, n);
        stops_before = PyMem_New(Py_ssize_t, n + 1);
    }
    if (n_sides > 8)
        score = PyMem_New(double, n_sides);
    if (position == NULL || side_at == NULL || stops_before == NULL || score == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t s = 0; s < n_sides; s++)
        score[s] = 0.0;
    /* The placeholders in token order, each with the index of its side in sides. */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *side = PyDict_GetItemWithError(side_of, PyList_GET_ITEM(tokens, i));
        if (side == NULL) {
            if (PyErr_Occurred())
                goto done;
            continue;
        }
        Py_ssize_t s = 0;
        while (s < n_sides && PyObject_RichCompareBool(PyTuple_GET_ITEM(sides, s), side, Py_EQ) != 1)
            s++;
        if (s == n_sides) {
            PyErr_SetString(PyExc_ValueError, "near_sides: a placeholder's side is not in sides");
            goto done;
        }
        position[count] = i;
        side_at[count++] = s;
    }
    if (count > 0) {
        /* stops_before[k]: the clause breaks among tokens[:k]; a stretch holds one iff the counts
         * at its two ends differ. */
        stops_before[0] = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            int found = PySet_Contains(stops, PyList_GET_ITEM(tokens, i));
            if (found < 0)
                goto done;
            stops_before[i + 1] = stops_before[i] + found;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *value = PyDict_GetItemWithError(lexicon, PyList_GET_ITEM(tokens, i));
            if (value == NULL) {
                if (PyErr_Occurred())
                    goto done;
                continue;
            }
            double v = PyFloat_AsDouble(value);
            if (v == -1.0 && PyErr_Occurred())
                goto done;
            if (v == 0.0)
                continue; /* a value of 0.0 counts as none */
            Py_ssize_t best = -1, best_distance = 0;
            for (Py_ssize_t k = 0; k < count; k++) {
                Py_ssize_t distance = position[k] > i ? position[k] - i : i - position[k];
                if (distance <= window && (best < 0 || distance < best_distance)) {
                    Py_ssize_t lo = position[k] < i ? position[k] : i, hi = position[k] < i ? i : position[k];
                    if (stops_before[hi] == stops_before[lo]) {
                        best = k;
                        best_distance = distance;
                    }
                }
            }
            if (best >= 0) {
                int flipped = PyObject_IsTrue(PyList_GET_ITEM(negated, i));
                if (flipped < 0)
                    goto done;
                score[side_at[best]] += (flipped ? -v : v) / 4.0;
            }
        }
    }
    if ((result = PyDict_New()) == NULL)
        goto done;
    for (Py_ssize_t s = 0; s < n_sides; s++) {
        PyObject *item = PyFloat_FromDouble(score[s]);
        if (item == NULL || PyDict_SetItem(result, PyTuple_GET_ITEM(sides, s), item) < 0) {
            Py_XDECREF(item);
            Py_CLEAR(result);
            goto done;
        }
        Py_DECREF(item);
    }
done:
    if (position != position_small)
        PyMem_Free(position);
    if (side_at != side_small)
        PyMem_Free(side_at);
    if (stops_before != stops_small)
        PyMem_Free(stops_before);
    if (score != score_small)
        PyMem_Free(score);
    return result;
}
