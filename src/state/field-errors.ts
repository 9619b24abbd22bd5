const FIELD_ERRORS = Symbol("hyperstate.fieldErrors");

/** What a handler returns to show messages next to a form's fields. */
export interface FieldErrors {
  readonly [FIELD_ERRORS]: Readonly<Record<string, string>>;
}

/**
 * Messages to show next to fields, by field name: the page renders each
 * beside its field and keeps what the person typed.
 *
 * ```ts
 * async add(fields: { text: string }) {
 *   if (!fields.text.trim()) return fieldErrors(fields, { text: "Write something first" });
 * }
 * ```
 */
export function fieldErrors<F extends object>(fields: F, errors: { [K in keyof F & string]?: string }): FieldErrors;
export function fieldErrors(errors: Record<string, string>): FieldErrors;
export function fieldErrors(first: object, second?: Record<string, string | undefined>): FieldErrors {
  const given = (second ?? first) as Record<string, string | undefined>;
  const errors: Record<string, string> = {};
  for (const [name, message] of Object.entries(given)) if (typeof message === "string") errors[name] = message;
  return { [FIELD_ERRORS]: errors };
}

export function isFieldErrors(value: unknown): value is FieldErrors {
  return typeof value === "object" && value !== null && FIELD_ERRORS in value;
}

export function errorsOf(value: FieldErrors): Readonly<Record<string, string>> {
  return value[FIELD_ERRORS];
}
