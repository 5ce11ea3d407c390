/* Is a node true for the document, and where (token spans per field) do positional nodes
 * occur. Both are memoized per document: nodes are shared between watches by the compiler.
 *
 * Spans live in the scratch arena, addressed by offset (the arena may move when it grows);
 * a node's spans are written at the arena's end once its operands' spans are known. */
#include "engine.h"

#include <stdlib.h>

/* ---------------------------------------------------------------- patterns */

/* Appends where the pattern occurs in field f (or, without `out`, stops at the first);
 * the number found, or -1. */
static int pattern_spans(const Ctx *c, const Pattern *pt, int f, U64s *out) {
    const Scratch *s = c->s;
    if (!has_key(s, f, pt->first)) return 0;
    const FieldToks *t = &s->f[f];
    const Tok *toks = t->v;
    const int32_t *words = c->p->pwords + pt->words;
    uint32_t n = pt->n, last = n - 1, cs = pt->case_sensitive;
    int found = 0;
    for (int32_t e = s->occ[pt->first].head[f]; e >= 0; e = s->onext[f].v[e]) {
        uint32_t start = (uint32_t)s->opos[f].v[e], i = 0;
        if (start + n > t->n) break; /* positions ascend */
        while (i < last && (cs ? toks[start + i].cased : toks[start + i].fold) == words[i]) i++;
        if (i < last) continue;
        const Tok *end = &toks[start + last];
        if (pt->prefix ? !tok_has_prefix(t, end, words[last], (int)cs)
                       : (cs ? end->cased : end->fold) != words[last])
            continue;
        if (pt->capitalized && toks[start].lower) continue;
        found++;
        if (out == NULL) return 1;
        if (u64_push(out, span_pack(start, start + n))) return -1;
    }
    return found;
}

