/*
 * Definitions that Jazzer.js's prebuilt addon takes from glibc 2.38 and libstdc++ 13, for
 * systems with older ones (Debian 12 has glibc 2.36 and libstdc++ from GCC 12). Loaded with
 * LD_PRELOAD by fuzz/run.sh after patch-addon.mjs has made the addon accept them.
 */
#include <stdlib.h>

/* C23 variants: identical to the classic ones except that they also accept a "0b" prefix. */
long __isoc23_strtol(const char *text, char **end, int base) { return strtol(text, end, base); }
unsigned long __isoc23_strtoul(const char *text, char **end, int base) { return strtoul(text, end, base); }

/* GCC 13 calls this to make sure iostreams are initialised; older libstdc++ does that itself. */
void _ZSt21ios_base_library_initv(void) {}
