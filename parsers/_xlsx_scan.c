/* Compiled twins of four routines of parsers/xlsx_reader.py's fast path (optional).
 *
 * excel_rels, excel_links and find_odd do, for Excel's own shape only, exactly what a
 * regular expression in xlsx_reader.py does, and answer None where the Python code
 * would take another route (the caller then runs that Python code, so every answer is
 * the Python code's answer); calamine_rows is _calamine_values_py. The reader uses them
 * when this module was built and the Python twins otherwise. tests/test_xlsx_scan.py
 * holds each to its twin on the corpus and on generated input, and tests/fuzz_reader.py
 * (which mutates real files) runs through them.
 *
 * Inputs are bytes objects (lists for calamine_rows); every read is bounds-checked
 * against the length.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

typedef struct {
    const char *s;
    Py_ssize_t n;
} Buf;

static int starts(Buf b, Py_ssize_t at, const char *lit, Py_ssize_t len) {
    return at >= 0 && at + len <= b.n && memcmp(b.s + at, lit, (size_t)len) == 0;
}

#define STARTS(b, at, lit) starts((b), (at), (lit), (Py_ssize_t)(sizeof(lit) - 1))

/* The bytes of `arg` as a Buf: 1, or 0 with a TypeError naming `function`. */
static int bytes_arg(PyObject *arg, const char *function, Buf *b) {
    if (!PyBytes_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "%s expects bytes", function);
        return 0;
    }
    b->s = PyBytes_AS_STRING(arg);
    b->n = PyBytes_GET_SIZE(arg);
    return 1;
}

static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* ------------------------------------------------------------------ relationships */

/* Bytes that end or break a run of plain value bytes (set up by init_tables): in a
 * relationship, a quote, '<', '&', control bytes and 0xEF (U+FFFE's and U+FFFF's first
 * byte); in a hyperlink, a quote, '<', '>' and '&'. */
static unsigned char REL_STOP[256], LINK_STOP[256];

static void init_tables(void) {
    for (int c = 0; c < 32; c++) REL_STOP[c] = 1;
    REL_STOP['"'] = REL_STOP['<'] = REL_STOP['&'] = REL_STOP[0xEF] = 1;
    LINK_STOP['"'] = LINK_STOP['<'] = LINK_STOP['>'] = LINK_STOP['&'] = 1;
}

/* End of an attribute value starting at `at` (offset of its closing quote), or -1 when
 * it holds a '<', a control byte or a broken '&' (anything but "&amp;"), or U+FFFE/FFFF
 * in UTF-8, or has no closing quote. `amps` counts its "&amp;". */
static Py_ssize_t rel_value(Buf b, Py_ssize_t at, Py_ssize_t *amps) {
    const unsigned char *s = (const unsigned char *)b.s;
    *amps = 0;
    for (Py_ssize_t i = at; i < b.n; i++) {
        unsigned char c = s[i];
        if (!REL_STOP[c]) continue;
        if (c == '"') return i;
        if (c == '&' && STARTS(b, i, "&amp;")) {
            (*amps)++;
            i += 4;
        } else if (c != 0xEF || (i + 2 < b.n && s[i + 1] == 0xBF && s[i + 2] >= 0xBE)) {
            return -1; /* '<', a control byte, a bare '&', or U+FFFE/U+FFFF */
        }
    }
    return -1;
}

/* The value's text: UTF-8 decoded (NULL, with no error set, if invalid), "&amp;" as "&". */
static PyObject *rel_text(Buf b, Py_ssize_t start, Py_ssize_t end, Py_ssize_t amps) {
    PyObject *text;
    if (amps == 0) {
        text = PyUnicode_DecodeUTF8(b.s + start, end - start, "strict");
    } else {
        char *copy = PyMem_Malloc((size_t)(end - start) + 1);
        Py_ssize_t w = 0;
        if (copy == NULL) return PyErr_NoMemory();
        for (Py_ssize_t i = start; i < end; i++) {
            copy[w++] = b.s[i];
            if (b.s[i] == '&') i += 4;
        }
        text = PyUnicode_DecodeUTF8(copy, w, "strict");
        PyMem_Free(copy);
    }
    if (text == NULL && PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) PyErr_Clear();
    return text;
}

/* Append the text of the value starting at `at` to `out`: 1 done (`*close` set to its
 * closing quote), 0 not Excel's shape, -1 error. With `last` (for types, mostly all the
 * same), a value equal to `*last` is appended as that same string, and `*last` is set to
 * the value appended. */
