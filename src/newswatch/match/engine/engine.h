/* The native matcher of newswatch.match: types shared by its C files.
 *
 * Data flow of one document (module.c drives it):
 *
 *   tokenize.c   title/body text -> tokens: word ids, prefixes, case, spans (lexicon.c)
 *   scratch.c    token ids -> occurrence chains per key, the document's keys, the candidates
 *   evaluate.c   candidate roots -> true/false, token spans of positional nodes (memoized)
 *   evidence.c   matching roots -> hits as character spans, entities
 *   results.c    -> Hit, Snippet (snippet.c) and Match objects, in watchlist order
 *
 * strtab.c has the growable arrays and the string table the lexicon is made of.
 *
 * Every table the compiler built (program.c) is read-only after loading. The caches of the
 * lexicon only grow until a reset between documents. Python callbacks (for
 * text the caches have not seen) may let another thread in: no code keeps a pointer into a
 * growable array across a call that may call back, and each call has its own Scratch.
 */
#ifndef NEWSWATCH_ENGINE_H
#define NEWSWATCH_ENGINE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

/* ---------------------------------------------------------------- growable arrays */

typedef struct {
    int32_t *v;
    uint32_t n, cap;
} I32s;

typedef struct {
    uint64_t *v;
    uint32_t n, cap;
} U64s;

typedef struct {
    Py_UCS4 *v;
    uint32_t n, cap;
} Chars;

/* Make room for `need` items of `size` bytes; 0, or -1 with MemoryError set. */
int nw_reserve(void **items, uint32_t *cap, uint64_t need, size_t size);

static inline int i32_push(I32s *a, int32_t x) {
    if (a->n == a->cap && nw_reserve((void **)&a->v, &a->cap, (uint64_t)a->n + 1, sizeof *a->v))
        return -1;
    a->v[a->n++] = x;
    return 0;
}

static inline int u64_push(U64s *a, uint64_t x) {
    if (a->n == a->cap && nw_reserve((void **)&a->v, &a->cap, (uint64_t)a->n + 1, sizeof *a->v))
        return -1;
    a->v[a->n++] = x;
    return 0;
}

int chars_extend(Chars *a, const Py_UCS4 *src, uint32_t n);
void u64_sort_unique(U64s *a);
void i32_sort(I32s *a);

/* A span of token positions [start, end) packed so that sorting orders by start, then end. */
static inline uint64_t span_pack(uint32_t start, uint32_t end) {
    return ((uint64_t)start << 32) | end;
}
static inline uint32_t span_start(uint64_t s) { return (uint32_t)(s >> 32); }
static inline uint32_t span_end(uint64_t s) { return (uint32_t)s; }

/* A span tagged with its field (0 title, 1 body): title first, then by start and end. */
static inline uint64_t tag_pack(int field, uint32_t start, uint32_t end) {
    return ((uint64_t)field << 62) | ((uint64_t)start << 31) | end;
}
static inline int tag_field(uint64_t t) { return (int)(t >> 62); }
static inline uint32_t tag_start(uint64_t t) { return (uint32_t)(t >> 31) & 0x7fffffffu; }
static inline uint32_t tag_end(uint64_t t) { return (uint32_t)t & 0x7fffffffu; }

/* ---------------------------------------------------------------- strtab.c */

/* Strings of code points -> dense ids (0, 1, 2... in insertion order), open addressing. A
 * slot holds the id, 32 bits of the hash and where the key is, so that a probe touches one
 * slot and, when the hash matches, the key's text. */
typedef struct {
    uint32_t id1; /* id + 1; 0 is empty */
    uint32_t tag; /* the hash's high half */
    uint32_t off, len;
} Slot;

typedef struct {
    uint32_t off, len; /* the key's place in `chars` */
} KeyRef;

typedef struct {
    Slot *slots;
    uint32_t mask;
    uint64_t *hashes;
    KeyRef *keys;
    uint32_t count, cap;
    Chars chars;
} StrTab;

uint64_t nw_hash(const Py_UCS4 *key, uint32_t len);
/* The hash of key[0:len] given the hash `h` of key[0:len-1] (nw_hash is this, folded). */
static inline uint64_t nw_hash_step(uint64_t h, Py_UCS4 c) {
    return (h ^ c) * 0x100000001b3ull;
}
#define NW_HASH_SEED 0xcbf29ce484222325ull

