/* The columns outside the entity engine that hold sealed values (core/crypto), so that
 * `shegong key rotate` re-seals them all. The ID and phone fields of entities are found
 * from their definitions (engine_sealed_columns); a column sealed by other code and
 * missing from this list becomes unreadable after a rotation. */
#include "model/sealed.h"

const struct sealed_column sealed_columns[] = {
    /* two-factor login (server/twofactor): the TOTP secrets */
    {.table = "user_totp", .key = "user_id", .column = "secret"},
    /* more sealed columns */
    {.table = NULL},
};
