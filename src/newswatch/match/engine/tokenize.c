/* A field's text -> tokens: the runs of normalize._RUN_RE, each made into tokens like
 * normalize._run_tokens, with the character spans of normalize.token_spans.
 *
 * A run is a letter followed by letters and combining marks, or a sequence of characters of
 * scripts written without spaces. ASCII letters and digits are letters; other ASCII
 * characters separate runs; other characters are classified once by normalize.char_flags.
 * ASCII runs are lowercased here; other letter runs go through the run cache; runs without
 * spaces become bigrams of their folded characters. Each token is described by the lexicon
 * (its word ids, prefixes and case) where it occurs.
 */
#include "engine.h"

static PyObject *text_of(const Py_UCS4 *v, uint32_t n) {
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, v, n);
}

/* With out->texts (Engine.tokens), lists the token's two forms. */
static int list_forms(FieldToks *out, const Py_UCS4 *fold, uint32_t flen, const Py_UCS4 *cased,
                      uint32_t clen) {
    if (out->texts == NULL) return 0;
    PyObject *pair = Py_BuildValue("(NN)", text_of(fold, flen), text_of(cased, clen));
    int rc = pair == NULL || PyList_Append(out->texts, pair);
    Py_XDECREF(pair);
    return rc ? -1 : 0;
}

static int push(FieldToks *out, const Tok *t) {
    if (out->n >= MAX_TOKENS) {
        PyErr_SetString(PyExc_ValueError, "text has too many tokens to match");
        return -1;
    }
    if (out->n == out->cap &&
        nw_reserve((void **)&out->v, &out->cap, (uint64_t)out->n + 1, sizeof *out->v))
        return -1;
    out->v[out->n++] = *t;
    return 0;
}

/* A token made here from its two forms, at [start, end). */
static int emit(const Lexicon *lx, FieldToks *out, const Py_UCS4 *fold, uint32_t flen,
                const Py_UCS4 *cased, uint32_t clen, Py_ssize_t start, Py_ssize_t end) {
    Tok t;
    if (lexicon_describe(lx, fold, flen, cased, clen, &out->pfx, &t)) return -1;
    t.start = (int32_t)start;
    t.end = (int32_t)end;
    return push(out, &t) || list_forms(out, fold, flen, cased, clen) ? -1 : 0;
}

static int flags_at(Lexicon *lx, int kind, const void *data, Py_ssize_t i) {
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (c < 128) return Py_ISALNUM(c) ? CH_LETTER : 0;
    return lexicon_flags(lx, c);
}

/* An ASCII run: lowercased, and as written. */
static int ascii_run(Lexicon *lx, Scratch *s, int kind, const void *data, Py_ssize_t start,
                     Py_ssize_t end, FieldToks *out) {
    uint32_t n = (uint32_t)(end - start);
    Chars *fold = &s->key, *cased = &s->cased_key;
    if (nw_reserve((void **)&fold->v, &fold->cap, n, sizeof *fold->v) ||
        nw_reserve((void **)&cased->v, &cased->cap, n, sizeof *cased->v))
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, start + i);
        cased->v[i] = c;
        fold->v[i] = c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
    return emit(lx, out, fold->v, n, cased->v, n, start, end);
}

/* With out->texts, lists a cached token's forms, copied first: making the strs may run
 * Python code, which may match another document and grow the run cache. */
static int list_cached(const Lexicon *lx, Scratch *s, const RunTok *r, FieldToks *out) {
    if (out->texts == NULL) return 0;
    s->key.n = s->cased_key.n = 0;
    if (chars_extend(&s->key, lx->run_text.v + r->text, r->text_len) ||
        chars_extend(&s->cased_key, lx->run_text.v + r->cased_text, r->cased_len))
        return -1;
    return list_forms(out, s->key.v, s->key.n, s->cased_key.v, s->cased_key.n);
}

