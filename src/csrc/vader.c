/* VADER's compound score: the rules of discourse.fastpaths, step for step.
 *
 * discourse.fastpaths.python_compound_pair is the reference; this computes the same two floats
 * from the same Python objects (the lexicon and word lists are passed in, never copied), so
 * that a sentence costs about 3 microseconds instead of 11. Every arithmetic step is the Python
 * one in the same order, on C doubles, which is what Python floats are. The sum of a sentence's
 * valences is Python's sum() (its own loop on 3.11, sum() itself on later versions, which
 * compensate rounding), and the final rounding is round()'s: the correctly rounded decimal
 * digits read back. */
#include "kernels.h"
#include <math.h>

/* The k-th word of a sentence, and its lower-cased form (borrowed). */
#define W(k) PyList_GET_ITEM(words, (k))
#define L(k) PyList_GET_ITEM(lower, (k))

/* The rules of one call: VADER's word lists and constants (borrowed references). */
typedef struct {
    PyObject *boosters;   /* dict: booster word -> scalar */
    PyObject *idioms;     /* dict: idiom -> valence */
    PyObject *negations;  /* frozenset of negation words */
    PyObject *starts;     /* frozenset: first words of the idioms and the boosters of several words */
    double caps_boost;
    double dampen;
    double negation_scale;
} Rules;

static PyObject *str_but, *str_kind, *str_of, *str_least, *str_at, *str_very,
    *str_never, *str_so, *str_this, *str_nt;

int vader_init(void)
{
    return (str_but = PyUnicode_InternFromString("but"))
        && (str_kind = PyUnicode_InternFromString("kind")) && (str_of = PyUnicode_InternFromString("of"))
        && (str_least = PyUnicode_InternFromString("least")) && (str_at = PyUnicode_InternFromString("at"))
        && (str_very = PyUnicode_InternFromString("very")) && (str_never = PyUnicode_InternFromString("never"))
        && (str_so = PyUnicode_InternFromString("so")) && (str_this = PyUnicode_InternFromString("this"))
        && (str_nt = PyUnicode_InternFromString("n't")) ? 0 : -1;
}

/* The ASCII punctuation of string.punctuation, which VADER strips. */
static int is_punct(Py_UCS4 c)
{
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

/* str.isupper(): every cased character upper case, and at least one of them. */
static int is_upper(PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    int cased = 0;
    if (n == 1)
        return Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, 0)) != 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c))
            return 0;
        if (!cased && Py_UNICODE_ISUPPER(c))
            cased = 1;
    }
    return cased;
}

/* a == b for two str objects. */
static int same(PyObject *a, PyObject *b)
{
    if (a == b)
        return 1;
    if (PyUnicode_GET_LENGTH(a) != PyUnicode_GET_LENGTH(b))
        return 0;
    return PyUnicode_Compare(a, b) == 0;
}

/* The words VADER scores in text (fastpaths.vader_words): a new list, or NULL on error. */
static PyObject *vader_words(PyObject *text, PyObject *marks)
{
    PyObject *tokens = PyUnicode_Split(text, NULL, -1);
    if (tokens == NULL)
        return NULL;
    Py_ssize_t count = PyList_GET_SIZE(tokens);
    PyObject *words = PyList_New(0);
    if (words == NULL)
        goto fail;
    for (Py_ssize_t t = 0; t < count; t++) {
        PyObject *token = PyList_GET_ITEM(tokens, t);
        Py_ssize_t n = PyUnicode_GET_LENGTH(token);
        if (n < 2)
            continue;
        int kind = PyUnicode_KIND(token);
        const void *data = PyUnicode_DATA(token);
        Py_ssize_t lo = 0, hi = n; /* the word is token[lo:hi], the mark the rest */
        if (is_punct(PyUnicode_READ(kind, data, 0))) {
            while (lo < n && is_punct(PyUnicode_READ(kind, data, lo)))
                lo++;
        }
        else if (is_punct(PyUnicode_READ(kind, data, n - 1))) {
            while (hi > 0 && is_punct(PyUnicode_READ(kind, data, hi - 1)))
                hi--;
        }
        else {
            if (PyList_Append(words, token) < 0)
                goto fail;
            continue;
        }
        int bare = hi - lo > 1;
        for (Py_ssize_t i = lo; bare && i < hi; i++)
            bare = !is_punct(PyUnicode_READ(kind, data, i));
        PyObject *chosen = token;
        PyObject *word = NULL;
        if (bare) {
            PyObject *mark = lo > 0 ? PyUnicode_Substring(token, 0, lo) : PyUnicode_Substring(token, hi, n);
            if (mark == NULL)
                goto fail;
            int known = PySet_Contains(marks, mark);
            Py_DECREF(mark);
            if (known < 0)
                goto fail;
            if (known) {
                word = PyUnicode_Substring(token, lo, hi);
                if (word == NULL)
                    goto fail;
                chosen = word;
            }
        }
        int failed = PyList_Append(words, chosen) < 0;
        Py_XDECREF(word);
        if (failed)
            goto fail;
    }
    Py_DECREF(tokens);
    return words;
fail:
    Py_DECREF(tokens);
    Py_XDECREF(words);
    return NULL;
}