static int leaf_test(const Ctx *c, const Node *n) {
    for (int f = 0; f < 2; f++) {
        if (!(n->fields & (1 << f))) continue;
        for (int32_t i = 0; i < n->b; i++) {
            int r = pattern_spans(c, &c->p->patterns[c->p->refs[n->a + i]], f, NULL);
            if (r != 0) return r;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- spans */

static void sort_tail(U64s *arena, uint32_t off) {
    U64s tail = {arena->v + off, arena->n - off, arena->n - off};
    u64_sort_unique(&tail);
    arena->n = off + tail.n;
}

static int term_spans(Ctx *c, const Node *n, int f) {
    Scratch *s = c->s;
    if (!(n->fields & (1 << f)) || !has_key(s, f, n->a)) return 0;
    for (int32_t e = s->occ[n->a].head[f]; e >= 0; e = s->onext[f].v[e]) {
        uint32_t pos = (uint32_t)s->opos[f].v[e];
        if (u64_push(&s->arena, span_pack(pos, pos + 1))) return -1;
    }
    return 0;
}

static int leaf_spans(Ctx *c, const Node *n, int f) {
    if (!(n->fields & (1 << f))) return 0;
    for (int32_t i = 0; i < n->b; i++)
        if (pattern_spans(c, &c->p->patterns[c->p->refs[n->a + i]], f, &c->s->arena) < 0)
            return -1;
    return 0;
}

/* Copies the (already known) spans of the OR's children to the arena's end. */
static int or_spans(Ctx *c, const Node *n, int f) {
    Scratch *s = c->s;
    uint64_t total = s->arena.n;
    for (int32_t i = 0; i < n->b; i++) total += s->memo[c->p->refs[n->a + i]].span_len[f];
    if (nw_reserve((void **)&s->arena.v, &s->arena.cap, total, sizeof *s->arena.v)) return -1;
    for (int32_t i = 0; i < n->b; i++) {
        int32_t child = c->p->refs[n->a + i];
        const NodeMemo *m = &s->memo[child];
        const uint64_t *from = s->arena.v + m->span_off[f];
        for (uint32_t k = 0; k < m->span_len[f]; k++) s->arena.v[s->arena.n++] = from[k];
    }
    return 0;
}

static int near_spans(Ctx *c, const Node *n, int f) {
    U64s lefts = {0}, rights = {0};
    int rc = near_pairs(c, n, f, &lefts, &rights, 0) < 0 ? -1 : 0;
    for (uint32_t i = 0; rc == 0 && i < lefts.n; i++) {
        uint64_t a = lefts.v[i], b = rights.v[i];
        uint32_t start = span_start(a) < span_start(b) ? span_start(a) : span_start(b);
        uint32_t end = span_end(a) > span_end(b) ? span_end(a) : span_end(b);
        rc = u64_push(&c->s->arena, span_pack(start, end));
    }
    free(lefts.v);
    free(rights.v);
    return rc;
}

/* The spans of an OR's children or a NEAR's operands, before the node's own are written. */
static int operand_spans(Ctx *c, const Node *n, int f) {
    uint32_t off, len;
    if (n->kind == N_NEAR)
        return node_spans(c, n->a, f, &off, &len) || node_spans(c, n->b, f, &off, &len) ? -1 : 0;
    for (int32_t i = 0; n->kind == N_OR && i < n->b; i++)
        if (node_spans(c, c->p->refs[n->a + i], f, &off, &len)) return -1;
    return 0;
}

static int spans_uncached(Ctx *c, int32_t id, int f) {
    Scratch *s = c->s;
    const Node *n = &c->p->nodes[id];
    if (operand_spans(c, n, f)) return -1;
    uint32_t start = s->arena.n;
    int rc = 0;
    switch (n->kind) {
    case N_TERM:
        rc = term_spans(c, n, f);
        break;
    case N_LEAF:
        rc = leaf_spans(c, n, f);
        break;
    case N_OR:
        rc = or_spans(c, n, f);
        break;
    case N_NEAR:
        rc = near_spans(c, n, f);
        break;
    }
    if (rc) return -1;
    sort_tail(&s->arena, start);
    NodeMemo *m = &s->memo[id];
    m->span_off[f] = start;
    m->span_len[f] = s->arena.n - start;
    m->span_stamp[f] = s->epoch;
    return 0;
}

int node_spans(Ctx *c, int32_t id, int f, uint32_t *off, uint32_t *len) {
    Scratch *s = c->s;
    if (s->memo[id].span_stamp[f] != s->epoch && spans_uncached(c, id, f)) return -1;
    *off = s->memo[id].span_off[f];
    *len = s->memo[id].span_len[f];
    return 0;
}

/* ---------------------------------------------------------------- NEAR */

static uint32_t first_at_or_after(const uint64_t *spans, uint32_t n, uint32_t start) {
    uint64_t key = span_pack(start, 0);
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (spans[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int close_enough(uint64_t l, uint64_t r, uint32_t dist, int ordered) {
    uint32_t ls = span_start(l), le = span_end(l), rs = span_start(r), re = span_end(r);
    return (le <= rs && rs - le <= dist) || (!ordered && re <= ls && ls - re <= dist);
}

int near_pairs(Ctx *c, const Node *n, int f, U64s *lefts, U64s *rights, int first_only) {
    Scratch *s = c->s;
    uint32_t loff, llen, roff, rlen;
    if (node_spans(c, n->a, f, &loff, &llen)) return -1;
    if (llen == 0) return 0;
    if (node_spans(c, n->b, f, &roff, &rlen)) return -1;
    if (rlen == 0) return 0;
    const uint64_t *L = s->arena.v + loff, *R = s->arena.v + roff; /* no growth from here */
    uint32_t dist = (uint32_t)n->c, widest = 0;
    for (uint32_t j = 0; j < rlen; j++)
        if (span_end(R[j]) - span_start(R[j]) > widest) widest = span_end(R[j]) - span_start(R[j]);
    int found = 0;
    for (uint32_t i = 0; i < llen; i++) {
        uint32_t ls = span_start(L[i]), le = span_end(L[i]), reach = dist + widest;
        uint32_t from = n->ordered ? le : (ls > reach ? ls - reach : 0);
        for (uint32_t j = first_at_or_after(R, rlen, from);
             j < rlen && (uint64_t)span_start(R[j]) <= (uint64_t)le + dist; j++) {
            if (!close_enough(L[i], R[j], dist, n->ordered)) continue;
            found++;
            if (first_only) return 1;
            if (u64_push(lefts, L[i]) || u64_push(rights, R[j])) return -1;
        }
    }
    return found;
}

static int near_test(Ctx *c, const Node *n) {
    int r = node_test(c, n->a);
    if (r > 0) r = node_test(c, n->b);
    if (r <= 0) return r;
    r = near_pairs(c, n, 0, NULL, NULL, 1);
    return r != 0 ? r : near_pairs(c, n, 1, NULL, NULL, 1);
}

/* ---------------------------------------------------------------- test */

static int test_uncached(Ctx *c, const Node *n) {
    const Scratch *s = c->s;
    int r = 0;
    switch (n->kind) {
    case N_TERM:
        return ((n->fields & 1) && has_key(s, 0, n->a)) || ((n->fields & 2) && has_key(s, 1, n->a));
    case N_LEAF:
        return leaf_test(c, n);
    case N_NEAR:
        return near_test(c, n);
    case N_AND:
        for (int32_t i = 0; i < n->b; i++)
            if ((r = node_test(c, c->p->refs[n->a + i])) <= 0) return r;
        return 1;
    case N_OR:
        for (int32_t i = 0; i < n->b; i++)
            if ((r = node_test(c, c->p->refs[n->a + i])) != 0) return r;
        return 0;
    case N_NOT:
        r = node_test(c, n->a);
        return r < 0 ? r : !r;
    case N_FILTER:
        return s->kstamp[n->a] == s->epoch;
    }
    return 0;
}

int node_test(Ctx *c, int32_t id) {
    Scratch *s = c->s;
    if (s->memo[id].test_stamp == s->epoch) return s->memo[id].truth;
    int r = test_uncached(c, &c->p->nodes[id]);
    if (r < 0) return -1;
    s->memo[id].test_stamp = s->epoch;
    s->memo[id].truth = (uint8_t)r;
    return r;
}
