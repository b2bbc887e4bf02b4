/*
 * Hot loops of similarity/, compiled: the structure walk of similarity.dom and the
 * trigram pass of similarity.identifiers.  Each has a Python version that gives the same
 * result (the fallback where this module was not built, and the reference in tests).
 *
 * minhash(): the MinHash digest of similarity.minhash.digest.
 *
 * long_tag(): the search for start tags of many attributes of similarity.dom._defused.
 *
 * walk(): the structure walk, over the tree lexbor (selectolax) has built.
 *
 * Why C: the walk visits every element of every page; in Python it costs about 1 µs an
 * element (a node object, its attribute dict, a parent lookup), 2 ms of a 100 KB page,
 * a third of all feature extraction.  Here the same walk costs tens of nanoseconds an
 * element.  It does no parsing and no normalisation: lexbor parsed the page, and every
 * label is made by the Python function similarity.dom._label_hash (called once per
 * distinct raw tag/class/id, then cached), so both walks give identical features.
 *
 * No lexbor header is needed and no struct layout is assumed: the tree is read only
 * through functions the selectolax extension exports (lxb_dom_*_noi and friends),
 * looked up with dlsym in the copy Python has already loaded (bind()).
 *
 * Pages are hostile: nothing here trusts a length or a depth.  Names and values are
 * decoded as UTF-8 with replacement, exactly as selectolax decodes them.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

typedef struct lxb_node lxb_node;
typedef struct lxb_attr lxb_attr;
typedef unsigned char lxb_char;

enum { NODE_ELEMENT = 0x01, NODE_TEXT = 0x03, NODE_COMMENT = 0x08 };

static lxb_node *(*first_child)(lxb_node *);
static lxb_node *(*next_sibling)(lxb_node *);
static lxb_node *(*parent_of)(lxb_node *);
static int (*node_type)(lxb_node *);
static const lxb_char *(*element_name)(lxb_node *, size_t *);
static lxb_attr *(*first_attribute)(lxb_node *);
static lxb_attr *(*next_attribute)(lxb_attr *);
static const lxb_char *(*attribute_name)(lxb_attr *, size_t *);
static const lxb_char *(*attribute_value)(lxb_attr *, size_t *);
static lxb_char *(*text_content)(lxb_node *, size_t *);
static lxb_char *(*destroy_text)(lxb_node *, lxb_char *);

static int bound = 0;

static int
lookup(void *handle, const char *name, void **out)
{
    *out = dlsym(handle, name);
    if (*out == NULL) {
        PyErr_Format(PyExc_ImportError, "lexbor function %s not exported", name);
        return -1;
    }
    return 0;
}

static PyObject *
bind(PyObject *self, PyObject *arg)
{
    PyObject *path_bytes;
    void *handle;
    if (!PyUnicode_FSConverter(arg, &path_bytes)) {
        return NULL;
    }
    /* RTLD_NOLOAD: only the copy Python has loaded, never a second one. */
    handle = dlopen(PyBytes_AS_STRING(path_bytes), RTLD_NOW | RTLD_NOLOAD);
    Py_DECREF(path_bytes);
    if (handle == NULL) {
        PyErr_SetString(PyExc_ImportError, "selectolax's lexbor module is not loaded");
        return NULL;
    }
    if (lookup(handle, "lxb_dom_node_first_child_noi", (void **)&first_child) < 0
        || lookup(handle, "lxb_dom_node_next_noi", (void **)&next_sibling) < 0
        || lookup(handle, "lxb_dom_node_parent_noi", (void **)&parent_of) < 0
        || lookup(handle, "lxb_dom_node_type_noi", (void **)&node_type) < 0
        || lookup(handle, "lxb_dom_element_qualified_name", (void **)&element_name) < 0
        || lookup(handle, "lxb_dom_element_first_attribute_noi", (void **)&first_attribute) < 0
        || lookup(handle, "lxb_dom_element_next_attribute_noi", (void **)&next_attribute) < 0
        || lookup(handle, "lxb_dom_attr_qualified_name", (void **)&attribute_name) < 0
        || lookup(handle, "lxb_dom_attr_value_noi", (void **)&attribute_value) < 0
        || lookup(handle, "lxb_dom_node_text_content", (void **)&text_content) < 0
        || lookup(handle, "lxb_dom_document_destroy_text_noi", (void **)&destroy_text) < 0) {
        dlclose(handle);
        return NULL;
    }
    /* The handle stays open: selectolax stays loaded for the life of the process. */
    bound = 1;
    Py_RETURN_NONE;
}

