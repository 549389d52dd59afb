/* GCC's <limits.h> ends here (#include_next) in a hosted compile; it already defines
 * every C limit, and this runtime adds no POSIX ones. */
