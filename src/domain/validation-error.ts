/**
 * Input that breaks a rule of the contract. `field` names the offending field
 * (as the API spells it), so every transport can tell the caller what to fix.
 */
export class ValidationError extends Error {
  override readonly name = "ValidationError";

  /**
   * @param field the field, in the API's snake_case spelling (e.g. `max_size`).
   * @param message a sentence that starts with the field name.
   */
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
