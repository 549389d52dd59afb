/* GCC's <stdint.h> ends here (#include_next) in a hosted compile: its own types. */
#include <stdint-gcc.h>
