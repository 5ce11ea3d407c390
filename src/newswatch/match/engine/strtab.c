/* Growable arrays and the string table: code-point strings -> dense ids. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

int nw_reserve(void **items, uint32_t *cap, uint64_t need, size_t size) {
    if (need <= *cap) return 0;
    uint64_t grown = *cap ? (uint64_t)*cap * 2 : 16;
    if (grown < need) grown = need;
    if (grown > UINT32_MAX) {
        PyErr_SetString(PyExc_MemoryError, "matcher table too large");
        return -1;
    }
    void *moved = realloc(*items, (size_t)grown * size);
    if (moved == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *items = moved;
    *cap = (uint32_t)grown;
    return 0;
}

int chars_extend(Chars *a, const Py_UCS4 *src, uint32_t n) {
    if (n == 0) return 0;
    if (nw_reserve((void **)&a->v, &a->cap, (uint64_t)a->n + n, sizeof *a->v)) return -1;
    memcpy(a->v + a->n, src, (size_t)n * sizeof *src);
    a->n += n;
    return 0;
}

static int u64_cmp(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int i32_cmp(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

void i32_sort(I32s *a) {
    if (a->n > 1) qsort(a->v, a->n, sizeof *a->v, i32_cmp);
}

void u64_sort_unique(U64s *a) {
    if (a->n < 2) return;
    int sorted = 1;
    for (uint32_t i = 1; i < a->n && sorted; i++) sorted = a->v[i - 1] < a->v[i];
    if (sorted) return;
    qsort(a->v, a->n, sizeof *a->v, u64_cmp);
    uint32_t kept = 1;
    for (uint32_t i = 1; i < a->n; i++)
        if (a->v[i] != a->v[kept - 1]) a->v[kept++] = a->v[i];
    a->n = kept;
}

uint64_t nw_hash(const Py_UCS4 *key, uint32_t len) {
    uint64_t h = NW_HASH_SEED;
    for (uint32_t i = 0; i < len; i++) h = nw_hash_step(h, key[i]);
    return h;
}

static int slots_alloc(StrTab *t, uint32_t size) {
    Slot *slots = calloc(size, sizeof *slots);
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    free(t->slots);
    t->slots = slots;
    t->mask = size - 1;
    return 0;
}

static void slot_put(StrTab *t, uint32_t id) {
    uint64_t h = t->hashes[id];
    uint32_t i = (uint32_t)h & t->mask;
    while (t->slots[i].id1) i = (i + 1) & t->mask;
    t->slots[i] = (Slot){id + 1, (uint32_t)(h >> 32), t->keys[id].off, t->keys[id].len};
}

static int rehash(StrTab *t, uint32_t size) {
    if (slots_alloc(t, size)) return -1;
    for (uint32_t id = 0; id < t->count; id++) slot_put(t, id);
    return 0;
}

int strtab_init(StrTab *t) {
    memset(t, 0, sizeof *t);
    return slots_alloc(t, 64);
}

void strtab_free(StrTab *t) {
    free(t->slots);
    free(t->hashes);
    free(t->keys);
    free(t->chars.v);
    memset(t, 0, sizeof *t);
}

int32_t strtab_find(const StrTab *t, const Py_UCS4 *key, uint32_t len, uint64_t h) {
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint32_t i = (uint32_t)h & t->mask; t->slots[i].id1; i = (i + 1) & t->mask) {
        const Slot *slot = &t->slots[i];
        if (slot->tag != tag || slot->len != len) continue;
        const Py_UCS4 *text = t->chars.v + slot->off;
        uint32_t k = 0;
        while (k < len && text[k] == key[k]) k++;
        if (k == len) return (int32_t)(slot->id1 - 1);
    }
    return -1;
}

static int entries_reserve(StrTab *t) {
    if (t->count < t->cap) return 0;
    uint32_t cap = t->cap, cap2 = t->cap;
    if (nw_reserve((void **)&t->hashes, &cap, (uint64_t)t->count + 1, sizeof *t->hashes) ||
        nw_reserve((void **)&t->keys, &cap2, cap, sizeof *t->keys))
        return -1;
    t->cap = cap;
    return 0;
}

int32_t strtab_add(StrTab *t, const Py_UCS4 *key, uint32_t len, uint64_t h) {
    if (t->count >= INT32_MAX - 1) {
        PyErr_SetString(PyExc_MemoryError, "matcher string table full");
        return -1;
    }
    if ((uint64_t)(t->count + 1) * 2 > (uint64_t)t->mask + 1 && rehash(t, (t->mask + 1) * 2))
        return -1;
    if (entries_reserve(t)) return -1;
    uint32_t off = t->chars.n;
    if (chars_extend(&t->chars, key, len)) return -1;
    uint32_t id = t->count++;
    t->hashes[id] = h;
    t->keys[id] = (KeyRef){off, len};
    slot_put(t, id);
    return (int32_t)id;
}

int strtab_truncate(StrTab *t, uint32_t count) {
    if (count >= t->count) return 0;
    uint32_t size = 64;
    while ((uint64_t)size < (uint64_t)count * 2 + 2) size *= 2;
    uint32_t was = t->count;
    t->count = count;
    if (rehash(t, size)) { /* unchanged: the old slots are still in place */
        t->count = was;
        return -1;
    }
    t->chars.n = count ? t->keys[count - 1].off + t->keys[count - 1].len : 0;
    return 0;
}
