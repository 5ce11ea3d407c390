/* Snippets: about `width` characters of a field around its first hit, cut at spaces, with
 * "…" where the text goes on, and the hits inside marked (docs/query-language.md, "Matches").
 * Newlines and other non-printing whitespace show as spaces; offsets stay those of the text. */
#include "engine.h"

#define LEAD 4 /* the first hit starts about a quarter into the snippet */
static const Py_UCS4 ELLIPSIS = 0x2026;

static inline int is_space(Py_UCS4 c) {
    return c < 128 ? c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)
                   : Py_UNICODE_ISSPACE(c);
}

static inline int is_printable(Py_UCS4 c) {
    return c < 128 ? c >= ' ' && c < 0x7f : Py_UNICODE_ISPRINTABLE(c);
}

/* [lead, trail): from the first to the last non-whitespace character (lead > trail when
 * there is none). */
Extent text_extent(PyObject *text) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), lead = 0, trail = n;
    while (lead < n && is_space(PyUnicode_READ(kind, data, lead))) lead++;
    while (trail > 0 && is_space(PyUnicode_READ(kind, data, trail - 1))) trail--;
    return (Extent){lead, trail};
}

static Py_ssize_t cut_start(int kind, const void *data, Py_ssize_t begin, Py_ssize_t limit) {
    if (begin == 0) return 0;
    for (Py_ssize_t i = begin; i < limit; i++)
        if (PyUnicode_READ(kind, data, i) == ' ') return i + 1;
    return begin;
}

static Py_ssize_t cut_end(int kind, const void *data, Py_ssize_t n, Py_ssize_t floor,
                          Py_ssize_t end) {
    if (end >= n) return n;
    for (Py_ssize_t i = end - 1; i > floor; i--)
        if (PyUnicode_READ(kind, data, i) == ' ') return i;
    return end;
}

/* The text shown: [begin, end) with non-printing whitespace as spaces when the part has any
 * non-printing character, leading and trailing whitespace dropped, ellipses added. */
static int shown(PyObject *text, Extent ext, Py_ssize_t begin, Py_ssize_t end, Window *out) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int printable = 1;
    for (Py_ssize_t i = begin; i < end && printable; i++)
        printable = is_printable(PyUnicode_READ(kind, data, i));
    while (begin < end && is_space(PyUnicode_READ(kind, data, begin))) begin++;
    while (end > begin && is_space(PyUnicode_READ(kind, data, end - 1))) end--;
    int before = ext.lead < begin, after = ext.trail > end;
    Chars buf = {0};
    int rc = nw_reserve((void **)&buf.v, &buf.cap, (uint64_t)(end - begin) + 2, sizeof *buf.v);
    if (rc == 0 && before) buf.v[buf.n++] = ELLIPSIS;
    for (Py_ssize_t i = begin; rc == 0 && i < end; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        buf.v[buf.n++] = !printable && is_space(c) ? ' ' : c;
    }
    if (rc == 0 && after) buf.v[buf.n++] = ELLIPSIS;
    out->text = rc ? NULL : PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf.v, buf.n);
    free(buf.v);
    out->begin = begin;
    out->end = end;
    out->shift = before - begin;
    return out->text ? 0 : -1;
}

int snippet_window(PyObject *text, Extent ext, Py_ssize_t first_start, Py_ssize_t first_end,
                   Py_ssize_t width, Window *out) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), begin, end;
    if (first_start < 0) {
        begin = 0;
        end = cut_end(kind, data, n, 0, n < width ? n : width);
    } else {
        Py_ssize_t from = first_start - width / LEAD;
        begin = cut_start(kind, data, from > 0 ? from : 0, first_start);
        Py_ssize_t reach = begin + width > first_end ? begin + width : first_end;
        end = cut_end(kind, data, n, first_end, n < reach ? n : reach);
    }
    if (end < begin) end = begin;
    return shown(text, ext, begin, end, out);
}

/* The marks of the spans inside the window, relative to its text; `spans` are sorted, so
 * equal ones are neighbours and marked once. */
PyObject *window_marks(const Window *w, const uint64_t *spans, uint32_t n) {
    PyObject *marks = PyList_New(0);
    uint64_t last = UINT64_MAX;
    for (uint32_t i = 0; marks && i < n; i++) {
        Py_ssize_t start = tag_start(spans[i]), end = tag_end(spans[i]);
        if (start < w->begin || end > w->end || spans[i] == last) continue;
        last = spans[i];
        PyObject *mark = Py_BuildValue("(nn)", start + w->shift, end + w->shift);
        if (mark == NULL || PyList_Append(marks, mark)) Py_CLEAR(marks);
        Py_XDECREF(mark);
    }
    if (marks == NULL) return NULL;
    PyObject *tuple = PyList_AsTuple(marks);
    Py_DECREF(marks);
    return tuple;
}

/* A (start, end) tuple of offsets into a text of `len` characters. */
static int parse_span(PyObject *item, Py_ssize_t len, Py_ssize_t *start, Py_ssize_t *end) {
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
        PyErr_SetString(PyExc_TypeError, "spans must be (start, end) tuples");
        return -1;
    }
    *start = PyNumber_AsSsize_t(PyTuple_GET_ITEM(item, 0), PyExc_OverflowError);
    *end = PyNumber_AsSsize_t(PyTuple_GET_ITEM(item, 1), PyExc_OverflowError);
    if (PyErr_Occurred()) return -1;
    if (0 <= *start && *start <= *end && *end <= len) return 0;
    PyErr_SetString(PyExc_ValueError, "span outside the text");
    return -1;
}

/* _engine.snippet(text, spans, width): (snippet text, marks) for sorted (start, end) spans
 * of `text`; the first one is the hit the window is placed around. */
PyObject *nw_snippet(PyObject *module, PyObject *args) {
    PyObject *text, *list;
    Py_ssize_t width;
    if (!PyArg_ParseTuple(args, "UOn", &text, &list, &width)) return NULL;
    PyObject *seq = PySequence_Tuple(list); /* our own: the caller's list may change meanwhile */
    if (seq == NULL) return NULL;
    U64s spans = {0};
    Py_ssize_t n = PyTuple_GET_SIZE(seq), len = PyUnicode_GET_LENGTH(text);
    int rc = 0;
    for (Py_ssize_t i = 0; rc == 0 && i < n; i++) {
        Py_ssize_t start, end;
        rc = parse_span(PyTuple_GET_ITEM(seq, i), len, &start, &end) ||
             u64_push(&spans, tag_pack(0, (uint32_t)start, (uint32_t)end));
    }
    Py_DECREF(seq);
    Window w = {0};
    PyObject *marks = NULL, *result = NULL;
    if (rc == 0 && width >= 0 && len <= INT32_MAX / 2 &&
        snippet_window(text, text_extent(text), n ? (Py_ssize_t)tag_start(spans.v[0]) : -1,
                       n ? (Py_ssize_t)tag_end(spans.v[0]) : -1, width, &w) == 0 &&
        (marks = window_marks(&w, spans.v, spans.n)) != NULL)
        result = PyTuple_Pack(2, w.text, marks);
    else if (!PyErr_Occurred())
        PyErr_SetString(PyExc_ValueError, "invalid width or text");
    Py_XDECREF(w.text);
    Py_XDECREF(marks);
    free(spans.v);
    return result;
}
