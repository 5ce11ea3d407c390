/* newswatch.match._engine: the per-document side of the matcher (types in ../_engine.pyi).
 *
 *   Engine(tables, normalize, model, cache_limit=200_000)
 *   Engine.match(title, body, filters) -> list[Match]
 *   Engine.decide(title, body, filters) -> list[str]
 *   Engine.tokens(text) -> (folded, cased, spans)
 *   snippet(text, spans, width) -> (text, marks)
 *
 * `tables` is a match.program.Tables; `normalize` the match.normalize module, asked about
 * text the engine's caches have not seen (char_flags, run_tokens, char_fold); `model` the
 * match.model module, whose Hit, Snippet and Match the results are. */
#include "engine.h"

#include <string.h>

typedef struct {
    PyObject_HEAD
    Lexicon lex;
    Program prog;
    Model model;
    Scratch *spare; /* a Scratch no call is using */
    int active;     /* calls in progress (more than one only through another thread) */
    int loaded;
} Engine;

static PyObject *attr(PyObject *obj, const char *name, int want_type) {
    PyObject *found = PyObject_GetAttrString(obj, name);
    if (found && want_type && (!PyType_Check(found) || ((PyTypeObject *)found)->tp_new == NULL)) {
        PyErr_Format(PyExc_TypeError, "%s must be a class that can be instantiated", name);
        Py_CLEAR(found);
    }
    return found;
}

static int intern_names(PyObject **out, const char *const *names, int n) {
    for (int i = 0; i < n; i++)
        if ((out[i] = PyUnicode_InternFromString(names[i])) == NULL) return -1;
    return 0;
}

static int load_model(Model *m, PyObject *model) {
    static const char *hit[] = {"field", "term", "start", "end"};
    static const char *snippet[] = {"text", "marks"};
    static const char *match[] = {"watch", "hits", "entities", "snippet"};
    static const char *fields[] = {"title", "body"};
    m->hit = (PyTypeObject *)attr(model, "Hit", 1);
    m->snippet = m->hit ? (PyTypeObject *)attr(model, "Snippet", 1) : NULL;
    m->match = m->snippet ? (PyTypeObject *)attr(model, "Match", 1) : NULL;
    m->empty = PyTuple_New(0);
    if (m->match == NULL || m->empty == NULL) return -1;
    return intern_names(m->hit_names, hit, 4) || intern_names(m->snippet_names, snippet, 2) ||
                   intern_names(m->match_names, match, 4) || intern_names(m->fields, fields, 2)
               ? -1
               : 0;
}

static void free_model(Model *m) {
    PyObject **all[] = {(PyObject **)&m->hit, (PyObject **)&m->snippet, (PyObject **)&m->match,
                        &m->empty, &m->fields[0], &m->fields[1]};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) Py_CLEAR(*all[i]);
    for (int i = 0; i < 4; i++) {
        Py_CLEAR(m->hit_names[i]);
        Py_CLEAR(m->match_names[i]);
    }
    for (int i = 0; i < 2; i++) Py_CLEAR(m->snippet_names[i]);
}

/* Frees everything (each part is safe to free when zeroed or half-built). */
static void engine_reset(Engine *e) {
    scratch_free(e->spare);
    e->spare = NULL;
    lexicon_free(&e->lex);
    program_free(&e->prog);
    free_model(&e->model);
}

static int engine_init(Engine *e, PyObject *args, PyObject *kwargs) {
    static char *names[] = {"tables", "normalize", "model", "cache_limit", NULL};
    PyObject *tables, *normalize, *model, *callbacks[3] = {NULL, NULL, NULL};
    unsigned int limit = 200000;
    if (e->loaded) {
        PyErr_SetString(PyExc_RuntimeError, "Engine is already initialized");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|I", names, &tables, &normalize, &model,
                                     &limit))
        return -1;
    engine_reset(e); /* what an earlier __init__ that failed half-way left */
    PyObject *vocab = attr(tables, "vocab", 0);
    PyObject *prefixes = vocab ? attr(tables, "prefixes", 0) : NULL;
    PyObject *cased = prefixes ? attr(tables, "case_sensitive", 0) : NULL;
    int case_sensitive = cased ? PyObject_IsTrue(cased) : -1;
    callbacks[0] = case_sensitive >= 0 ? attr(normalize, "char_flags", 0) : NULL;
    callbacks[1] = callbacks[0] ? attr(normalize, "run_tokens", 0) : NULL;
    callbacks[2] = callbacks[1] ? attr(normalize, "char_fold", 0) : NULL;
    int rc = callbacks[2] == NULL ||
             lexicon_init(&e->lex, vocab, prefixes, case_sensitive, callbacks) ||
             program_load(&e->prog, tables, e->lex.vocab.count, e->lex.prefixes.count) ||
             load_model(&e->model, model);
    Py_XDECREF(vocab);
    Py_XDECREF(prefixes);
    Py_XDECREF(cased);
    for (int i = 0; i < 3; i++) Py_XDECREF(callbacks[i]);
    if (rc) return -1;
    e->lex.limit = limit;
    e->loaded = 1;
    return 0;
}