/* ---- small growable buffers ---------------------------------------------------- */

typedef struct {
    char *data;
    Py_ssize_t size, capacity;
} Buffer;

static int
buffer_add(Buffer *buf, const void *data, Py_ssize_t size)
{
    if (size > PY_SSIZE_T_MAX - buf->size) {
        PyErr_NoMemory();
        return -1;
    }
    if (buf->size + size > buf->capacity) {
        Py_ssize_t capacity = buf->capacity ? buf->capacity : 4096;
        while (capacity < buf->size + size) {
            capacity = capacity > PY_SSIZE_T_MAX / 2 ? buf->size + size : capacity * 2;
        }
        char *grown = PyMem_Realloc(buf->data, (size_t)capacity);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        buf->data = grown;
        buf->capacity = capacity;
    }
    memcpy(buf->data + buf->size, data, (size_t)size);
    buf->size += size;
    return 0;
}

/* ---- names -------------------------------------------------------------------- */

typedef struct {
    const lxb_char *data;
    size_t size;
} Str;

static int
str_is(Str s, const char *name)
{
    size_t n = strlen(name);
    return s.size == n && memcmp(s.data, name, n) == 0;
}

/* Whether s is one of the names in a tuple of bytes (a handful: a linear scan). */
static int
str_in(Str s, PyObject *names)
{
    Py_ssize_t i, n = PyTuple_GET_SIZE(names);
    for (i = 0; i < n; i++) {
        PyObject *name = PyTuple_GET_ITEM(names, i);
        if ((size_t)PyBytes_GET_SIZE(name) == s.size
            && memcmp(PyBytes_AS_STRING(name), s.data, s.size) == 0) {
            return 1;
        }
    }
    return 0;
}

static PyObject *
decode(Str s)
{
    return PyUnicode_DecodeUTF8((const char *)s.data, (Py_ssize_t)s.size, "replace");
}

static PyObject *
decode_or_none(Str s)
{
    if (s.data == NULL) {
        Py_RETURN_NONE;
    }
    return decode(s);
}

/* A 64-bit key of length-prefixed fields, eight bytes at a time: a cache key, never
 * stored.  Raw tag/class/id strings that collide would share a label; at 64 bits over a
 * cache of LABEL_SLOTS entries that is not a practical concern. */
static uint64_t
mix(uint64_t h, uint64_t word)
{
    h ^= word;
    h *= 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
}

static uint64_t
key_add(uint64_t h, Str s)
{
    size_t i = 0;
    if (s.data == NULL) {
        return mix(h, UINT64_MAX);
    }
    h = mix(h, (uint64_t)s.size);
    for (; i + 8 <= s.size; i += 8) {
        uint64_t word;
        memcpy(&word, s.data + i, 8);
        h = mix(h, word);
    }
    if (i < s.size) {
        uint64_t word = 0;
        memcpy(&word, s.data + i, s.size - i);
        h = mix(h, word);
    }
    return h;
}

/* Labels by raw key, open addressing; emptied when 3/4 full (a page of unique
 * classes only empties it sooner).  Key 0 marks a free slot, so keys are odd. */
#define LABEL_BITS 15
#define LABEL_SLOTS (1u << LABEL_BITS)
static uint64_t label_keys[LABEL_SLOTS];
static uint32_t label_values[LABEL_SLOTS];
static size_t label_count;

