/* The registry of sealed columns (see sealed.c). */
#ifndef SHEGONG_MODEL_SEALED_H
#define SHEGONG_MODEL_SEALED_H

#include "server/keystore.h"

extern const struct sealed_column sealed_columns[];

#endif
