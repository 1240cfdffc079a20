/* SwiftPM needs one source file per C target. Everything in CDPDK is header-only `static inline`,
 * but for the few variables that need a single definition. */
#include "CDPDK.h"

int cdpdk_stop_flag;
int cdpdk_wake_fd = -1;
int cdpdk_eal_up;
