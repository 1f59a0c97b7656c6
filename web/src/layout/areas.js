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
  suggestion: 'suggestion',
  volunteer: 'volunteer',
  workforce: 'workforce',
  system: 'system',
}

export function areaOf(module) {
  return MODULE_AREA[module] || 'other'
}

// Hand-written pages by area: [route name, i18n title, permission or null (any signed-in user)].
const PAGES = {
  system: [
    ['users', 'nav.users', 'user.read'],
    ['roles', 'nav.roles', 'role.read'],
    ['audit', 'nav.audit', 'audit.read'],
    ['calendar', 'nav.calendar', null],
    ['dictionaries', 'nav.dictionaries', null],
  ],
}

/**
 * The menu: [{area, items:[{key, to, label, labelKey}]}] for the areas with something to show.
 * `entities` is meta's list (only readable ones come from the server); `can` checks a permission.
 */
export function buildMenu(entities, can) {
  const byArea = Object.fromEntries(AREAS.map((a) => [a, []]))
  for (const e of entities) {
    if (e.can && e.can.read === false) continue
    byArea[areaOf(e.module)].push({ key: 'e:' + e.name, to: '/e/' + e.name, label: e.label })
  }
  for (const [area, pages] of Object.entries(PAGES)) {
    for (const [name, labelKey, perm] of pages) {
      if (perm ? can(perm) : hasAdminReason(can, name)) byArea[area].push({ key: name, to: { name }, labelKey })
    }
  }
  return AREAS.filter((a) => byArea[a].length).map((area) => ({ area, items: byArea[area] }))
}

// Calendar and dictionaries are readable by everyone but are administration: they are in the
// menu of those who manage them (business users see their effect in deadlines and forms).
function hasAdminReason(can, name) {
  if (name === 'calendar') return can('calendar.manage')
  if (name === 'dictionaries') return can('dictionary.manage')
  return true
}
