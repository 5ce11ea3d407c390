/* Loading the compiled watchlist (match/program.py builds it) into C structs, checking every
 * index so that a table that does not hold together is a ValueError, never a crash. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

static int fail(const char *what) {
    PyErr_Format(PyExc_ValueError, "invalid matcher program: %s", what);
    return -1;
}

/* Copies the int32 buffer `tables.<name>` (an array('i')). */
static int ints(PyObject *tables, const char *name, int32_t **out, uint32_t *n) {
    PyObject *obj = PyObject_GetAttrString(tables, name);
    if (obj == NULL) return -1;
    Py_buffer view;
    int rc = PyObject_GetBuffer(obj, &view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS);
    Py_DECREF(obj);
    if (rc) return -1;
    rc = -1;
    if (view.itemsize != 4 || view.format == NULL || strcmp(view.format, "i") != 0) {
        PyErr_Format(PyExc_TypeError, "%s: expected array('i')", name);
    } else if ((*out = malloc(view.len ? (size_t)view.len : 1)) == NULL) {
        PyErr_NoMemory();
    } else {
        if (view.len) memcpy(*out, view.buf, (size_t)view.len);
        *n = (uint32_t)(view.len / 4);
        rc = 0;
    }
    PyBuffer_Release(&view);
    return rc;
}

/* The non-negative int `tables.<name>`. */
static int count(PyObject *tables, const char *name, uint32_t *out) {
    PyObject *obj = PyObject_GetAttrString(tables, name);
    if (obj == NULL) return -1;
    long n = PyLong_AsLong(obj);
    Py_DECREF(obj);
    if (n < 0 || n > INT32_MAX / 2) return PyErr_Occurred() ? -1 : fail(name);
    *out = (uint32_t)n;
    return 0;
}

static int in_range(const int32_t *v, uint32_t n, int32_t lo, int64_t hi) {
    for (uint32_t i = 0; i < n; i++)
        if (v[i] < lo || v[i] >= hi) return 0;
    return 1;
}

static int check_node(const Program *p, const Node *n, uint32_t id) {
    switch (n->kind) {
    case N_TERM:
        return (uint32_t)n->a < p->nvocab;
    case N_LEAF:
        return n->a >= 0 && n->b >= 0 && (uint64_t)n->a + n->b <= p->nrefs &&
               in_range(p->refs + n->a, n->b, 0, p->npatterns) && n->c >= -1 &&
               n->c < PyTuple_GET_SIZE(p->entities);
    case N_NEAR:
        return n->a >= 0 && (uint32_t)n->a < id && n->b >= 0 && (uint32_t)n->b < id && n->c >= 0;
    case N_AND:
    case N_OR:
        return n->a >= 0 && n->b >= 0 && (uint64_t)n->a + n->b <= p->nrefs &&
               in_range(p->refs + n->a, n->b, 0, id);
    case N_NOT:
        return n->a >= 0 && (uint32_t)n->a < id;
    case N_FILTER:
        return (uint32_t)n->a < p->nfilter;
    }
    return 0;
}

/* How deep the node is (its children come before it): the evaluation recurses that far. */
static uint32_t depth_of(const Program *p, const Node *n, const uint32_t *depth) {
    uint32_t deepest = 0;
    if (n->kind == N_NEAR) deepest = depth[n->a] > depth[n->b] ? depth[n->a] : depth[n->b];
    if (n->kind == N_NOT) deepest = depth[n->a];
    for (int32_t i = 0; (n->kind == N_AND || n->kind == N_OR) && i < n->b; i++)
        if (depth[p->refs[n->a + i]] > deepest) deepest = depth[p->refs[n->a + i]];
    return deepest + 1;
}

static int load_nodes(Program *p, PyObject *tables) {
    int32_t *flat;
    uint32_t n;
    if (ints(tables, "refs", &p->refs, &p->nrefs) || ints(tables, "nodes", &flat, &n)) return -1;
    p->nnodes = n / NODE_INTS;
    p->nodes = malloc((p->nnodes ? p->nnodes : 1) * sizeof *p->nodes);
    uint32_t *depth = malloc((p->nnodes ? p->nnodes : 1) * sizeof *depth);
    if (p->nodes == NULL || depth == NULL) return free(flat), free(depth), PyErr_NoMemory(), -1;
    int ok = n % NODE_INTS == 0;
    for (uint32_t i = 0; ok && i < p->nnodes; i++) {
        const int32_t *v = flat + (size_t)i * NODE_INTS;
        Node *node = &p->nodes[i];
        ok = v[0] >= 0 && v[0] < N_KINDS && v[1] >= 0 && v[1] <= 3;
        *node = (Node){(uint8_t)v[0], (uint8_t)v[1], v[5] != 0, v[6] != 0, v[2], v[3], v[4]};
        ok = ok && check_node(p, node, i) && (depth[i] = depth_of(p, node, depth)) <= MAX_DEPTH;
        if (node->kind == N_FILTER) node->a += (int32_t)(p->nvocab + p->nprefix);
    }
    free(flat);
    free(depth);
    return ok ? 0 : fail("nodes (out of range, or nested too deeply)");
}

