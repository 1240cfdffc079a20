/* SwiftPM needs one source file per C target; CClientServer is header-only. Compiling the header
 * here also checks its _Static_asserts in a C build. */
#include "CClientServer.h"
