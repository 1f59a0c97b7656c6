-- PostgreSQL triggers that make the database itself refuse what the application must never
-- do; the same rules as 0002_guards.sqlite.sql. Each raises an integrity error (SQLSTATE
-- class 23), which the driver answers as ERR_CONFLICT, as SQLite's RAISE(ABORT) is; the
-- message is the rule's name, which the code matches on.

-- 三员分立: an account holding sysadmin, secadmin or auditor holds no other role.
CREATE FUNCTION user_role_admin_separation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM user_role ur
        JOIN role r_old ON r_old.name = ur.role
        JOIN role r_new ON r_new.name = NEW.role
        WHERE ur.user_id = NEW.user_id AND ur.role <> NEW.role
          AND (r_old.admin_kind IS NOT NULL OR r_new.admin_kind IS NOT NULL)) THEN
        RAISE EXCEPTION 'admin_role_conflict' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER user_role_admin_separation BEFORE INSERT ON user_role
FOR EACH ROW EXECUTE FUNCTION user_role_admin_separation();

-- Raises the error named by the trigger's argument: the row may never change.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER user_role_no_update BEFORE UPDATE ON user_role
FOR EACH ROW EXECUTE FUNCTION refuse_change('user_role_immutable');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION refuse_change('audit_log_append_only');

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION refuse_change('audit_log_append_only');

-- SQLite has no TRUNCATE; here it would empty the log without firing the row triggers.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('audit_log_append_only');
