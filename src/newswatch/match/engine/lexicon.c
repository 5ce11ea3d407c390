/* The lexicon: every token seen (the vocabulary first), its wildcard prefixes and case, and
 * the caches from text to tokens. Text the caches have not seen goes to normalize.py once:
 * the Python definitions stay the only ones (see docs/query-language.md, "Normalization"). */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#define UNICODE_SIZE 0x110000

static int to_chars(PyObject *str, Chars *out) {
    if (!PyUnicode_Check(str)) {
        PyErr_SetString(PyExc_TypeError, "expected str");
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(str);
    out->n = 0;
    if (nw_reserve((void **)&out->v, &out->cap, (uint64_t)n + 1, sizeof *out->v)) return -1;
    if (PyUnicode_AsUCS4(str, out->v, n + 1, 0) == NULL) return -1;
    out->n = (uint32_t)n;
    return 0;
}

static int info_reserve(Lexicon *lx) {
    return nw_reserve((void **)&lx->info, &lx->info_cap, (uint64_t)lx->tokens.count + 1,
                      sizeof *lx->info);
}

/* What is known of a new token: the prefixes it starts with, whether it starts lowercase. */
static int describe(Lexicon *lx, int32_t id, const Py_UCS4 *key, uint32_t len) {
    TokInfo *t = &lx->info[id];
    t->pfx_off = lx->pfx_ids.n;
    t->pfx_n = 0;
    t->lower = len > 0 && Py_UNICODE_ISLOWER(key[0]);
    uint64_t h = NW_HASH_SEED;
    uint32_t done = 0;
    for (uint32_t k = 0; k < lx->n_pfx_lens && lx->pfx_lens[k] <= len; k++) {
        uint32_t upto = lx->pfx_lens[k];
        for (; done < upto; done++) h = nw_hash_step(h, key[done]);
        int32_t p = strtab_find(&lx->prefixes, key, upto, h);
        if (p >= 0) {
            if (i32_push(&lx->pfx_ids, p)) return -1;
            lx->info[id].pfx_n++;
        }
    }
    return 0;
}

int32_t lexicon_token(Lexicon *lx, const Py_UCS4 *key, uint32_t len) {
    uint64_t h = nw_hash(key, len);
    int32_t id = strtab_find(&lx->tokens, key, len, h);
    if (id >= 0) return id;
    if (info_reserve(lx)) return -1;
    id = strtab_add(&lx->tokens, key, len, h);
    if (id < 0 || describe(lx, id, key, len)) return -1;
    return id;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int load_prefixes(Lexicon *lx, PyObject *prefixes) {
    Py_ssize_t n = PyList_GET_SIZE(prefixes);
    Chars buf = {0};
    uint32_t *lens = malloc((size_t)(n + 1) * sizeof *lens);
    if (lens == NULL) return PyErr_NoMemory(), -1;
    uint32_t nlens = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (to_chars(PyList_GET_ITEM(prefixes, i), &buf)) goto fail;
        uint64_t h = nw_hash(buf.v, buf.n);
        if (strtab_find(&lx->prefixes, buf.v, buf.n, h) >= 0 ||
            strtab_add(&lx->prefixes, buf.v, buf.n, h) != (int32_t)i) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "duplicate prefix");
            goto fail;
        }
        lens[nlens++] = buf.n;
    }
    qsort(lens, nlens, sizeof *lens, cmp_u32);
    lx->n_pfx_lens = 0;
    for (uint32_t i = 0; i < nlens; i++)
        if (i == 0 || lens[i] != lens[i - 1]) lens[lx->n_pfx_lens++] = lens[i];
    lx->pfx_lens = lens;
    free(buf.v);
    return 0;
fail:
    free(lens);
    free(buf.v);
    return -1;
}

static int load_vocab(Lexicon *lx, PyObject *vocab) {
    Chars buf = {0};
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(vocab); i++) {
        if (to_chars(PyList_GET_ITEM(vocab, i), &buf)) goto fail;
        if (lexicon_token(lx, buf.v, buf.n) != (int32_t)i) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "duplicate word");
            goto fail;
        }
    }
    lx->nvocab = lx->tokens.count;
    free(buf.v);
    return 0;
fail:
    free(buf.v);
    return -1;
}