static uint32_t *
label_slot(uint64_t key, int *found)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> (64 - LABEL_BITS));
    while (label_keys[i] != 0 && label_keys[i] != key) {
        i = (i + 1) & (LABEL_SLOTS - 1);
    }
    *found = label_keys[i] == key;
    label_keys[i] = key;
    return &label_values[i];
}

static PyObject *
clear_labels(PyObject *self, PyObject *unused)
{
    memset(label_keys, 0, sizeof label_keys);
    label_count = 0;
    Py_RETURN_NONE;
}

/* ---- one element ----------------------------------------------------------------- */

typedef struct {
    Str name, cls, id, href;
    int has_href;
} Element;

/* The label of (tag, class, id): from the cache, else from label_fn, then cached. */
static int
label_of(Element *el, PyObject *label_fn, uint32_t *out)
{
    uint64_t key = 0xCBF29CE484222325ULL;
    uint32_t *slot;
    int found;
    PyObject *tag, *cls, *id, *value;
    key = key_add(key_add(key_add(key, el->name), el->cls), el->id) | 1;
    if (label_count >= LABEL_SLOTS / 4 * 3) {
        clear_labels(NULL, NULL);
    }
    slot = label_slot(key, &found);
    if (found) {
        *out = *slot;
        return 0;
    }
    tag = decode(el->name);
    cls = tag ? decode_or_none(el->cls) : NULL;
    id = cls ? decode_or_none(el->id) : NULL;
    value = id ? PyObject_CallFunctionObjArgs(label_fn, tag, cls, id, NULL) : NULL;
    Py_XDECREF(tag);
    Py_XDECREF(cls);
    Py_XDECREF(id);
    if (value != NULL) {
        *out = (uint32_t)PyLong_AsUnsignedLongMask(value);
        Py_DECREF(value);
    }
    if (value == NULL || PyErr_Occurred()) {
        slot = label_slot(key, &found);
        label_keys[slot - label_values] = 0; /* give the claimed slot back */
        return -1;
    }
    *slot = *out;
    label_count++;
    return 0;
}

/* The element's attributes as selectolax's ``attributes`` gives them. */
static PyObject *
attributes_of(lxb_node *node)
{
    PyObject *attrs = PyDict_New();
    lxb_attr *attr;
    if (attrs == NULL) {
        return NULL;
    }
    for (attr = first_attribute(node); attr != NULL; attr = next_attribute(attr)) {
        Str name, value;
        PyObject *key, *val;
        name.data = attribute_name(attr, &name.size);
        value.data = attribute_value(attr, &value.size);
        key = decode(name);
        val = key ? decode_or_none(value) : NULL;
        if (val == NULL || PyDict_SetItem(attrs, key, val) < 0) {
            Py_XDECREF(key);
            Py_XDECREF(val);
            Py_DECREF(attrs);
            return NULL;
        }
        Py_DECREF(key);
        Py_DECREF(val);
    }
    return attrs;
}

static void
read_element(lxb_node *node, Element *el, int wants_href)
{
    lxb_attr *attr;
    memset(el, 0, sizeof *el);
    el->name.data = element_name(node, &el->name.size);
    if (el->name.data == NULL) {
        el->name.data = (const lxb_char *)"";
        el->name.size = 0;
    }
    /* Later duplicates win, as in a dict built in attribute order. */
    for (attr = first_attribute(node); attr != NULL; attr = next_attribute(attr)) {
        Str name, value;
        name.data = attribute_name(attr, &name.size);
        if (name.data == NULL) {
            continue;
        }
        value.data = attribute_value(attr, &value.size);
        if (str_is(name, "class")) {
            el->cls = value;
        }
        else if (str_is(name, "id")) {
            el->id = value;
        }
        else if (wants_href && str_is(name, "href")) {
            el->href = value;
            el->has_href = 1;
        }
    }
}