/* fastpaths._negates: a negation word, or a word holding "n't". */
static int negates(const Rules *rules, PyObject *low)
{
    int found = PySet_Contains(rules->negations, low);
    if (found != 0)
        return found;
    Py_ssize_t at = PyUnicode_Find(low, str_nt, 0, PY_SSIZE_T_MAX, 1);
    return at == -2 ? -1 : at >= 0;
}

/* fastpaths._booster_scalar; -1 on error, else 0 with *out set. */
static int booster_scalar(const Rules *rules, PyObject *word, PyObject *low, double valence,
                          int caps_differ, int back, double *out)
{
    double scalar = 0.0;
    PyObject *value = PyDict_GetItemWithError(rules->boosters, low);
    if (value == NULL && PyErr_Occurred())
        return -1;
    if (value != NULL) {
        scalar = PyFloat_AsDouble(value);
        if (scalar == -1.0 && PyErr_Occurred())
            return -1;
        if (valence < 0)
            scalar *= -1;
        if (is_upper(word) && caps_differ)
            scalar = valence > 0 ? scalar + rules->caps_boost : scalar - rules->caps_boost;
    }
    if (back == 2 && scalar != 0)
        scalar = scalar * 0.95;
    else if (back == 3 && scalar != 0)
        scalar = scalar * 0.9;
    *out = scalar;
    return 0;
}

/* fastpaths._negation_rule; -1 on error. */
static int negation_rule(const Rules *rules, PyObject *words, PyObject *lower, Py_ssize_t i,
                         int back, double *valence)
{
    int found;
    if (back == 1) {
        if ((found = negates(rules, L(i - 1))) < 0)
            return -1;
        if (found)
            *valence = *valence * rules->negation_scale;
    }
    else if (back == 2) {
        if (same(W(i - 2), str_never) && (same(W(i - 1), str_so) || same(W(i - 1), str_this)))
            *valence = *valence * 1.5;
        else {
            if ((found = negates(rules, L(i - 2))) < 0)
                return -1;
            if (found)
                *valence = *valence * rules->negation_scale;
        }
    }
    else if ((same(W(i - 3), str_never) && (same(W(i - 2), str_so) || same(W(i - 2), str_this)))
             || (same(W(i - 1), str_so) || same(W(i - 1), str_this))) {
        *valence = *valence * 1.25;
    }
    else {
        if ((found = negates(rules, L(i - 3))) < 0)
            return -1;
        if (found)
            *valence = *valence * rules->negation_scale;
    }
    return 0;
}

/* " ".join(words[lo:hi]) as a new str, or NULL. */
static PyObject *joined(PyObject *words, Py_ssize_t lo, Py_ssize_t hi)
{
    static PyObject *space = NULL;
    if (space == NULL && (space = PyUnicode_InternFromString(" ")) == NULL)
        return NULL;
    PyObject *part = PyList_GetSlice(words, lo, hi);
    if (part == NULL)
        return NULL;
    PyObject *out = PyUnicode_Join(space, part);
    Py_DECREF(part);
    return out;
}

/* Whether words[lo] may start an idiom or a booster of several words (else no join of
 * words[lo:hi] can be one): 1, 0, or -1 on error. */
static int may_start(const Rules *rules, PyObject *words, Py_ssize_t lo)
{
    return PySet_Contains(rules->starts, PyList_GET_ITEM(words, lo));
}

/* If " ".join(words[lo:hi]) is an idiom, set *valence to its value; 1 if found, 0 if not, -1
 * on error. */
static int idiom(const Rules *rules, PyObject *words, Py_ssize_t lo, Py_ssize_t hi, double *valence)
{
    int start = may_start(rules, words, lo);
    if (start <= 0)
        return start;
    PyObject *sequence = joined(words, lo, hi);
    if (sequence == NULL)
        return -1;
    PyObject *value = PyDict_GetItemWithError(rules->idioms, sequence);
    Py_DECREF(sequence);
    if (value == NULL)
        return PyErr_Occurred() ? -1 : 0;
    double v = PyFloat_AsDouble(value);
    if (v == -1.0 && PyErr_Occurred())
        return -1;
    *valence = v;
    return 1;
}