int lexicon_init(Lexicon *lx, PyObject *vocab, PyObject *prefixes, PyObject *callbacks[3]) {
    memset(lx, 0, sizeof *lx);
    if (strtab_init(&lx->tokens) || strtab_init(&lx->prefixes) || strtab_init(&lx->runs))
        return -1;
    lx->chars = calloc(UNICODE_SIZE, sizeof *lx->chars);
    if (lx->chars == NULL) return PyErr_NoMemory(), -1;
    lx->char_flags = Py_NewRef(callbacks[0]);
    lx->run_tokens = Py_NewRef(callbacks[1]);
    lx->char_fold = Py_NewRef(callbacks[2]);
    if (!PyList_Check(vocab) || !PyList_Check(prefixes)) {
        PyErr_SetString(PyExc_TypeError, "vocab and prefixes must be lists");
        return -1;
    }
    return load_prefixes(lx, prefixes) || load_vocab(lx, vocab) ? -1 : 0;
}

void lexicon_clear_refs(Lexicon *lx) {
    Py_CLEAR(lx->char_flags);
    Py_CLEAR(lx->run_tokens);
    Py_CLEAR(lx->char_fold);
}

int lexicon_traverse(Lexicon *lx, visitproc visit, void *arg) {
    Py_VISIT(lx->char_flags);
    Py_VISIT(lx->run_tokens);
    Py_VISIT(lx->char_fold);
    return 0;
}

void lexicon_free(Lexicon *lx) {
    lexicon_clear_refs(lx);
    strtab_free(&lx->tokens);
    strtab_free(&lx->prefixes);
    strtab_free(&lx->runs);
    free(lx->info);
    free(lx->pfx_ids.v);
    free(lx->pfx_lens);
    free(lx->run_info);
    free(lx->run_toks.v);
    free(lx->ns_info);
    free(lx->ns_text.v);
    free(lx->chars);
    memset(lx, 0, sizeof *lx);
}

int lexicon_bound(Lexicon *lx) {
    if (lx->tokens.count - lx->nvocab <= lx->limit && lx->runs.count <= lx->limit) return 0;
    uint32_t keep = lx->nvocab;
    if (strtab_truncate(&lx->runs, 0)) return -1; /* runs refer to tokens: they go first */
    lx->run_toks.n = 0;
    if (strtab_truncate(&lx->tokens, keep)) return -1;
    lx->pfx_ids.n = keep ? lx->info[keep - 1].pfx_off + lx->info[keep - 1].pfx_n : 0;
    return 0;
}

int lexicon_flags(Lexicon *lx, Py_UCS4 c) {
    uint32_t known = lx->chars[c];
    if (known & CH_KNOWN) return (int)(known & 7);
    PyObject *result = PyObject_CallFunction(lx->char_flags, "C", (int)c);
    if (result == NULL) return -1;
    long flags = PyLong_AsLong(result);
    Py_DECREF(result);
    if (flags < 0 || flags > 7) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "char_flags: expected 0..7");
        return -1;
    }
    lx->chars[c] = (lx->chars[c] & ~0xffu) | CH_KNOWN | (uint32_t)flags;
    return (int)flags;
}

/* Interns each str of `tokens` (a tuple) into `ids`. */
static int intern_all(Lexicon *lx, PyObject *tokens, I32s *ids) {
    Chars buf = {0};
    ids->n = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tokens); i++) {
        int32_t id;
        if (to_chars(PyTuple_GET_ITEM(tokens, i), &buf) ||
            (id = lexicon_token(lx, buf.v, buf.n)) < 0 || i32_push(ids, id)) {
            free(buf.v);
            return -1;
        }
    }
    free(buf.v);
    return 0;
}