/* Text of a node (a text node's data, an element's descendant text) as a new str. */
static PyObject *
text_of(lxb_node *node, lxb_node *document)
{
    size_t size = 0;
    lxb_char *text = text_content(node, &size);
    PyObject *out;
    if (text == NULL) {
        return PyUnicode_FromStringAndSize("", 0);
    }
    out = PyUnicode_DecodeUTF8((const char *)text, (Py_ssize_t)size, "replace");
    destroy_text(document, text);
    return out;
}

static int
append_text(Buffer *buf, lxb_node *node, lxb_node *document)
{
    size_t size = 0;
    lxb_char *text = text_content(node, &size);
    int status = 0;
    if (text != NULL) {
        status = buffer_add(buf, text, (Py_ssize_t)size);
        destroy_text(document, text);
    }
    return status;
}

/* ---- the walk -------------------------------------------------------------------- */

typedef struct {
    int32_t index; /* the ancestor's label index, -1 when not labelled */
    int hidden;    /* inside an invisible element */
} Frame;

typedef struct {
    PyObject *label_fn, *hidden_names, *wanted_names;
    Py_ssize_t max_nodes, max_links;
    lxb_node *document;
    Buffer labels, parents, text, frames;
    PyObject *hrefs, *specials, *title;
} Walk;

static Frame *
top(Walk *w)
{
    return w->frames.size ? (Frame *)(w->frames.data + w->frames.size - sizeof(Frame)) : NULL;
}

/* The node's label and its parent's index, while fewer than max_nodes are recorded. */
static int
record(Walk *w, Element *el, Frame *here)
{
    Py_ssize_t count = w->labels.size / (Py_ssize_t)sizeof(uint32_t);
    Frame *parent = top(w);
    int32_t parent_index = parent ? parent->index : -1;
    uint32_t label;
    if (count >= w->max_nodes) {
        return 0;
    }
    if (label_of(el, w->label_fn, &label) < 0) {
        return -1;
    }
    here->index = (int32_t)count;
    if (buffer_add(&w->labels, &label, sizeof label) < 0
        || buffer_add(&w->parents, &parent_index, sizeof parent_index) < 0) {
        return -1;
    }
    return 0;
}

static int
visit_element(Walk *w, lxb_node *node, Frame *here)
{
    Element el;
    int is_link;
    read_element(node, &el, 1);
    is_link = str_is(el.name, "a") || str_is(el.name, "area");
    if (is_link && el.has_href && PyList_GET_SIZE(w->hrefs) < w->max_links) {
        PyObject *href = el.href.data ? decode(el.href) : PyUnicode_FromStringAndSize("", 0);
        if (href == NULL || PyList_Append(w->hrefs, href) < 0) {
            Py_XDECREF(href);
            return -1;
        }
        Py_DECREF(href);
    }
    else if (!is_link && str_in(el.name, w->wanted_names)) {
        if (str_is(el.name, "title")) {
            if (w->title == Py_None) {
                PyObject *title = text_of(node, w->document);
                if (title == NULL) {
                    return -1;
                }
                if (PyUnicode_GET_LENGTH(title) > 0) {
                    Py_SETREF(w->title, title);
                }
                else {
                    Py_DECREF(title);
                }
            }
        }
        else {
            PyObject *tag = decode(el.name);
            PyObject *attrs = tag ? attributes_of(node) : NULL;
            PyObject *pair = attrs ? PyTuple_Pack(2, tag, attrs) : NULL;
            int status = pair ? PyList_Append(w->specials, pair) : -1;
            Py_XDECREF(tag);
            Py_XDECREF(attrs);
            Py_XDECREF(pair);
            if (status < 0) {
                return -1;
            }
        }
    }
    if (str_in(el.name, w->hidden_names)) {
        here->hidden = 1;
    }
    return record(w, &el, here);
}