static int take_rel_value(Buf b, Py_ssize_t at, PyObject *out, PyObject **last,
                          Py_ssize_t *close) {
    Py_ssize_t amps, end = rel_value(b, at, &amps), size = 0;
    const char *seen = last && *last && !amps ? PyUnicode_AsUTF8AndSize(*last, &size) : NULL;
    PyObject *text;
    int failed;
    if (end < 0) return 0;
    if (seen != NULL && size == end - at && memcmp(seen, b.s + at, (size_t)size) == 0) {
        text = Py_NewRef(*last);
    } else {
        text = rel_text(b, at, end, amps);
        if (text == NULL) return PyErr_Occurred() ? -1 : 0;
    }
    failed = PyList_Append(out, text) < 0;
    if (last != NULL) Py_XSETREF(*last, Py_NewRef(text));
    Py_DECREF(text);
    *close = end;
    return failed ? -1 : 1;
}

/* Each literal is followed by a value; the last value's closing quote ends the list. */
static const char *const REL_LITERALS[3] = {"<Relationship Id=\"", "\" Type=\"", "\" Target=\""};

/* One relationship element as Excel writes it at `*at`: 1 read, 0 not that, -1 error. */
static int read_rel(Buf b, Py_ssize_t *at, PyObject *ids, PyObject *rest, PyObject *external,
                    PyObject **last_type) {
    PyObject *fields[3] = {ids, rest, rest};
    PyObject **lasts[3] = {NULL, last_type, NULL};
    PyObject *mode = Py_False;
    Py_ssize_t i = *at;
    for (int k = 0; k < 3; k++) {
        Py_ssize_t len = (Py_ssize_t)strlen(REL_LITERALS[k]);
        int done;
        if (!starts(b, i, REL_LITERALS[k], len)) return 0;
        done = take_rel_value(b, i + len, fields[k], lasts[k], &i);
        if (done <= 0) return done;
    }
    i++; /* the Target value's closing quote */
    if (STARTS(b, i, " TargetMode=\"External\"")) {
        mode = Py_True;
        i += 22;
    } else if (STARTS(b, i, " TargetMode=\"Internal\"")) {
        i += 22;
    }
    if (!STARTS(b, i, "/>")) return 0;
    if (PyList_Append(external, mode) < 0) return -1;
    *at = i + 2;
    return 1;
}

PyDoc_STRVAR(excel_rels_doc,
             "excel_rels(region: bytes) -> tuple[list[str], list[str], list[bool]] | None\n\n"
             "The ids, (type, target) pairs flattened, and external flags of a relationships "
             "region written exactly as Excel writes it; None otherwise.");

static PyObject *excel_rels(PyObject *Py_UNUSED(module), PyObject *arg) {
    Buf b;
    Py_ssize_t at = 0;
    PyObject *ids = NULL, *rest = NULL, *external = NULL, *result = NULL, *last_type = NULL;
    if (!bytes_arg(arg, "excel_rels", &b)) return NULL;
    ids = PyList_New(0);
    rest = PyList_New(0);
    external = PyList_New(0);
    if (ids == NULL || rest == NULL || external == NULL) goto done;
    while (at < b.n) {
        int found = read_rel(b, &at, ids, rest, external, &last_type);
        if (found < 0) goto done;
        if (found == 0) {
            result = Py_NewRef(Py_None);
            goto done;
        }
    }
    result = PyTuple_Pack(3, ids, rest, external);
done:
    Py_XDECREF(ids);
    Py_XDECREF(rest);
    Py_XDECREF(external);
    Py_XDECREF(last_type);
    return result;
}

/* ------------------------------------------------------------------ hyperlinks */

/* End of a link attribute value at `at` (its closing quote), or -1 when a '<', '>' or
 * (with `no_amp`) '&' comes first. */
static Py_ssize_t link_value(Buf b, Py_ssize_t at, int no_amp) {
    const unsigned char *s = (const unsigned char *)b.s;
    for (Py_ssize_t i = at; i < b.n; i++) {
        unsigned char c = s[i];
        if (!LINK_STOP[c] || (c == '&' && !no_amp)) continue;
        return c == '"' ? i : -1;
    }
    return -1;
}

typedef struct {
    Py_ssize_t row, column;         /* 0-based */
    Py_ssize_t id_at, id_end;       /* r:id value, id_at < 0 when absent */
    Py_ssize_t where_at, where_end; /* location value, where_at < 0 when absent */
} Link;

/* An optional attribute ` name="value"` at `*at`: 1 read (span set), 0 absent, -1 the
 * name is there but the value is not in shape (the token cannot match). */
static int optional_attr(Buf b, Py_ssize_t *at, const char *name, int no_amp,
                         Py_ssize_t *start, Py_ssize_t *end) {
    Py_ssize_t len = (Py_ssize_t)strlen(name), close;
    if (!starts(b, *at, name, len)) return 0;
    close = link_value(b, *at + len, no_amp);
    if (close < 0) return -1;
    *start = *at + len;
    *end = close;
    *at = close + 1;
    return 1;
}

