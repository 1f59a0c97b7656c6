-- SQLite triggers that make the database itself refuse what the application must never do.

-- 三员分立: an account holding sysadmin, secadmin or auditor holds no other role.
CREATE TRIGGER user_role_admin_separation BEFORE INSERT ON user_role
WHEN EXISTS (
    SELECT 1 FROM user_role ur
    JOIN role r_old ON r_old.name = ur.role
    JOIN role r_new ON r_new.name = NEW.role
    WHERE ur.user_id = NEW.user_id AND ur.role <> NEW.role
      AND (r_old.admin_kind IS NOT NULL OR r_new.admin_kind IS NOT NULL))
BEGIN
    SELECT RAISE(ABORT, 'admin_role_conflict');
END;

CREATE TRIGGER user_role_no_update BEFORE UPDATE ON user_role
BEGIN
    SELECT RAISE(ABORT, 'user_role_immutable');
END;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log_append_only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log_append_only');
END;