static int
visit_comment(Walk *w, Frame *here)
{
    static const Element comment = {{(const lxb_char *)"-comment", 8}, {NULL, 0}, {NULL, 0},
                                    {NULL, 0}, 0};
    Element el = comment;
    return record(w, &el, here);
}

/* Depth first from root, as selectolax's traverse(): root, then its descendants. */
static int
run(Walk *w, lxb_node *root)
{
    lxb_node *node = root;
    for (;;) {
        Frame here = {-1, 0};
        Frame *parent = top(w);
        int type = node_type(node);
        here.hidden = parent ? parent->hidden : 0;
        if (type == NODE_ELEMENT) {
            if (visit_element(w, node, &here) < 0) {
                return -1;
            }
        }
        else if (type == NODE_COMMENT) {
            if (visit_comment(w, &here) < 0) {
                return -1;
            }
        }
        else if (type == NODE_TEXT && !here.hidden && node != root) {
            if (append_text(&w->text, node, w->document) < 0) {
                return -1;
            }
        }
        if (first_child(node) != NULL) {
            if (buffer_add(&w->frames, &here, sizeof here) < 0) {
                return -1;
            }
            node = first_child(node);
            continue;
        }
        while (node != root && next_sibling(node) == NULL) {
            node = parent_of(node);
            w->frames.size -= sizeof(Frame);
        }
        if (node == root) {
            return 0;
        }
        node = next_sibling(node);
    }
}

static PyObject *
walk(PyObject *self, PyObject *args)
{
    unsigned long long root, document;
    Walk w;
    PyObject *result = NULL;
    memset(&w, 0, sizeof w);
    if (!PyArg_ParseTuple(args, "KKnnOO!O!", &root, &document, &w.max_nodes, &w.max_links,
                          &w.label_fn, &PyTuple_Type, &w.hidden_names, &PyTuple_Type,
                          &w.wanted_names)) {
        return NULL;
    }
    if (!bound) {
        PyErr_SetString(PyExc_RuntimeError, "bind() has not been called");
        return NULL;
    }
    if (root == 0 || document == 0) {
        PyErr_SetString(PyExc_ValueError, "null node");
        return NULL;
    }
    w.document = (lxb_node *)(uintptr_t)document;
    w.hrefs = PyList_New(0);
    w.specials = PyList_New(0);
    w.title = Py_None;
    Py_INCREF(Py_None);
    if (w.hrefs != NULL && w.specials != NULL && run(&w, (lxb_node *)(uintptr_t)root) == 0) {
        PyObject *text = PyUnicode_DecodeUTF8(w.text.data ? w.text.data : "", w.text.size,
                                              "replace");
        if (text != NULL) {
            result = Py_BuildValue("y#y#OOON", w.labels.data ? w.labels.data : "",
                                   w.labels.size, w.parents.data ? w.parents.data : "",
                                   w.parents.size, w.hrefs, w.specials, w.title, text);
        }
    }
    if (result == NULL && !PyErr_Occurred()) {
        PyErr_NoMemory();
    }
    Py_XDECREF(w.hrefs);
    Py_XDECREF(w.specials);
    Py_XDECREF(w.title);
    PyMem_Free(w.labels.data);
    PyMem_Free(w.parents.data);
    PyMem_Free(w.text.data);
    PyMem_Free(w.frames.data);
    return result;
}

/* ---- long tags (similarity.dom._defused) ------------------------------------------ */

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int
ends_name(unsigned char c)
{
    return is_space(c) || c == '/' || c == '>' || c == '=';
}

static Py_ssize_t
skip_separators(const unsigned char *b, Py_ssize_t n, Py_ssize_t p)
{
    while (p < n && (is_space(b[p]) || b[p] == '/')) {
        p++;
    }
    return p;
}

static Py_ssize_t
skip_unquoted(const unsigned char *b, Py_ssize_t n, Py_ssize_t p)
{
    while (p < n && !is_space(b[p]) && b[p] != '>') {
        p++;
    }
    return p;
}

