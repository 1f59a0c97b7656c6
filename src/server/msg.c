/* zh-CN message table (see msg.h). */
#include "server/msg.h"

#include <string.h>

const char *msg_err(enum err e)
{
    switch (e) {
    case ERR_OK:
        return "成功";
    case ERR_INVALID:
        return "提交的内容有误";
    case ERR_MALFORMED_JSON:
        return "请求内容不是合法的 JSON";
    case ERR_BAD_ENCODING:
        return "请求内容不是合法的 UTF-8 文本";
    case ERR_UNAUTHENTICATED:
        return "尚未登录或登录已过期，请重新登录";
    case ERR_BAD_CREDENTIALS:
        return "用户名或密码错误";
    case ERR_FORBIDDEN:
        return "没有执行此操作的权限";
    case ERR_CSRF:
        return "请求缺少有效的安全令牌（X-CSRF-Token），请刷新页面后重试";
    case ERR_ACCOUNT_LOCKED:
        return "账号已锁定，请稍后再试或联系系统管理员";
    case ERR_ACCOUNT_DISABLED:
        return "账号已停用，请联系系统管理员";
    case ERR_NOT_FOUND:
        return "请求的资源不存在";
    case ERR_METHOD_NOT_ALLOWED:
        return "该地址不支持此请求方法";
    case ERR_CONFLICT:
        return "与现有数据冲突";
    case ERR_TOO_LARGE:
        return "请求内容过大";
    case ERR_UNSUPPORTED_MEDIA:
        return "请求内容类型不受支持，请使用 application/json";
    case ERR_UNPROCESSABLE:
        return "请求无法处理";
    case ERR_RATE_LIMITED:
        return "请求过于频繁，请稍后再试";
    case ERR_INTERNAL:
    case ERR_DB:
    case ERR_IO:
        return "服务器内部错误，请联系管理员并提供请求编号";
    case ERR_NOMEM:
    case ERR_DB_BUSY:
        return "服务器繁忙，请稍后再试";
    case ERR_UNAVAILABLE:
        return "服务暂时不可用，请稍后再试";
    }
    return "服务器内部错误";
}

struct field_msg {
    const char *code;
    const char *tmpl; /* "%s" is the field label */
};

