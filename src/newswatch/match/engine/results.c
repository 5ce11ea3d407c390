/* The Python objects of a document's matches: Hit, Snippet and Match of match/model.py.
 *
 * They are frozen dataclasses; each is made as object.__new__ followed by object.__setattr__
 * of every field, which is what their __init__ does, without running Python code. Within a
 * document a Hit is made once per span, hits and snippet once per distinct evidence, and a
 * snippet window once per first hit. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- u64 -> index maps */

static uint32_t map_slot(const U64Map *m, uint64_t key) {
    return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & m->mask;
}

int32_t map_get(const U64Map *m, uint64_t key) {
    if (m->slots == NULL) return -1;
    for (uint32_t i = map_slot(m, key); m->slots[i].stamp == m->epoch; i = (i + 1) & m->mask)
        if (m->slots[i].key == key) return m->slots[i].val;
    return -1;
}

static void map_insert(U64Map *m, uint64_t key, int32_t val) {
    uint32_t i = map_slot(m, key);
    while (m->slots[i].stamp == m->epoch) i = (i + 1) & m->mask;
    m->slots[i] = (MapSlot){key, m->epoch, val};
    m->count++;
}

static int map_grow(U64Map *m) {
    uint32_t size = m->slots ? (m->mask + 1) * 2 : 64;
    MapSlot *old = m->slots, *slots = calloc(size, sizeof *slots);
    if (slots == NULL) return PyErr_NoMemory(), -1;
    uint32_t old_size = old ? m->mask + 1 : 0, epoch = m->epoch;
    m->slots = slots;
    m->mask = size - 1;
    m->count = 0;
    m->epoch = 1;
    for (uint32_t i = 0; i < old_size; i++)
        if (old[i].stamp == epoch) map_insert(m, old[i].key, old[i].val);
    free(old);
    return 0;
}

int map_put(U64Map *m, uint64_t key, int32_t val) {
    if ((m->slots == NULL || (uint64_t)(m->count + 1) * 2 > (uint64_t)m->mask + 1) && map_grow(m))
        return -1;
    map_insert(m, key, val);
    return 0;
}

void map_clear(U64Map *m) {
    m->count = 0;
    if (++m->epoch == 0) {
        if (m->slots) memset(m->slots, 0, (m->mask + 1) * sizeof *m->slots);
        m->epoch = 1;
    }
}

/* ---------------------------------------------------------------- objects */

typedef struct {
    uint32_t off, len;
    int32_t hits, snippet;
} Ev;

/* Owns every object made for the document (`keep`); the memos hold borrowed pointers. */
typedef struct {
    Ctx *c;
    const Model *m;
    PyObject *texts[2];
    Extent ext[2];
    PyObject *keep;
    PyObject **objs; /* hits, windows' texts, evidences' hits and snippets, by memo index */
    uint32_t nobjs, capobjs;
    Window *windows;
    uint32_t nwindows, capwindows;
    Ev *evs; /* distinct evidences: their spans in evspans, their objects in objs */
    uint32_t nevs, capevs;
    U64s evspans;
} Results;

static PyObject *make(const Model *m, PyTypeObject *cls, PyObject *const *names,
                      PyObject *const *values, int n) {
    PyObject *obj = cls->tp_new(cls, m->empty, NULL);
    for (int i = 0; obj && i < n; i++)
        if (PyObject_GenericSetAttr(obj, names[i], values[i])) Py_CLEAR(obj);
    return obj;
}

/* Keeps `obj` (a new reference) for the document; its index, or -1. */
static int32_t keep(Results *r, PyObject *obj) {
    if (obj == NULL) return -1;
    int failed = PyList_Append(r->keep, obj);
    Py_DECREF(obj);
    if (failed || nw_reserve((void **)&r->objs, &r->capobjs, (uint64_t)r->nobjs + 1,
                             sizeof *r->objs))
        return -1;
    r->objs[r->nobjs] = obj;
    return (int32_t)r->nobjs++;
}