/* One attribute from p as dom._UNIT reads it: its end, or -1 when none starts at p. */
static Py_ssize_t
unit_end(const unsigned char *b, Py_ssize_t n, Py_ssize_t p)
{
    Py_ssize_t q = p;
    if (q < n && b[q] == '=') {
        q++;
    }
    while (q < n && !ends_name(b[q])) {
        q++;
    }
    if (q == p) {
        return -1;
    }
    p = q;
    while (q < n && is_space(b[q])) {
        q++;
    }
    if (q < n && b[q] == '=') { /* a value */
        q++;
        while (q < n && is_space(b[q])) {
            q++;
        }
        if (q < n && (b[q] == '"' || b[q] == '\'')) {
            const unsigned char *close = memchr(b + q + 1, b[q], (size_t)(n - q - 1));
            q = close ? (Py_ssize_t)(close - b) + 1 : skip_unquoted(b, n, q);
        }
        else {
            q = skip_unquoted(b, n, q);
        }
        p = q;
    }
    return skip_separators(b, n, p);
}

/* The first start tag at or after pos with at least min_units attributes, exactly as
 * dom._LONG_TAG.search finds it (every quantifier there is possessive, so reading
 * greedily is the regex's own path).  One difference, in time only: a failed attempt
 * skips the '<' inside its own tag name, whose attempts would read the same name end
 * and the same attributes and fail the same way; the regex retries each of them, which
 * makes "<a<a<a…" quadratic. */
static PyObject *
long_tag(PyObject *self, PyObject *args)
{
    Py_buffer text;
    Py_ssize_t pos, min_units, found_start = -1, found_end = -1;
    if (!PyArg_ParseTuple(args, "y*nn", &text, &pos, &min_units)) {
        return NULL;
    }
    {
        const unsigned char *b = text.buf;
        Py_ssize_t n = text.len, i = pos < 0 ? 0 : pos;
        while (i + 1 < n) {
            const unsigned char *lt = memchr(b + i, '<', (size_t)(n - i - 1));
            Py_ssize_t p, name_end, units = 0;
            if (lt == NULL) {
                break;
            }
            i = (Py_ssize_t)(lt - b);
            if (!((b[i + 1] | 0x20) >= 'a' && (b[i + 1] | 0x20) <= 'z')) {
                i++;
                continue;
            }
            p = i + 2;
            while (p < n && !is_space(b[p]) && b[p] != '/' && b[p] != '>') {
                p++;
            }
            name_end = p;
            p = skip_separators(b, n, p);
            for (;;) {
                Py_ssize_t q = unit_end(b, n, p);
                if (q < 0) {
                    break;
                }
                p = q;
                units++;
            }
            if (units >= min_units) {
                found_start = i;
                found_end = p;
                break;
            }
            i = name_end;
        }
    }
    PyBuffer_Release(&text);
    if (found_start < 0) {
        Py_RETURN_NONE;
    }
    return Py_BuildValue("nn", found_start, found_end);
}

/* ---- MinHash (similarity.minhash) -------------------------------------------------- */

/* The digest of n values under m permutations, on arrays that do not alias (so the
 * permutation loop, innermost, vectorises).  Unsigned 32-bit multiply and min need
 * SSE4.1 at least: on x86-64 an AVX2 copy is built beside the baseline one and chosen
 * when the processor runs (GCC/clang function multi-versioning, 6x faster). */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__)
__attribute__((target_clones("avx2", "default")))
#endif
static void
minhash_block(const uint32_t *restrict v, Py_ssize_t n, const uint32_t *restrict pa,
              const uint32_t *restrict pb, uint32_t *restrict o, Py_ssize_t m)
{
    Py_ssize_t i, k;
    for (k = 0; k < m; k++) {
        o[k] = UINT32_MAX;
    }
    for (i = 0; i < n; i++) {
        uint32_t x = v[i];
        x ^= x >> 16;
        x *= 0x85EBCA6BU;
        x ^= x >> 13;
        x *= 0xC2B2AE35U;
        x ^= x >> 16;
        for (k = 0; k < m; k++) {
            uint32_t h = pa[k] * x + pb[k];
            o[k] = h < o[k] ? h : o[k];
        }
    }
}