/* The cell reference `A1` (one or two letters, 1-7 digits) closed by a quote, within
 * the sheet's rows; 0 when a range, or another shape, or a row beyond the sheet. */
static int link_ref(Buf b, Py_ssize_t *at, Link *link) {
    Py_ssize_t i = *at, column = 0, row = 0, letters = 0, digits = 0;
    while (i < b.n && is_upper(b.s[i]) && letters < 3) {
        column = column * 26 + (b.s[i++] - 'A' + 1);
        letters++;
    }
    while (i < b.n && is_digit(b.s[i]) && digits < 8) {
        row = row * 10 + (b.s[i++] - '0');
        digits++;
    }
    if (letters < 1 || letters > 2 || digits < 1 || digits > 7 || i >= b.n || b.s[i] != '"')
        return 0;
    if (row < 1 || row > 1048576) return 0;
    link->row = row - 1;
    link->column = column - 1;
    *at = i + 1;
    return 1;
}

/* One hyperlink element as Excel writes it at `*at`, single cell and a location
 * without entities: 1 read, 0 not that shape. */
static int read_link(Buf b, Py_ssize_t *at, Link *link) {
    static const char *const tail_names[3] = {" display=\"", " tooltip=\"", " xr:uid=\""};
    Py_ssize_t i = *at, s, e;
    if (!STARTS(b, i, "<hyperlink ref=\"")) return 0;
    i += 16;
    if (!link_ref(b, &i, link)) return 0;
    link->id_at = link->where_at = -1;
    if (optional_attr(b, &i, " r:id=\"", 1, &link->id_at, &link->id_end) < 0) return 0;
    if (optional_attr(b, &i, " location=\"", 1, &link->where_at, &link->where_end) < 0)
        return 0;
    for (int k = 0; k < 3; k++)
        if (optional_attr(b, &i, tail_names[k], 0, &s, &e) < 0) return 0;
    if (!STARTS(b, i, "/>")) return 0;
    *at = i + 2;
    return 1;
}

/* The value's text, or None when absent or empty (as the Python reader gives it). */
static PyObject *link_text(Buf b, Py_ssize_t start, Py_ssize_t end) {
    if (start < 0 || end == start) return Py_NewRef(Py_None);
    return PyUnicode_DecodeUTF8(b.s + start, end - start, "strict");
}

static PyObject *link_tuple(Buf b, const Link *link) {
    PyObject *cell = Py_BuildValue("(nn)", link->row, link->column);
    PyObject *rel_id = cell ? link_text(b, link->id_at, link->id_end) : NULL;
    PyObject *where = rel_id ? link_text(b, link->where_at, link->where_end) : NULL;
    PyObject *result = where ? PyTuple_Pack(3, cell, rel_id, where) : NULL;
    Py_XDECREF(cell);
    Py_XDECREF(rel_id);
    Py_XDECREF(where);
    return result;
}

PyDoc_STRVAR(excel_links_doc,
             "excel_links(region: bytes) -> list[tuple[tuple[int, int], str | None, "
             "str | None]] | None\n\n"
             "((row, column), r:id, location) of each hyperlink of a checked region written "
             "exactly as Excel writes it, every link a single cell within the sheet and no "
             "location holding an entity; None otherwise.");

static PyObject *excel_links(PyObject *Py_UNUSED(module), PyObject *arg) {
    Buf b;
    Py_ssize_t at = 0;
    PyObject *out;
    if (!bytes_arg(arg, "excel_links", &b)) return NULL;
    out = PyList_New(0);
    while (out != NULL && at < b.n) {
        Link link;
        PyObject *item;
        if (!read_link(b, &at, &link)) {
            Py_DECREF(out);
            Py_RETURN_NONE;
        }
        item = link_tuple(b, &link);
        if (item == NULL || PyList_Append(out, item) < 0) {
            Py_XDECREF(item);
            Py_CLEAR(out);
            break;
        }
        Py_DECREF(item);
    }
    return out;
}

/* ------------------------------------------------------------------ odd cells */

