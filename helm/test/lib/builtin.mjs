// Built-in kinds: kubernetes-models' validators (types, required fields, enums, formats) plus a TypeScript
// excess-property check against its generated interfaces, which turns every unknown field into an error the way
// an API server with strict field validation does.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import ts from 'typescript';

const require = createRequire(import.meta.url);
const scratch = join(dirname(fileURLToPath(import.meta.url)), '..', '.tools', 'typecheck');

// apiVersion -> kubernetes-models entry point; kinds are its exports.
const GROUPS = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'policy/v1': 'kubernetes-models/policy/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'coordination.k8s.io/v1': 'kubernetes-models/coordination.k8s.io/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
};

export function isBuiltIn(o) {
  const mod = GROUPS[o.apiVersion];
  return Boolean(mod && require(mod)[o.kind]);
}

export function validateBuiltIn(o) {
  const Model = require(GROUPS[o.apiVersion])[o.kind];
  try {
    new Model(o).validate();
    return [];
  } catch (e) {
    return [(e.message ?? String(e)).split('\n').slice(0, 5).join(' ')];
  }
}

/**
 * Type-checks objects as object literals of their interface; items shaped {metadataOnly, kind} (custom
 * resources, whose CRD schemas say nothing about metadata) are checked as ObjectMeta. Returns error strings.
 */
export function typeCheckStrict(name, objects) {
  mkdirSync(scratch, { recursive: true });
  const file = join(scratch, `${name}.ts`);
  const lines = ['import type { IIoK8sApimachineryPkgApisMetaV1ObjectMeta as ObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";'];
  const imports = new Map();
  objects.forEach((o, i) => {
    if (o.metadataOnly !== undefined) {
      lines.push(`// ${o.kind} ${o.metadataOnly?.name}`, `export const m${i}: ObjectMeta = ${JSON.stringify(o.metadataOnly ?? {}, null, 1)};`);
      return;
    }
    const alias = `${o.kind}_${Object.keys(GROUPS).indexOf(o.apiVersion)}`;
    imports.set(alias, `import type { I${o.kind} as ${alias} } from "${GROUPS[o.apiVersion]}";`);
    lines.push(`// ${o.kind} ${o.metadata?.name}`, `export const o${i}: ${alias} = ${JSON.stringify(o, null, 1)};`);
  });
  writeFileSync(file, [...imports.values(), ...lines].join('\n') + '\n');
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, skipLibCheck: true, types: [],
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
  });
  const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file || !d.file);
  const text = diags.map((d) => {
    const where = d.file ? d.file.getLineAndCharacterOfPosition(d.start) : null;
    const objectLine = where ? findObject(d.file.text, d.start) : '';
    return `${objectLine}${where ? ` line ${where.line + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
  if (text.length === 0) rmSync(file);
  return text;
}

function findObject(source, pos) {
  const before = source.slice(0, pos);
  const i = before.lastIndexOf('\n// ');
  return i < 0 ? '' : before.slice(i + 4, before.indexOf('\n', i + 1));
}
