/* The evidence of a matching root: the token spans of the nodes that made it true (none
 * from NOT branches or false OR options), the entities whose aliases gave them, and from
 * those the hits: outermost spans only, at most MAX_HITS, as character spans.
 * See docs/query-language.md, "Matches". */
#include "engine.h"

#include <stdlib.h>

/* Appends the node's spans in both fields, tagged with their field; how many, or -1. */
static int64_t tagged_spans(Ctx *c, int32_t id, U64s *out) {
    int64_t added = 0;
    for (int f = 0; f < 2; f++) {
        uint32_t off, len;
        if (node_spans(c, id, f, &off, &len)) return -1;
        for (uint32_t i = 0; i < len; i++) {
            uint64_t span = c->s->arena.v[off + i];
            if (u64_push(out, tag_pack(f, span_start(span), span_end(span)))) return -1;
        }
        added += len;
    }
    return added;
}

static int contains(const U64s *sorted, uint64_t x) {
    uint32_t lo = 0, hi = sorted->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (sorted->v[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo < sorted->n && sorted->v[lo] == x;
}

/* True when one of the node's spans is in `used`. */
static int gave(Ctx *c, int32_t id, const U64s *used) {
    for (int f = 0; f < 2; f++) {
        uint32_t off, len;
        if (node_spans(c, id, f, &off, &len)) return -1;
        for (uint32_t i = 0; i < len; i++) {
            uint64_t span = c->s->arena.v[off + i];
            if (contains(used, tag_pack(f, span_start(span), span_end(span)))) return 1;
        }
    }
    return 0;
}

static int near_evidence(Ctx *c, int32_t id);

/* The entities of the leaves under a proximity operand whose spans are in `used`. */
static int entities_in(Ctx *c, int32_t id, const U64s *used, I32s *out) {
    const Node *n = &c->p->nodes[id];
    Scratch *s = c->s;
    if (n->kind == N_OR) {
        for (int32_t i = 0; i < n->b; i++)
            if (entities_in(c, c->p->refs[n->a + i], used, out)) return -1;
        return 0;
    }
    int wanted = (n->kind == N_NEAR && n->has_entities) || (n->kind == N_LEAF && n->c >= 0);
    int g = wanted ? gave(c, id, used) : 0;
    if (g <= 0) return g;
    if (n->kind == N_LEAF) return i32_push(out, n->c);
    if (near_evidence(c, id)) return -1;
    for (uint32_t i = 0; i < s->memo[id].ents_len; i++)
        if (i32_push(out, s->nents.v[s->memo[id].ents_off + i])) return -1;
    return 0;
}

/* The pairs' spans, and the entities of each side (left first); written to narena/nents
 * once everything nested is known. */
static int near_compute(Ctx *c, int32_t id, U64s *spans, I32s *ents) {
    const Node *n = &c->p->nodes[id];
    U64s side[2][2] = {{{0}}};
    int rc = 0;
    for (int f = 0; rc == 0 && f < 2; f++)
        rc = near_pairs(c, n, f, &side[f][0], &side[f][1], 0) < 0 ? -1 : 0;
    for (int f = 0; f < 2; f++)
        for (uint32_t i = 0; rc == 0 && i < side[f][0].n; i++)
            rc = u64_push(spans, tag_pack(f, span_start(side[f][0].v[i]), span_end(side[f][0].v[i]))) ||
                 u64_push(spans, tag_pack(f, span_start(side[f][1].v[i]), span_end(side[f][1].v[i])));
    u64_sort_unique(spans);
    for (int which = 0; rc == 0 && n->has_entities && which < 2; which++) {
        U64s used = {0};
        for (int f = 0; f < 2; f++)
            for (uint32_t i = 0; rc == 0 && i < side[f][which].n; i++) {
                uint64_t span = side[f][which].v[i];
                rc = u64_push(&used, tag_pack(f, span_start(span), span_end(span)));
            }
        u64_sort_unique(&used);
        if (rc == 0) rc = entities_in(c, which ? n->b : n->a, &used, ents);
        free(used.v);
    }
    for (int f = 0; f < 2; f++) free(side[f][0].v), free(side[f][1].v);
    return rc;
}

static int near_evidence(Ctx *c, int32_t id) {
    Scratch *s = c->s;
    NodeMemo *m = &s->memo[id];
    if (m->near_stamp == s->epoch) return 0;
    U64s spans = {0};
    I32s ents = {0};
    int rc = near_compute(c, id, &spans, &ents);
    m->near_off = s->narena.n;
    m->ents_off = s->nents.n;
    for (uint32_t i = 0; rc == 0 && i < spans.n; i++) rc = u64_push(&s->narena, spans.v[i]);
    for (uint32_t i = 0; rc == 0 && i < ents.n; i++) rc = i32_push(&s->nents, ents.v[i]);
    free(spans.v);
    free(ents.v);
    if (rc) return -1;
    m->near_len = spans.n;
    m->ents_len = ents.n;
    m->near_stamp = s->epoch;
    return 0;
}

static int collect(Ctx *c, int32_t id) {
    const Node *n = &c->p->nodes[id];
    Scratch *s = c->s;
    int64_t added;
    switch (n->kind) {
    case N_TERM:
        return tagged_spans(c, id, &s->tagged) < 0 ? -1 : 0;
    case N_LEAF:
        if ((added = tagged_spans(c, id, &s->tagged)) < 0) return -1;
        return added > 0 && n->c >= 0 ? i32_push(&s->ents, n->c) : 0;
    case N_NEAR:
        if (near_evidence(c, id)) return -1;
        for (uint32_t i = 0; i < s->memo[id].near_len; i++)
            if (u64_push(&s->tagged, s->narena.v[s->memo[id].near_off + i])) return -1;
        for (uint32_t i = 0; i < s->memo[id].ents_len; i++)
            if (i32_push(&s->ents, s->nents.v[s->memo[id].ents_off + i])) return -1;
        return 0;
    case N_AND:
    case N_OR:
        for (int32_t i = 0; i < n->b; i++) {
            int32_t child = c->p->refs[n->a + i];
            int r = n->kind == N_AND ? 1 : node_test(c, child);
            if (r < 0 || (r && collect(c, child))) return -1;
        }
        return 0;
    }
    return 0; /* NOT and filters give no evidence */
}

/* Drops the spans inside the one kept before them ("Zelenskyy" within "Volodymyr
 * Zelenskyy"); spans that only overlap are both kept. `tagged` is sorted. */
static void outermost(U64s *tagged) {
    uint32_t kept = 0;
    for (uint32_t i = 0; i < tagged->n; i++) {
        uint64_t span = tagged->v[i];
        if (kept && tag_field(tagged->v[kept - 1]) == tag_field(span)) {
            uint64_t last = tagged->v[kept - 1];
            if (tag_end(span) <= tag_end(last)) continue;
            if (tag_start(span) == tag_start(last)) kept--;
        }
        tagged->v[kept++] = span;
    }
    tagged->n = kept;
}

static int add_hit(Scratch *s, uint64_t token_span) {
    int f = tag_field(token_span);
    const FieldToks *t = &s->f[f];
    uint64_t hit = tag_pack(f, (uint32_t)t->v[tag_start(token_span)].start,
                            (uint32_t)t->v[tag_end(token_span) - 1].end);
    for (uint32_t i = 0; i < s->hits.n; i++)
        if (s->hits.v[i] == hit) return 0; /* tokens of one run share its characters */
    return u64_push(&s->hits, hit);
}

static void distinct_entities(I32s *ents) {
    uint32_t kept = 0;
    for (uint32_t i = 0; i < ents->n; i++) {
        uint32_t k = 0;
        while (k < kept && ents->v[k] != ents->v[i]) k++;
        if (k == kept) ents->v[kept++] = ents->v[i];
    }
    ents->n = kept;
}

int root_evidence(Ctx *c, int32_t node) {
    Scratch *s = c->s;
    s->tagged.n = s->ents.n = s->hits.n = 0;
    if (collect(c, node)) return -1;
    u64_sort_unique(&s->tagged);
    outermost(&s->tagged);
    uint32_t n = s->tagged.n < MAX_HITS ? s->tagged.n : MAX_HITS;
    for (uint32_t i = 0; i < n; i++)
        if (add_hit(s, s->tagged.v[i])) return -1;
    distinct_entities(&s->ents);
    return 0;
}
