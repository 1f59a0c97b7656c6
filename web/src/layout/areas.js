// The console's menu areas and how entity modules (meta "module") map onto them.
// An area is shown only when it has a readable entity or a page the user may open.

export const AREAS = ['party', 'governance', 'petition', 'hotline', 'suggestion', 'volunteer', 'workforce', 'system', 'other']

// module name (from src/model) -> area
const MODULE_AREA = {
  party: 'party',
  governance: 'governance',
  masses: 'governance',
  petition: 'petition',
  mediation: 'petition',
  dispatch: 'hotline',
  hotline: 'hotline',
  workorder: 'hotline',
  whistle: 'hotline',
  suggestion: 'suggestion',
  volunteer: 'volunteer',
  workforce: 'workforce',
  system: 'system',
}

// entity name -> area, where the entity's module alone would put it elsewhere (petitions are
// of the module 服务群众 with suggestions and volunteers, but have an area of their own)
const ENTITY_AREA = {
  petition: 'petition',
}

export function areaOf(module, entity) {
  return ENTITY_AREA[entity] || MODULE_AREA[module] || 'other'
}

// Hand-written pages by area: [route name, i18n title, permission (or a list: any of them) or
// null (any signed-in user)].
const PAGES = {
  petition: [
    ['petition-desk', 'petition.nav.desk', 'petition.read'],
    ['petition-new', 'petition.nav.new', 'petition.register'],
    ['petition-dashboard', 'petition.nav.dashboard', 'petition.read'],
    ['mediation-board', 'mediation.nav.board', 'mediation.read'],
  ],
  hotline: [
    ['workorder-board', 'workorder.nav.board', 'workorder.read'],
    ['workorder-rates', 'workorder.nav.rates', 'workorder.rates'],
    ['whistle-board', 'whistle.nav.board', 'whistle.read'],
    ['whistle-summons', 'whistle.nav.summons', 'whistle.report'],
  ],
  system: [
    ['users', 'nav.users', 'user.read'],
    ['roles', 'nav.roles', 'role.read'],
    ['audit', 'nav.audit', 'audit.read'],
    ['calendar', 'nav.calendar', null],
    ['dictionaries', 'nav.dictionaries', null],
  ],
}

const PAGES_FIRST = new Set(['petition', 'hotline'])

/**
 * The menu: [{area, items:[{key, to, label, labelKey}]}] for the areas with something to show.
 * `entities` is meta's list (only readable ones come from the server); `can` checks a permission.
 */
export function buildMenu(entities, can) {
  const byArea = Object.fromEntries(AREAS.map((a) => [a, []]))
  for (const e of entities) {
    if (e.can && e.can.read === false) continue
    byArea[areaOf(e.module, e.name)].push({ key: 'e:' + e.name, to: '/e/' + e.name, label: e.label })
  }
  const pages = Object.fromEntries(AREAS.map((a) => [a, []]))
  for (const [area, list] of Object.entries(PAGES)) {
    for (const [name, labelKey, perm] of list) {
      const allowed = Array.isArray(perm) ? perm.some((p) => can(p)) : perm ? can(perm) : hasAdminReason(can, name)
      if (allowed) pages[area].push({ key: name, to: { name }, labelKey })
    }
  }
  // a working area leads with its desk; administration lists its tables first
  for (const a of AREAS) byArea[a] = PAGES_FIRST.has(a) ? [...pages[a], ...byArea[a]] : [...byArea[a], ...pages[a]]
  return AREAS.filter((a) => byArea[a].length).map((area) => ({ area, items: byArea[area] }))
}

// Calendar and dictionaries are readable by everyone but are administration: they are in the
// menu of those who manage them (business users see their effect in deadlines and forms).
function hasAdminReason(can, name) {
  if (name === 'calendar') return can('calendar.manage')
  if (name === 'dictionaries') return can('dictionary.manage')
  return true
}
