/**
 * Checks a JSON value against an OpenAPI 3.0 schema of the hub's document, strictly: an object may hold only the
 * properties its schema names (unless it declares additionalProperties), so an answer with an undocumented field
 * fails — which is how the document (and the client types generated from it) would drift from the server.
 */
type Schema = Record<string, any>;

export function schemaProblems(doc: Schema, schema: Schema, value: unknown, at = '$'): string[] {
  const resolved = resolve(doc, schema);
  if (value === null) return resolved.nullable || isNullOnly(resolved) ? [] : [`${at}: null where the schema allows none`];
  if (resolved.allOf) return schemaProblems(doc, mergeAll(doc, resolved), value, at);
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (!resolved[key]) continue;
    const tried = (resolved[key] as Schema[]).map((member) => schemaProblems(doc, member, value, at));
    return tried.some((p) => p.length === 0) ? [] : [`${at}: matches none of ${key}: ${tried.map((p) => p[0]).join(' | ')}`];
  }
  if (resolved.enum && !resolved.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(resolved.enum)}`];
  switch (resolved.type) {
    case 'string':
      return typeof value === 'string' ? [] : [`${at}: ${typeof value} where a string is documented`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: ${typeof value} where a boolean is documented`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: ${JSON.stringify(value)} where an integer is documented`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at}: ${typeof value} where a number is documented`];
    case 'array':
      if (!Array.isArray(value)) return [`${at}: ${typeof value} where an array is documented`];
      return value.flatMap((item, i) => schemaProblems(doc, resolved.items ?? {}, item, `${at}[${i}]`));
    case 'object':
      return objectProblems(doc, resolved, value, at);
    default:
      // No type: any value (z.unknown), or an object described by properties alone.
      return resolved.properties ? objectProblems(doc, resolved, value, at) : [];
  }
}

function objectProblems(doc: Schema, schema: Schema, value: unknown, at: string): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${at}: ${typeof value} where an object is documented`];
  const properties: Record<string, Schema> = schema.properties ?? {};
  const record = value as Record<string, unknown>;
  const problems = (schema.required ?? [])
    .filter((name: string) => !(name in record))
    .map((name: string) => `${at}.${name}: documented as required, missing`);
  for (const [name, field] of Object.entries(record)) {
    if (properties[name]) problems.push(...schemaProblems(doc, properties[name], field, `${at}.${name}`));
    else if (typeof schema.additionalProperties === 'object')
      problems.push(...schemaProblems(doc, schema.additionalProperties, field, `${at}.${name}`));
    else if (schema.additionalProperties !== true) problems.push(`${at}.${name}: not in the document`);
  }
  return problems;
}

function resolve(doc: Schema, schema: Schema): Schema {
  let s = schema;
  while (s.$ref) s = doc.components.schemas[String(s.$ref).replace('#/components/schemas/', '')];
  return s;
}

function isNullOnly(schema: Schema): boolean {
  return schema.nullable === true || (schema.anyOf ?? schema.oneOf ?? []).some((m: Schema) => m.nullable === true && !m.type && !m.$ref);
}

/** allOf (an extended or annotated schema): one object schema with every member's properties. */
function mergeAll(doc: Schema, schema: Schema): Schema {
  const { allOf, ...rest } = schema;
  // One member: an annotated reference (`.nullable().openapi({...})` on a named schema), whatever its kind.
  if (allOf.length === 1) {
    const only = resolve(doc, allOf[0]);
    return { ...only, nullable: Boolean(schema.nullable || only.nullable) };
  }
  const merged: Schema = { ...rest, properties: { ...(rest.properties ?? {}) }, required: [...(rest.required ?? [])] };
  for (const member of (allOf as Schema[]).map((m) => resolve(doc, m))) {
    const flat = member.allOf ? mergeAll(doc, member) : member;
    if (!flat.properties && !flat.type) continue;
    Object.assign(merged.properties, flat.properties ?? {});
    merged.required.push(...(flat.required ?? []));
    merged.type = 'object';
    if (flat.nullable) merged.nullable = true;
  }
  return merged;
}
