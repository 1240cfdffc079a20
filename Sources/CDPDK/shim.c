/* SwiftPM needs one source file per C target. Everything in CDPDK is header-only `static inline`,
 * but for the one variable that needs a single definition. */
#include "CDPDK.h"

int cdpdk_stop_flag;