static PyObject *hit(Results *r, uint64_t span) {
    Scratch *s = r->c->s;
    int32_t k = map_get(&s->hitmap, span);
    if (k >= 0) return r->objs[k];
    int f = tag_field(span);
    Py_ssize_t start = tag_start(span), end = tag_end(span);
    PyObject *values[4] = {r->m->fields[f], PyUnicode_Substring(r->texts[f], start, end),
                           PyLong_FromSsize_t(start), PyLong_FromSsize_t(end)};
    PyObject *obj = values[1] && values[2] && values[3]
                        ? make(r->m, r->m->hit, r->m->hit_names, values, 4)
                        : NULL;
    for (int i = 1; i < 4; i++) Py_XDECREF(values[i]);
    if ((k = keep(r, obj)) < 0 || map_put(&s->hitmap, span, k)) return NULL;
    return r->objs[k];
}

static PyObject *hits_tuple(Results *r, const uint64_t *spans, uint32_t n) {
    PyObject *hits = PyTuple_New(n);
    for (uint32_t i = 0; hits && i < n; i++) {
        PyObject *h = hit(r, spans[i]);
        if (h == NULL) return Py_DECREF(hits), NULL;
        PyTuple_SET_ITEM(hits, i, Py_NewRef(h));
    }
    return hits;
}

/* The window of field f around `first` (NULL: the field's start), once per document. */
static const Window *window(Results *r, int f, const uint64_t *first) {
    Scratch *s = r->c->s;
    uint64_t key = first ? *first : tag_pack(f, INT32_MAX, INT32_MAX);
    int32_t k = map_get(&s->windowmap, key);
    if (k >= 0) return &r->windows[k];
    Window w;
    Py_ssize_t start = first ? (Py_ssize_t)tag_start(*first) : -1;
    Py_ssize_t end = first ? (Py_ssize_t)tag_end(*first) : -1;
    if (snippet_window(r->texts[f], r->ext[f], start, end, SNIPPET_WIDTH, &w) ||
        keep(r, w.text) < 0 ||
        nw_reserve((void **)&r->windows, &r->capwindows, (uint64_t)r->nwindows + 1,
                   sizeof *r->windows))
        return NULL;
    k = (int32_t)r->nwindows++;
    r->windows[k] = w; /* its text is kept */
    return map_put(&s->windowmap, key, k) ? NULL : &r->windows[k];
}

/* The snippet of a match's hits: in the body when it has hits (or no field has, and the body
 * has text), else in the title. */
static PyObject *snippet(Results *r, const uint64_t *spans, uint32_t n) {
    uint32_t body = 0;
    while (body < n && tag_field(spans[body]) == 0) body++; /* title spans come first */
    int f = body < n || (n == 0 && r->ext[1].lead < r->ext[1].trail);
    const uint64_t *marked = f ? spans + body : spans;
    uint32_t nmarked = f ? n - body : n;
    const Window *w = window(r, f, nmarked ? marked : NULL);
    PyObject *marks = w ? window_marks(w, marked, nmarked) : NULL;
    PyObject *values[2] = {w ? w->text : NULL, marks};
    PyObject *obj = marks ? make(r->m, r->m->snippet, r->m->snippet_names, values, 2) : NULL;
    Py_XDECREF(marks);
    return obj;
}

static uint64_t spans_hash(const uint64_t *spans, uint32_t n) {
    uint64_t h = NW_HASH_SEED ^ n;
    for (uint32_t i = 0; i < n; i++) h = (h ^ spans[i]) * 0x100000001b3ull;
    return h;
}

static int same_spans(const Results *r, const Ev *ev, const U64s *spans) {
    return ev->len == spans->n &&
           (spans->n == 0 ||
            memcmp(r->evspans.v + ev->off, spans->v, (size_t)spans->n * sizeof *spans->v) == 0);
}

/* The evidence of the current root (s->hits) as objects, made once per distinct evidence. */
static const Ev *evidence(Results *r) {
    Scratch *s = r->c->s;
    uint64_t h = spans_hash(s->hits.v, s->hits.n);
    int32_t k = map_get(&s->evmap, h);
    if (k >= 0 && same_spans(r, &r->evs[k], &s->hits)) return &r->evs[k];
    int32_t hits = keep(r, hits_tuple(r, s->hits.v, s->hits.n));
    int32_t snip = hits < 0 ? -1 : keep(r, snippet(r, s->hits.v, s->hits.n));
    if (snip < 0 ||
        nw_reserve((void **)&r->evs, &r->capevs, (uint64_t)r->nevs + 1, sizeof *r->evs))
        return NULL;
    Ev ev = {r->evspans.n, s->hits.n, hits, snip};
    for (uint32_t i = 0; i < s->hits.n; i++)
        if (u64_push(&r->evspans, s->hits.v[i])) return NULL;
    r->evs[r->nevs] = ev;
    if (k < 0 && map_put(&s->evmap, h, (int32_t)r->nevs)) return NULL; /* else a collision */
    return &r->evs[r->nevs++];
}

