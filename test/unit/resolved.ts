import {
  AUTO,
  type ContentTypeConfig,
  type ResolvedContentType,
} from '../../functions/core/shared/config/schema.js';

/**
 * A configured type as a run would use it on a site that has everything its configuration names (the
 * reference mall's types name their REST base, labels and taxonomies). For tests that start after
 * discovery: an `"auto"` type resolves to no taxonomies and its name as label.
 */
export function resolvedType(type: ContentTypeConfig): ResolvedContentType {
  return {
    ...type,
    restBase: type.restBase ?? type.name,
    label: type.label ?? type.name,
    labelPlural: type.labelPlural ?? type.label ?? type.name,
    taxonomies: type.taxonomies === AUTO ? [] : type.taxonomies,
  };
}

/** The type of that name in a configuration, resolved as above. */
export function resolvedTypeNamed(
  config: { contentTypes: ContentTypeConfig[] },
  name: string,
): ResolvedContentType {
  const type = config.contentTypes.find((t) => t.name === name);
  if (!type) throw new Error(`no content type ${name} in the config`);
  return resolvedType(type);
}
