/* array_size.h - how many elements an array (not a pointer to one) has. */
#ifndef FOLIO_ARRAY_SIZE_H
#define FOLIO_ARRAY_SIZE_H

#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))

#endif