/* A letter run with other characters: its tokens from the run cache. */
static int cached_run(Lexicon *lx, Scratch *s, PyObject *text, Py_ssize_t start, Py_ssize_t end,
                      FieldToks *out) {
    RunInfo run;
    if (lexicon_run(lx, text, start, end, &run)) return -1;
    for (uint32_t i = 0; i < run.n; i++) {
        RunTok r = lx->run_toks[run.off + i];
        Tok t = r.tok;
        t.pfx = out->pfx.n;
        t.start = (int32_t)start;
        t.end = (int32_t)end;
        for (uint32_t k = 0; k < (uint32_t)t.nfold + t.ncased; k++)
            if (i32_push(&out->pfx, lx->run_pfx.v[r.tok.pfx + k])) return -1;
        if (push(out, &t) || list_cached(lx, s, &r, out)) return -1;
    }
    return 0;
}

/* The folded (or case-kept) forms of one or two characters, one after the other. */
static int ns_text(const Lexicon *lx, Chars *key, const NsInfo *a, const NsInfo *b, int cased) {
    const Py_UCS4 *text = lx->ns_text.v;
    key->n = 0;
    if (chars_extend(key, text + (cased ? a->cased_off : a->fold_off),
                     cased ? a->cased_len : a->fold_len))
        return -1;
    if (b && chars_extend(key, text + (cased ? b->cased_off : b->fold_off),
                          cased ? b->cased_len : b->fold_len))
        return -1;
    return 0;
}

static int ns_token(Lexicon *lx, Scratch *s, const NsInfo *a, const NsInfo *b,
                    Py_ssize_t start, Py_ssize_t end, FieldToks *out) {
    if (ns_text(lx, &s->key, a, b, 0) || ns_text(lx, &s->cased_key, a, b, 1)) return -1;
    return emit(lx, out, s->key.v, s->key.n, s->cased_key.v, s->cased_key.n, start, end);
}

/* A run of a script without spaces: one token per pair of neighbours (a lone character is
 * one token). */
static int nospace_run(Lexicon *lx, Scratch *s, int kind, const void *data, Py_ssize_t start,
                       Py_ssize_t end, FieldToks *out) {
    NsInfo prev, cur;
    if (lexicon_ns(lx, PyUnicode_READ(kind, data, start), &prev)) return -1;
    if (end - start == 1) return ns_token(lx, s, &prev, NULL, start, end, out);
    for (Py_ssize_t i = start + 1; i < end; i++) {
        if (lexicon_ns(lx, PyUnicode_READ(kind, data, i), &cur) ||
            ns_token(lx, s, &prev, &cur, i - 1, i + 1, out))
            return -1;
        prev = cur;
    }
    return 0;
}

/* The end of the letter run starting at `start`, and whether it is all ASCII. */
static Py_ssize_t letters_end(Lexicon *lx, int kind, const void *data, Py_ssize_t start,
                              Py_ssize_t n, int *ascii) {
    Py_ssize_t j = start + 1;
    *ascii = PyUnicode_READ(kind, data, start) < 128;
    for (; j < n; j++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, j);
        if (c < 128) {
            if (!Py_ISALNUM(c)) break;
            continue;
        }
        int flags = lexicon_flags(lx, c);
        if (flags < 0) return -1;
        if (!(flags & (CH_LETTER | CH_MARK))) break;
        *ascii = 0;
    }
    return j;
}

static Py_ssize_t nospace_end(Lexicon *lx, int kind, const void *data, Py_ssize_t start,
                              Py_ssize_t n) {
    Py_ssize_t j = start + 1;
    for (; j < n; j++) {
        int flags = flags_at(lx, kind, data, j);
        if (flags < 0) return -1;
        if (!(flags & CH_NOSPACE)) break;
    }
    return j;
}

int tokenize(Lexicon *lx, Scratch *s, PyObject *text, int field) {
    FieldToks *out = &s->f[field];
    out->n = out->pfx.n = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n > INT32_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "text too long to match");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n;) {
        int flags = flags_at(lx, kind, data, i), ascii;
        Py_ssize_t j;
        if (flags < 0) return -1;
        if (flags & CH_LETTER) {
            if ((j = letters_end(lx, kind, data, i, n, &ascii)) < 0) return -1;
            if (ascii ? ascii_run(lx, s, kind, data, i, j, out)
                      : cached_run(lx, s, text, i, j, out))
                return -1;
        } else if (flags & CH_NOSPACE) {
            if ((j = nospace_end(lx, kind, data, i, n)) < 0 ||
                nospace_run(lx, s, kind, data, i, j, out))
                return -1;
        } else {
            j = i + 1;
        }
        i = j;
    }
    return 0;
}
