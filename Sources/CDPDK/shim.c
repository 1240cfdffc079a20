/* SwiftPM needs one source file per C target; everything in CDPDK is header-only `static inline`. */
#include "CDPDK.h"