int strtab_init(StrTab *t);
void strtab_free(StrTab *t);
int32_t strtab_find(const StrTab *t, const Py_UCS4 *key, uint32_t len, uint64_t h);
/* Adds a key known to be absent; its id, or -1 with MemoryError set. */
int32_t strtab_add(StrTab *t, const Py_UCS4 *key, uint32_t len, uint64_t h);
/* Keeps the first `count` keys only. */
int strtab_truncate(StrTab *t, uint32_t count);

/* ---------------------------------------------------------------- lexicon.c */

enum { CH_LETTER = 1, CH_MARK = 2, CH_NOSPACE = 4, CH_KNOWN = 8 };

/* A token: what its folded and case-kept forms are to the program, and where it is. */
typedef struct {
    int32_t fold, cased; /* vocabulary ids of the folded and case-kept forms, or -1 */
    int32_t start, end;  /* its characters in the field */
    uint32_t pfx;        /* its prefix ids, in an arena: nfold of the folded form, then */
    uint16_t nfold, ncased; /* ncased of the case-kept form (when it differs) */
    uint8_t lower;       /* the case-kept form starts with a lowercase letter */
    uint8_t same;        /* the case-kept form is the folded form */
} Tok;

typedef struct {
    Tok tok;                   /* start, end unused; prefixes in run_pfx */
    uint32_t text, text_len;   /* the forms, in run_text (for Engine.tokens) */
    uint32_t cased_text, cased_len;
} RunTok;

typedef struct {
    uint32_t off, n; /* its tokens: run_toks[off : off + n] */
} RunInfo;

typedef struct {
    uint32_t fold_off, fold_len, cased_off, cased_len; /* in ns_text */
} NsInfo;

/* The program's words and prefixes, and caches from text to tokens; owned by one Engine.
 * Only the run cache grows with documents; past `limit` runs it starts over. */
typedef struct {
    StrTab vocab;    /* the words of the queries (folded, and case-kept ones): word ids */
    StrTab prefixes; /* wildcard prefixes (and the case-kept ones of case-sensitive aliases) */
    StrTab stems;    /* every beginning of a prefix no shorter than the shortest prefix */
    uint32_t stem_min; /* the length of the shortest prefix */
    int32_t *stem_prefix; /* per stem: the prefix it is, or -1 */
    int case_sensitive;             /* some query compares case-kept forms */
    uint32_t limit;
    StrTab runs; /* letter runs with non-ASCII characters -> their tokens */
    RunInfo *run_info;
    uint32_t run_info_cap;
    RunTok *run_toks;
    uint32_t nrun_toks, run_toks_cap;
    I32s run_pfx;
    Chars run_text;
    NsInfo *ns_info; /* characters of scripts without spaces, folded and cased */
    uint32_t ns_count, ns_cap;
    Chars ns_text;
    uint32_t *chars; /* per code point: CH_* flags | (ns id + 1) << 8; 0 unknown */
    PyObject *char_flags, *run_tokens, *char_fold; /* normalize.py, for unseen text */
} Lexicon;

int lexicon_init(Lexicon *lx, PyObject *vocab, PyObject *prefixes, int case_sensitive,
                 PyObject *callbacks[3]);
void lexicon_free(Lexicon *lx);
void lexicon_clear_refs(Lexicon *lx);
int lexicon_traverse(Lexicon *lx, visitproc visit, void *arg);
/* Empties the run cache once it is larger than its bound. */
int lexicon_bound(Lexicon *lx);
/* The word id of a text, or -1. */
int32_t lexicon_word(const Lexicon *lx, const Py_UCS4 *key, uint32_t len);
/* Describes a token from its two forms; its prefix ids are appended to `pfx`. */
int lexicon_describe(const Lexicon *lx, const Py_UCS4 *fold, uint32_t flen,
                     const Py_UCS4 *cased, uint32_t clen, I32s *pfx, Tok *out);
