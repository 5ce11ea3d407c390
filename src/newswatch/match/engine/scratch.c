/* Per-call working memory, and the first steps on a tokenized document: where each word and
 * prefix key occurs, which keys the document has, and which roots are candidates. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

static void *zeros(size_t n, size_t size) { return calloc(n ? n : 1, size); }

Scratch *scratch_new(const Program *p) {
    Scratch *s = zeros(1, sizeof *s);
    if (s == NULL) return PyErr_NoMemory(), NULL;
    s->occ = zeros(p->nvocab + p->nprefix, sizeof *s->occ);
    s->memo = zeros(p->nnodes, sizeof *s->memo);
    s->kstamp = zeros(p->nkeys, sizeof *s->kstamp);
    s->cstamp = zeros(p->nclauses, sizeof *s->cstamp);
    s->rc = zeros(p->nroots, sizeof *s->rc);
    if (!(s->occ && s->memo && s->kstamp && s->cstamp && s->rc)) {
        scratch_free(s);
        return PyErr_NoMemory(), NULL;
    }
    return s;
}

void scratch_free(Scratch *s) {
    if (s == NULL) return;
    for (int f = 0; f < 2; f++) {
        void *field[] = {s->f[f].v, s->f[f].pfx.v, s->opos[f].v, s->onext[f].v};
        for (size_t i = 0; i < sizeof field / sizeof *field; i++) free(field[i]);
    }
    void *rest[] = {s->occ,          s->memo,        s->kstamp,      s->cstamp,
                    s->rc,           s->present.v,   s->touched.v,   s->cands.v,
                    s->matched.v,    s->arena.v,     s->narena.v,    s->nents.v,
                    s->tagged.v,     s->ents.v,      s->hits.v,      s->key.v,
                    s->cased_key.v,
                    s->hitmap.slots, s->windowmap.slots, s->evmap.slots};
    for (size_t i = 0; i < sizeof rest / sizeof *rest; i++) free(rest[i]);
    free(s);
}

/* After 2^32 documents the stamps would repeat: start them over. */
static void restamp(Scratch *s, const Program *p) {
    memset(s->occ, 0, (p->nvocab + p->nprefix) * sizeof *s->occ);
    memset(s->memo, 0, p->nnodes * sizeof *s->memo);
    memset(s->kstamp, 0, p->nkeys * sizeof *s->kstamp);
    memset(s->cstamp, 0, p->nclauses * sizeof *s->cstamp);
    memset(s->rc, 0, p->nroots * sizeof *s->rc);
    s->epoch = 0;
}

void scratch_begin(Scratch *s, const Program *p) {
    if (++s->epoch == 0) {
        restamp(s, p);
        s->epoch = 1;
    }
    for (int f = 0; f < 2; f++) s->opos[f].n = s->onext[f].n = 0;
    s->present.n = s->touched.n = s->cands.n = s->matched.n = 0;
    s->arena.n = s->narena.n = s->nents.n = 0;
}

int scratch_mark_key(Scratch *s, uint32_t key) {
    if (s->kstamp[key] == s->epoch) return 0;
    s->kstamp[key] = s->epoch;
    return i32_push(&s->present, (int32_t)key);
}

static int occurs(Scratch *s, int f, int32_t key, int32_t pos) {
    KeyOcc *occ = &s->occ[key];
    int32_t next = occ->stamp[f] == s->epoch ? occ->head[f] : -1;
    uint32_t at = s->opos[f].n;
    if (i32_push(&s->opos[f], pos) || i32_push(&s->onext[f], next)) return -1;
    occ->head[f] = (int32_t)at;
    occ->stamp[f] = s->epoch;
    return scratch_mark_key(s, (uint32_t)key);
}

/* Chains each key's positions (ascending: built from the last position back). */
int scratch_index(Scratch *s, const Program *p) {
    for (int f = 0; f < 2; f++) {
        const FieldToks *t = &s->f[f];
        for (int32_t pos = (int32_t)t->n - 1; pos >= 0; pos--) {
            const Tok *tok = &t->v[pos];
            if (tok->fold >= 0 && occurs(s, f, tok->fold, pos)) return -1;
            for (uint32_t k = 0; k < tok->nfold; k++) /* the folded form's prefixes */
                if (occurs(s, f, (int32_t)p->nvocab + t->pfx.v[tok->pfx + k], pos)) return -1;
        }
    }
    return 0;
}

static int count(Scratch *s, int32_t root) {
    RootCount *rc = &s->rc[root];
    if (rc->stamp != s->epoch) {
        *rc = (RootCount){s->epoch, 0};
        if (i32_push(&s->touched, root)) return -1;
    }
    rc->count++;
    return 0;
}

/* A clause of several keys counts once, whichever of them the document has. */
static int count_clause(Scratch *s, const Program *p, int32_t clause) {
    if (s->cstamp[clause] == s->epoch) return 0;
    s->cstamp[clause] = s->epoch;
    for (int32_t k = p->clause_roots_start[clause]; k < p->clause_roots_start[clause + 1]; k++)
        if (count(s, p->clause_roots[k])) return -1;
    return 0;
}

/* Counts, per root, the clauses one of whose keys the document has: roots whose clauses all
 * hold (and those without clauses) are the candidates, ascending. */
int scratch_candidates(Scratch *s, const Program *p) {
    for (uint32_t i = 0; i < s->present.n; i++) {
        int32_t key = s->present.v[i];
        for (int32_t k = p->root_start[key]; k < p->root_start[key + 1]; k++)
            if (count(s, p->key_roots[k])) return -1;
        for (int32_t k = p->clause_start[key]; k < p->clause_start[key + 1]; k++)
            if (count_clause(s, p, p->key_clauses[k])) return -1;
    }
    for (uint32_t i = 0; i < s->touched.n; i++) {
        int32_t root = s->touched.v[i];
        if (s->rc[root].count == p->need[root] && i32_push(&s->cands, root)) return -1;
    }
    for (uint32_t i = 0; i < p->nalways; i++)
        if (i32_push(&s->cands, p->always[i])) return -1;
    i32_sort(&s->cands);
    return 0;
}
