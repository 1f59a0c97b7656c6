/* Handlers of the second factor: finishing a login with a TOTP or recovery code, enrolling
 * an authenticator (with a login's challenge, or signed in), disabling it, and an
 * administrator's reset. */
#ifndef SHEGONG_SERVER_TOTP_API_H
#define SHEGONG_SERVER_TOTP_API_H

#include "server/req.h"

/* POST /api/v1/auth/login/totp {"challenge", "code" | "recovery_code"} */
enum err totp_login(struct req *r);
/* POST /api/v1/auth/totp/enroll {"challenge"?} */
enum err totp_enroll(struct req *r);
/* POST /api/v1/auth/totp/confirm {"challenge"?, "code"} */
enum err totp_confirm(struct req *r);
/* DELETE /api/v1/auth/totp {"code" | "recovery_code"} */
enum err totp_disable(struct req *r);
/* DELETE /api/v1/users/{id}/totp (user.manage) */
enum err totp_reset(struct req *r);

#endif