/* CH_* flags of a code point (asks normalize.py once per code point); -1 on error. */
int lexicon_flags(Lexicon *lx, Py_UCS4 c);
int lexicon_run(Lexicon *lx, PyObject *text, Py_ssize_t start, Py_ssize_t end, RunInfo *out);
int lexicon_ns(Lexicon *lx, Py_UCS4 c, NsInfo *out);

/* ---------------------------------------------------------------- program.c */

enum { N_TERM, N_LEAF, N_NEAR, N_AND, N_OR, N_NOT, N_FILTER, N_KINDS };
#define MAX_DEPTH 10000 /* evaluation recurses into nodes: deeper tables are refused */
#define MAX_TOKENS (1u << 30) /* per field: positions must fit the 31 bits of a tagged span */
#define NODE_INTS 7 /* kind, fields, a, b, c, ordered, has_entities */
#define PATTERN_INTS 6 /* n, prefix, case_sensitive, capitalized, first, words offset */

typedef struct {
    uint8_t kind, fields, ordered, has_entities;
    /* TERM a: word. LEAF a, b: patterns refs[a:a+b], c: entity or -1. NEAR a, b: operands,
     * c: distance. AND/OR a, b: children refs[a:a+b]. NOT a: child. FILTER a: key. */
    int32_t a, b, c;
} Node;

typedef struct {
    uint32_t n;
    uint8_t prefix, case_sensitive, capitalized;
    int32_t first; /* the key whose occurrences are where the pattern may start */
    uint32_t words; /* pwords[words : words + n]: token ids (cased ones when case-sensitive);
                       the last is a prefix id when `prefix` */
} Pattern;

/* The compiled watchlist: read-only once loaded. Keys are words [0, nvocab), prefixes
 * [nvocab, nvocab + nprefix) and site/lang filters after them. */
typedef struct {
    uint32_t nvocab, nprefix, nfilter, nkeys;
    Node *nodes;
    uint32_t nnodes;
    int32_t *refs;
    uint32_t nrefs;
    Pattern *patterns;
    uint32_t npatterns;
    int32_t *pwords;
    uint32_t npwords;
    /* key -> the roots whose clause is this key alone: key_roots[root_start[k] : ...];
     * key -> the clauses of several keys it satisfies: key_clauses[clause_start[k] : ...];
     * such a clause -> the roots that need it: clause_roots[clause_roots_start[c] : ...] */
    int32_t *root_start, *key_roots, *clause_start, *key_clauses, *clause_roots_start,
        *clause_roots;
    uint32_t nkeyroots, nkeyclauses, nclauses, nclauseroots;
    int32_t *need, *exact, *root_node; /* per root: clauses, clauses decide, node */
    uint32_t nroots;
    int32_t *always; /* roots without clauses */
    uint32_t nalways;
    int32_t *member_start, *members; /* root -> members[member_start[r] : ...]: watches */
    uint32_t nmembers;
    PyObject *watch_ids; /* tuple of str, by watch */
    PyObject *entities;  /* tuple of entity ids (str) */
} Program;

int program_load(Program *p, PyObject *tables, uint32_t nvocab, uint32_t nprefix);
void program_free(Program *p);

/* ---------------------------------------------------------------- scratch.c */

/* The tokens of one field, and their prefix ids. With `texts`, the forms of each token are
 * also listed there, as str pairs (for Engine.tokens). */
typedef struct {
    Tok *v;
    uint32_t n, cap;
    I32s pfx;
    PyObject *texts;
} FieldToks;

/* True when the token (folded form, or case-kept form when `cased`) starts with the prefix. */
static inline int tok_has_prefix(const FieldToks *t, const Tok *k, int32_t prefix, int cased) {
    const int32_t *ids = t->pfx.v + k->pfx;
    uint32_t from = cased && !k->same ? k->nfold : 0;
    uint32_t to = cased && !k->same ? k->nfold + k->ncased : k->nfold;
    for (uint32_t i = from; i < to; i++)
        if (ids[i] == prefix) return 1;
    return 0;
}

typedef struct {
    uint32_t stamp;
    int32_t count;
} RootCount;

typedef struct {
    uint64_t key;
    uint32_t stamp;
    int32_t val;
} MapSlot;