/* fastpaths._idiom_rule; -1 on error. */
static int idiom_rule(const Rules *rules, PyObject *words, Py_ssize_t i, double *valence)
{
    Py_ssize_t n = PyList_GET_SIZE(words);
    int found;
    /* one_zero, two_one_zero, two_one, three_two_one, three_two: the first idiom wins. */
    const Py_ssize_t spans[5][2] = {{i - 1, i + 1}, {i - 2, i + 1}, {i - 2, i}, {i - 3, i}, {i - 3, i - 1}};
    for (int s = 0; s < 5; s++) {
        if ((found = idiom(rules, words, spans[s][0], spans[s][1], valence)) < 0)
            return -1;
        if (found)
            break;
    }
    if (n - 1 > i && idiom(rules, words, i, i + 2, valence) < 0)
        return -1;
    if (n - 1 > i + 1 && idiom(rules, words, i, i + 3, valence) < 0)
        return -1;
    /* three_two or two_one a booster of two words */
    int damp = 0;
    for (Py_ssize_t lo = i - 3; lo <= i - 2 && !damp; lo++) {
        if ((damp = may_start(rules, words, lo)) <= 0) {
            if (damp < 0)
                return -1;
            continue;
        }
        PyObject *pair = joined(words, lo, lo + 2);
        if (pair == NULL)
            return -1;
        damp = PyDict_Contains(rules->boosters, pair);
        Py_DECREF(pair);
        if (damp < 0)
            return -1;
    }
    if (damp)
        *valence = *valence + rules->dampen;
    return 0;
}

/* round(x, 4) as Python computes it: the correctly rounded decimal digits (dtoa's mode 3),
 * read back as the nearest double; -1 on error, else 0 with *out set. */
static int round4(double x, double *out)
{
    char *digits = PyOS_double_to_string(x, 'f', 4, 0, NULL);
    if (digits == NULL)
        return -1;
    *out = PyOS_string_to_double(digits, NULL, NULL);
    PyMem_Free(digits);
    return *out == -1.0 && PyErr_Occurred() ? -1 : 0;
}

/* fastpaths._compound over the lexicon entry of each word (value[k]: borrowed, NULL for a word
 * not in the lexicon): -1 on error, else 0 with *out set. valences has room for n doubles. */
static int compound(const Rules *rules, PyObject *text, PyObject *words, PyObject *lower,
                    PyObject *const *value, double *valences, double *out)
{
    Py_ssize_t n = PyList_GET_SIZE(words), count = 0;
    int found;
    *out = 0.0;
    /* Only words of the lexicon can score; the others add exactly 0 to the sum. */
    Py_ssize_t first_scored = 0;
    while (first_scored < n && value[first_scored] == NULL)
        first_scored++;
    if (first_scored == n)
        return 0;
    Py_ssize_t upper = 0;
    for (Py_ssize_t k = 0; k < n; k++)
        upper += is_upper(W(k));
    int caps_differ = 0 < n - upper && n - upper < n;
    Py_ssize_t at = -1;
    for (Py_ssize_t k = 0; k < n && at < 0; k++)
        if (same(L(k), str_but))
            at = k;
    for (Py_ssize_t k = first_scored; k < n; k++) {
        if (value[k] == NULL)
            continue;
        PyObject *word = W(k);
        /* A repeated word is scored at the position of its first occurrence. */
        Py_ssize_t i = 0;
        while (!same(W(i), word))
            i++;
        PyObject *low = L(i);
        if ((found = PyDict_Contains(rules->boosters, low)) < 0)
            return -1;
        if (found || (same(low, str_kind) && i < n - 1 && same(L(i + 1), str_of)))
            continue; /* boosters and "kind of" add zero */
        double valence = PyFloat_AsDouble(value[i]);
        if (valence == -1.0 && PyErr_Occurred())
            return -1;
        if (caps_differ && is_upper(word))
            valence = valence > 0 ? valence + rules->caps_boost : valence - rules->caps_boost;
        for (int back = 1; back <= 3; back++) {
            if (i < back || value[i - back] != NULL)
                continue;
            double scalar;
            if (booster_scalar(rules, W(i - back), L(i - back), valence, caps_differ, back, &scalar) < 0)
                return -1;
            valence = valence + scalar;
            if (negation_rule(rules, words, lower, i, back, &valence) < 0)
                return -1;
            if (back == 3 && idiom_rule(rules, words, i, &valence) < 0)
                return -1;
        }
        /* "least" before the word damps it, but not in "at least" or "very least". */
        if (i > 0 && value[i - 1] == NULL && same(L(i - 1), str_least)
            && (i == 1 || (!same(L(i - 2), str_at) && !same(L(i - 2), str_very))))
            valence = valence * rules->negation_scale;
        if (at >= 0) { /* words before "but" count half, words after it one and a half */
            if (k < at)
                valence = valence * 0.5;
            else if (k > at)
                valence = valence * 1.5;
        }
        valences[count++] = valence;
    }
    if (count == 0)
        return 0;
    double total;
    if (python_sum(valences, count, &total) < 0)
        return -1;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), bangs = 0, questions = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t c = 0; c < length; c++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, c);
        bangs += ch == '!';
        questions += ch == '?';
    }
    double emphasis = (double)(bangs < 4 ? bangs : 4) * 0.292;
    if (questions > 1)
        emphasis += questions <= 3 ? (double)questions * 0.18 : 0.96;
    if (total > 0)
        total += emphasis;
    else if (total < 0)
        total -= emphasis;
    return round4(total / sqrt(total * total + 15), out);
}

