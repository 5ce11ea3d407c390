/* The lexicon: the program's vocabulary (the words its queries use) and wildcard prefixes,
 * what a token is to them, and the caches from text to tokens. Text the caches have not seen
 * goes to normalize.py once: the Python definitions stay the only ones (docs/query-language.md,
 * "Normalization"). Document tokens are not kept: a token is described where it occurs. */
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

/* ---------------------------------------------------------------- describing a token */

int32_t lexicon_word(const Lexicon *lx, const Py_UCS4 *key, uint32_t len) {
    return strtab_find(&lx->vocab, key, len, nw_hash(key, len));
}

/* Appends the ids of the prefixes `key` starts with; how many, or -1. Its beginnings, from
 * the length of the shortest prefix on, are looked up one character longer at a time, up to
 * the first that begins no prefix. */
static int prefixes_of(const Lexicon *lx, const Py_UCS4 *key, uint32_t len, I32s *out) {
    if (len < lx->stem_min) return 0; /* UINT32_MAX when there are no prefixes */
    uint64_t h = NW_HASH_SEED;
    int found = 0;
    for (uint32_t i = 0; i + 1 < lx->stem_min; i++) h = nw_hash_step(h, key[i]);
    for (uint32_t i = lx->stem_min - 1; i < len; i++) {
        h = nw_hash_step(h, key[i]);
        int32_t stem = strtab_find(&lx->stems, key, i + 1, h);
        if (stem < 0) break;
        int32_t p = lx->stem_prefix[stem];
        if (p >= 0 && (found++, i32_push(out, p))) return -1;
    }
    return found;
}

static int same_text(const Py_UCS4 *a, uint32_t alen, const Py_UCS4 *b, uint32_t blen) {
    return alen == blen && (alen == 0 || memcmp(a, b, alen * sizeof *a) == 0);
}

int lexicon_describe(const Lexicon *lx, const Py_UCS4 *fold, uint32_t flen,
                     const Py_UCS4 *cased, uint32_t clen, I32s *pfx, Tok *out) {
    int same = same_text(fold, flen, cased, clen);
    out->same = (uint8_t)same;
    out->lower = clen > 0 && Py_UNICODE_ISLOWER(cased[0]);
    out->fold = lexicon_word(lx, fold, flen);
    out->cased = same || !lx->case_sensitive ? out->fold : lexicon_word(lx, cased, clen);
    out->pfx = pfx->n;
    int nfold = prefixes_of(lx, fold, flen, pfx);
    int ncased = same || !lx->case_sensitive || nfold < 0 ? 0 : prefixes_of(lx, cased, clen, pfx);
    if (nfold < 0 || ncased < 0) return -1;
    out->nfold = (uint16_t)nfold;
    out->ncased = (uint16_t)ncased;
    return 0;
}

/* ---------------------------------------------------------------- loading */

/* Each str of `list` gets the id of its place in it. */
static int load_strings(StrTab *t, PyObject *list, const char *what) {
    Chars buf = {0};
    int rc = 0;
    for (Py_ssize_t i = 0; rc == 0 && i < PyList_GET_SIZE(list); i++) {
        rc = to_chars(PyList_GET_ITEM(list, i), &buf);
        uint64_t h = rc ? 0 : nw_hash(buf.v, buf.n);
        if (rc == 0 && (strtab_find(t, buf.v, buf.n, h) >= 0 ||
                        strtab_add(t, buf.v, buf.n, h) != (int32_t)i)) {
            if (!PyErr_Occurred()) PyErr_Format(PyExc_ValueError, "duplicate %s", what);
            rc = -1;
        }
    }
    free(buf.v);
    return rc;
}

/* Files every beginning of every prefix, from the length of the shortest prefix on, as a
 * stem, each marked with the prefix it is. */
static int load_stems(Lexicon *lx) {
    uint32_t total = 0, cap = 0;
    lx->stem_min = UINT32_MAX;
    for (uint32_t p = 0; p < lx->prefixes.count; p++) {
        total += lx->prefixes.keys[p].len;
        if (lx->prefixes.keys[p].len < lx->stem_min) lx->stem_min = lx->prefixes.keys[p].len;
    }
    if (lx->stem_min == 0) lx->stem_min = 1; /* an empty prefix is no stem: it begins no token */
    if (nw_reserve((void **)&lx->stem_prefix, &cap, (uint64_t)total + 1, sizeof(int32_t)))
        return -1;
    for (uint32_t p = 0; p < lx->prefixes.count; p++) {
        KeyRef k = lx->prefixes.keys[p];
        const Py_UCS4 *text = lx->prefixes.chars.v + k.off;
        uint64_t h = NW_HASH_SEED;
        for (uint32_t len = 1; len <= k.len; len++) {
            h = nw_hash_step(h, text[len - 1]);
            if (len < lx->stem_min) continue;
            int32_t stem = strtab_find(&lx->stems, text, len, h);
            if (stem < 0) {
                if ((stem = strtab_add(&lx->stems, text, len, h)) < 0) return -1;
                lx->stem_prefix[stem] = -1;
            }
            if (len == k.len) lx->stem_prefix[stem] = (int32_t)p;
        }
    }
    return 0;
}