/* uint64 -> index, emptied in O(1) per document by its epoch. */
typedef struct {
    MapSlot *slots;
    uint32_t mask, count, epoch;
} U64Map;

int32_t map_get(const U64Map *m, uint64_t key);
int map_put(U64Map *m, uint64_t key, int32_t val);
void map_clear(U64Map *m);

/* Where a word or prefix key occurs in each field: a chain through opos/onext. */
typedef struct {
    uint32_t stamp[2]; /* the field has it (in the current document) */
    int32_t head[2];   /* its first occurrence */
} KeyOcc;

/* What is known of a node in the current document (each part valid when its stamp is). */
typedef struct {
    uint32_t test_stamp, span_stamp[2], near_stamp;
    uint8_t truth;
    uint32_t span_off[2], span_len[2];             /* its token spans per field, in arena */
    uint32_t near_off, near_len, ents_off, ents_len; /* a NEAR's evidence, in narena/nents */
} NodeMemo;

/* Per-call working memory; stamps say which entries belong to the current document. */
typedef struct {
    uint32_t epoch;
    FieldToks f[2];
    KeyOcc *occ; /* per word/prefix key */
    I32s opos[2], onext[2];
    uint32_t *kstamp; /* per key: in the document */
    I32s present;
    uint32_t *cstamp; /* per clause: counted */
    RootCount *rc;    /* per root: clauses that hold */
    I32s touched, cands, matched;
    NodeMemo *memo; /* per node */
    U64s arena;
    U64s narena;
    I32s nents;
    U64s tagged; /* the evidence of the root being collected */
    I32s ents;
    U64s hits;  /* final (field, start, end) character spans of that root */
    Chars key, cased_key; /* a token's forms being built */
    U64Map hitmap, windowmap, evmap; /* results.c: objects made for the document */
} Scratch;

Scratch *scratch_new(const Program *p);
void scratch_free(Scratch *s);
void scratch_begin(Scratch *s, const Program *p);
int scratch_index(Scratch *s, const Program *p);
int scratch_mark_key(Scratch *s, uint32_t key);
int scratch_candidates(Scratch *s, const Program *p);
static inline int has_key(const Scratch *s, int f, int32_t key) {
    return s->occ[key].stamp[f] == s->epoch;
}

/* ---------------------------------------------------------------- tokenize.c */

int tokenize(Lexicon *lx, Scratch *s, PyObject *text, int field);

/* ---------------------------------------------------------------- evaluate.c */

typedef struct {
    const Program *p;
    Scratch *s;
} Ctx;

int node_test(Ctx *c, int32_t node);                        /* 1, 0, or -1 on error */
int node_spans(Ctx *c, int32_t node, int f, uint32_t *off, uint32_t *len);
int near_pairs(Ctx *c, const Node *n, int f, U64s *lefts, U64s *rights, int first_only);

/* ---------------------------------------------------------------- snippet.c */

typedef struct {
    Py_ssize_t lead, trail; /* the text without leading and trailing whitespace */
} Extent;

typedef struct {
    Py_ssize_t begin, end, shift; /* the part of the text shown; mark = offset + shift */
    PyObject *text;               /* new reference */
} Window;

Extent text_extent(PyObject *text);
int snippet_window(PyObject *text, Extent ext, Py_ssize_t first_start, Py_ssize_t first_end,
                   Py_ssize_t width, Window *out);
PyObject *window_marks(const Window *w, const uint64_t *spans, uint32_t n);
PyObject *nw_snippet(PyObject *module, PyObject *args);

/* ---------------------------------------------------------------- evidence.c */

#define MAX_HITS 100
int root_evidence(Ctx *c, int32_t node); /* fills s->hits and s->ents */

/* ---------------------------------------------------------------- results.c */

#define SNIPPET_WIDTH 240

/* match/model.py's result classes, and their fields' names in order. */
typedef struct {
    PyTypeObject *hit, *snippet, *match;
    PyObject *hit_names[4], *snippet_names[2], *match_names[4];
    PyObject *fields[2]; /* "title", "body" */
    PyObject *empty;     /* () */
} Model;

PyObject *build_matches(Ctx *c, const Model *m, PyObject *title, PyObject *body);
PyObject *matching_ids(const Program *p, const I32s *roots);

#endif
