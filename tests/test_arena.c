/* test_arena.c - the request arena: bounded, zeroed, and string copies that
 * read no further than the string. */
#include <string.h>

#include <criterion/criterion.h>

#include "arena.h"

Test(arena, strndup_stops_at_the_end_of_a_short_string)
{
    struct arena a;
    arena_init(&a, 0);
    /* Under ASan a read past "ab" is a global-buffer-overflow. */
    char *copy = arena_strndup(&a, "ab", 40);
    cr_assert_str_eq(copy, "ab");
    char *prefix = arena_strndup(&a, "abcdef", 3);
    cr_assert_str_eq(prefix, "abc");
    char *empty = arena_strndup(&a, "", 8);
    cr_assert_str_eq(empty, "");
    arena_free(&a);
}

Test(arena, allocations_are_zeroed_and_bounded)
{
    struct arena a;
    arena_init(&a, 1024);
    unsigned char *p = arena_alloc(&a, 100);
    cr_assert_not_null(p);
    for (size_t i = 0; i < 100; i++)
        cr_assert_eq(p[i], 0);
    cr_assert_null(arena_alloc(&a, 2048), "an allocation over the limit was granted");
    cr_assert_not_null(arena_alloc(&a, 512), "room under the limit was refused");
    arena_free(&a);
}
