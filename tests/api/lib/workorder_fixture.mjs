// Shared set-up for the 接诉即办 tests (docs/workorder.md): units, a dispatch catalogue,
// the people who take, dispatch, handle and rank work orders, and helpers to move orders.
//
//   const ctx = await setupWorkorder(s, { prefix = 'wo' } = {})
//     s: a started Server. Seeds the regions of fixture.mjs (unless already there) plus
//     NO_UNIT_STREET (a street without a street unit) and COMMUNITY (a community of STREET);
//     inserts the units; creates the catalogue at COUNTY through the API (so its
//     dispatch_category_version rows exist); adds the users and logs them in. Returns
//       ctx.units       { district, street, sibling, department }   ids (strings)
//                       朝阳区人民政府 (district, COUNTY), 建外街道办事处 (township, STREET),
//                       朝外街道办事处 (township, SIBLING), 区城市管理委员会 (department, COUNTY)
//       ctx.categories  { parent, general, urgent, utility, complex }  ids (strings)
//                       parent  CG      城乡管理 (has children: not assignable)
//                       general CG.01   占道经营  township   general  24 hours / 7 calendar_days
//                       urgent  URG.01  井盖缺失  township   urgent   30 minutes / 2 hours
//                       utility UTL.01  供暖不热  department utility 2 hours / 24 hours (区城管委)
//                       complex CPX.01  历史遗留  district   complex  24 hours / 15 working_days
//       ctx.users       { dispatcher, leader, street, sibling, department, district, whistle }
//                       usernames (`${prefix}_dispatcher` ...): dispatcher (role dispatcher,
//                       COUNTY, 2FA), leader (workorder_leader, COUNTY), street / sibling /
//                       department / district (workorder_handler at that unit), whistle
//                       (whistle_officer at COUNTY with the unit 建外街道办事处: it summons
//                       the district's departments, and the unit limits what it raises)
//       ctx.sess        the same keys: logged-in Sessions
//       ctx.relogin()   logs everybody in again (after s.advance moved past the session's
//                       idle time); updates ctx.sess in place
//   const row = await createOrder(sess, overrides = {})
//     POSTs /api/v1/work_order (asserts 201) and returns the row. Defaults: channel hotline,
//     type complaint, a caller, content, address, region STREET, category_id the last
//     setupWorkorder's `general` (overrides.category_id = null leaves it out).
//   const res = await moveOrder(sess, id, action, body = {})
//     POSTs /api/v1/work_order/{id}/actions/{action}; returns the response unasserted.
//   const row = await moveOrderOk(sess, id, action, body = {})
//     The same, asserting 200; returns the row.
//   const row = await dispatchedOrder(ctx, overrides = {}, dispatchBody = {})
//     createOrder by the dispatcher, then dispatch (asserted); returns the dispatched row.
import assert from 'node:assert/strict';
import { PASSWORD } from './server.mjs';
import { seedRegions, COUNTY, STREET, SIBLING } from './fixture.mjs';

export const NO_UNIT_STREET = '110105003000'; // 三里屯街道: no street unit, orders fall back to the district
export const COMMUNITY = '110105001001'; // 建外街道某社区

export const UNIT_IDS = { district: '9101', street: '9102', sibling: '9103', department: '9104' };

let last = null; // the last setupWorkorder's context (createOrder's default category)

function addUser(s, name, role, region, unit) {
  const args = ['user', 'add', name, '--role', role, '--region', region, '--password-stdin'];
  if (unit) args.push('--unit', unit);
  const r = s.cli(args, PASSWORD + '\n');
  assert.equal(r.status, 0, `user add ${name}: ${r.stderr}`);
}

async function makeCategory(sess, body) {
  const r = await sess.post('/api/v1/dispatch_category', { region_code: COUNTY, ...body });
  assert.equal(r.status, 201, `category ${body.code}: ${r.text}`);
  return r.body.id;
}