static int engine_traverse(Engine *e, visitproc visit, void *arg) {
    Model *m = &e->model;
    Py_VISIT(m->hit);
    Py_VISIT(m->snippet);
    Py_VISIT(m->match);
    Py_VISIT(e->prog.entities);
    Py_VISIT(e->prog.watch_ids);
    return lexicon_traverse(&e->lex, visit, arg);
}

static int engine_clear(Engine *e) {
    e->loaded = 0; /* any later call raises */
    lexicon_clear_refs(&e->lex);
    Py_CLEAR(e->prog.entities);
    Py_CLEAR(e->prog.watch_ids);
    free_model(&e->model);
    return 0;
}

static void engine_dealloc(Engine *e) {
    PyObject_GC_UnTrack(e);
    engine_reset(e);
    Py_TYPE(e)->tp_free((PyObject *)e);
}

/* ---------------------------------------------------------------- one document */

static Scratch *acquire(Engine *e) {
    if (!e->loaded) {
        PyErr_SetString(PyExc_RuntimeError, "Engine is not initialized");
        return NULL;
    }
    if (e->active == 0 && lexicon_bound(&e->lex)) return NULL;
    Scratch *s = e->spare;
    e->spare = NULL;
    if (s == NULL && (s = scratch_new(&e->prog)) == NULL) return NULL;
    e->active++;
    return s;
}

static void release(Engine *e, Scratch *s) {
    e->active--;
    if (e->spare == NULL) e->spare = s;
    else scratch_free(s);
}

static int mark_filters(Engine *e, Scratch *s, PyObject *filters) {
    PyObject *seq = PySequence_Tuple(filters); /* our own: the caller's may change meanwhile */
    if (seq == NULL) return -1;
    uint32_t base = e->prog.nvocab + e->prog.nprefix;
    int rc = 0;
    for (Py_ssize_t i = 0; rc == 0 && i < PyTuple_GET_SIZE(seq); i++) {
        long k = PyLong_AsLong(PyTuple_GET_ITEM(seq, i));
        if (k < 0 || k >= (long)e->prog.nfilter) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "unknown filter");
            rc = -1;
        } else {
            rc = scratch_mark_key(s, base + (uint32_t)k);
        }
    }
    Py_DECREF(seq);
    return rc;
}

/* Tokenizes, indexes and decides: s->matched holds the matching roots, ascending. */
static int decide(Engine *e, Scratch *s, PyObject *title, PyObject *body, PyObject *filters) {
    scratch_begin(s, &e->prog);
    if (tokenize(&e->lex, s, title, 0) ||
        tokenize(&e->lex, s, body, 1) || scratch_index(s, &e->prog) ||
        mark_filters(e, s, filters) || scratch_candidates(s, &e->prog))
        return -1;
    Ctx c = {&e->prog, s};
    for (uint32_t i = 0; i < s->cands.n; i++) {
        int32_t root = s->cands.v[i];
        int r = e->prog.exact[root] ? 1 : node_test(&c, e->prog.root_node[root]);
        if (r < 0 || (r && i32_push(&s->matched, root))) return -1;
    }
    return 0;
}

static PyObject *engine_match(Engine *e, PyObject *args) {
    PyObject *title, *body, *filters, *result = NULL;
    if (!PyArg_ParseTuple(args, "UUO", &title, &body, &filters)) return NULL;
    Scratch *s = acquire(e);
    if (s == NULL) return NULL;
    Ctx c = {&e->prog, s};
    if (decide(e, s, title, body, filters) == 0)
        result = build_matches(&c, &e->model, title, body);
    release(e, s);
    return result;
}

