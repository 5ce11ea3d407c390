/* A field's text -> tokens: the runs of normalize._RUN_RE, each made into tokens like
 * normalize._run_tokens, with the character spans of normalize.token_spans.
 *
 * A run is a letter followed by letters and combining marks, or a sequence of characters of
 * scripts written without spaces. ASCII letters and digits are letters; other ASCII
 * characters separate runs; other characters are classified once by normalize.char_flags.
 * ASCII runs are lowercased here; other letter runs go through the run cache; runs without
 * spaces become bigrams of their folded characters.
 */
#include "engine.h"

static int emit(FieldToks *out, int32_t fold, int32_t cased, Py_ssize_t start, Py_ssize_t end) {
    if (out->fold.n >= MAX_TOKENS) {
        PyErr_SetString(PyExc_ValueError, "text has too many tokens to match");
        return -1;
    }
    return i32_push(&out->fold, fold) || i32_push(&out->cased, cased) ||
                   i32_push(&out->start, (int32_t)start) || i32_push(&out->end, (int32_t)end)
               ? -1
               : 0;
}

static int flags_at(Lexicon *lx, int kind, const void *data, Py_ssize_t i) {
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (c < 128) return Py_ISALNUM(c) ? CH_LETTER : 0;
    return lexicon_flags(lx, c);
}

/* An ASCII run: the lowercased token, and the token as written when it has capitals. */
static int ascii_run(Lexicon *lx, Scratch *s, int kind, const void *data, Py_ssize_t start,
                     Py_ssize_t end, FieldToks *out) {
    Chars *key = &s->key;
    uint32_t n = (uint32_t)(end - start);
    key->n = 0;
    if (nw_reserve((void **)&key->v, &key->cap, n, sizeof *key->v)) return -1;
    int upper = 0;
    for (uint32_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, start + i);
        upper |= c >= 'A' && c <= 'Z';
        key->v[i] = c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
    int32_t fold = lexicon_token(lx, key->v, n), cased = fold;
    if (fold < 0) return -1;
    if (upper) {
        for (uint32_t i = 0; i < n; i++) key->v[i] = PyUnicode_READ(kind, data, start + i);
        if ((cased = lexicon_token(lx, key->v, n)) < 0) return -1;
    }
    return emit(out, fold, cased, start, end);
}

static int cached_run(Lexicon *lx, PyObject *text, Py_ssize_t start, Py_ssize_t end,
                      FieldToks *out) {
    RunInfo run;
    if (lexicon_run(lx, text, start, end, &run)) return -1;
    for (uint32_t i = 0; i < run.n; i++) {
        const int32_t *pair = lx->run_toks.v + 2 * ((size_t)run.off + i);
        if (emit(out, pair[0], pair[1], start, end)) return -1;
    }
    return 0;
}

/* The token made of the folded (or cased) forms of one or two characters. */
static int32_t ns_token(Lexicon *lx, Chars *key, const NsInfo *a, const NsInfo *b, int cased) {
    key->n = 0;
    const Py_UCS4 *text = lx->ns_text.v;
    if (chars_extend(key, text + (cased ? a->cased_off : a->fold_off),
                     cased ? a->cased_len : a->fold_len))
        return -1;
    if (b && chars_extend(key, text + (cased ? b->cased_off : b->fold_off),
                          cased ? b->cased_len : b->fold_len))
        return -1;
    return lexicon_token(lx, key->v, key->n);
}

static int same_case(const Lexicon *lx, const NsInfo *c) {
    const Py_UCS4 *t = lx->ns_text.v;
    if (c->fold_len != c->cased_len) return 0;
    for (uint32_t i = 0; i < c->fold_len; i++)
        if (t[c->fold_off + i] != t[c->cased_off + i]) return 0;
    return 1;
}

/* A run of a script without spaces: one token per pair of neighbours (a lone character is
 * one token). */
static int nospace_run(Lexicon *lx, Scratch *s, int kind, const void *data, Py_ssize_t start,
                       Py_ssize_t end, FieldToks *out) {
    NsInfo prev, cur;
    if (lexicon_ns(lx, PyUnicode_READ(kind, data, start), &prev)) return -1;
    int prev_same = same_case(lx, &prev);
    if (end - start == 1) {
        int32_t fold = ns_token(lx, &s->key, &prev, NULL, 0);
        int32_t cased = fold < 0 || prev_same ? fold : ns_token(lx, &s->key, &prev, NULL, 1);
        return cased < 0 ? -1 : emit(out, fold, cased, start, end);
    }
    for (Py_ssize_t i = start + 1; i < end; i++) {
        if (lexicon_ns(lx, PyUnicode_READ(kind, data, i), &cur)) return -1;
        int cur_same = same_case(lx, &cur);
        int32_t fold = ns_token(lx, &s->key, &prev, &cur, 0);
        int32_t cased =
            fold < 0 || (prev_same && cur_same) ? fold : ns_token(lx, &s->key, &prev, &cur, 1);
        if (cased < 0 || emit(out, fold, cased, i - 1, i + 1)) return -1;
        prev = cur;
        prev_same = cur_same;
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
    out->fold.n = out->cased.n = out->start.n = out->end.n = 0;
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
            if (ascii ? ascii_run(lx, s, kind, data, i, j, out) : cached_run(lx, text, i, j, out))
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