int lexicon_init(Lexicon *lx, PyObject *vocab, PyObject *prefixes, int case_sensitive,
                 PyObject *callbacks[3]) {
    memset(lx, 0, sizeof *lx);
    if (strtab_init(&lx->vocab) || strtab_init(&lx->prefixes) || strtab_init(&lx->stems) ||
        strtab_init(&lx->runs))
        return -1;
    lx->chars = calloc(UNICODE_SIZE, sizeof *lx->chars);
    if (lx->chars == NULL) return PyErr_NoMemory(), -1;
    lx->case_sensitive = case_sensitive;
    lx->char_flags = Py_NewRef(callbacks[0]);
    lx->run_tokens = Py_NewRef(callbacks[1]);
    lx->char_fold = Py_NewRef(callbacks[2]);
    if (!PyList_Check(vocab) || !PyList_Check(prefixes)) {
        PyErr_SetString(PyExc_TypeError, "vocab and prefixes must be lists");
        return -1;
    }
    return load_strings(&lx->prefixes, prefixes, "prefix") || load_stems(lx) ||
                   load_strings(&lx->vocab, vocab, "word")
               ? -1
               : 0;
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
    strtab_free(&lx->vocab);
    strtab_free(&lx->prefixes);
    strtab_free(&lx->stems);
    strtab_free(&lx->runs);
    void *arrays[] = {lx->stem_prefix, lx->run_info, lx->run_toks, lx->run_pfx.v,
                      lx->run_text.v, lx->ns_info, lx->ns_text.v, lx->chars};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) free(arrays[i]);
    memset(lx, 0, sizeof *lx);
}

int lexicon_bound(Lexicon *lx) {
    if (lx->runs.count <= lx->limit) return 0;
    if (strtab_truncate(&lx->runs, 0)) return -1;
    lx->nrun_toks = lx->run_pfx.n = lx->run_text.n = 0;
    return 0;
}

/* ---------------------------------------------------------------- characters */

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

/* ---------------------------------------------------------------- runs */

/* Describes and files one token of a run (its prefixes in run_pfx, its texts in run_text). */
static int file_token(Lexicon *lx, const Chars *fold, const Chars *cased) {
    RunTok r;
    r.text = lx->run_text.n;
    r.text_len = fold->n;
    r.cased_text = r.text + fold->n;
    r.cased_len = cased->n;
    if (lexicon_describe(lx, fold->v, fold->n, cased->v, cased->n, &lx->run_pfx, &r.tok) ||
        chars_extend(&lx->run_text, fold->v, fold->n) ||
        chars_extend(&lx->run_text, cased->v, cased->n) ||
        nw_reserve((void **)&lx->run_toks, &lx->run_toks_cap, (uint64_t)lx->nrun_toks + 1,
                   sizeof *lx->run_toks))
        return -1;
    lx->run_toks[lx->nrun_toks++] = r;
    return 0;
}

/* Files the tokens of a run as normalize.run_tokens gives them (folded, case-kept). */
static int file_tokens(Lexicon *lx, PyObject *folded, PyObject *cased) {
    Py_ssize_t n = PyTuple_GET_SIZE(folded);
    int parallel = PyTuple_GET_SIZE(cased) == n; /* normalize.fold keeps the counts equal */
    Chars f = {0}, c = {0};
    int rc = 0;
    for (Py_ssize_t i = 0; rc == 0 && i < n; i++) {
        rc = to_chars(PyTuple_GET_ITEM(folded, i), &f) ||
             to_chars(PyTuple_GET_ITEM(parallel ? cased : folded, i), &c) ||
             file_token(lx, &f, &c);
    }
    free(f.v);
    free(c.v);
    return rc;
}

/* Asks normalize.run_tokens about a run; files it whole or not at all. */
static int32_t learn_run(Lexicon *lx, PyObject *run, const Chars *key, uint64_t h) {
    PyObject *pair = PyObject_CallOneArg(lx->run_tokens, run);
    if (pair == NULL) return -1;
    int32_t id = -1;
    /* read after the call: another thread may have filed runs meanwhile */
    uint32_t first = lx->nrun_toks, pfx = lx->run_pfx.n, text = lx->run_text.n;
    if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2 ||
        !PyTuple_Check(PyTuple_GET_ITEM(pair, 0)) || !PyTuple_Check(PyTuple_GET_ITEM(pair, 1))) {
        PyErr_SetString(PyExc_TypeError, "run_tokens: expected (tuple, tuple)");
    } else if ((id = strtab_find(&lx->runs, key->v, key->n, h)) >= 0) {
        /* this very run, filed by another thread meanwhile */
    } else if (nw_reserve((void **)&lx->run_info, &lx->run_info_cap,
                          (uint64_t)lx->runs.count + 1, sizeof *lx->run_info) == 0 &&
               file_tokens(lx, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1)) == 0 &&
               (id = strtab_add(&lx->runs, key->v, key->n, h)) >= 0) {
        lx->run_info[id] = (RunInfo){first, lx->nrun_toks - first};
    } else { /* forget what was filed of it */
        lx->nrun_toks = first;
        lx->run_pfx.n = pfx;
        lx->run_text.n = text;
        id = -1;
    }
    Py_DECREF(pair);
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