static const struct field_msg field_msgs[] = {
    {"required", "%s不能为空"},
    {"type_string", "%s应为文本"},
    {"type_integer", "%s应为整数"},
    {"type_boolean", "%s应为是或否（true/false）"},
    {"type_object", "%s应为对象"},
    {"type_array", "%s应为数组"},
    {"type_id", "%s应为数字编号"},
    {"too_long", "%s过长"},
    {"too_short", "%s过短"},
    {"out_of_range", "%s超出允许范围"},
    {"invalid_region", "%s不是有效的12位统计用区划代码"},
    {"out_of_scope", "%s不在您的管辖范围内"},
    {"invalid_enum", "%s不是允许的取值"},
    {"invalid_format", "%s格式不正确"},
    {"unknown_field", "不认识的字段：%s"},
    {"not_found", "%s不存在"},
    {"taken", "%s已被使用"},
    {"password_too_short", "%s至少需要10个字符"},
    {"password_too_few_classes", "%s需包含大写字母、小写字母、数字、其他符号中的至少3类"},
    {"password_contains_username", "%s不能包含用户名"},
    {"password_too_long", "%s过长（最多256字节）"},
    {"password_reused", "%s不能与最近5次使用过的密码相同"},
    {"password_wrong", "%s不正确"},
    {"password_unverifiable", "%s暂时无法校验，请稍后再试"},
    {"admin_role_conflict",
     "%s：系统管理员、安全管理员、安全审计员三个角色互斥，且不能兼任业务角色"},
    {"self_grant", "%s：不能修改自己的角色或岗位"},
    {"unknown_role", "%s不存在"},
    {"invalid_username", "%s只能由3至32位小写字母、数字、下划线、点或连字符组成，且以字母开头"},
    {"invalid_time", "%s应为 RFC 3339 时间，如 2026-01-01T00:00:00Z"},
    {"idcard_length", "%s应为18位（或15位旧号码）"},
    {"idcard_chars", "%s只能由数字组成，18位号码的最后一位可以是X"},
    {"idcard_province", "%s的前两位不是有效的省级行政区划代码"},
    {"idcard_birth", "%s中的出生日期无效（应为1900年以后的真实日期）"},
    {"idcard_future", "%s中的出生日期晚于今天"},
    {"idcard_check", "%s的校验码（最后一位）不正确"},
    {"uscc_length", "%s应为18位"},
    {"uscc_chars",
     "%s含有不允许的字符（只能是数字和除I、O、S、V、Z以外的大写字母，第3至8位须为数字）"},
    {"uscc_check", "%s的校验码（最后一位）不正确"},
    {"uscc_unknown_kind", "%s的登记管理部门和机构类别代码不在国家标准的代码表中，请核对"},
    {"mobile_invalid", "%s不是有效的手机号码（11位，以13至19开头）"},
    {"landline_invalid", "%s不是有效的固定电话号码（0加区号再加7至8位号码，如010-12345678）"},
    {"phone_invalid", "%s不是有效的手机号码或固定电话号码"},
    {"region_not_found", "%s不在已导入的区划表中"},
    /* validator field messages */
    {"region_not_village", "%s应为村（社区）一级的区划"},
    /* region field messages */
    {"invalid_date", "%s应为 YYYY-MM-DD 格式的有效日期，如 2026-10-08"},
    {"invalid_year", "%s应为1至9999之间的年份"},
    /* calendar field messages */
    {"mismatch_idcard", "%s与身份证件号码不一致"},
    {"future_date", "%s不能晚于今天"},
    /* person field messages */
    {"totp_wrong", "%s错误或已使用过，请输入验证器上最新的6位数字"},
    {"recovery_code_wrong", "%s错误或已使用过"},
    {"totp_one_of", "%s和动态验证码只能填写其中一项"},
    /* two-factor field messages */
    {"single_line", "%s只能是一行文字"},
    {"pattern_mismatch", "%s的格式不正确"},
    {"too_many", "%s的项数过多"},
    {"invalid_tag", "%s中的每个标签应为1至20个字，且不含逗号、顿号和引号"},
    {"invalid_geo", "%s应为经纬度 {\"lng\":经度,\"lat\":纬度}，经度-180至180，纬度-90至90"},
    {"type_number", "%s应为数字"},
    {"too_many_decimals", "%s的小数位数过多"},
    {"invalid_datetime", "%s应为带时区的时间，如 2026-11-29T08:00:00+08:00"},
    {"unknown_filter", "不能按%s筛选"},
    {"unknown_sort", "%s中有不能排序的字段"},
    {"keyset_sort", "%s（after）只能在按编号、创建时间或更新时间排序时使用"},
    {"read_only", "%s由系统维护，不能填写"},
    {"invalid_code", "%s只能由小写字母、数字和下划线组成"},
    /* engine field messages */
    /* workflow field messages */
    {"invalid_filename",
     "%s不合法：不能为空、不能以点开头、不能含“..”、控制字符或方向控制字符，最长200字节"},
    {"attachment_unknown", "%s中有不存在或无权使用的附件，请重新上传"},
    {"attachment_too_many", "%s的附件数量超过上限"},
    /* attachment field messages */
    {"unknown_column", "不认识的列标题：%s"},
    {"duplicate_column", "列标题重复：%s"},
    {"no_header", "第%s列有内容但没有列标题"},
    {"ambiguous_ref", "%s按名称对应多条记录，请改填编号"},
    {"import_datetime", "%s应为北京时间，如 2026-11-29 08:00:00"},
    {"import_geo", "%s应为“经度,纬度”，如 116.397128,39.916527"},
    {"import_boolean", "%s应为“是”或“否”"},
    /* export/import field messages */
    {"collective_headcount", "集体访的%s应不少于5人"},
    {"petition_self_repeat", "%s不能是本事项"},
    {"petition_accusation_to_accused", "检举控告事项不得转送、交办给被检举控告的单位（%s）"},
    {"petition_too_many_representatives", "集体访推选的代表不得超过5人（%s）"},
    {"petition_date_range", "%s不能早于起始日期"},
    {"petition_unit_out_of_region", "%s不管辖该事项的问题属地，请转送有管辖权的单位"},
    /* petition field messages */
    {"portal_last4", "%s应为4位数字"},
    /* portal field messages */
    {"mediation_term_future", "%s不能晚于一年以后"},
    {"mediation_committee_full",
     "%s已有9名在任委员（人民调解委员会由委员三至九人组成），请先办理离任或选择其他调委会"},
    {"mediation_director_taken", "%s：该调委会已有在任主任（人民调解委员会设主任一人）"},
    {"mediation_outside_committee", "%s应在所属调委会的辖区内"},
    {"mediation_not_in_committee", "%s不是该调委会的在任调解员"},
    {"mediation_committee_out_of_region", "%s的辖区不包含纠纷发生地"},
    {"mediation_before_agreement", "%s不能早于协议达成日期"},
    {"mediation_dispute_not_mediating", "%s不在调解中，不能记录调解过程"},
    {"mediation_future_time", "%s不能晚于当前时间"},
    {"mediation_date_range", "%s不能早于起始日期"},
    {"mediation_committee_in_use", "%s：该调委会已有调解员或受理的纠纷，不能更改辖区"},
    {"mediation_region_after_accept", "%s在纠纷受理后不能修改"},
    /* mediation field messages */
    /* work order field messages (modules/workorder: model, hooks) */
    {"workorder_unit_not_department", "%s应为职能部门类别的单位"},
    {"workorder_unit_outside_catalogue", "%s不在本派单目录的区划内"},
    {"workorder_parent_other_catalogue", "%s应属于同一区划的派单目录"},
    {"workorder_parent_cycle", "%s不能是本类别或其下级类别"},
    {"workorder_category_has_children", "%s：该类别有下级类别，不能更改目录区划"},
    {"workorder_category_inactive", "%s已停用，请选择其他类别"},
    {"workorder_category_not_leaf", "%s有下级类别，请选择末级类别"},
    {"workorder_category_out_of_region", "%s所属的派单目录不覆盖诉求发生地"},
    {"workorder_category_required", "派单前请先选择%s"},
    {"workorder_unit_out_of_region", "%s不管辖诉求发生地，请选择属地街乡、区政府或本区职能部门"},
    {"workorder_unit_same", "%s不能是退单的原承办单位"},
    {"workorder_copy_same", "%s不能与承办单位相同"},
    {"workorder_no_suggestion", "派单目录没有覆盖诉求发生地的承办单位，请选择%s"},
    {"workorder_extension_too_long", "%s不能超过原办理时限"},
    /* 三率 and 每月一题 field messages (modules/workorder: rates, topics) */
    {"workorder_month", "%s应为 YYYY-MM 格式的月份，如 2026-10"},
    {"workorder_month_not_ended", "%s尚未结束：只能发布已结束月份的考评结果"},
    {"workorder_month_empty", "%s没有计入考评的工单，不能发布"},
    {"workorder_weights_sum", "%s之和应为100（响应率、解决率、满意率所占的百分比）"},
    {"workorder_ok_needs_measure", "%s须与考评指标（measure）一起使用"},
    {"workorder_topic_taken", "%s：该区划该月已确定同一类别的每月一题"},
    {"workorder_topic_month_future", "%s不能晚于下个月"},
    /* whistle field messages (modules/whistle) */
    {"whistle_not_your_unit", "%s应为您所在的街道（乡镇），不能以其他单位名义吹哨"},
    {"whistle_unit_not_township", "%s应为街道（乡镇）"},
    {"whistle_unit_not_region", "%s的辖区不包含问题所在区划"},
    {"whistle_too_many_units", "%s最多20个单位"},
    {"whistle_units_duplicate", "%s中有重复的单位"},
    {"whistle_summon_self", "%s不能包含吹哨单位本身"},
    {"whistle_future_time", "%s不能晚于当前时间"},
    {"whistle_before_report", "%s不能早于报到时间"},
    {"whistle_invalid_month", "%s应为 YYYY-MM 格式的月份，如 2026-03"},
    /* Open311 field messages (modules/workorder/open311) */
    {"open311_location", "%s不能为空：须提供经纬度（lat 和 long）或地址（address_string）"},
    {"open311_lat_long_pair", "%s须与另一坐标成对提供：纬度（lat）和经度（long）缺一不可"},
    {"open311_unknown_service", "%s不是该辖区在用的服务代码，请先查询 services.json"},
    {"open311_duplicate", "%s在表单中重复出现"},
    {"open311_date_span", "%s：起止时间跨度不能超过90天"},
    {"open311_date_order", "%s不能早于起始时间（start_date）"},
    {"open311_status", "%s只能是 open 或 closed（多个用逗号分隔）"},
    {NULL, NULL},
};

