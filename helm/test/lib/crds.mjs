// Custom resources against the CRDs' openAPIV3Schema, strictly: an object schema that lists properties and
// does not preserve unknown fields rejects any other field, as the API server's strict field validation does.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import Ajv from 'ajv';

function strict(node) {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === 'properties' || k === 'patternProperties' || k === 'definitions'
      ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strict(s)]))
      : strict(v);
  }
  if (out['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

// CRD patterns are Go regular expressions: a leading (?i) is a flag there, not a JavaScript group.
function goRegExp(pattern, flags) {
  const m = pattern.match(/^(\^?)\(\?i\)(.*)$/s);
  return m ? new RegExp(m[1] + m[2], `${flags}i`) : new RegExp(pattern, flags);
}
goRegExp.code = 'goRegExp';

export function loadCrdValidators(dir) {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } });
  const byType = new Map();
  for (const f of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) {
        if (!v.served) continue;
        const schema = strict(v.schema.openAPIV3Schema);
        // apiVersion, kind and metadata are checked by the API server itself, not by the CRD schema.
        schema.properties = { ...schema.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
        byType.set(`${crd.spec.group}/${v.name}:${crd.spec.names.kind}`, { validate: ajv.compile(schema), file: f });
      }
    }
  }
  return {
    size: byType.size,
    has: (o) => byType.has(`${o.apiVersion}:${o.kind}`),
    validate(o) {
      const { validate } = byType.get(`${o.apiVersion}:${o.kind}`);
      if (validate(o)) return [];
      return validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` '${e.params.additionalProperty}'` : ''}`);
    },
  };
}
