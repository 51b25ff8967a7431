/**
 * Every error code the server can send, read from its source with the TypeScript parser (not a list kept
 * by hand, which would drift): `new HttpError(status, 'code', …)`, `conflict(…, …, 'code')`, the helpers with
 * a fixed code (badRequest, forbidden, notFound, unauthenticated, validationError, duplicateKeyToConflict)
 * and socket replies `{ error: { code: 'code' } }`. A reason given beside a code (`withParams(…, { reason })`)
 * is collected too, so the client can say that case in its own words.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const FIXED: Record<string, string> = {
  badRequest: 'bad_request',
  forbidden: 'forbidden',
  notFound: 'not_found',
  unauthenticated: 'unauthenticated',
  validationError: 'validation_failed',
  duplicateKeyToConflict: 'conflict',
};

export interface ThrownCode {
  code: string;
  reason?: string;
  /** For notFound(what): the constant start of `what` ("Evidence file " of `Evidence file ${id}`). */
  what?: string;
  where: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

const literal = (node: ts.Node | undefined) =>
  node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
const calleeName = (call: ts.CallExpression | ts.NewExpression) => (ts.isIdentifier(call.expression) ? call.expression.text : undefined);

/** The code a call creates, when it is one of the error constructors. */
function codeOf(node: ts.Node): string | undefined {
  if (ts.isNewExpression(node) && calleeName(node) === 'HttpError') return literal(node.arguments?.[1]);
  if (!ts.isCallExpression(node)) return undefined;
  const name = calleeName(node);
  if (name === 'conflict') return node.arguments.length >= 3 ? literal(node.arguments[2]) : 'conflict';
  return name ? FIXED[name] : undefined;
}

function notFoundWhat(node: ts.Node): { what?: string } {
  if (!ts.isCallExpression(node) || calleeName(node) !== 'notFound') return {};
  const arg = node.arguments[0];
  if (arg && ts.isTemplateExpression(arg)) return { what: arg.head.text };
  const text = literal(arg);
  return text === undefined ? {} : { what: text };
}

export function thrownErrorCodes(root: string): ThrownCode[] {
  const found: ThrownCode[] = [];
  for (const file of sourceFiles(root)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) =>
      `${path.relative(path.dirname(root), file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      const code = codeOf(node);
      if (code) found.push({ code, where: where(node), ...notFoundWhat(node) });
      // withParams(conflict(…, 'code'), { reason: 'why' })
      if (ts.isCallExpression(node) && calleeName(node) === 'withParams') {
        const inner = node.arguments[0] && codeOf(node.arguments[0]);
        const params = node.arguments[1];
        if (inner && params && ts.isObjectLiteralExpression(params)) {
          for (const p of params.properties) {
            if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'reason' && literal(p.initializer))
              found.push({ code: inner, reason: literal(p.initializer), where: where(p) });
          }
        }
      }
      // Socket replies built by hand: { error: { code: 'internal', … } }
      if (
        ts.isPropertyAssignment(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === 'error' &&
        ts.isObjectLiteralExpression(node.initializer)
      ) {
        for (const p of node.initializer.properties) {
          if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'code' && literal(p.initializer))
            found.push({ code: literal(p.initializer)!, where: where(p) });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}
