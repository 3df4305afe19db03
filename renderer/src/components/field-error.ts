// What a form's parser throws when one field's value cannot be sent: the field it names (the form
// shows the message there and marks that input invalid) and the message. One class for every form,
// typed by the form's values so a parser can only name a field its form has.
export class FieldError<V> extends Error {
  constructor(
    readonly field: keyof V,
    message: string,
  ) {
    super(message);
  }
}
