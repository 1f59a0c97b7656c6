// GET /api/v1/openapi.json: an OpenAPI 3.1 document generated from the route table and the
// entity definitions, checked by an independent validator (@seriousme/openapi-schema-
// validator), complete (every route of `shegong routes`), and in step with real answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Server, assertError } from './lib/server.mjs';
import { seedRegions, specimenUsers, PROVINCE } from './lib/fixture.mjs';

const s = new Server();
let doc;
let clerk;

before(async () => {
  await s.start();
  seedRegions(s);
  ({ clerk } = await specimenUsers(s, { clerk: ['specimen_clerk', PROVINCE] }));
  const r = await clerk.get('/api/v1/openapi.json');
  assert.equal(r.status, 200, r.text);
  doc = r.body;
});
after(async () => { await s.stop(); s.cleanup(); });

test('the document needs a login', async () => {
  assertError(await s.request('GET', '/api/v1/openapi.json'), 401, 'unauthenticated');
});

test('an independent validator accepts the document as OpenAPI 3.1', async () => {
  const v = new Validator();
  const res = await v.validate(structuredClone(doc));
  assert.equal(res.valid, true, JSON.stringify(res.errors, null, 1)?.slice(0, 3000));
  assert.equal(v.version, '3.1');
  assert.match(doc.openapi, /^3\.1\./);
  v.resolveRefs(); // throws on a reference that does not resolve
  // the validator is not vacuous: a broken copy is refused
  const broken = structuredClone(doc);
  delete broken.info;
  broken.paths['/api/v1/specimen'].get.responses = 'none';
  assert.equal((await new Validator().validate(broken)).valid, false);
});

