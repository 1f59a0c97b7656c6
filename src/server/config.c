/* Built-in configuration defaults. */
#include "server/server.h"

void config_defaults(struct config *cfg)
{
    *cfg = (struct config){
        .db_url = "sqlite:data/shegong.db",
        .data_dir = "data",
        .bind = "127.0.0.1",
        .port = 8080,
        .threads = 0,
        .body_cap = (size_t)1 << 20,
        .conn_limit = 1000,
        .per_ip_limit = 200,
        .conn_timeout_s = 30,
        .conn_memory = (size_t)64 << 10,
        .secure_cookies = false,
        .test_mode = false,
        .trusted_proxy = NULL,
        .node_id = 0,
        .login_rate_per_min = 20,
        .token_rate_per_min = 600,
        .portal_submit_rate = 10,
        .portal_lookup_rate = 120,
        .sync = DB_SYNC_FULL,
        .group_commit = true,
        .shutdown_grace_s = 10,
        .slow_sql_ms = 1000,
        .quiet = false,
        .web_dir = "web/dist",
    };
}