/* The lexicon entry of each lower-cased word into value (borrowed; NULL: not in it); -1 on error. */
static int look_up(PyObject *lexicon, PyObject *lower, PyObject **value)
{
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(lower); k++) {
        value[k] = PyDict_GetItemWithError(lexicon, L(k));
        if (value[k] == NULL && PyErr_Occurred())
            return -1;
    }
    return 0;
}

/* compound_pair(text, lexicon, second, changed, rules) -> (float, float)
 *
 * (compound under lexicon, compound under second) of text, both dicts of word -> valence;
 * second None gives the first twice and is not scored, and so does a text none of whose
 * lower-cased words is in the set changed. rules is the tuple (boosters, idioms, negations,
 * marks, starts, caps_boost, dampen, negation_scale) of discourse.fastpaths. */
PyObject *compound_pair(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "compound_pair takes 5 arguments");
        return NULL;
    }
    PyObject *text = args[0], *lexicon = args[1], *second = args[2], *changed = args[3], *packed = args[4];
    if (!PyUnicode_Check(text) || !PyDict_Check(lexicon) || (second != Py_None && !PyDict_Check(second))
        || !PyAnySet_Check(changed) || !PyTuple_Check(packed) || PyTuple_GET_SIZE(packed) != 8) {
        PyErr_SetString(PyExc_TypeError, "compound_pair(str, dict, dict or None, set, 8-tuple)");
        return NULL;
    }
    Rules rules = {PyTuple_GET_ITEM(packed, 0), PyTuple_GET_ITEM(packed, 1), PyTuple_GET_ITEM(packed, 2),
                   PyTuple_GET_ITEM(packed, 4), PyFloat_AsDouble(PyTuple_GET_ITEM(packed, 5)),
                   PyFloat_AsDouble(PyTuple_GET_ITEM(packed, 6)), PyFloat_AsDouble(PyTuple_GET_ITEM(packed, 7))};
    if (PyErr_Occurred())
        return NULL;
    if (!PyDict_Check(rules.boosters) || !PyDict_Check(rules.idioms) || !PyAnySet_Check(rules.negations)
        || !PyAnySet_Check(rules.starts) || !PyAnySet_Check(PyTuple_GET_ITEM(packed, 3))) {
        PyErr_SetString(PyExc_TypeError, "compound_pair: rules are (dict, dict, set, set, set, float, float, float)");
        return NULL;
    }
    PyObject *words = vader_words(text, PyTuple_GET_ITEM(packed, 3));
    if (words == NULL)
        return NULL;
    PyObject *lower = NULL, *result = NULL;
    PyObject *value_buffer[64];
    double valence_buffer[64];
    PyObject **value = value_buffer;
    double *valences = valence_buffer;
    Py_ssize_t n = PyList_GET_SIZE(words);
    double own = 0.0, other;
    if (n > 64) {
        value = PyMem_New(PyObject *, n);
        valences = PyMem_New(double, n);
        if (value == NULL || valences == NULL) {
            PyErr_NoMemory();
            goto done;
        }
    }
    if (n > 0) {
        if ((lower = PyList_New(n)) == NULL)
            goto done;
        for (Py_ssize_t k = 0; k < n; k++) {
            PyObject *low = lower_case(PyList_GET_ITEM(words, k));
            if (low == NULL)
                goto done;
            PyList_SET_ITEM(lower, k, low);
        }
        if (look_up(lexicon, lower, value) < 0 || compound(&rules, text, words, lower, value, valences, &own) < 0)
            goto done;
    }
    other = own;
    int differs = 0;
    for (Py_ssize_t k = 0; second != Py_None && k < n && !differs; k++) {
        if ((differs = PySet_Contains(changed, L(k))) < 0)
            goto done;
    }
    if (differs && (look_up(second, lower, value) < 0
                    || compound(&rules, text, words, lower, value, valences, &other) < 0))
        goto done;
    result = Py_BuildValue("(dd)", own, other);
done:
    if (value != value_buffer)
        PyMem_Free(value);
    if (valences != valence_buffer)
        PyMem_Free(valences);
    Py_DECREF(words);
    Py_XDECREF(lower);
    return result;
}