const char *msg_field(struct arena *a, const char *code, const char *label)
{
    const char *tmpl = "%s无效";
    for (const struct field_msg *m = field_msgs; m->code; m++)
        if (strcmp(m->code, code) == 0)
            tmpl = m->tmpl;
    /* the one "%s" in the template becomes the label */
    const char *at = strstr(tmpl, "%s");
    const char *s = at ? arena_printf(a, "%.*s%s%s", (int)(at - tmpl), tmpl, label, at + 2)
                       : arena_strdup(a, tmpl);
    return s ? s : tmpl;
}

struct text_msg {
    const char *code;
    const char *text;
};

static const struct text_msg text_msgs[] = {
    {"login_locked", "登录失败次数过多，账号已锁定15分钟，请稍后再试"},
    {"account_locked_by_admin", "账号已被管理员锁定，请联系系统管理员"},
    {"session_expired", "登录已过期，请重新登录"},
    {"token_invalid", "访问令牌无效、已过期或已撤销"},
    {"shutting_down", "服务正在停止，请稍后重试"},
    {"body_required", "请求体不能为空"},
    {"json_not_object", "请求内容应为 JSON 对象"},
    {"json_too_deep", "请求内容嵌套层数过多"},
    {"json_duplicate_key", "请求内容中有重复的字段名"},
    {"body_too_large", "请求内容超过大小上限"},
    {"unknown_route", "请求的地址不存在"},
    {"web_not_built", "网页控制台尚未构建（请运行 make build，或用 SHEGONG_WEB_DIR 指定其目录）"},
    {"admin_no_business", "系统管理员、安全管理员和安全审计员不能办理业务"},
    /* region messages */
    {"calendar_no_correction",
     "该日期没有管理员的更正记录；如需取消官方的放假或调休，请将类型设为 ordinary（普通日）"},
    {"calendar_year_not_covered", "该年份未登记为已有节假日数据"},
    {"calendar_year_missing", "期限所涉年份尚无节假日和调休数据，已按普通周末推算，结果可能不准确"},
    /* calendar messages */
    {"person_taken", "该身份证件号码已登记，同一人不重复登记。已有人员编号："},
    {"person_taken_elsewhere",
     "该身份证件号码已在您管辖范围以外的地区登记，同一人不重复登记，请联系其所在地区"},
    {"key_rotated", "个人信息加密密钥已轮换，请重启服务后重试"},
    /* person messages */
    {"challenge_invalid", "登录验证已失效（5分钟内有效，且只能使用一次），请重新输入用户名和密码"},
    {"totp_wrong", "动态验证码错误或已使用过，请输入验证器上最新的6位数字"},
    {"recovery_code_wrong", "恢复码错误或已使用过"},
    {"totp_not_enrolled", "尚未绑定动态验证码，请先完成绑定"},
    {"totp_already_enabled", "已绑定动态验证码；如需更换，请先停用或请系统管理员重置"},
    {"totp_not_started", "请先获取绑定二维码，再输入验证码"},
    {"totp_not_enabled", "尚未启用动态验证码"},
    {"totp_required", "您的角色要求登录时使用动态验证码，不能停用"},
    {"totp_session_only", "动态验证码只能在登录会话中设置，不能使用访问令牌"},
    /* two-factor messages */
    {"version_conflict", "数据已被他人修改，请刷新后重试"},
    {"unique_conflict", "填写的内容与已有记录重复"},
    {"delete_referenced", "该记录仍被其他数据引用，不能删除"},
    {"restore_conflict", "恢复后将与现有记录重复，请先修改现有记录"},
    {"not_deleted", "该记录不存在或未被删除"},
    {"enum_not_extendable", "该字典不允许增加代码"},
    {"ambiguous_length", "请求的长度不明确（多个 Content-Length，或同时带有 Transfer-Encoding）"},
    /* engine messages */
    {"workflow_created", "创建"},
    {"workflow_unknown_action", "该记录没有此操作"},
    {"workflow_forbidden", "您没有执行此操作的权限"},
    {"workflow_out_of_scope", "该记录不在您执行此操作的管辖范围内"},
    {"workflow_wrong_state", "当前状态下不能执行此操作，当前状态："},
    {"workflow_stale", "记录已被他人修改，请刷新后重试"},
    {"workflow_clock_not_running", "未在计时，不能执行此操作"},
    {"workflow_clock_not_paused", "未处于中止计时状态，不能恢复计时"},
    {"workflow_clock_extended", "已延期过一次，不能再次延期"},
    {"workflow_version_label", "版本号"},
    {"workflow_comment_label", "备注"},
    {"workflow_notice_due_soon", "即将到期"},
    {"workflow_notice_overdue", "已超期"},
    /* workflow messages */
    {"attachment_empty", "上传的文件为空"},
    {"attachment_type_refused",
     "文件类型不受支持：只能上传图片（JPEG、PNG、GIF、WebP、BMP）、PDF、Office 文档（Word、Excel、"
     "PowerPoint、OpenDocument）和纯文本或 CSV 文件；可执行文件、网页、脚本和压缩包不能上传"},
    {"attachment_multipart", "请直接以请求体上传文件内容（PUT），不支持 multipart 表单"},
    /* attachment messages */
    {"export_too_many", "导出的行数超过100万行的上限，请缩小筛选范围后分批导出"},
    {"import_has_errors", "导入文件有错误，未导入任何数据"},
    {"import_empty", "导入文件中没有数据行（第1行应为列标题）"},
    {"import_too_many_rows", "导入文件超过10000行的上限，请分批导入"},
    {"import_bad_type", "导入文件应为 XLSX 工作簿或 CSV 文件（UTF-8 或 GB18030 编码）"},
    {"import_bad_file", "导入文件无法读取"},
    /* export/import messages */
    {"petition_not_editable", "信访事项转送交办后不能再修改登记内容"},
    {"petition_objection_late", "已超过提出异议的期限（收到转送交办后5个工作日内）"},
    {"petition_review_late", "已超过申请复查的期限（收到处理意见书之日起30日内）"},
    {"petition_rereview_late", "已超过申请复核的期限（收到复查意见之日起30日内）"},
    {"petition_rated", "该事项已评价，不能重复评价"},
    {"petition_referred", "该事项已转人民调解，不能重复转交"},
    {"petition_refer_withheld",
     "要求保密或对本单位保密的信访事项，须经信访人同意并由信访部门转人民调解"},
    {"petition_petitioner_n", "信访人"},
    {"petition_petitioners_label", "信访人"},
    {"petition_representative_label", "代表"},
    {"petition_name_label", "姓名"},
    {"petition_exclude_label", "排除的事项"},
    {"petition_figures_no_unit", "未转送交办"},
    {"petition_figures_own", "本级"},
    {"petition_figures_total", "合计"},
    /* petition messages */
    {"portal_not_found", "查询码或手机号码后四位不正确，请核对后重试"},
    {"portal_rate_limited", "操作过于频繁，请稍后再试"},
    {"portal_review_state", "当前状态下不能申请复查或复核，当前状态："},
    {"portal_last4_label", "手机号码后四位"},
    {"portal_contact_label", "联系方式"},
    {"portal_contact_name_label", "联系人姓名"},
    {"portal_contact_phone_label", "联系手机"},
    {"portal_comment_label", "评价意见"},
    {"portal_parent_label", "上级区划"},
    {"portal_note_unit", "承办单位："},
    {"portal_note_extend", "延期"},
    {"portal_note_extend_reason", "日，理由："},
    {"portal_step_create", "信访事项已登记"},
    {"portal_step_route", "已转送、交办有权处理的机关"},
    {"portal_step_reject", "不予受理"},
    {"portal_step_accept", "已受理"},
    {"portal_step_extend", "延长办理期限"},
    {"portal_step_reply", "已出具处理意见书"},
    {"portal_step_rate", "已评价"},
    {"portal_step_request_review", "已申请复查"},
    {"portal_step_review", "已出具复查意见"},
    {"portal_step_request_rereview", "已申请复核"},
    {"portal_step_hearing_start", "举行听证"},
    {"portal_step_hearing_end", "听证结束"},
    {"portal_step_rereview", "已出具复核意见"},
    {"portal_step_close", "已办结"},
    /* portal messages */
    {"mediation_dispute_final", "已结案或不予受理的纠纷不能修改，当前状态："},
    {"mediation_session_not_mediating", "只有调解中的纠纷才能记录调解过程，该纠纷当前状态："},
    /* mediation messages */
    /* work order messages (modules/workorder: model, hooks) */
    {"workorder_not_editable", "工单派出后不能修改登记信息，当前状态："},
    {"workorder_answer_consult_only", "只有咨询类工单可以当场答复，其他诉求请派单办理"},
    {"workorder_not_your_unit", "该工单不是派给本单位承办的，本单位只能查看"},
    {"workorder_extension_pending", "已有待审批的延期申请"},
    {"workorder_extension_used", "该工单已批准过一次延期，不能再次申请"},
    {"workorder_extension_none", "没有待审批的延期申请"},
    {"workorder_reopen_solved", "诉求人确认已解决的工单不能重新办理"},
    {"workorder_why_named", "派单目录指定的承办单位"},
    {"workorder_why_township", "诉求发生地所属街道（乡镇）属地承办，抄送区政府"},
    {"workorder_why_district", "派单目录规定由区政府承办"},
    {"workorder_why_fallback", "未找到属地承办单位，由区政府兜底承办"},
    {"workorder_no_unit", "没有覆盖该诉求发生地的区政府单位，请手动选择承办单位"},
    /* 三率 and 每月一题 messages (modules/workorder: rates, topics) */
    {"workorder_month_published", "该月考评结果已经发布，不能重复发布"},
    {"workorder_topic_final", "已办结或已撤销的每月一题不能修改，当前状态："},
    /* whistle messages (modules/whistle) */
    {"whistle_final", "已验收或已撤销的吹哨不能修改，当前状态："},
    {"whistle_units_working", "尚有单位未办结，不能验收："},
    {"whistle_not_raiser", "只有吹哨单位才能进行此操作"},
    {"whistle_not_your_summons", "只有被吹哨的单位本身才能报到和反馈办理情况"},
    {"whistle_redo_closed", "吹哨已验收或已撤销，不能退回重办"},
    {"whistle_order_not_yours", "该工单不是派给您所在街道（乡镇）的工单，不能转为吹哨"},
    {"whistle_order_has_whistle", "该工单已转为吹哨，不能重复吹哨"},
    {"whistle_order_state", "工单在已签收、已联系或办理中时才能转为吹哨，当前状态："},
    {"whistle_order_not_township", "工单的承办单位不是街道（乡镇），不能转为吹哨"},
    {"whistle_not_raised", "吹哨已验收或已撤销，不能再派生工单，当前状态："},
    /* Open311 messages (modules/workorder/open311) */
    {"open311_form_only", "请求内容须为 application/x-www-form-urlencoded 表单编码，"
                          "Open311 接口不接受 JSON 或其他格式的请求体"},
    {"open311_bad_form", "表单编码不正确：百分号转义无效，或内容不是合法的 UTF-8 文本"},
    {"open311_api_key_invalid", "API密钥（api_key）无效、已过期或已撤销，或无权使用Open311接口"},
    {"open311_api_key_required", "缺少API密钥（api_key）：提交诉求和按条件查询诉求须提供"},
    {"open311_out_of_scope", "该API密钥无权在此辖区（jurisdiction_id）提交或查询诉求"},
    {"open311_jurisdiction_unknown", "辖区（jurisdiction_id）不存在"},
    {"open311_request_not_found", "诉求（service_request_id）不存在"},
    {"open311_json_only", "只提供 JSON 格式（.json），不提供 XML 格式"},
    {"open311_notice",
     "诉求已登记为12345接诉即办工单，可凭工单编号（service_request_id）查询办理进度"},
    {"open311_note_unit", "，承办单位："},
    {"open311_rate_limited", "查询过于频繁，请稍后再试"},
    /* demo messages (modules/workorder/workorder_demo) */
    {NULL, NULL},
};

const char *msg_text(const char *code)
{
    for (const struct text_msg *m = text_msgs; m->code; m++)
        if (strcmp(m->code, code) == 0)
            return m->text;
    return code;
}