static int check_pattern(const Program *p, const Pattern *pt) {
    if (pt->n == 0 || (uint64_t)pt->words + pt->n > p->npwords) return 0;
    if (pt->first < 0 || (uint32_t)pt->first >= p->nvocab + p->nprefix) return 0;
    const int32_t *w = p->pwords + pt->words;
    uint32_t last = pt->n - 1u;
    return in_range(w, last, 0, p->nvocab) &&
           in_range(w + last, 1, 0, pt->prefix ? p->nprefix : p->nvocab);
}

static int load_patterns(Program *p, PyObject *tables) {
    int32_t *flat;
    uint32_t n;
    if (ints(tables, "pwords", &p->pwords, &p->npwords) || ints(tables, "patterns", &flat, &n))
        return -1;
    p->npatterns = n / PATTERN_INTS;
    p->patterns = malloc((p->npatterns ? p->npatterns : 1) * sizeof *p->patterns);
    if (p->patterns == NULL) return free(flat), PyErr_NoMemory(), -1;
    int ok = n % PATTERN_INTS == 0;
    for (uint32_t i = 0; ok && i < p->npatterns; i++) {
        const int32_t *v = flat + (size_t)i * PATTERN_INTS;
        Pattern *pt = &p->patterns[i];
        /* `first` is a word id, or -1 - a prefix id */
        int32_t first = v[4] >= 0 ? v[4] : (int32_t)p->nvocab + (-1 - v[4]);
        ok = v[0] > 0 && v[5] >= 0 && v[4] >= -(int32_t)p->nprefix;
        *pt = (Pattern){(uint32_t)v[0], v[1] != 0, v[2] != 0, v[3] != 0, first, (uint32_t)v[5]};
        ok = ok && check_pattern(p, pt);
    }
    free(flat);
    return ok ? 0 : fail("patterns");
}

/* `start` has n + 1 ascending offsets from 0 to the length of `items`, each < `bound`. */
static int csr(const int32_t *start, uint32_t nstart, uint32_t n, const int32_t *items,
               uint32_t nitems, int64_t bound) {
    int ok = nstart == n + 1 && start[0] == 0 && (uint32_t)start[n] == nitems &&
             in_range(items, nitems, 0, bound);
    for (uint32_t k = 0; ok && k < n; k++) ok = start[k] <= start[k + 1];
    return ok;
}

static int load_index(Program *p, PyObject *tables) {
    uint32_t nrstart, ncstart, ncrstart, nneed, nexact, nroot, nmstart;
    if (ints(tables, "root_start", &p->root_start, &nrstart) ||
        ints(tables, "key_roots", &p->key_roots, &p->nkeyroots) ||
        ints(tables, "clause_start", &p->clause_start, &ncstart) ||
        ints(tables, "key_clauses", &p->key_clauses, &p->nkeyclauses) ||
        ints(tables, "clause_roots_start", &p->clause_roots_start, &ncrstart) ||
        ints(tables, "clause_roots", &p->clause_roots, &p->nclauseroots) ||
        ints(tables, "need", &p->need, &nneed) || ints(tables, "exact", &p->exact, &nexact) ||
        ints(tables, "root_node", &p->root_node, &nroot) ||
        ints(tables, "always", &p->always, &p->nalways) ||
        ints(tables, "member_start", &p->member_start, &nmstart) ||
        ints(tables, "members", &p->members, &p->nmembers))
        return -1;
    p->nroots = nroot;
    p->nclauses = ncrstart ? ncrstart - 1 : 0;
    int ok = nneed == nroot && nexact == nroot && in_range(p->root_node, nroot, 0, p->nnodes) &&
             in_range(p->always, p->nalways, 0, nroot) &&
             csr(p->root_start, nrstart, p->nkeys, p->key_roots, p->nkeyroots, nroot) &&
             csr(p->clause_start, ncstart, p->nkeys, p->key_clauses, p->nkeyclauses, p->nclauses) &&
             csr(p->clause_roots_start, ncrstart, p->nclauses, p->clause_roots, p->nclauseroots,
                 nroot) &&
             csr(p->member_start, nmstart, nroot, p->members, p->nmembers,
                 PyTuple_GET_SIZE(p->watch_ids));
    return ok ? 0 : fail("candidate index");
}

int program_load(Program *p, PyObject *tables, uint32_t nvocab, uint32_t nprefix) {
    memset(p, 0, sizeof *p);
    if (count(tables, "nfilter", &p->nfilter)) return -1;
    p->nvocab = nvocab;
    p->nprefix = nprefix;
    p->nkeys = nvocab + nprefix + p->nfilter;
    p->entities = PyObject_GetAttrString(tables, "entities");
    p->watch_ids = p->entities ? PyObject_GetAttrString(tables, "watch_ids") : NULL;
    if (p->watch_ids == NULL) return -1;
    if (!PyTuple_Check(p->entities) || !PyTuple_Check(p->watch_ids))
        return fail("entities and watch_ids must be tuples");
    if (load_patterns(p, tables) || load_nodes(p, tables) || load_index(p, tables)) return -1;
    return 0;
}

void program_free(Program *p) {
    void *arrays[] = {p->nodes,        p->refs,         p->patterns,     p->pwords,
                      p->root_start,   p->key_roots,    p->clause_start, p->key_clauses,
                      p->clause_roots_start, p->clause_roots, p->need,  p->exact,
                      p->root_node,    p->always,       p->member_start, p->members};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) free(arrays[i]);
    Py_CLEAR(p->entities);
    Py_CLEAR(p->watch_ids);
    memset(p, 0, sizeof *p);
}