static PyObject *entities_tuple(Results *r) {
    const I32s *ents = &r->c->s->ents;
    if (ents->n == 0) return Py_NewRef(r->m->empty);
    PyObject *tuple = PyTuple_New(ents->n);
    for (uint32_t i = 0; tuple && i < ents->n; i++)
        PyTuple_SET_ITEM(tuple, i, Py_NewRef(PyTuple_GET_ITEM(r->c->p->entities, ents->v[i])));
    return tuple;
}

/* ---------------------------------------------------------------- the matches, in order */

typedef struct {
    int32_t watch;
    PyObject *match;
} Made;

static int made_cmp(const void *a, const void *b) {
    int32_t x = ((const Made *)a)->watch, y = ((const Made *)b)->watch;
    return (x > y) - (x < y);
}

static int root_matches(Results *r, int32_t root, Made **out, uint32_t *n, uint32_t *cap) {
    const Program *p = r->c->p;
    const Ev *ev = root_evidence(r->c, p->root_node[root]) ? NULL : evidence(r);
    PyObject *ents = ev ? entities_tuple(r) : NULL;
    if (ents == NULL) return -1;
    int rc = 0;
    for (int32_t i = p->member_start[root]; rc == 0 && i < p->member_start[root + 1]; i++) {
        int32_t watch = p->members[i];
        PyObject *values[4] = {PyTuple_GET_ITEM(p->watch_ids, watch), r->objs[ev->hits], ents,
                               r->objs[ev->snippet]};
        PyObject *match = make(r->m, r->m->match, r->m->match_names, values, 4);
        rc = match == NULL || nw_reserve((void **)out, cap, (uint64_t)*n + 1, sizeof **out);
        if (rc) Py_XDECREF(match);
        else (*out)[(*n)++] = (Made){watch, match};
    }
    Py_DECREF(ents);
    return rc ? -1 : 0;
}

static PyObject *ordered_list(Made *made, uint32_t n) {
    if (n > 1) qsort(made, n, sizeof *made, made_cmp);
    PyObject *list = PyList_New(n);
    for (uint32_t i = 0; i < n; i++) {
        if (list) PyList_SET_ITEM(list, i, made[i].match);
        else Py_DECREF(made[i].match);
    }
    return list;
}

PyObject *build_matches(Ctx *c, const Model *m, PyObject *title, PyObject *body) {
    Scratch *s = c->s;
    Results r = {c, m, {title, body}, {text_extent(title), text_extent(body)}, PyList_New(0)};
    map_clear(&s->hitmap);
    map_clear(&s->windowmap);
    map_clear(&s->evmap);
    Made *made = NULL;
    uint32_t n = 0, cap = 0;
    int rc = r.keep == NULL;
    for (uint32_t i = 0; rc == 0 && i < s->matched.n; i++)
        rc = root_matches(&r, s->matched.v[i], &made, &n, &cap);
    PyObject *list = rc ? NULL : ordered_list(made, n);
    if (rc)
        for (uint32_t i = 0; i < n; i++) Py_DECREF(made[i].match);
    Py_XDECREF(r.keep);
    free(made);
    free(r.objs);
    free(r.windows);
    free(r.evs);
    free(r.evspans.v);
    return list;
}

PyObject *matching_ids(const Program *p, const I32s *roots) {
    I32s watches = {0};
    for (uint32_t i = 0; i < roots->n; i++)
        for (int32_t k = p->member_start[roots->v[i]]; k < p->member_start[roots->v[i] + 1]; k++)
            if (i32_push(&watches, p->members[k])) return free(watches.v), NULL;
    i32_sort(&watches);
    PyObject *ids = PyList_New(watches.n);
    for (uint32_t i = 0; ids && i < watches.n; i++)
        PyList_SET_ITEM(ids, i, Py_NewRef(PyTuple_GET_ITEM(p->watch_ids, watches.v[i])));
    free(watches.v);
    return ids;
}
