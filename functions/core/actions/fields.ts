import { humaniseKey } from '../normalize/acf.js';
import type { WpkbConfig } from '../shared/config/schema.js';
import type { CatalogItem } from './catalog.js';

/**
 * Catalog entries carry fields as labelled lines (`Horario: …`). Which label means "hours" or
 * "phone" follows from the configuration: the labels the normaliser gives these ACF keys
 * (`fieldLabels`, else the humanised key), so a site with other labels or another language works.
 */
const ROLE_KEYS = {
  hours: ['schedule', 'hours', 'horario', 'horarios', 'opening_hours'],
  time: ['hour', 'time', 'hora'],
  phone: ['phone', 'telefono', 'tel'],
  email: ['mail', 'email', 'correo'],
  web: ['page_link', 'website', 'web', 'sitio_web'],
  location: ['place', 'location', 'ubicacion'],
  level: ['level', 'nivel', 'piso', 'floor'],
  local: ['local', 'store_number'],
  organizer: ['organizer', 'organiza'],
} as const;

export type Role = keyof typeof ROLE_KEYS;

export type RoleLabels = Record<Role, Set<string>>;

/** The labels of each role for one content type. */
export function roleLabels(config: WpkbConfig, typeName: string): RoleLabels {
  const type = config.contentTypes.find((t) => t.name === typeName);
  const labels: Record<string, string> = { ...config.fieldLabels, ...(type?.fieldLabels ?? {}) };
  const labelOf = (key: string) =>
    Object.hasOwn(labels, key) && labels[key] ? labels[key] : humaniseKey(key);
  return Object.fromEntries(
    Object.entries(ROLE_KEYS).map(([role, keys]) => [role, new Set(keys.map(labelOf))]),
  ) as RoleLabels;
}

/** Values of the item's fields that play a role, in order. */
export function fieldValues(item: CatalogItem, labels: RoleLabels, role: Role): string[] {
  const wanted = labels[role];
  return item.fields.filter((f) => wanted.has(f.label)).map((f) => f.value);
}

export const firstField = (item: CatalogItem, labels: RoleLabels, role: Role): string | undefined =>
  fieldValues(item, labels, role)[0];

/** A configured metadata value (e.g. `level`) as text, else the field playing that role. */
export function metaOrField(item: CatalogItem, labels: RoleLabels, role: 'level' | 'local' | 'location') {
  const meta = item.metadata[role === 'location' ? 'place' : role];
  if (meta !== undefined && String(meta).trim() !== '') return String(meta);
  return firstField(item, labels, role);
}

/** The URL in a link line (`Ver tienda online (https://…)` or a bare URL). */
export function urlIn(text: string | undefined): string | undefined {
  const m = text ? /https?:\/\/[^\s)>\]]+/.exec(text) : null;
  return m ? m[0].replace(/[.,;]+$/, '') : undefined;
}