#define MAX_PERM 1024

/* out[k] = min over v of a[k] * fmix32(v) + b[k] (mod 2^32): datasketch's affine32
 * scheme, as similarity.minhash.digest computes it with numpy. */
static PyObject *
minhash(PyObject *self, PyObject *args)
{
    Py_buffer values, a, b, out;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "y*y*y*w*", &values, &a, &b, &out)) {
        return NULL;
    }
    if (a.len != b.len || a.len != out.len || a.len % 4 != 0 || values.len % 4 != 0
        || a.len / 4 > MAX_PERM) {
        PyErr_SetString(PyExc_ValueError, "uint32 buffers of matching sizes expected");
    }
    else {
        uint32_t pa[MAX_PERM], pb[MAX_PERM], o[MAX_PERM];
        Py_ssize_t m = a.len / 4;
        memcpy(pa, a.buf, (size_t)a.len);
        memcpy(pb, b.buf, (size_t)b.len);
        minhash_block(values.buf, values.len / 4, pa, pb, o, m);
        memcpy(out.buf, o, (size_t)out.len);
        result = Py_None;
        Py_INCREF(result);
    }
    PyBuffer_Release(&values);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&out);
    return result;
}

/* ---- trigram hits (similarity.identifiers) -------------------------------------- */

/* Positions i whose three bytes folded[i:i+3], read little-endian, hash into a marked
 * slot of the table: the numpy expression of identifiers._guards_in in one pass. */
static PyObject *
trigram_hits(PyObject *self, PyObject *args)
{
    Py_buffer text, table;
    unsigned int mix, shift;
    Buffer hits = {NULL, 0, 0};
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "y*y*II", &text, &table, &mix, &shift)) {
        return NULL;
    }
    if (shift < 1 || shift > 31 || (table.len >> (32 - shift)) != 1) {
        PyErr_SetString(PyExc_ValueError, "table size must be 2 ** (32 - shift)");
    }
    else {
        const unsigned char *b = text.buf, *marked = table.buf;
        Py_ssize_t i, n = text.len - 3; /* windows of four bytes, as the numpy view */
        int status = 0;
        for (i = 0; i < n && status == 0; i++) {
            uint32_t key = (uint32_t)b[i] | (uint32_t)b[i + 1] << 8 | (uint32_t)b[i + 2] << 16;
            if (marked[(uint32_t)(key * mix) >> shift]) {
                int32_t at = (int32_t)i;
                status = buffer_add(&hits, &at, sizeof at);
            }
        }
        if (status == 0) {
            result = PyBytes_FromStringAndSize(hits.data ? hits.data : "", hits.size);
        }
    }
    PyMem_Free(hits.data);
    PyBuffer_Release(&text);
    PyBuffer_Release(&table);
    return result;
}

static PyMethodDef methods[] = {
    {"minhash", minhash, METH_VARARGS, "minhash(values, a, b, out): MinHash digest into out"},
    {"long_tag", long_tag, METH_VARARGS,
     "long_tag(data, pos, min_units) -> (start, end) of the first such start tag, or None"},
    {"trigram_hits", trigram_hits, METH_VARARGS,
     "trigram_hits(folded, table, mix, shift) -> int32 positions as bytes"},
    {"bind", bind, METH_O, "Look up the lexbor functions in selectolax's loaded extension."},
    {"clear_labels", clear_labels, METH_NOARGS, "Empty the label cache."},
    {"walk", walk, METH_VARARGS,
     "walk(root, document, max_nodes, max_links, label_fn, hidden, wanted) -> "
     "(labels, parents, hrefs, specials, title, text)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", "Hot loops of similarity/, compiled.", -1, methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&module);
}