/* Asks normalize.run_tokens for the folded and cased tokens of a run; stores them. */
static int32_t learn_run(Lexicon *lx, PyObject *run, const Chars *key, uint64_t h) {
    PyObject *pair = PyObject_CallOneArg(lx->run_tokens, run);
    if (pair == NULL) return -1;
    I32s folded = {0}, cased = {0};
    int32_t id = -1;
    if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2 ||
        !PyTuple_Check(PyTuple_GET_ITEM(pair, 0)) || !PyTuple_Check(PyTuple_GET_ITEM(pair, 1))) {
        PyErr_SetString(PyExc_TypeError, "run_tokens: expected (tuple, tuple)");
        goto done;
    }
    if (intern_all(lx, PyTuple_GET_ITEM(pair, 0), &folded) ||
        intern_all(lx, PyTuple_GET_ITEM(pair, 1), &cased))
        goto done;
    id = strtab_find(&lx->runs, key->v, key->n, h); /* another thread may have added it */
    if (id >= 0) goto done;
    /* room for everything first: a run is filed whole or not at all */
    if (nw_reserve((void **)&lx->run_info, &lx->run_info_cap, (uint64_t)lx->runs.count + 1,
                   sizeof *lx->run_info) ||
        nw_reserve((void **)&lx->run_toks.v, &lx->run_toks.cap,
                   (uint64_t)lx->run_toks.n + 2ull * folded.n, sizeof *lx->run_toks.v) ||
        (id = strtab_add(&lx->runs, key->v, key->n, h)) < 0)
        goto done;
    /* normalize.fold keeps the counts equal; were they not, compare the folded tokens */
    int parallel = cased.n == folded.n;
    lx->run_info[id] = (RunInfo){lx->run_toks.n / 2, folded.n};
    for (uint32_t i = 0; i < folded.n; i++) {
        lx->run_toks.v[lx->run_toks.n++] = folded.v[i];
        lx->run_toks.v[lx->run_toks.n++] = parallel ? cased.v[i] : folded.v[i];
    }
done:
    Py_DECREF(pair);
    free(folded.v);
    free(cased.v);
    return id;
}

int lexicon_run(Lexicon *lx, PyObject *text, Py_ssize_t start, Py_ssize_t end, RunInfo *out) {
    Chars key = {0};
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (nw_reserve((void **)&key.v, &key.cap, (uint64_t)(end - start), sizeof *key.v)) return -1;
    for (Py_ssize_t i = start; i < end; i++) key.v[key.n++] = PyUnicode_READ(kind, data, i);
    uint64_t h = nw_hash(key.v, key.n);
    int32_t id = strtab_find(&lx->runs, key.v, key.n, h);
    if (id < 0) {
        PyObject *run = PyUnicode_Substring(text, start, end);
        id = run == NULL ? -1 : learn_run(lx, run, &key, h);
        Py_XDECREF(run);
    }
    free(key.v);
    if (id < 0) return -1;
    *out = lx->run_info[id];
    return 0;
}

static int ns_store(Lexicon *lx, Py_UCS4 c, PyObject *folded, PyObject *cased) {
    Chars buf = {0};
    NsInfo info;
    int failed = to_chars(folded, &buf);
    info.fold_off = lx->ns_text.n;
    info.fold_len = buf.n;
    failed = failed || chars_extend(&lx->ns_text, buf.v, buf.n) || to_chars(cased, &buf);
    info.cased_off = lx->ns_text.n;
    info.cased_len = buf.n;
    failed = failed || chars_extend(&lx->ns_text, buf.v, buf.n) ||
             nw_reserve((void **)&lx->ns_info, &lx->ns_cap, (uint64_t)lx->ns_count + 1,
                        sizeof *lx->ns_info);
    free(buf.v);
    if (failed) return -1;
    lx->ns_info[lx->ns_count++] = info;
    lx->chars[c] = (lx->chars[c] & 0xffu) | (lx->ns_count << 8);
    return 0;
}

int lexicon_ns(Lexicon *lx, Py_UCS4 c, NsInfo *out) {
    if ((lx->chars[c] >> 8) == 0) {
        PyObject *pair = PyObject_CallFunction(lx->char_fold, "C", (int)c);
        if (pair == NULL) return -1;
        int ok = PyTuple_Check(pair) && PyTuple_GET_SIZE(pair) == 2;
        if (!ok) PyErr_SetString(PyExc_TypeError, "char_fold: expected (str, str)");
        /* another thread may have stored it meanwhile */
        if (ok && (lx->chars[c] >> 8) == 0 &&
            ns_store(lx, c, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1)))
            ok = 0;
        Py_DECREF(pair);
        if (!ok) return -1;
    }
    *out = lx->ns_info[(lx->chars[c] >> 8) - 1];
    return 0;
}

PyObject *lexicon_text(const Lexicon *lx, int32_t tok) {
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, strtab_key(&lx->tokens, tok),
                                     lx->tokens.keys[tok].len);
}