static int cell_end(char c) { return c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n'; }

/* Whether the '<' at `i` starts what xlsx_reader._ODD_CELL (or, with `inline`,
 * _ODD_CELL_OR_INLINE) matches there. */
static int odd_at(Buf b, Py_ssize_t i, int inline_too) {
    Py_ssize_t j;
    if (i + 1 >= b.n) return 0;
    switch (b.s[i + 1]) {
    case 'c':
        if (i + 2 >= b.n || !cell_end(b.s[i + 2])) return 0;
        if (!STARTS(b, i + 2, " r=\"") || i + 6 >= b.n || !is_upper(b.s[i + 6])) return 1;
        for (j = i + 7; j < b.n && j < i + 12 && is_digit(b.s[j]); j++) {
        }
        return j == i + 7 || j >= b.n || b.s[j] != '"';
    case 'r':
        return STARTS(b, i + 1, "row") && i + 4 < b.n && cell_end(b.s[i + 4]) &&
               !STARTS(b, i + 4, " r=\"");
    case '/':
        return STARTS(b, i + 1, "/v>") && !STARTS(b, i + 4, "</c>");
    case 'v':
        if (!STARTS(b, i + 1, "v>")) return 0;
        for (j = i + 3; j < b.n; j++) {
            char c = b.s[j];
            if (c == '<') return 0;
            if (c == '_' || c == '&' || c == ' ' || c == '\t' || c == '\r' || c == '\n') return 1;
        }
        return 0;
    case 'i':
        return inline_too && STARTS(b, i + 1, "is>");
    default:
        return 0;
    }
}

PyDoc_STRVAR(find_odd_doc,
             "find_odd(xml: bytes, start: int, inline: bool) -> int\n\n"
             "Offset of the first match of xlsx_reader._ODD_CELL_OR_INLINE (inline true) or "
             "_ODD_CELL (inline false) at or after start, or -1.");

static PyObject *find_odd(PyObject *Py_UNUSED(module), PyObject *args) {
    Py_buffer view;
    Py_ssize_t start;
    int inline_too;
    if (!PyArg_ParseTuple(args, "y*np", &view, &start, &inline_too)) return NULL;
    Buf b = {(const char *)view.buf, view.len};
    Py_ssize_t found = -1;
    const char *p = start < 0 ? b.s : b.s + (start < b.n ? start : b.n);
    while ((p = memchr(p, '<', (size_t)(b.s + b.n - p))) != NULL) {
        if (odd_at(b, p - b.s, inline_too)) {
            found = p - b.s;
            break;
        }
        p++;
    }
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(found);
}

/* ------------------------------------------------------------------ calamine's values */

/* One of calamine's values as the reference path gives it: "" as None, a whole float
 * within a double's exact integers (2**53) as an int; a new reference. */
static PyObject *cell_value(PyObject *value) {
    if (PyUnicode_CheckExact(value) && PyUnicode_GET_LENGTH(value) == 0) Py_RETURN_NONE;
    if (PyFloat_CheckExact(value)) {
        double number = PyFloat_AS_DOUBLE(value);
        if (number == floor(number) && fabs(number) < 9007199254740992.0)
            return PyLong_FromDouble(number);
    }
    return Py_NewRef(value);
}

/* A new list of `convert(item)` for the first `size` items of the list `list` (a list
 * checked by the caller); NULL with the error `convert` set. */
static PyObject *mapped(PyObject *list, Py_ssize_t size, PyObject *(*convert)(PyObject *)) {
    PyObject *out = PyList_New(size);
    for (Py_ssize_t i = 0; out != NULL && i < size; i++) {
        PyObject *item = convert(PyList_GET_ITEM(list, i));
        if (item == NULL) Py_CLEAR(out);
        else PyList_SET_ITEM(out, i, item);
    }
    return out;
}

static int is_list(PyObject *value) {
    if (PyList_Check(value)) return 1;
    PyErr_SetString(PyExc_TypeError, "calamine_rows expects a list of lists");
    return 0;
}

/* One row: its values converted, trailing empty cells dropped. */
static PyObject *row_values(PyObject *row) {
    Py_ssize_t size;
    if (!is_list(row)) return NULL;
    size = PyList_GET_SIZE(row);
    while (size > 0) { /* trailing "" (or None) */
        PyObject *last = PyList_GET_ITEM(row, size - 1);
        if (last != Py_None && (!PyUnicode_CheckExact(last) || PyUnicode_GET_LENGTH(last)))
            break;
        size--;
    }
    return mapped(row, size, cell_value);
}

PyDoc_STRVAR(calamine_rows_doc,
             "calamine_rows(grid: list[list[object]]) -> list[list[object]]\n\n"
             "calamine's rectangle as rows: \"\" is None, whole floats within 2**53 are "
             "ints, trailing empty cells dropped (as xlsx_reader._calamine_values_py).");

static PyObject *calamine_rows(PyObject *Py_UNUSED(module), PyObject *grid) {
    return is_list(grid) ? mapped(grid, PyList_GET_SIZE(grid), row_values) : NULL;
}

/* ------------------------------------------------------------------ module */

static PyMethodDef methods[] = {
    {"excel_rels", excel_rels, METH_O, excel_rels_doc},
    {"excel_links", excel_links, METH_O, excel_links_doc},
    {"find_odd", find_odd, METH_VARARGS, find_odd_doc},
    {"calamine_rows", calamine_rows, METH_O, calamine_rows_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_xlsx_scan", "Compiled scanners for parsers.xlsx_reader.", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__xlsx_scan(void) {
    init_tables();
    return PyModule_Create(&module_def);
}