export async function setupWorkorder(s, { prefix = 'wo' } = {}) {
  const have = s.sqlite(`SELECT count(*) FROM region WHERE code = '${COUNTY}'`).stdout.trim();
  if (have === '0') seedRegions(s);
  s.sqlite(`INSERT INTO region (code, parent_code, level, name, full_name, placeholder, updated_at)
    SELECT '${NO_UNIT_STREET}', '${COUNTY}', 4, '三里屯街道', '北京市/朝阳区/三里屯街道', 0, 0
    WHERE NOT EXISTS (SELECT 1 FROM region WHERE code = '${NO_UNIT_STREET}');
    INSERT INTO region (code, parent_code, level, name, full_name, placeholder, updated_at)
    SELECT '${COMMUNITY}', '${STREET}', 5, '建外某社区', '北京市/朝阳区/建外街道/建外某社区', 0, 0
    WHERE NOT EXISTS (SELECT 1 FROM region WHERE code = '${COMMUNITY}');`);
  const u = UNIT_IDS;
  const ins = s.sqlite(`INSERT INTO unit (id, name, kind, region_code, created_at, updated_at)
    SELECT ${u.district}, '朝阳区人民政府', 'district', '${COUNTY}', 0, 0 WHERE NOT EXISTS (SELECT 1 FROM unit WHERE id = ${u.district});
    INSERT INTO unit (id, name, kind, region_code, created_at, updated_at)
    SELECT ${u.street}, '建外街道办事处', 'township', '${STREET}', 0, 0 WHERE NOT EXISTS (SELECT 1 FROM unit WHERE id = ${u.street});
    INSERT INTO unit (id, name, kind, region_code, created_at, updated_at)
    SELECT ${u.sibling}, '朝外街道办事处', 'township', '${SIBLING}', 0, 0 WHERE NOT EXISTS (SELECT 1 FROM unit WHERE id = ${u.sibling});
    INSERT INTO unit (id, name, kind, region_code, created_at, updated_at)
    SELECT ${u.department}, '区城市管理委员会', 'department', '${COUNTY}', 0, 0 WHERE NOT EXISTS (SELECT 1 FROM unit WHERE id = ${u.department});`);
  assert.equal(ins.status, 0, ins.stderr);

  const users = {
    dispatcher: `${prefix}_dispatcher`,
    leader: `${prefix}_leader`,
    street: `${prefix}_street`,
    sibling: `${prefix}_sibling`,
    department: `${prefix}_department`,
    district: `${prefix}_district`,
    whistle: `${prefix}_whistle`,
  };
  addUser(s, users.dispatcher, 'dispatcher', COUNTY);
  addUser(s, users.leader, 'workorder_leader', COUNTY);
  addUser(s, users.street, 'workorder_handler', STREET, u.street);
  addUser(s, users.sibling, 'workorder_handler', SIBLING, u.sibling);
  addUser(s, users.department, 'workorder_handler', COUNTY, u.department);
  addUser(s, users.district, 'workorder_handler', COUNTY, u.district);
  addUser(s, users.whistle, 'whistle_officer', COUNTY, u.street);

  const ctx = { units: { ...u }, users, sess: {}, categories: {} };
  ctx.relogin = async () => {
    for (const [key, name] of Object.entries(users)) ctx.sess[key] = await s.login(name);
    return ctx;
  };
  await ctx.relogin();

  const d = ctx.sess.dispatcher;
  const c = ctx.categories;
  c.parent = await makeCategory(d, { code: 'CG', name: '城乡管理', handler_kind: 'township', urgency: 'general', respond_amount: 24, respond_unit: 'hours', limit_amount: 7, limit_unit: 'calendar_days' });
  c.general = await makeCategory(d, { code: 'CG.01', name: '占道经营', parent_id: c.parent, handler_kind: 'township', urgency: 'general', respond_amount: 24, respond_unit: 'hours', limit_amount: 7, limit_unit: 'calendar_days', keywords: '占道 摆摊' });
  c.urgent = await makeCategory(d, { code: 'URG.01', name: '井盖缺失', handler_kind: 'township', urgency: 'urgent', respond_amount: 30, respond_unit: 'minutes', limit_amount: 2, limit_unit: 'hours' });
  c.utility = await makeCategory(d, { code: 'UTL.01', name: '供暖不热', handler_kind: 'department', handler_unit_id: u.department, urgency: 'utility', respond_amount: 2, respond_unit: 'hours', limit_amount: 24, limit_unit: 'hours' });
  c.complex = await makeCategory(d, { code: 'CPX.01', name: '历史遗留问题', handler_kind: 'district', urgency: 'complex', respond_amount: 24, respond_unit: 'hours', limit_amount: 15, limit_unit: 'working_days' });
  last = ctx;
  return ctx;
}

export async function createOrder(sess, overrides = {}) {
  const body = {
    channel: 'hotline',
    type: 'complaint',
    caller_name: '张建国',
    caller_phone: '13812345678',
    content: '建国门外大街路口有商贩长期占道经营，影响行人通行，希望有关部门处理。',
    address: '建国门外大街1号附近',
    region_code: STREET,
    ...(last ? { category_id: last.categories.general } : {}),
    ...overrides,
  };
  for (const [k, v] of Object.entries(body)) if (v === null || v === undefined) delete body[k];
  const r = await sess.post('/api/v1/work_order', body);
  assert.equal(r.status, 201, `create work order: ${r.text}`);
  return r.body;
}

export function moveOrder(sess, id, action, body = {}) {
  return sess.post(`/api/v1/work_order/${id}/actions/${action}`, body);
}

export async function moveOrderOk(sess, id, action, body = {}) {
  const r = await moveOrder(sess, id, action, body);
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.body;
}

export async function dispatchedOrder(ctx, overrides = {}, dispatchBody = {}) {
  const row = await createOrder(ctx.sess.dispatcher, overrides);
  return moveOrderOk(ctx.sess.dispatcher, row.id, 'dispatch', dispatchBody);
}
