// Shared data for the engine's API tests: a small region tree and ID numbers.
import assert from 'node:assert/strict';

export const PROVINCE = '110000000000';
export const CITY = '110100000000';
export const COUNTY = '110105000000'; // 朝阳区
export const STREET = '110105001000'; // 建外街道
export const SIBLING = '110105002000'; // 朝外街道
export const OTHER_COUNTY = '110106000000'; // 丰台区

/** An 18-digit citizen ID number with its GB 11643 check character. */
export function idcard(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * w[i];
  return body17 + '10X98765432'[sum % 11];
}

/** Loads the region rows the engine tests use into a started server's database. */
export function seedRegions(s) {
  const r = s.sqlite(`INSERT INTO region (code, parent_code, level, name, full_name, placeholder, updated_at) VALUES
    ('${PROVINCE}', NULL, 1, '北京市', '北京市', 0, 0),
    ('${CITY}', '${PROVINCE}', 2, '市辖区', '北京市', 1, 0),
    ('${COUNTY}', '${CITY}', 3, '朝阳区', '北京市/朝阳区', 0, 0),
    ('${STREET}', '${COUNTY}', 4, '建外街道', '北京市/朝阳区/建外街道', 0, 0),
    ('${SIBLING}', '${COUNTY}', 4, '朝外街道', '北京市/朝阳区/朝外街道', 0, 0),
    ('${OTHER_COUNTY}', '${CITY}', 3, '丰台区', '北京市/丰台区', 0, 0)`);
  if (r.status !== 0) throw new Error(`seedRegions: ${r.stderr}`);
}

/** Users for the specimen entity: name -> [role, region]. Returns their sessions. */
export async function specimenUsers(s, users) {
  const sess = {};
  for (const [name, [role, region]] of Object.entries(users)) {
    s.addUser(name, role, region);
    sess[name] = await s.login(name);
  }
  return sess;
}

/** Creates a specimen and returns its row (asserts 201). */
export async function makeSpecimen(sess, body) {
  const r = await sess.post('/api/v1/specimen', { title: '样本', category: 'noise', region_code: STREET, ...body });
  assert.equal(r.status, 201, r.text);
  return r.body;
}
