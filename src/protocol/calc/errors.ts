// Every failure of an expression, as the text after "ERROR " in the reply.
export class CalcError extends Error {}

/** The input is not in the grammar; Python would raise SyntaxError. */
export function syntaxError(detail: string): CalcError {
  return new CalcError(`invalid expression: ${detail}`);
}