static PyObject *engine_decide(Engine *e, PyObject *args) {
    PyObject *title, *body, *filters, *result = NULL;
    if (!PyArg_ParseTuple(args, "UUO", &title, &body, &filters)) return NULL;
    Scratch *s = acquire(e);
    if (s == NULL) return NULL;
    if (decide(e, s, title, body, filters) == 0) result = matching_ids(&e->prog, &s->matched);
    release(e, s);
    return result;
}

/* ---------------------------------------------------------------- tokens, for tests */

/* (folded forms, case-kept forms, spans) of the tokens, from the (folded, cased) pairs. */
static PyObject *token_lists(const FieldToks *t) {
    PyObject *lists[3] = {PyList_New(t->n), PyList_New(t->n), PyList_New(t->n)}, *result = NULL;
    int ok = lists[0] && lists[1] && lists[2];
    for (uint32_t i = 0; ok && i < t->n; i++) {
        PyObject *pair = PyList_GET_ITEM(t->texts, i);
        PyObject *span = Py_BuildValue("(ii)", t->v[i].start, t->v[i].end);
        ok = span != NULL;
        if (ok) {
            PyList_SET_ITEM(lists[0], i, Py_NewRef(PyTuple_GET_ITEM(pair, 0)));
            PyList_SET_ITEM(lists[1], i, Py_NewRef(PyTuple_GET_ITEM(pair, 1)));
            PyList_SET_ITEM(lists[2], i, span);
        }
    }
    if (ok) result = PyTuple_Pack(3, lists[0], lists[1], lists[2]);
    for (int i = 0; i < 3; i++) Py_XDECREF(lists[i]);
    return result;
}

static PyObject *engine_tokens(Engine *e, PyObject *args) {
    PyObject *text, *result = NULL;
    if (!PyArg_ParseTuple(args, "U", &text)) return NULL;
    Scratch *s = acquire(e);
    if (s == NULL) return NULL;
    FieldToks *t = &s->f[1];
    scratch_begin(s, &e->prog);
    if ((t->texts = PyList_New(0)) != NULL && tokenize(&e->lex, s, text, 1) == 0)
        result = token_lists(t);
    Py_CLEAR(t->texts);
    release(e, s);
    return result;
}

static PyObject *engine_cache_size(Engine *e, PyObject *unused) {
    (void)unused;
    return PyLong_FromUnsignedLong(e->lex.runs.count);
}

static PyMethodDef engine_methods[] = {
    {"match", (PyCFunction)engine_match, METH_VARARGS,
     "match(title, body, filters) -> every matching watch's Match, in watchlist order"},
    {"decide", (PyCFunction)engine_decide, METH_VARARGS,
     "decide(title, body, filters) -> the ids of the matching watches, in watchlist order"},
    {"tokens", (PyCFunction)engine_tokens, METH_VARARGS,
     "tokens(text) -> (folded, cased, spans)"},
    {"cache_size", (PyCFunction)engine_cache_size, METH_NOARGS,
     "cache_size() -> the letter runs the run cache holds"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject EngineType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "newswatch.match._engine.Engine",
    .tp_basicsize = sizeof(Engine),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)engine_traverse,
    .tp_clear = (inquiry)engine_clear,
    .tp_doc = "A compiled watchlist, matching documents.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)engine_init,
    .tp_dealloc = (destructor)engine_dealloc,
    .tp_methods = engine_methods,
};

static PyMethodDef module_functions[] = {
    {"snippet", nw_snippet, METH_VARARGS,
     "snippet(text, spans, width) -> (text, marks) around the first of the sorted spans"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef engine_module = {
    PyModuleDef_HEAD_INIT, "_engine", "The native matcher of newswatch.match.", -1,
    module_functions,
};

PyMODINIT_FUNC PyInit__engine(void) {
    if (PyType_Ready(&EngineType) < 0) return NULL;
    PyObject *m = PyModule_Create(&engine_module);
    if (m == NULL) return NULL;
    if (PyModule_AddObjectRef(m, "Engine", (PyObject *)&EngineType) < 0 ||
        PyModule_AddIntConstant(m, "MAX_HITS", MAX_HITS) < 0 ||
        PyModule_AddIntConstant(m, "SNIPPET_WIDTH", SNIPPET_WIDTH) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
