/* Every column that holds sealed values (core/crypto), so that `shegong key rotate`
 * re-seals them all and recomputes their blind indexes. A module that seals a column adds
 * it here; a column missing from this list becomes unreadable after a rotation. */
#include "model/sealed.h"

const struct sealed_column sealed_columns[] = {
    /* person (modules/person): ID and phone numbers with their blind indexes */
    {.table = "person",
     .key = "id",
     .column = "id_number_enc",
     .index = "id_number_idx",
     .kind = "idcard"},
    {.table = "person", .key = "id", .column = "phone_enc", .index = "phone_idx", .kind = "phone"},
    /* two-factor login (server/twofactor): the TOTP secrets */
    {.table = "user_totp", .key = "user_id", .column = "secret"},
    /* more sealed columns */
    {.table = NULL},
};
