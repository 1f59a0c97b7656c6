/* The per-thread note of a failed allocation (see oom.h). */
#include "core/oom.h"

static _Thread_local bool noted;

void oom_note(void)
{
    noted = true;
}

bool oom_noted(void)
{
    return noted;
}

void oom_reset(void)
{
    noted = false;
}
