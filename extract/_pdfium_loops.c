/*
 * pdfium's questions per character and per page object, asked in C loops.
 *
 * Reading a page asks pdfium a few things about each character (loose box, text object)
 * and each text object (font, size, render mode, fill colour). From Python every call
 * costs about half a microsecond of interpreter and ctypes work against a few nanoseconds
 * in pdfium, so these loops take pdfium's own functions as pointers (from pypdfium2,
 * which loaded the library) and make all of a page's calls in one call from Python
 * (extract/pdfium_calls.py). Nothing here links against pdfium or Python: the library is
 * loaded with ctypes, and when it could not be built the same questions are asked from
 * Python, one call at a time.
 */
#include <stdint.h>

typedef int (*loose_box_fn)(void *textpage, int index, float *rect);
typedef void *(*text_object_fn)(void *textpage, int index);
typedef int (*is_generated_fn)(void *textpage, int index);
typedef void *(*font_fn)(void *text_object);
typedef double (*font_size_fn)(void *textpage, int index);
typedef int (*render_mode_fn)(void *text_object);
typedef int (*fill_fn)(void *textpage, int index, unsigned int *r, unsigned int *g, unsigned int *b,
                       unsigned int *a);
typedef void *(*page_object_fn)(void *page, int index);
typedef int (*object_type_fn)(void *page_object);

/* For each character index: its loose box (4 floats: left, top, right, bottom) and the
   text object that drew it. */
void char_loop(loose_box_fn loose_box, text_object_fn text_object, void *textpage,
               const int32_t *chars, int64_t n, float *boxes, uint64_t *objects)
{
    for (int64_t k = 0; k < n; k++) {
        loose_box(textpage, chars[k], boxes + 4 * k);
        objects[k] = (uint64_t)(uintptr_t)text_object(textpage, chars[k]);
    }
}

/* For each character index: whether pdfium generated it (1) or the page drew it. */
void generated_loop(is_generated_fn is_generated, void *textpage, const int32_t *chars, int64_t n,
                    uint8_t *out)
{
    for (int64_t k = 0; k < n; k++)
        out[k] = is_generated(textpage, chars[k]) == 1;
}

/* For each text object, read at one of its characters: font, size, render mode, and the
   fill colour (4 unsigned ints, RGBA) where it has one. */
void style_loop(font_fn font, font_size_fn font_size, render_mode_fn render_mode, fill_fn fill,
                void *textpage, const uint64_t *objects, const int32_t *chars, int64_t n,
                uint64_t *fonts, double *sizes, int32_t *modes, uint8_t *has_fill, uint32_t *rgba)
{
    for (int64_t k = 0; k < n; k++) {
        void *obj = (void *)(uintptr_t)objects[k];
        unsigned int *c = (unsigned int *)(rgba + 4 * k);
        fonts[k] = (uint64_t)(uintptr_t)font(obj);
        sizes[k] = font_size(textpage, chars[k]);
        modes[k] = render_mode(obj);
        has_fill[k] = fill(textpage, chars[k], c, c + 1, c + 2, c + 3) != 0;
    }
}

/* The page's first n objects and their kinds. */
void object_loop(page_object_fn page_object, object_type_fn object_type, void *page, int64_t n,
                 uint64_t *objects, int32_t *kinds)
{
    for (int64_t k = 0; k < n; k++) {
        void *obj = page_object(page, (int)k);
        objects[k] = (uint64_t)(uintptr_t)obj;
        kinds[k] = object_type(obj);
    }
}