test('every $ref points at a component that exists', () => {
  const walk = (node, at) => {
    if (Array.isArray(node)) return node.forEach((x, i) => walk(x, `${at}/${i}`));
    if (!node || typeof node !== 'object') return;
    if (typeof node.$ref === 'string') {
      assert.match(node.$ref, /^#\/components\//, at);
      const target = node.$ref.slice(2).split('/').reduce((o, k) => o?.[k], doc);
      assert.ok(target, `${at}: ${node.$ref} does not resolve`);
    }
    for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
  };
  walk(doc, '#');
});

test('every route of `shegong routes` is described, with its path parameters', () => {
  const r = s.cli(['routes']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length > 40, r.stdout);
  const ids = new Set();
  for (const line of lines) {
    const [method, path] = line.split(' ');
    const op = doc.paths[path]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${path} is missing`);
    assert.ok(op.operationId && !ids.has(op.operationId), `${method} ${path}: operationId ${op.operationId}`);
    ids.add(op.operationId);
    assert.ok(op.responses.default, `${method} ${path}: no default (error) answer`);
    assert.ok(op.tags?.length === 1, `${method} ${path}: tags`);
    const names = [...path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);
    const inPath = (op.parameters || []).filter((p) => p.in === 'path').map((p) => p.name);
    assert.deepEqual(inPath, names, `${method} ${path}: path parameters`);
    if (line.includes(' test-only')) assert.equal(op['x-test-only'], true);
    const perm = line.split(' ')[2];
    if (perm !== '-') assert.equal(op['x-permission'], perm, `${method} ${path}`);
  }
  // and nothing that is not a route
  let count = 0;
  for (const item of Object.values(doc.paths)) count += Object.keys(item).length;
  assert.equal(count, lines.length);
});

test('public routes need no security; the others take the session cookie or a bearer token', () => {
  assert.deepEqual(doc.security, [{ session: [] }, { bearer: [] }]);
  assert.deepEqual(doc.components.securitySchemes.session, {
    type: 'apiKey', in: 'cookie', name: 'sid', description: doc.components.securitySchemes.session.description });
  assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
  assert.deepEqual(doc.paths['/api/v1/auth/login'].post.security, []);
  assert.deepEqual(doc.paths['/healthz'].get.security, []);
  assert.equal(doc.paths['/api/v1/specimen'].get.security, undefined);
  assert.ok(doc.tags.some((t) => t.name === 'governance' && t.description.includes('测试样本')));
});

test('the error envelope is one schema, used by every error answer', () => {
  const err = doc.components.schemas.Error;
  assert.deepEqual(err.required, ['error', 'request_id']);
  assert.deepEqual(err.properties.error.required, ['code', 'message', 'details']);
  assert.equal(err.properties.error.properties.details.items.$ref, '#/components/schemas/FieldError');
  assert.deepEqual(doc.components.schemas.FieldError.required, ['field', 'code', 'message']);
  const create = doc.paths['/api/v1/specimen'].post;
  for (const code of ['400', '401', '403', '409', 'default'])
    assert.ok(create.responses[code], `create answers ${code}`);
});

test('entity routes carry filters, paging and typed bodies from the field definitions', () => {
  const list = doc.paths['/api/v1/specimen'].get;
  const p = Object.fromEntries(list.parameters.map((x) => [x.name, x]));
  for (const name of ['q', 'sort', 'page', 'size', 'after', 'region', 'deleted', 'state',
    'code', 'count', 'count_from', 'count_to', 'amount_from', 'due_on_from', 'happened_at_to',
    'category', 'level', 'region_code', 'unit_id', 'id_number', 'phone', 'tags'])
    assert.ok(p[name], `list parameter ${name}`);
  assert.equal(p.title, undefined, 'title is not filterable');
  assert.equal(p.body, undefined, 'longtext is never a filter');
  assert.equal(p.size.schema.maximum, 200);
  assert.equal(p.level.style, 'form');
  assert.equal(p.level.explode, false);
  assert.deepEqual(p.level.schema.items.enum, ['low', 'high']);
  assert.equal(p.due_on_from.schema.format, 'date');
  assert.equal(p.happened_at_to.schema.format, 'date-time');
  assert.equal(p.deleted.schema.type, 'boolean');
  assert.deepEqual(p.state.schema.items.enum, ['draft', 'submitted', 'handling', 'on_hold', 'replied', 'closed', 'rejected']);

  const create = doc.components.schemas.specimen_create;
  assert.deepEqual(create.required.sort(), ['category', 'region_code', 'title']);
  assert.equal(create.additionalProperties, false);
  assert.equal(create.properties.title.maxLength, 50);
  assert.equal(create.properties.code.pattern, '^[A-Z]{2}[0-9]{4}$');
  assert.deepEqual(create.properties.count.type, ['integer', 'null']);
  assert.equal(create.properties.count.maximum, 1000);
  assert.deepEqual(create.properties.active.type, ['boolean', 'null']);
  assert.equal(create.properties.due_on.format, 'date');
  assert.equal(create.properties.happened_at.format, 'date-time');
  assert.deepEqual(create.properties.level.enum, ['low', 'high', null]);
  assert.deepEqual(create.properties.category.examples, ['noise', 'repair', 'other']); // extendable
  assert.equal(create.properties.region_code.pattern, '^[0-9]{12}$');
  assert.equal(create.properties.reply, undefined, 'read-only fields are not input');
  assert.match(create.properties.reason.description, /category=other/);
  const update = doc.components.schemas.specimen_update;
  assert.deepEqual(update.required, ['version']);

  const row = doc.components.schemas.specimen;
  for (const k of ['id', 'version', 'created_at', 'updated_at', 'deleted_at', 'state', 'unit_id_label', 'masked', 'files'])
    assert.ok(row.properties[k], `row property ${k}`);
  assert.equal(row.properties.files.type[0], 'array');
  assert.equal(row.properties.reply.readOnly, true);
  const page = doc.components.schemas.specimen_list;
  assert.deepEqual(page.required, ['items', 'total', 'total_exact', 'page', 'size']);
  assert.deepEqual(page.properties.search_order.enum, ['relevance', 'newest']);
  assert.equal(page.properties.total_exact.type, 'boolean');

  const action = doc.paths['/api/v1/specimen/{id}/actions/{action}'].post;
  const act = action.parameters.find((x) => x.name === 'action');
  assert.ok(act.schema.enum.includes('accept') && act.schema.enum.includes('close'));
  assert.ok(action.requestBody.content['application/json'].schema.anyOf.length >= 8);
  assert.deepEqual(doc.components.schemas.specimen_action_reject.required, ['reason']);

  // export takes the list's filters and format; import only dry_run (the type comes from the bytes)
  const exp = doc.paths['/api/v1/specimen/export'].get.parameters.map((x) => x.name);
  assert.ok(exp.includes('format') && exp.includes('category') && !exp.includes('page'), exp.join());
  assert.deepEqual(doc.paths['/api/v1/specimen/import'].post.parameters.map((x) => x.name), ['dry_run']);
});

test('the attachment routes say how files go up and come down', () => {
  const put = doc.paths['/api/v1/attachment'].put;
  assert.ok(put.requestBody.content['application/octet-stream']);
  assert.ok(put.parameters.find((x) => x.name === 'filename' && x.required));
  assert.equal(put.responses['201'].content['application/json'].schema.$ref, '#/components/schemas/AttachmentUploaded');
  assert.ok(put.responses['413'] && put.responses['415']);
  assert.ok(doc.paths['/api/v1/attachment/{id}'].get.responses['200'].headers['Content-Disposition']);
});

test('a real row and a real list answer agree with their schemas', async () => {
  const c = await clerk.post('/api/v1/specimen', { title: '核对', category: 'noise', region_code: PROVINCE, count: 3, amount: '12.5', tags: ['甲'] });
  assert.equal(c.status, 201, c.text);
  const row = doc.components.schemas.specimen;
  const check = (obj) => {
    for (const k of Object.keys(obj)) assert.ok(row.properties[k], `answer key ${k} is not in the schema`);
    for (const k of row.required) assert.ok(k in obj, `schema requires ${k}`);
    assert.match(obj.id, new RegExp(doc.components.schemas.Id.pattern));
    assert.match(obj.amount, new RegExp(row.properties.amount.pattern));
  };
  check(c.body);
  const one = await clerk.get(`/api/v1/specimen/${c.body.id}`);
  assert.equal(one.status, 200, one.text);
  check(one.body);
  const l = await clerk.get('/api/v1/specimen?size=5');
  assert.equal(l.status, 200, l.text);
  for (const k of Object.keys(l.body))
    assert.ok(doc.components.schemas.specimen_list.properties[k], `list key ${k} is not in the schema`);
  l.body.items.forEach(check);
});
